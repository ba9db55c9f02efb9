"""A setting the host got wrong is said in Thai and English, with its name, and nothing starts:
never a traceback in the journal for an IT officer to decipher."""

from __future__ import annotations

import os

import pytest

from tests.serve_process import TEST_SECRET_KEY, free_port, run_program


def environment(tmp_path, **settings: str) -> dict[str, str]:
    return {
        **os.environ, "COMPLAINTBOT_DATA_DIR": str(tmp_path / "var"),
        "COMPLAINTBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "COMPLAINTBOT_SECRET_KEY": TEST_SECRET_KEY, "COMPLAINTBOT_PORT": str(free_port()),
        **settings,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "value", "thai", "english"),
    [
        ("COMPLAINTBOT_FILES_URL", "s4://bucket/files", "s3://bucket", "must look like s3://"),
        ("COMPLAINTBOT_FILES_STORE", "cloud", "auto, disk, database หรือ s3", "one of auto"),
        ("COMPLAINTBOT_FILES_STORE", "database", "PostgreSQL", "need a PostgreSQL database"),
        ("COMPLAINTBOT_PORT", "80a", "จำนวนเต็ม", "whole number, e.g. 8080 (got 80a)"),
        ("COMPLAINTBOT_DRAFT_HOURS", "1.5", "จำนวนเต็ม", "whole number, e.g. 24 (got 1.5)"),
    ],
)
def test_serve_refuses_a_bad_setting_by_name_in_thai_and_english(
    tmp_path, name, value, thai, english
):
    ran = run_program(["serve"], environment(tmp_path, **{name: value}), timeout=60)

    assert ran.returncode == 2, ran.stderr
    assert "Traceback" not in ran.stderr
    lines = ran.stderr.splitlines()
    assert any(name in line and thai in line for line in lines), ran.stderr
    assert any(name in line and english in line for line in lines), ran.stderr
    assert "ยังไม่ได้ทำตามคำสั่ง" in ran.stderr and "was not carried out" in ran.stderr


def test_an_empty_number_setting_keeps_its_default(tmp_path):
    from bot.config import Settings

    settings = Settings.from_env({"COMPLAINTBOT_METRICS_PORT": "", "COMPLAINTBOT_PORT": " "})

    assert settings.metrics_port == 0 and settings.port == 8080


def test_doctor_names_a_malformed_file_store_address_instead_of_an_unreachable_bucket(tmp_path):
    ran = run_program(["doctor"], environment(tmp_path, COMPLAINTBOT_FILES_URL="s4://b/x"))

    assert "COMPLAINTBOT_FILES_URL" in ran.stdout and "s3://bucket/prefix" in ran.stdout
    assert "AWS_ACCESS_KEY_ID" not in ran.stdout, "the bucket was never the problem"
    assert "Traceback" not in ran.stderr
