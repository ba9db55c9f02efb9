"""The conversation core: channel-neutral, returns replies instead of sending them.

At the top, the engine (one committed turn per event), the router, the flow shape, the neutral
types, the main menu and the outbox codec. Each subpackage is one capability. May import
`storage` and `messages`; never `bot` or a chat SDK.
"""
