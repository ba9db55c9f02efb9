"""The health of every hosted organisation's LINE and Telegram account, for `complaintbot
doctor` and the office's host console.

By default nothing leaves the machine: each account's sealed secrets are opened with the
deployment's key and checked for shape, in a few queries whatever the number of
organisations. `online` asks the platforms too (a token that works, a webhook pointing here),
one account at a time over a few threads: a host asks for it, for one organisation or all.
Secrets never appear in what is reported.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa

from bot.config import Settings
from messages.cli import doctor_accounts as msg
from messages.cli.doctor import Say
from storage import crypto
from storage.hosting.account_models import SHARED
from storage.hosting.accounts import PLATFORMS

LINE_API = "https://api.line.me"
TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")  # "123456:ABC-…" from @BotFather
MAX_PENDING = 100
WORKERS = 8
TIMEOUT = 10.0
SEALED = ("secret", "token", "webhook_secret")


class State(StrEnum):
    OK = "ok"
    NOT_SET = "not_set"
    FAILING = "failing"


STATE_SAY = {State.OK: msg.STATE_OK, State.NOT_SET: msg.STATE_NOT_SET,
             State.FAILING: msg.STATE_FAILING}  # fmt: skip


@dataclass
class AccountHealth:
    """One account slot: an organisation's (or the shared) account on one platform."""

    owner: str  # the organisation's slug, or "shared"
    name: str  # the organisation's name ("" for shared)
    platform: str
    state: State
    why: Say | None = None
    token: str = field(default="", repr=False)  # only while checking online; then cleared


@dataclass
class AccountsReport:
    accounts: list[AccountHealth]
    orgs: int
    online: bool
    seconds: float
    unreachable: list[str]  # slugs no citizen can reach: no account, not on the shared map

    def count(self, platform: str, state: State) -> int:
        return sum(a.platform == platform and a.state == state and a.owner != SHARED
                   for a in self.accounts)  # fmt: skip

    def shared(self) -> list[AccountHealth]:
        return [a for a in self.accounts if a.owner == SHARED]

    def of(self, owner: str) -> list[AccountHealth]:
        return [a for a in self.accounts if a.owner == owner]


def keyring_for(settings: Settings) -> crypto.Keyring | None:
    """The deployment's keyring, read without creating a key file (None if there is none)."""
    from bot.app import key_file_path

    retired = [crypto.parse_secret(t) for t in settings.retired_secret_keys]
    try:
        if settings.secret_key:
            return crypto.Keyring([crypto.parse_secret(settings.secret_key), *retired])
        path = key_file_path(settings)
        if not path.exists():
            return None
        return crypto.Keyring([*crypto.read_key_file_ring(path), *retired])
    except (OSError, ValueError):
        return None


def check_accounts(
    settings: Settings,
    db: sa.Engine,
    *,
    online: bool = False,
    only: Iterable[str] | None = None,
    public_url: str | None = None,
    http: httpx.Client | None = None,
    ring: crypto.Keyring | None = None,
) -> AccountsReport:
    """Every organisation's account slots (or those of the slugs in `only`), and the shared
    accounts. `public_url` is where webhooks should point (default: the settings')."""
    started = time.perf_counter()
    ring = ring or keyring_for(settings)
    wanted = set(only) if only is not None else None
    org_t = sa.table("organisation", sa.column("id"), sa.column("slug"), sa.column("name"))
    sealed = (sa.column(c, sa.LargeBinary) for c in SEALED)
    acc_t = sa.table("chat_account", sa.column("key"), sa.column("platform"),
                     sa.column("org_id"), *sealed)  # fmt: skip
    place_t = sa.table("place_org", sa.column("org_id"))
    with db.connect() as conn:
        org_rows = conn.execute(sa.select(org_t.c.id, org_t.c.slug, org_t.c.name)
                                .order_by(org_t.c.slug)).all()  # fmt: skip
        acc_rows = conn.execute(sa.select(acc_t)).all()
        mapped = {r[0] for r in conn.execute(sa.select(place_t.c.org_id).distinct())}
    orgs = [(i, s, n) for i, s, n in org_rows if wanted is None or s in wanted]
    by_slot = {(r.platform, r.org_id if r.org_id is not None else SHARED): r for r in acc_rows}
    found: list[AccountHealth] = []
    env = _env_accounts(settings)
    for org_id, slug, name in orgs:
        for platform in PLATFORMS:
            row = by_slot.get((platform, org_id))
            if row is not None:
                found.append(_opened(row, slug, name, ring))
            elif slug == settings.org_slug and platform in env:
                found.append(AccountHealth(slug, name, platform, State.OK, msg.FROM_ENVIRONMENT))
            else:
                found.append(AccountHealth(slug, name, platform, State.NOT_SET))
    for platform in PLATFORMS:
        row = by_slot.get((platform, SHARED))
        if row is not None and (wanted is None or SHARED in wanted):
            found.append(_opened(row, SHARED, "", ring))
    shared = bool(by_slot.keys() & {(p, SHARED) for p in PLATFORMS})
    reachable = {a.owner for a in found if a.state is not State.NOT_SET}
    unreachable = [s for i, s, _n in orgs if s not in reachable and not (shared and i in mapped)]
    if online:
        _ask_platforms(settings, found, public_url or settings.public_url, http)
    for account in found:
        account.token = ""
    return AccountsReport(found, len(orgs), online, time.perf_counter() - started, unreachable)


def _env_accounts(settings: Settings) -> set[str]:
    out = set()
    if settings.line_channel_access_token and settings.line_channel_secret:
        out.add("line")
    if settings.telegram_bot_token:
        out.add("telegram")
    return out


def _opened(row, owner: str, name: str, ring: crypto.Keyring | None) -> AccountHealth:
    """The slot of a stored account, checked without the network."""
    values = {}
    for column in SEALED:
        blob = getattr(row, column)
        if blob is None:
            values[column] = ""
            continue
        if ring is None:
            return AccountHealth(owner, name, row.platform, State.FAILING, msg.SEALED_WRONG_KEY)
        try:
            place = crypto.binding(f"chat_account.{column}")
            values[column] = ring.open(bytes(blob), "account", place).decode("utf-8")
        except (crypto.SealError, UnicodeDecodeError):
            return AccountHealth(owner, name, row.platform, State.FAILING, msg.SEALED_WRONG_KEY)
    token = values["token"].strip()
    why = None
    if not token:
        why = msg.EMPTY_TOKEN
    elif row.platform == "line" and not values["secret"].strip():
        why = msg.EMPTY_SECRET
    elif row.platform == "telegram" and not TELEGRAM_TOKEN.match(token):
        why = msg.BAD_TELEGRAM_TOKEN
    if why is not None:
        return AccountHealth(owner, name, row.platform, State.FAILING, why)
    return AccountHealth(owner, name, row.platform, State.OK, token=token)


# -- asking the platforms ----------------------------------------------------------------


def _ask_platforms(
    settings: Settings, found: list[AccountHealth], public_url: str, http: httpx.Client | None
) -> None:
    todo = [a for a in found if a.state is State.OK and a.token]
    if not todo:
        return
    client = http or httpx.Client(timeout=TIMEOUT, trust_env=True)
    try:
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(todo))) as pool:
            list(pool.map(lambda a: _ask(settings, client, a, public_url.rstrip("/")), todo))
    finally:
        if http is None:
            client.close()


def _ask(settings: Settings, http: httpx.Client, account: AccountHealth, public: str) -> None:
    if account.platform == "line":
        why, ok = _ask_line(settings, http, account, public)
    else:
        why, ok = _ask_telegram(settings, http, account, public)
    account.state = State.OK if ok else State.FAILING
    account.why = why


def _get(http: httpx.Client, url: str, headers: dict[str, str]) -> tuple[object, Say | None]:
    """The JSON answer, or why there is none (the host and status only: never the URL)."""
    host = urlsplit(url).netloc
    try:
        response = http.get(url, headers=headers)
    except httpx.HTTPError as exc:
        return None, msg.UNREACHABLE.format(host=host, error=type(exc).__name__)
    if response.status_code in (401, 403):
        return None, msg.TOKEN_REFUSED
    if response.status_code >= 400:
        return None, msg.PLATFORM_ERROR.format(host=host, status=response.status_code)
    try:
        return response.json(), None
    except ValueError:
        return None, msg.PLATFORM_ERROR.format(host=host, status=response.status_code)


def _ask_line(settings, http, account, public) -> tuple[Say | None, bool]:
    base = (settings.line_api_host or LINE_API).rstrip("/")
    auth = {"Authorization": f"Bearer {account.token}"}
    info, why = _get(http, base + "/v2/bot/info", auth)
    if why is not None:
        return why, False
    hook, why = _get(http, base + "/v2/bot/channel/webhook/endpoint", auth)
    if why is not None:
        return why, False
    if not public:
        return msg.NO_PUBLIC_URL, False
    expected = f"{public}/line/{account.owner}/webhook"
    endpoint = (hook or {}).get("endpoint") or ""
    if endpoint != expected:
        return msg.WRONG_WEBHOOK.format(actual=endpoint or "-", expected=expected), False
    if not (hook or {}).get("active"):
        return msg.WEBHOOK_OFF, False
    name = (info or {}).get("displayName") or (info or {}).get("basicId") or "?"
    return msg.VERIFIED_AS.format(name=name, endpoint=endpoint), True


def _ask_telegram(settings, http, account, public) -> tuple[Say | None, bool]:
    base = (settings.telegram_api_base_url or TELEGRAM_API).rstrip("/")
    me, why = _get(http, f"{base}{account.token}/getMe", {})
    if why is not None:
        return why, False
    info, why = _get(http, f"{base}{account.token}/getWebhookInfo", {})
    if why is not None:
        return why, False
    if not public:
        return msg.NO_PUBLIC_URL, False
    expected = f"{public}/telegram/{account.owner}/webhook"
    result = (info or {}).get("result", {})
    actual = result.get("url") or ""
    if actual != expected:
        return msg.WRONG_WEBHOOK.format(actual=actual or "-", expected=expected), False
    pending = int(result.get("pending_update_count") or 0)
    if pending > MAX_PENDING:
        return msg.PENDING.format(count=pending), False
    name = "@" + str((me or {}).get("result", {}).get("username", "?"))
    return msg.VERIFIED_AS.format(name=name, endpoint=actual), True
