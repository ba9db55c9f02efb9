"""Settings read from the environment into one frozen object (tests build it from a dict)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from messages import sample_org
from storage.bad_setting import whole_number

DEFAULT_DATA_DIR = Path("var")


@dataclass(frozen=True)
class Settings:
    database_url: str
    files_dir: Path
    org_slug: str
    org_name: str
    org_phone: str = ""
    org_website: str = ""
    org_address: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    max_upload_bytes: int = 20 * 1024 * 1024
    telegram_bot_token: str = ""
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""
    telegram_api_base_url: str = ""
    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_host: str = ""
    # The secret that seals tip content (storage.crypto); empty: a key file, below.
    secret_key: str = ""
    # Where the secret is read from when `secret_key` is empty; created for the demo default.
    secret_key_file: Path | None = None
    # -- running it for real --
    # The https address citizens' platforms reach this server at (LINE and Telegram webhooks;
    # LINE fetches statistics pictures from signed links there).
    public_url: str = ""
    # `/metrics` (Prometheus) listens on its own port, loopback by default; 0: no metrics.
    metrics_port: int = 0
    metrics_host: str = "127.0.0.1"
    log_format: str = "text"  # or "json", one object a line, for log collectors
    # `/readyz` answers 503 when this many outgoing messages are waiting to be sent.
    ready_max_backlog: int = 500
    data_dir: Path = DEFAULT_DATA_DIR  # COMPLAINTBOT_DATA_DIR, for the doctor and backups
    # Secrets replaced by `keys rotate`, still accepted for reading and for finding tip codes
    # hashed before the rotation (comma- or space-separated, like the key file's later lines).
    retired_secret_keys: tuple[str, ...] = ()
    # Retention (storage.retention): days a closed tip's content is kept, hours a draft lives.
    tip_retention_days: int = 365
    draft_hours: int = 24
    # The staff office's map tiles, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png;
    # empty: the office links the coordinates out instead of drawing a map.
    map_tile_url: str = ""
    # For invites in the office: the Telegram bot's username and the LINE account's basic id
    # (`@123abcde`), so an invite's link or QR code opens the chat with `/staff CODE` typed.
    telegram_bot_username: str = ""
    line_basic_id: str = ""
    # Where uploaded files are kept: "disk" (files_dir), "database", or "" to choose by the
    # database (PostgreSQL: the database, so every machine serving it sees every file).
    files_store: str = ""
    # s3://bucket/prefix: files in an S3-compatible object store (boto3's AWS_* settings).
    files_url: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("COMPLAINTBOT_DATA_DIR", str(DEFAULT_DATA_DIR)))

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        def whole(name: str, default: str) -> int:  # set but empty: the default
            return whole_number(name, get(name) or default, example=default)

        return cls(
            database_url=get(
                "COMPLAINTBOT_DATABASE_URL", f"sqlite:///{data_dir / 'complaintbot.db'}"
            ),
            files_dir=Path(get("COMPLAINTBOT_FILES_DIR", str(data_dir / "files"))),
            org_slug=get("COMPLAINTBOT_ORG_SLUG", sample_org.SLUG),
            org_name=get("COMPLAINTBOT_ORG_NAME", sample_org.NAME),
            org_phone=get("COMPLAINTBOT_ORG_PHONE", sample_org.PHONE),
            org_website=get("COMPLAINTBOT_ORG_WEBSITE", sample_org.WEBSITE),
            org_address=get("COMPLAINTBOT_ORG_ADDRESS", sample_org.ADDRESS),
            host=get("COMPLAINTBOT_HOST", "127.0.0.1"),
            port=whole("COMPLAINTBOT_PORT", "8080"),
            max_upload_bytes=whole("COMPLAINTBOT_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)),
            telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
            telegram_webhook_url=get("TELEGRAM_WEBHOOK_URL"),
            telegram_webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
            telegram_api_base_url=get("TELEGRAM_API_BASE_URL"),
            line_channel_secret=get("LINE_CHANNEL_SECRET"),
            line_channel_access_token=get("LINE_CHANNEL_ACCESS_TOKEN"),
            line_api_host=get("LINE_API_HOST"),
            secret_key=get("COMPLAINTBOT_SECRET_KEY"),
            secret_key_file=Path(get("COMPLAINTBOT_SECRET_KEY_FILE", str(data_dir / "secret.key"))),
            public_url=get("COMPLAINTBOT_PUBLIC_URL").rstrip("/"),
            metrics_port=whole("COMPLAINTBOT_METRICS_PORT", "0"),
            metrics_host=get("COMPLAINTBOT_METRICS_HOST", "127.0.0.1"),
            log_format=get("COMPLAINTBOT_LOG_FORMAT", "text").lower(),
            ready_max_backlog=whole("COMPLAINTBOT_READY_MAX_BACKLOG", "500"),
            data_dir=data_dir,
            retired_secret_keys=tuple(
                get("COMPLAINTBOT_RETIRED_SECRET_KEYS").replace(",", " ").split()
            ),
            tip_retention_days=whole("COMPLAINTBOT_TIP_RETENTION_DAYS", "365"),
            draft_hours=whole("COMPLAINTBOT_DRAFT_HOURS", "24"),
            map_tile_url=get("COMPLAINTBOT_MAP_TILE_URL"),
            telegram_bot_username=get("TELEGRAM_BOT_USERNAME").lstrip("@"),
            line_basic_id=get("LINE_BASIC_ID"),
            files_store=get("COMPLAINTBOT_FILES_STORE"),
            files_url=get("COMPLAINTBOT_FILES_URL"),
        )
