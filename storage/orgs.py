"""Organisations: one deployment can serve several; the default one comes from settings."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Organisation


def by_slug(session: Session, slug: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.slug == slug)).first()


def ensure(
    session: Session, *, slug: str, name: str, phone: str = "", website: str = "", address: str = ""
) -> Organisation:
    """The organisation with this slug, created from these details if it does not exist yet."""
    org = by_slug(session, slug)
    if org is None:
        org = Organisation(slug=slug, name=name, phone=phone, website=website, address=address)
        session.add(org)
        session.flush()
    return org
