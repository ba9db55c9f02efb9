"""The fake LINE and Telegram servers as a process of their own, on 127.0.0.1, for walking
through the Going-live guide on a machine with no real accounts:

    python -m tests.fake_platforms --env-file fake.env

It writes LINE_API_HOST, TELEGRAM_API_BASE_URL and matching tokens to the env file, then
serves until interrupted. Setting the LINE webhook URL with the Messaging API
(`PUT /v2/bot/channel/webhook/endpoint`) also switches "Use webhook" on, as the console does.
"""

from __future__ import annotations

import argparse
import secrets
import signal
import threading
from pathlib import Path

from tests.fake_line import FakeLine, serving_in_thread
from tests.fake_telegram import TOKEN, FakeTelegram


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, required=True)
    args = parser.parse_args()
    line = FakeLine(access_token="fake-line-" + secrets.token_hex(16), activate_on_put=True)
    telegram = FakeTelegram(TOKEN).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        with serving_in_thread(line.app()) as line_url:
            args.env_file.write_text(
                f'LINE_API_HOST="{line_url}"\n'
                f'LINE_CHANNEL_ACCESS_TOKEN="{line.access_token}"\n'
                f'LINE_CHANNEL_SECRET="{secrets.token_hex(16)}"\n'
                f'TELEGRAM_API_BASE_URL="{telegram.base_url}"\n'
                f'TELEGRAM_BOT_TOKEN="{telegram.token}"\n'
            )
            print(f"fake LINE at {line_url}, fake Telegram at {telegram.base_url}", flush=True)
            stop.wait()
    finally:
        telegram.stop()


if __name__ == "__main__":
    main()
