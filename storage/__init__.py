"""Persistence: SQLModel tables, repositories that never commit, migrations, file store."""
