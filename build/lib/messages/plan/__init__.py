"""Text and vocabulary of the plan service: the status answers and the words citizens use."""
