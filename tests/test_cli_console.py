"""The console demo of the README: `complaintbot chat` with a script piped in, then replayed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from messages.citizen import tracking

CLI = str(Path(sys.executable).parent / "complaintbot")

COMPLAINT = "\n".join(["1", "3", "ขยะไม่มีคนมาเก็บสองสัปดาห์แล้ว ส่งกลิ่นเหม็นทั้งซอย", "ข้าม", "2", "1", ""])
TIP = "\n".join(
    ["2", "1", "1", "มีการเรียกรับเงินค่าฝากเข้าทำงานเป็นพนักงานจ้าง", "ข้าม", "ข้าม", "ข้าม",
     "1", "1", ""]
)  # fmt: skip


def chat(db_url: str, tmp_path: Path, script: str, *args: str) -> str:
    env = {
        **os.environ,
        "COMPLAINTBOT_DATABASE_URL": db_url,
        "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [CLI, "chat", *args], input=script, env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def test_piped_conversations_file_both_streams_and_a_replay_tracks_them(db_url, tmp_path):
    out = chat(db_url, tmp_path, COMPLAINT + TIP)
    codes = re.findall(r"รหัสติดตามเรื่อง: (\d{4}-\d{4}-\d{4}-\d{4})", out)
    assert len(codes) == 2, out
    # The piped lines are echoed, so the output reads as a transcript.
    assert "คุณ> 1" in out

    out = chat(db_url, tmp_path, f"{codes[0]}\n{codes[1].replace('-', ' ')}\n")
    assert out.count(f"สถานะ: {tracking.STATUS_LABELS['received']}") == 2
    assert tracking.STREAM_LABELS["complaint"] in out and tracking.STREAM_LABELS["tip"] in out


def test_an_unknown_organisation_is_a_clear_error(db_url, tmp_path):
    env = {**os.environ, "COMPLAINTBOT_DATABASE_URL": db_url}
    done = subprocess.run(
        [CLI, "chat", "--org", "nowhere"], input="", env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "nowhere" in done.stderr and "Traceback" not in done.stderr


def test_the_demo_answers_plan_questions_for_each_sample_organisation(db_url, tmp_path):
    out = chat(db_url, tmp_path, "4\n", "--samples", "--org", "khokphutsa")
    assert "4,840.00" in out and "4.84" in out  # the summary printed in its 12-month report
    out = chat(db_url, tmp_path, "No Gift ทำแล้วหรือยัง\n", "--org", "satengnok")
    assert "No Gift" in out
