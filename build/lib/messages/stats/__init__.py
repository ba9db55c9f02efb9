"""Thai words of the statistics: labels, headings, the chat summary and its staff button."""
