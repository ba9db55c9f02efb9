"""Text and vocabulary for reading free text: what citizens type, per intent and category."""
