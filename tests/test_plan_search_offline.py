"""Plan search runs with no network and downloads nothing (pythainlp must stay offline)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent(
    """
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network is off in this test")

    socket.socket.connect = refuse
    socket.create_connection = refuse

    from handlers.plan.search import Doc, PlanIndex, AnswerKind
    index = PlanIndex.build([
        Doc(1, 1, 2, "มาตรการ No Gift Policy"),
        Doc(2, 2, 2, "มาตรการป้องกันผลประโยชน์ทับซ้อนขององค์การบริหารส่วนตำบลเขาทอง"),
    ])
    result = index.search("ผลประโยชทับซ้อน ทำแล้วหรือยังคะ")
    assert result.kind is AnswerKind.ITEM and result.top == 2, result
    print("ok")
    """
)


def test_search_needs_no_network_and_downloads_no_data(tmp_path):
    data = tmp_path / "pythainlp-data"
    env = {**os.environ, "PYTHAINLP_DATA": str(data), "PYTHONPATH": str(ROOT)}
    env.pop("PYTHAINLP_DATA_DIR", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    downloaded = [p for p in data.rglob("*") if p.is_file()] if data.exists() else []
    assert downloaded == []
