"""Migration 0005 converts a database written before it: tips sealed, codes hashed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import Session, select

from handlers.cases.lifecycle import Status, change_status, find_case
from storage import conversations
from storage.db import alembic_config, make_engine
from storage.models import Conversation, Tip, TipFile, TipStatusChange
from tests.conftest import POSTGRES_URL, _postgres_problem
from tests.residue import traces_in_rows

CODE = "4921706583021348"
CONDUCT = "นายกเทศมนตรีรับเงินทอนจากโครงการขุดลอกคลอง"


@pytest.fixture(params=["sqlite", "postgresql"])
def old_engine(request, tmp_path):
    """A database at revision 0002_plans, as deployments had it before this migration."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    if _postgres_problem() is not None:
        pytest.skip("PostgreSQL not reachable")
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'create schema "{schema}"'))
    engine = make_engine(POSTGRES_URL + f"?options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(sa.text(f'drop schema "{schema}" cascade'))
    admin.dispose()


_TYPES = {
    "received_at": sa.DateTime(timezone=True),
    "updated_at": sa.DateTime(timezone=True),
    "at": sa.DateTime(timezone=True),
    "due_on": sa.Date(),
    "data": sa.JSON(),
}


def _insert(conn: sa.Connection, table: str, **values) -> None:
    typed = sa.table(table, *(sa.column(name, _TYPES.get(name)) for name in values))
    conn.execute(sa.insert(typed).values(**values))


def test_existing_tips_and_drafts_are_sealed_and_their_codes_hashed(old_engine):
    cfg = alembic_config(old_engine)
    command.upgrade(cfg, "0002_plans")
    at = datetime(2026, 11, 27, 16, 42, tzinfo=UTC)  # 23:42 in Bangkok
    with old_engine.begin() as conn:
        conn.execute(sa.text("insert into organisation (id, slug, name, phone, website, address)"
                             " values (1, 'o', 'อบต.', '', '', '')"))  # fmt: skip
        _insert(
            conn,
            "tip",
            id=1,
            org_id=1,
            code=CODE,
            category="bribe",
            conduct=CONDUCT,
            accused="กองช่าง",
            when_where="",
            informant_name="",
            informant_contact="",
            status="received",
            received_at=at,
            updated_at=at,
            due_on=at.date(),
        )
        _insert(
            conn,
            "tip_status_change",
            id=1,
            org_id=1,
            tip_id=1,
            status="received",
            at=at,
            actor="system",
            public_note="",
            internal_note="แหล่งข่าวอยู่กองคลัง",
        )
        _insert(conn, "tip_file", id=1, org_id=1, tip_id=1, kind="file", key="ab" * 16,
                mime="application/pdf", size=3)  # fmt: skip
        _insert(
            conn,
            "conversation",
            org_id=1,
            channel="line",
            chat_id="U" + "ab" * 16,
            flow="tip",
            step="accused",
            data={"conduct": CONDUCT},
            version=3,
            updated_at=at,
        )

    command.upgrade(cfg, "head")

    with Session(old_engine) as session:
        row = session.exec(select(Tip)).one()
        assert (row.conduct, row.accused) == (CONDUCT, "กองช่าง")
        assert row.received_at.astimezone(UTC) == datetime(2026, 11, 26, 17, 0, tzinfo=UTC)  # day
        assert session.exec(select(TipStatusChange)).one().internal_note == "แหล่งข่าวอยู่กองคลัง"
        view = find_case(session, 1, CODE)
        assert view is not None and view.stream == "tip"
        draft = conversations.peek(session, 1, "line", "U" + "ab" * 16)
        assert draft is not None and draft.data == {"conduct": CONDUCT} and draft.step == "accused"
        assert session.exec(select(Conversation)).one().chat_id != "U" + "ab" * 16
        assert session.exec(select(TipFile)).one().tip_id == 1  # children survive the rebuild
    with Session(old_engine) as session, session.begin():  # new rows get fresh ids
        change_status(session, org_id=1, code=CODE, status=Status.IN_PROGRESS, actor="staff",
                      now=at)  # fmt: skip
    assert traces_in_rows(old_engine, [CODE, CONDUCT, "U" + "ab" * 16, "กองคลัง"]) == []
