"""Log output: readable lines for people, or one JSON object a line for log collectors.

`COMPLAINTBOT_LOG_FORMAT=json` switches every logger, uvicorn's included, to JSON. Only the
fields put on a record on purpose (`extra=`) are added to the object, so nothing a citizen
typed can arrive in a field by accident.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Structured fields a record may carry (see handlers.telemetry); anything else stays out.
FIELDS = ("channel", "kind", "step", "outcome", "duration_ms", "status", "path")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: int, log_format: str = "text") -> None:
    """Set up the root logger, like `logging.basicConfig`: not when it has handlers already
    (a test runner's, an embedding application's)."""
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    logging.basicConfig(level=level, handlers=[handler])


def uvicorn_log_config(log_format: str) -> dict[str, Any] | None:
    """None lets uvicorn's loggers pass through ours (JSON); else uvicorn's own set-up."""
    if log_format == "json":
        return None
    from uvicorn.config import LOGGING_CONFIG

    return LOGGING_CONFIG
