"""The chat-account repository: which bot account answers for which organisation.

Repositories never commit. `version` lets a serving process notice an account added or
changed by the CLI (another process) without a restart, at the cost of one small query.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlmodel import Session, select

from storage.hosting.account_models import SHARED, ChatAccount
from storage.timeutil import utcnow

PLATFORMS = ("line", "telegram")


def account_key(platform: str, owner: str) -> str:
    """ "line:acme", "telegram:shared": the account's name, also its webhook's path part."""
    return f"{platform}:{owner}"


def get(session: Session, platform: str, owner: str) -> ChatAccount | None:
    return session.get(ChatAccount, account_key(platform, owner))


def for_org(session: Session, platform: str, org_id: int) -> ChatAccount | None:
    return session.exec(
        select(ChatAccount).where(ChatAccount.platform == platform, ChatAccount.org_id == org_id)
    ).first()


def all_accounts(session: Session) -> list[ChatAccount]:
    return list(session.exec(select(ChatAccount).order_by(ChatAccount.key)).all())


def put(
    session: Session,
    platform: str,
    owner: str,
    *,
    org_id: int | None,
    secret: str = "",
    token: str,
) -> ChatAccount:
    """Create or replace an account's credentials. A Telegram account gets a fresh webhook
    secret token the first time (Telegram sends it back with every post)."""
    assert platform in PLATFORMS
    row = get(session, platform, owner)
    if row is None:
        row = ChatAccount(key=account_key(platform, owner), platform=platform, org_id=org_id)
    row.secret, row.token = secret, token
    if platform == "telegram" and not row.webhook_secret:
        row.webhook_secret = secrets.token_urlsafe(32)
    row.updated_at = utcnow()
    session.add(row)
    return row


def version(session: Session) -> tuple[int, str]:
    """Changes whenever an account is added, replaced or removed."""
    count, latest = session.execute(
        sa.select(sa.func.count(), sa.func.max(ChatAccount.updated_at))
    ).one()
    return int(count), str(latest)


__all__ = ["SHARED", "ChatAccount", "account_key", "all_accounts", "for_org", "get", "put",
           "version"]  # fmt: skip
