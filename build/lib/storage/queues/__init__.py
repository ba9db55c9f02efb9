"""The durable queues around a turn: the inbox (events stored before they are acknowledged)
and the outbox (messages to other chats, written in the transaction that caused them).
"""
