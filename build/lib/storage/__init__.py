"""Persistence: SQLModel tables, repositories that never commit, migrations, file store.

At the top, the engine and migrations, sealing (`crypto`), the core tables, conversations,
organisations and their settings. Each subpackage is one capability. May import `messages`
for Thai words (never `handlers` or `bot`).
"""
