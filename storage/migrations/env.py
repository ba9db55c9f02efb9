"""Alembic environment: runs on the engine the application hands it."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import storage.blobs.models
import storage.hosting.account_models
import storage.hosting.place_models
import storage.links.models
import storage.models
import storage.office.models
import storage.plan.models
import storage.protect.models
import storage.queues.inbox_models
import storage.staff.models
import storage.stats.models  # noqa: F401

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
