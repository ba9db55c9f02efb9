"""The shared account's chats: the organisation each has chosen. Never commits.

A chat is found by a keyed hash of its id, never the id itself; after `keys rotate` a row
filed under a retired key's hash is found and moved to the current one.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select, update

from storage import crypto
from storage.hosting.place_models import SharedChat
from storage.timeutil import utcnow

PURPOSE = "shared-chat"


def chat_keys(account: str, chat_id: str) -> list[str]:
    return crypto.keyring().macs(f"{account}\0{chat_id}".encode(), PURPOSE)


def lock(session: Session, account: str, chat_id: str) -> SharedChat:
    """The chat's row, created if missing and locked for this transaction."""
    keys = chat_keys(account, chat_id)
    if len(keys) > 1:
        current = session.exec(
            select(SharedChat.id).where(SharedChat.account == account,
                                        SharedChat.chat_key == keys[0])
        ).first()  # fmt: skip
        if current is None:
            session.exec(
                update(SharedChat)
                .where(SharedChat.account == account, SharedChat.chat_key.in_(keys[1:]))
                .values(chat_key=keys[0])
            )
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(SharedChat)
        .values(account=account, chat_key=keys[0], org_id=None, step=None,
                data={}, updated_at=utcnow())
        .on_conflict_do_nothing()
    )  # fmt: skip
    return session.exec(
        select(SharedChat)
        .where(SharedChat.account == account, SharedChat.chat_key == keys[0])
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def chosen_org(session: Session, account: str, chat_id: str) -> int | None:
    """The organisation this chat has chosen, without locking (for reading only)."""
    return session.exec(
        select(SharedChat.org_id).where(
            SharedChat.account == account, SharedChat.chat_key.in_(chat_keys(account, chat_id))
        )
    ).first()
