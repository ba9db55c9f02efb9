"""Text of the citizen flows: complaints, tips, tracking, follow-up, privacy requests."""
