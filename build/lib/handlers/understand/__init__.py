"""How the bot reads free text: what a citizen wants and about what (intent, category,
the plan item), from the vocabulary in `messages.understand`. The flows that act on a reading
live with the citizen; this room imports no other part of `handlers`.
"""
