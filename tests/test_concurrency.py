"""Two workers on one database: turns of one chat never overwrite each other; a chat at
the main menu writes no conversation."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlmodel import Session, select

from handlers.types import Attachment, AttachmentKind, Channel, Event
from messages import common
from messages.citizen import complaint
from storage.models import Conversation
from tests.transcript import Chat


async def test_photos_sent_at_once_to_two_workers_are_all_kept(make_core):
    first, second = make_core(), make_core()
    chat = Chat(first)
    await chat.open()
    await chat.press(common.MENU_COMPLAINT)
    await chat.press(complaint.CATEGORY_LABELS["road"])
    await chat.say("ไฟถนนดับทั้งซอยมาหนึ่งเดือนแล้ว อันตรายมาก")

    def photo(n: int) -> Event:
        key = first.files.save(b"\xff\xd8" + bytes([n]), suffix="jpg")
        return Event(
            Channel.CONSOLE, "chat-8675309", "user-5551234", f"photo-{n}",
            attachments=(Attachment(AttachmentKind.PHOTO, key, 3),),
        )  # fmt: skip

    events = [photo(n) for n in range(5)]
    # Each worker runs its turns in threads; both hit the same conversation row at once.
    await asyncio.gather(
        *(asyncio.to_thread((first if n % 2 else second).engine.handle_sync, e)
          for n, e in enumerate(events))
    )  # fmt: skip
    with Session(first.db) as session:
        row = session.exec(select(Conversation)).one()
        assert len(row.data["evidence"]) == 5
        assert row.version == 3 + 5  # every turn saved once, none lost


async def test_a_chat_at_the_main_menu_writes_no_conversation_row(make_core):
    """Menu presses and questions at the main menu keep nothing, and now write nothing to
    the conversation table either: no row made only to be deleted in the same turn."""
    core = make_core()
    chat = Chat(core)
    await chat.open()
    written: list[str] = []

    def note(_conn, _cursor, statement: str, *_args) -> None:
        words = statement.split(None, 3)
        if (
            words
            and words[0].upper() in ("INSERT", "UPDATE", "DELETE")
            and ("conversation" in statement.split("(")[0].lower())
        ):
            written.append(statement)

    sa.event.listen(core.db, "before_cursor_execute", note)
    try:
        await chat.press(common.MENU_CONTACT)
        await chat.say("สวัสดีครับ")
        assert written == []
        await chat.press(common.MENU_COMPLAINT)  # a flow starts: now its row is stored
        assert any(s.upper().startswith("INSERT") for s in written)
    finally:
        sa.event.remove(core.db, "before_cursor_execute", note)
    with Session(core.db) as session:
        assert session.exec(select(Conversation)).one().flow == "complaint"
