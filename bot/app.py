"""Wiring: settings in, a ready core out. Nothing here runs at import time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.config import Settings
from handlers.engine import ConversationEngine
from handlers.flow import Deps
from storage import crypto, orgs, startup
from storage.blobs.choose import open_blobs
from storage.db import make_engine, migrate
from storage.files import FileStore
from storage.timeutil import utcnow


class UnknownOrganisation(LookupError):
    pass


@dataclass
class Core:
    settings: Settings
    db: Engine
    files: FileStore
    org_id: int
    engine: ConversationEngine


def key_file_path(settings: Settings) -> Path:
    """The key file: configured, or beside the file store's directory (the data dir)."""
    return settings.secret_key_file or Path(settings.files_dir).parent / "secret.key"


def load_keyring(settings: Settings) -> crypto.Keyring:
    """The deployment's keyring: `COMPLAINTBOT_SECRET_KEY`, else the key file (created on first
    use, so the demo runs with no configuration; production keeps the key elsewhere).

    Retired secrets follow the current one: `COMPLAINTBOT_RETIRED_SECRET_KEYS`, or the key
    file's later lines (`complaintbot keys rotate` writes them there).
    """
    retired = [crypto.parse_secret(text) for text in settings.retired_secret_keys]
    if settings.secret_key:
        return crypto.Keyring([crypto.parse_secret(settings.secret_key), *retired])
    path = key_file_path(settings)
    crypto.ensure_key_file(path)
    return crypto.Keyring([*crypto.read_key_file_ring(path), *retired])


def open_file_store(settings: Settings, db: Engine) -> FileStore:
    """The deployment's file store: on disk, in the database or in S3 (`storage.blobs`)."""
    blobs = open_blobs(settings.files_store, settings.files_dir, db, settings.files_url)
    return FileStore(blobs)


def build_core(settings: Settings, *, org_slug: str | None = None) -> Core:
    """Open the database (migrating it), make sure the default organisation exists, and
    build the conversation engine for `org_slug` (default: the configured organisation)."""
    db = make_engine(settings.database_url)
    with startup.exclusive(db), Session(db) as session:
        crypto.configure(load_keyring(settings))  # under the lock: the demo key file is made once
        migrate(db)
        with session.begin():
            default = orgs.ensure(
                session,
                slug=settings.org_slug,
                name=settings.org_name,
                phone=settings.org_phone,
                website=settings.org_website,
                address=settings.org_address,
            )
            org = (
                default
                if org_slug in (None, settings.org_slug)
                else orgs.by_slug(session, org_slug)
            )
            if org is None:
                raise UnknownOrganisation(org_slug)
            org_id = org.id
    files = open_file_store(settings, db)
    web = settings.public_url or f"http://{settings.host}:{settings.port}"
    engine = ConversationEngine(db, org_id, Deps(files=files, clock=utcnow, public_url=web))
    return Core(settings=settings, db=db, files=files, org_id=org_id, engine=engine)
