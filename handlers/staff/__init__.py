"""Staff in the chat: the staff menu, queues, case cards, the actions on a case (shared with
the command line), administration of staff accounts, and the one role check every step calls.
May import `handlers.cases` and `handlers.stats`.
"""
