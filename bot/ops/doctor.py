"""`complaintbot doctor`: is this deployment fit to serve citizens? Each check says what is
wrong and how to fix it.

Checks only look: nothing is created, migrated or registered. Platform tokens never appear
in the output (errors name the host and the kind of failure, never a URL with a token).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import sqlalchemy as sa
from sqlmodel import SQLModel

from bot.config import Settings
from bot.ops.account_health import STATE_SAY, AccountsReport, check_accounts
from bot.ops.account_health import State as AccountState
from messages.cli import doctor as msg
from messages.cli import doctor_accounts as accounts_msg
from messages.cli.doctor import Say
from storage import crypto
from storage.bad_setting import BadSetting
from storage.blobs import choose as blob_stores
from storage.db import make_engine
from storage.schema import current_revisions, head_revisions

LINE_API = "https://api.line.me"
TELEGRAM_API = "https://api.telegram.org/bot"
TIMEOUT = 10.0
FREE_FAIL_BYTES = 500 * 1024**2  # below this, uploads and backups start failing
FREE_WARN_BYTES = 2 * 1024**3
FREE_WARN_PERCENT = 10
MAX_PENDING_UPDATES = 100
RECENT_ERROR_SECONDS = 3600
CLOCK_WARN_SECONDS = 5
CLOCK_FAIL_SECONDS = 60
_PLATFORM_NAMES = {"line": "LINE", "telegram": "Telegram"}


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"  # works, but should be put right
    FAIL = "fail"  # citizens are (or will be) let down
    SKIP = "skip"  # not configured here


@dataclass(frozen=True)
class Finding:
    level: Level
    said: Say
    fix: Say | None = None


@dataclass(frozen=True)
class Result:
    title: Say
    findings: tuple[Finding, ...]

    @property
    def level(self) -> Level:
        levels = {f.level for f in self.findings}
        for level in (Level.FAIL, Level.WARN, Level.OK):
            if level in levels:
                return level
        return Level.SKIP


@dataclass
class Doctor:
    settings: Settings
    http: httpx.Client
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    # Where sealed columns are declared (the application's tables).
    metadata: sa.MetaData = field(default_factory=lambda: SQLModel.metadata)
    # Date headers of the platforms' answers, to compare our clock with.
    server_dates: list[tuple[str, datetime, datetime]] = field(default_factory=list)
    # The hosted organisations' accounts: ask the platforms too, only these slugs, every slot.
    accounts_online: bool = False
    accounts_only: tuple[str, ...] | None = None
    details: bool = False
    accounts: AccountsReport | None = None

    def run(self) -> list[Result]:
        self.accounts = self._hosted()
        checks = [
            (msg.TITLE_DATABASE, self.database),
            (msg.TITLE_SECRET_KEY, self.secret_key),
            (msg.TITLE_FILES, self.files),
            (msg.TITLE_SERVER, self.server),
            (msg.TITLE_PUBLIC_URL, self.public_url),
            (msg.TITLE_LINE, self.line),
            (msg.TITLE_TELEGRAM, self.telegram),
            (accounts_msg.TITLE, self.hosted_accounts),
            (msg.TITLE_CLOCK, self.clock),  # last: it uses the platforms' Date headers
        ]
        results = [Result(title, tuple(check())) for title, check in checks]
        results = [r for r in results if r.findings or r.title is not accounts_msg.TITLE]
        s = self.settings
        if not (s.line_channel_access_token or s.telegram_bot_token or self._hosts_accounts()):
            nothing = Finding(Level.FAIL, msg.NO_CHANNEL, msg.NO_CHANNEL_FIX)
            results.insert(5, Result(msg.TITLE_CHANNELS, (nothing,)))
        return results

    # -- database --------------------------------------------------------------------------

    def database(self) -> Iterator[Finding]:
        url = self.settings.database_url
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path and path != ":memory:" and not Path(path).exists():
                yield Finding(Level.FAIL, msg.DB_MISSING_FILE.format(path=path), msg.DB_CREATE_FIX)
                return
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                current = current_revisions(conn)
        except sa.exc.SQLAlchemyError as exc:
            error = type(exc.orig or exc).__name__
            yield Finding(
                Level.FAIL, msg.DB_UNREACHABLE.format(error=error), msg.DB_UNREACHABLE_FIX
            )
            return
        finally:
            engine.dispose()
        head = head_revisions()
        shown = ", ".join(current)
        if not current:
            yield Finding(Level.FAIL, msg.DB_EMPTY, msg.DB_CREATE_FIX)
        elif current == head:
            yield Finding(Level.OK, msg.DB_OK.format(revision=shown))
        elif set(current) <= _known_revisions():
            said = msg.DB_BEHIND.format(current=shown, head=", ".join(head))
            yield Finding(Level.FAIL, said, msg.DB_BEHIND_FIX)
        else:
            yield Finding(Level.FAIL, msg.DB_AHEAD.format(current=shown), msg.DB_AHEAD_FIX)

    # -- secret key ------------------------------------------------------------------------

    def secret_key(self) -> Iterator[Finding]:
        s = self.settings
        path = s.secret_key_file
        if s.secret_key:
            text, source = s.secret_key, None
        else:
            if path is None or not path.exists():
                yield Finding(
                    Level.FAIL,
                    msg.KEY_MISSING.format(path=path),
                    msg.KEY_MISSING_FIX.format(path=path),
                )
                return
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                said = msg.KEY_UNREADABLE.format(path=path, error=type(exc).__name__)
                yield Finding(Level.FAIL, said, msg.KEY_UNREADABLE_FIX.format(path=path))
                return
            source = path
        weakness = _weakness(text)
        if weakness is not None:
            yield Finding(Level.FAIL, msg.KEY_WEAK.format(why=weakness), msg.KEY_WEAK_FIX)
            return
        ring = crypto.Keyring([crypto.parse_secret(text)])
        wrong_for = self._sealed_table_not_opened_by(ring)
        if wrong_for is not None:
            yield Finding(Level.FAIL, msg.KEY_WRONG.format(table=wrong_for), msg.KEY_WRONG_FIX)
            return
        if source is None:
            yield Finding(Level.OK, msg.KEY_OK_ENV)
            return
        yield Finding(Level.OK, msg.KEY_OK_FILE.format(path=source))
        mode = stat.S_IMODE(source.stat().st_mode)
        if mode & 0o077:
            yield Finding(
                Level.WARN,
                msg.KEY_OPEN_MODE.format(path=source, mode=f"{mode:o}"),
                msg.KEY_OPEN_MODE_FIX.format(path=source),
            )
        if any(_inside(source, d) for d in self._data_dirs()):
            yield Finding(
                Level.WARN, msg.KEY_IN_DATA_DIR.format(path=source), msg.KEY_IN_DATA_DIR_FIX
            )

    def _data_dirs(self) -> list[Path]:
        dirs = [self.settings.data_dir, self.settings.files_dir]
        url = self.settings.database_url
        if url.startswith("sqlite"):
            dirs.append(Path(url.split("///", 1)[-1]).parent)
        return dirs

    def _sealed_table_not_opened_by(self, ring: crypto.Keyring) -> str | None:
        """A table whose sealed values this key cannot open (checks one value per column)."""
        sealed = [
            (table.name, column.name, column.type)
            for table in self.metadata.tables.values()
            for column in table.columns
            if isinstance(column.type, crypto.SealedText)
        ]
        url = self.settings.database_url
        if not sealed or (url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).exists()):
            return None  # nothing sealed to try (and never create a database file here)
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                for table, column, kind in sealed:
                    raw = sa.column(column, sa.LargeBinary)
                    row = [sa.column(name) for name in kind.row]  # what the value is bound to
                    query = sa.select(raw, *row).select_from(sa.table(table))
                    try:
                        found = conn.execute(query.where(raw.is_not(None)).limit(1)).first()
                    except sa.exc.SQLAlchemyError:
                        continue  # no such table yet: the database check reports it
                    if found is None:
                        continue
                    binding = crypto.binding(f"{table}.{column}", list(found[1:]))
                    try:
                        ring.open(bytes(found[0]), kind.purpose, binding)
                    except crypto.SealError:
                        return table
        except sa.exc.SQLAlchemyError:
            return None
        finally:
            engine.dispose()
        return None

    # -- file store ------------------------------------------------------------------------

    def files(self) -> Iterator[Finding]:
        """Where uploads are kept: the shared store every machine sees, or this disk."""
        s = self.settings
        engine = make_engine(s.database_url)
        try:
            kind = blob_stores.kind_for(s.files_store, engine, s.files_url)
        except BadSetting as bad:
            yield Finding(Level.FAIL, bad.said, msg.FILES_SETTING_FIX)
            return
        finally:
            engine.dispose()
        if kind == "disk":
            yield from self._disk_files()
            return
        if kind == "database":
            yield Finding(Level.OK, msg.FILES_IN_DATABASE)
        else:
            yield from self._s3_files()
        left = _files_under(s.files_dir)
        if left:
            yield Finding(Level.WARN, msg.FILES_LEFT_ON_DISK.format(count=left, path=s.files_dir),
                          msg.FILES_MIGRATE_FIX)  # fmt: skip

    def _s3_files(self) -> Iterator[Finding]:
        from storage.blobs.s3 import S3Blobs  # boto3 is optional

        url = self.settings.files_url
        try:
            S3Blobs(url).exists(".doctor-probe")
        except BadSetting as bad:  # no use checking the bucket: the address is not one
            yield Finding(Level.FAIL, bad.said, msg.FILES_SETTING_FIX)
            return
        except Exception as exc:  # boto3's errors are many: any of them means "not reachable"
            yield Finding(Level.FAIL, msg.FILES_S3_FAILED.format(url=url, error=type(exc).__name__),
                          msg.FILES_S3_FIX)  # fmt: skip
            return
        yield Finding(Level.OK, msg.FILES_IN_S3.format(url=url))

    def _disk_files(self) -> Iterator[Finding]:
        root = self.settings.files_dir
        if not root.exists():
            parent = _nearest_existing(root)
            if os.access(parent, os.W_OK | os.X_OK):
                yield Finding(
                    Level.WARN,
                    msg.FILES_NOT_YET.format(path=root),
                    msg.FILES_NOT_YET_FIX.format(path=root),
                )
                root = parent
            else:
                said = msg.FILES_NOT_WRITABLE.format(path=root, error="PermissionError")
                yield Finding(Level.FAIL, said, msg.FILES_NOT_WRITABLE_FIX.format(path=root))
                return
        try:
            with tempfile.NamedTemporaryFile(dir=root, prefix=".doctor-") as probe:
                probe.write(b"ok")
                probe.flush()
        except OSError as exc:
            said = msg.FILES_NOT_WRITABLE.format(path=root, error=type(exc).__name__)
            yield Finding(Level.FAIL, said, msg.FILES_NOT_WRITABLE_FIX.format(path=root))
            return
        usage = shutil.disk_usage(root)
        free = _size(usage.free)
        percent = round(100 * usage.free / usage.total) if usage.total else 0
        fix = msg.FILES_SPACE_FIX.format(path=root)
        if usage.free < FREE_FAIL_BYTES:
            yield Finding(Level.FAIL, msg.FILES_FULL.format(free=free), fix)
        elif usage.free < FREE_WARN_BYTES or percent < FREE_WARN_PERCENT:
            yield Finding(Level.WARN, msg.FILES_LOW.format(free=free, percent=percent), fix)
        else:
            yield Finding(Level.OK, msg.FILES_OK.format(free=free))

    # -- the bot's own web server ----------------------------------------------------------

    def server(self) -> Iterator[Finding]:
        """Is `complaintbot serve` running here and ready? (Its `/readyz`, on loopback.)"""
        host = self.settings.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        url = f"http://{host}:{self.settings.port}/readyz"
        try:
            # Loopback: never through a proxy from the environment.
            response = httpx.get(url, timeout=5, trust_env=False)
        except httpx.HTTPError:
            yield Finding(Level.FAIL, msg.SERVER_DOWN.format(url=url), msg.SERVER_DOWN_FIX)
            return
        try:
            state = response.json()
        except ValueError:
            state = {}
        if response.status_code == 200 and state.get("ready"):
            yield Finding(Level.OK, msg.SERVER_OK.format(url=url))
            return
        reasons = [f"{k}={state[k]}" for k in ("database", "migrations", "outgoing_backlog")
                   if k in state] or [f"HTTP {response.status_code}"]  # fmt: skip
        said = msg.SERVER_NOT_READY.format(reason=", ".join(reasons))
        yield Finding(Level.FAIL, said, msg.SERVER_NOT_READY_FIX)

    # -- public URL ------------------------------------------------------------------------

    def public_url(self) -> Iterator[Finding]:
        s = self.settings
        needed = bool(s.line_channel_access_token or s.telegram_webhook_url)
        needed = needed or self._hosts_accounts()
        url = s.public_url
        if not url:
            if needed:
                yield Finding(Level.FAIL, msg.URL_MISSING, msg.URL_MISSING_FIX)
            else:
                yield Finding(Level.OK, msg.URL_NOT_NEEDED)
            return
        if urlsplit(url).scheme != "https" or not urlsplit(url).hostname:
            yield Finding(Level.FAIL, msg.URL_NOT_HTTPS.format(url=url), msg.URL_NOT_HTTPS_FIX)
            return
        yield Finding(Level.OK, msg.URL_OK.format(url=url))
        webhook = s.telegram_webhook_url
        if webhook and not webhook.startswith(url + "/"):
            yield Finding(
                Level.WARN,
                msg.URL_TELEGRAM_ELSEWHERE.format(webhook=webhook, url=url),
                msg.URL_TELEGRAM_ELSEWHERE_FIX.format(url=url),
            )

    # -- LINE ------------------------------------------------------------------------------

    def line(self) -> Iterator[Finding]:
        s = self.settings
        if not (s.line_channel_access_token and s.line_channel_secret):
            yield Finding(Level.SKIP, msg.NOT_CONFIGURED)
            return
        base = (s.line_api_host or LINE_API).rstrip("/")
        auth = {"Authorization": f"Bearer {s.line_channel_access_token}"}
        info = yield from self._get_json(base + "/v2/bot/info", auth, base)
        if info is None:
            return
        if info == 401:
            yield Finding(Level.FAIL, msg.LINE_TOKEN_REFUSED, msg.LINE_TOKEN_FIX)
            return
        webhook = yield from self._get_json(base + "/v2/bot/channel/webhook/endpoint", auth, base)
        if webhook is None or webhook == 401:
            return
        expected = (s.public_url or "https://?") + "/line/webhook"
        endpoint = webhook.get("endpoint") or ""
        fix = msg.LINE_WEBHOOK_FIX.format(expected=expected)
        if endpoint != expected:
            shown = endpoint or msg.NO_ENDPOINT
            said = msg.LINE_WRONG_WEBHOOK.format(endpoint=shown, expected=expected)
            yield Finding(Level.FAIL, said, fix)
        elif not webhook.get("active"):
            yield Finding(Level.FAIL, msg.LINE_WEBHOOK_OFF, fix)
        else:
            name = info.get("displayName") or info.get("basicId") or "?"
            yield Finding(Level.OK, msg.LINE_OK.format(name=name, endpoint=endpoint))

    # -- hosted organisations' accounts ----------------------------------------------------

    def _hosted(self) -> AccountsReport | None:
        """Every hosted account's state (None without a database to read, or for a single
        organisation with no account in the database: the checks above cover it)."""
        url = self.settings.database_url
        if url.startswith("sqlite") and not Path(url.split("///", 1)[-1]).exists():
            return None
        engine = make_engine(url)
        try:
            report = check_accounts(
                self.settings, engine, online=self.accounts_online, only=self.accounts_only,
                http=self.http if self.accounts_online else None,
            )  # fmt: skip
        except sa.exc.SQLAlchemyError:
            return None  # no tables yet: the database check says so
        finally:
            engine.dispose()
        return report if _stored(report) or report.orgs > 1 or self.accounts_only else None

    def _hosts_accounts(self) -> bool:
        return self.accounts is not None and _stored(self.accounts)

    def hosted_accounts(self) -> Iterator[Finding]:
        report = self.accounts
        if report is None:
            return
        say = accounts_msg
        for platform in ("line", "telegram"):
            counts = {state.value: report.count(platform, state) for state in AccountState}
            said = say.SUMMARY.format(platform=_PLATFORM_NAMES[platform], orgs=report.orgs,
                                      **counts)  # fmt: skip
            if counts["failing"]:
                yield Finding(Level.FAIL, said, say.FAILING_FIX)
            else:
                yield Finding(Level.OK, said)
        for shared in report.shared():
            state = STATE_SAY[shared.state]
            if shared.why is not None:
                state = Say(f"{state.th}: {shared.why.th}", f"{state.en}: {shared.why.en}")
            said = say.SHARED_SUMMARY.format(platform=_PLATFORM_NAMES[shared.platform],
                                             state=state)  # fmt: skip
            level = Level.FAIL if shared.state is AccountState.FAILING else Level.OK
            yield Finding(level, said, say.FAILING_FIX if level is Level.FAIL else None)
        if report.unreachable:
            slugs = ", ".join(report.unreachable[:10]) + (" …" if len(report.unreachable) > 10
                                                          else "")  # fmt: skip
            said = say.UNREACHABLE_ORGS.format(count=len(report.unreachable), slugs=slugs)
            yield Finding(Level.WARN, said, say.UNREACHABLE_FIX)
        known = {a.owner for a in report.accounts} | {"shared"}
        for slug in sorted(set(self.accounts_only or ()) - known):
            yield Finding(Level.FAIL, say.UNKNOWN_ORG.format(slug=slug))
        checked = say.CHECKED_ONLINE if report.online else say.CHECKED_OFFLINE
        yield Finding(Level.OK, checked.format(seconds=f"{report.seconds:.2f}"))
        for account in report.accounts:
            shown = self.details or account.state is AccountState.FAILING
            if not shown or account.owner == "shared":
                continue
            state = STATE_SAY[account.state]
            if account.why is not None:
                state = Say(f"{state.th}: {account.why.th}", f"{state.en}: {account.why.en}")
            platform = _PLATFORM_NAMES[account.platform]
            said = say.DETAIL.format(owner=account.owner, name=account.name, platform=platform,
                                     state=state)  # fmt: skip
            level = {AccountState.OK: Level.OK, AccountState.NOT_SET: Level.SKIP,
                     AccountState.FAILING: Level.FAIL}[account.state]  # fmt: skip
            yield Finding(level, said)

    # -- Telegram --------------------------------------------------------------------------

    def telegram(self) -> Iterator[Finding]:
        s = self.settings
        if not s.telegram_bot_token:
            yield Finding(Level.SKIP, msg.NOT_CONFIGURED)
            return
        base = (s.telegram_api_base_url or TELEGRAM_API).rstrip("/")
        host = urlsplit(base).netloc
        me = yield from self._get_json(f"{base}{s.telegram_bot_token}/getMe", {}, host)
        if me is None:
            return
        if me == 401:
            yield Finding(Level.FAIL, msg.TELEGRAM_TOKEN_REFUSED, msg.TELEGRAM_TOKEN_FIX)
            return
        info = yield from self._get_json(f"{base}{s.telegram_bot_token}/getWebhookInfo", {}, host)
        if info is None or info == 401:
            return
        me, info = me.get("result", {}), info.get("result", {})
        actual = info.get("url") or ""
        pending = int(info.get("pending_update_count") or 0)
        found: list[Finding] = []
        if s.telegram_webhook_url:
            expected = s.telegram_webhook_url
            if actual != expected:
                said = msg.TELEGRAM_WRONG_WEBHOOK.format(
                    actual=actual or msg.NO_ENDPOINT, expected=expected
                )
                found.append(Finding(Level.FAIL, said, msg.TELEGRAM_WEBHOOK_FIX))
            error_at = info.get("last_error_date")
            if error_at:
                ago = self.now().timestamp() - int(error_at)
                if ago < RECENT_ERROR_SECONDS:
                    said = msg.TELEGRAM_DELIVERY_ERROR.format(
                        minutes=max(0, round(ago / 60)), error=info.get("last_error_message", "")
                    )
                    found.append(Finding(Level.FAIL, said, msg.TELEGRAM_DELIVERY_FIX))
            if pending > MAX_PENDING_UPDATES:
                said = msg.TELEGRAM_PENDING.format(count=pending)
                found.append(Finding(Level.FAIL, said, msg.TELEGRAM_PENDING_FIX))
            mode = msg.TELEGRAM_MODE_WEBHOOK.format(url=expected)
        else:
            if actual:
                said = msg.TELEGRAM_STRAY_WEBHOOK.format(url=actual)
                found.append(Finding(Level.WARN, said, msg.TELEGRAM_STRAY_FIX))
            if pending > MAX_PENDING_UPDATES:
                said = msg.TELEGRAM_PENDING.format(count=pending)
                found.append(Finding(Level.WARN, said, msg.TELEGRAM_PENDING_FIX))
            mode = msg.TELEGRAM_MODE_POLLING
        yield Finding(Level.OK, msg.TELEGRAM_OK.format(username=me.get("username", "?"), mode=mode))
        yield from found

    def _get_json(self, url: str, headers: dict[str, str], host: str):
        """The JSON answer, 401 for a refused token, or None after yielding why it failed."""
        shown = urlsplit(url).netloc or host
        try:
            response = self.http.get(url, headers=headers)
        except httpx.HTTPError as exc:
            said = msg.UNREACHABLE.format(host=shown, error=type(exc).__name__)
            yield Finding(Level.FAIL, said, msg.UNREACHABLE_FIX)
            return None
        self._note_date(shown, response)
        if response.status_code in (401, 403):
            return 401
        if response.status_code >= 400:
            said = msg.PLATFORM_ERROR.format(host=shown, status=response.status_code)
            yield Finding(Level.FAIL, said, msg.PLATFORM_ERROR_FIX)
            return None
        try:
            return response.json()
        except ValueError:
            said = msg.PLATFORM_ERROR.format(host=shown, status=response.status_code)
            yield Finding(Level.FAIL, said, msg.PLATFORM_ERROR_FIX)
            return None

    def _note_date(self, host: str, response: httpx.Response) -> None:
        header = response.headers.get("date")
        if not header:
            return
        try:
            theirs = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return
        self.server_dates.append((host, theirs, self.now()))

    # -- clock -----------------------------------------------------------------------------

    def clock(self) -> Iterator[Finding]:
        try:
            zone = ZoneInfo("Asia/Bangkok")
        except ZoneInfoNotFoundError:
            yield Finding(Level.FAIL, msg.CLOCK_NO_ZONE, msg.CLOCK_NO_ZONE_FIX)
            return
        local = self.now().astimezone(zone).strftime("%Y-%m-%d %H:%M %z")
        if not self.server_dates:
            yield Finding(Level.OK, msg.CLOCK_OK_LOCAL.format(local=local))
            return
        # An HTTP date has whole seconds: allow one for the rounding.
        source, theirs, ours = max(
            self.server_dates, key=lambda d: abs((d[2] - d[1]).total_seconds())
        )
        skew = round(abs((ours - theirs).total_seconds()) - 1, 1)
        skew = max(skew, 0.0)
        if skew > CLOCK_FAIL_SECONDS:
            yield Finding(
                Level.FAIL, msg.CLOCK_SKEW.format(source=source, skew=skew), msg.CLOCK_SKEW_FIX
            )
        elif skew > CLOCK_WARN_SECONDS:
            yield Finding(
                Level.WARN, msg.CLOCK_SKEW.format(source=source, skew=skew), msg.CLOCK_SKEW_FIX
            )
        else:
            yield Finding(Level.OK, msg.CLOCK_OK.format(source=source, skew=skew, local=local))


def run_checks(
    settings: Settings,
    *,
    http: httpx.Client | None = None,
    online: bool = False,
    only: tuple[str, ...] | None = None,
    details: bool = False,
) -> list[Result]:
    client = http or httpx.Client(timeout=TIMEOUT, trust_env=True)
    try:
        doctor = Doctor(settings, client, accounts_online=online, accounts_only=only,
                        details=details)  # fmt: skip
        return doctor.run()
    finally:
        if http is None:
            client.close()


def _stored(report: AccountsReport) -> bool:
    """Does the database hold an account (rather than only the environment's)?"""
    return any(a.state is not AccountState.NOT_SET and a.why is not accounts_msg.FROM_ENVIRONMENT
               for a in report.accounts)  # fmt: skip


def all_fine(results: list[Result]) -> bool:
    return all(r.level is not Level.FAIL for r in results)


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from storage.db import MIGRATIONS_DIR

    return {s.revision for s in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


def _weakness(text: str) -> Say | None:
    try:
        crypto.Keyring([crypto.parse_secret(text)])
    except crypto.WeakSecret:
        return msg.KEY_WEAK_SHORT
    stripped = text.strip()
    if len(set(stripped)) < 10:  # "aaaa...", "0000...": long but guessable
        return msg.KEY_WEAK_REPETITIVE
    return None


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _nearest_existing(path: Path) -> Path:
    for parent in (path, *path.parents):
        if parent.exists():
            return parent
    return Path("/")


def _size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.1f} {unit}" if unit != "B" else f"{count} B"
        value /= 1024
    return f"{count} B"


def _files_under(root: Path) -> int:
    """Files left on this machine's disk (uploads from before the shared store)."""
    if not root.is_dir():
        return 0
    return sum(1 for path in root.rglob("*") if path.is_file() and not path.name.startswith("."))
