"""Text printed by the command line, in Thai with English beside it where an IT officer reads."""
