"""`complaintbot keys rotate`: put a new secret key in place and re-seal everything with it.

Where the keys are given:

- with a key file (the default, `COMPLAINTBOT_SECRET_KEY_FILE` or `<data dir>/secret.key`):
  `keys rotate` makes a new secret, writes it as the file's first line and keeps the old
  ones below it (retired), then re-seals. Nothing else to change.
- with `COMPLAINTBOT_SECRET_KEY`: first set the new secret there and move the old one to
  `COMPLAINTBOT_RETIRED_SECRET_KEYS` (restart the servers with both), then run `keys rotate`
  to re-seal everything under the new one.

Stop `serve` while rotating with a key file: running servers would not know the new key.
A retired key may be dropped once `keys rotate` reports that nothing uses it any more.

Registered by `bot.cli.main` through `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from bot.app import key_file_path, load_keyring, open_file_store
from bot.config import Settings
from messages.cli import keys as msg
from storage import crypto
from storage.db import make_engine, migrate
from storage.protect.rotation import rotate


def _rotate(_args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if settings.secret_key:
        ring = load_keyring(settings)
        if len(ring.key_ids) == 1:
            print(msg.ENV_NEEDS_RETIRED, file=sys.stderr)
            return 2
    else:
        path = key_file_path(settings)
        crypto.ensure_key_file(path)
        old = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        crypto.write_key_file(path, [crypto.new_secret_text(), *old])  # before any re-seal
        print(msg.NEW_KEY_WRITTEN.format(path=path))
        ring = load_keyring(settings)
    crypto.configure(ring)
    db = make_engine(settings.database_url)
    migrate(db)
    report = rotate(db, open_file_store(settings, db), progress=_bar)
    db.dispose()
    print(msg.CURRENT_KEY.format(key_id=ring.current_id))
    for table, count in report.rows.items():
        print(msg.RESEALED_ROWS.format(table=table, count=count))
    print(msg.RESEALED_FILES.format(count=report.files))
    for key_id in ring.key_ids[1:]:
        count = report.codes_per_key.get(key_id, 0)
        if count:
            print(msg.CODES_UNDER_RETIRED.format(count=count, key_id=key_id))
        else:
            print(msg.RETIRED_UNUSED.format(key_id=key_id))
    return 0


def _bar(items: list) -> tqdm:
    return tqdm(items, file=sys.stderr, disable=None, leave=False)


def register(subparsers: argparse._SubParsersAction) -> None:
    keys = subparsers.add_parser("keys", help="the secret key that seals tip content")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    keys_sub.add_parser(
        "rotate", help="put a new key in place and re-seal every sealed value and file with it"
    ).set_defaults(func=_rotate)
