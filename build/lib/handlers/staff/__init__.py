"""Staff in the chat: the staff menu, queues, case cards, statistics on request,
administration of staff accounts, and the one role check every step calls.
May import `handlers.cases` and `handlers.stats`.
"""
