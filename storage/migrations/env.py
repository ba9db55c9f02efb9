"""Alembic environment: runs on the engine the application hands it."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import storage.account_models
import storage.inbox_models
import storage.models
import storage.place_models
import storage.plan_models
import storage.protect_models
import storage.shared_models
import storage.staff_models
import storage.stats_models  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


run_migrations_online()
