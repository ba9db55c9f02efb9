"""Text of serving many organisations: the shared channel's front and the tambon map."""
