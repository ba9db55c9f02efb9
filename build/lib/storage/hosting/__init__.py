"""A deployment serving many organisations: their chat accounts, the map of tambons to
organisations, and the shared channel's chats.
"""
