"""Organisations: one deployment can serve several; the default one comes from settings."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from storage.models import Organisation


def by_slug(session: Session, slug: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.slug == slug)).first()


def ensure(
    session: Session, *, slug: str, name: str, phone: str = "", website: str = "", address: str = ""
) -> Organisation:
    """The organisation with this slug, created from these details if it does not exist yet.

    Safe when several processes start at once: the insert yields to one already made.
    """
    org = by_slug(session, slug)
    if org is None:
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(Organisation)
            .values(slug=slug, name=name, phone=phone, website=website, address=address)
            .on_conflict_do_nothing(index_elements=["slug"])
        )
        org = by_slug(session, slug)
        assert org is not None
    return org
