"""The shared provincial channel: a citizen is asked where, chooses, and is forwarded.

Each turn runs `shared_front.step` in a real session; what it forwards runs as that
organisation's own turn on the real conversation engine, as the serving code does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from handlers import menu
from handlers.cases import retention
from handlers.cases.lifecycle import file_complaint, file_tip
from handlers.engine import ConversationEngine
from handlers.flow import Deps
from handlers.hosting import shared_front
from handlers.hosting.shared_front import FrontResult
from handlers.types import Attachment, AttachmentKind, Channel, Event, EventKind, Location, Reply
from messages import common, org_defaults
from messages.citizen import tracking
from messages.hosting import shared_front as msg
from storage import org_settings
from storage.files import FileStore
from storage.hosting.place_models import SharedChat
from storage.protect import guess_limit
from storage.timeutil import utcnow
from tests.place_fixture import ORGS, load_map

ACCOUNT = "line:shared"
_ids = itertools.count(1)


@dataclass
class SharedChatUser:
    """One citizen in the shared channel; `forwarded` collects what organisations answered."""

    engine: object
    org_engines: dict[int, ConversationEngine]
    files: FileStore
    chat_id: str = "U-shared-citizen-1"
    last: FrontResult | None = None
    forwarded: list[tuple[int, list[Reply]]] = field(default_factory=list)

    def send(self, **kwargs) -> FrontResult:
        event = Event(Channel.LINE, self.chat_id, self.chat_id, f"ev-{next(_ids)}", **kwargs)
        with Session(self.engine) as session, session.begin():
            result = shared_front.step(session, event, account=ACCOUNT, files=self.files)
        self.last = result
        if result.forward is not None:
            assert result.org_id is not None
            replies = self.org_engines[result.org_id].handle_sync(result.forward)
            self.forwarded.append((result.org_id, replies))
        return result

    def say(self, text: str) -> FrontResult:
        return self.send(text=text)

    def press(self, label: str) -> FrontResult:
        assert self.last is not None
        for reply in self.last.replies:
            for choice in reply.choices:
                if choice.label == label:
                    return self.send(choice=choice.code)
        raise AssertionError(f"no button {label!r} in {self.last.replies}")

    def text(self) -> str:
        assert self.last is not None
        return "\n".join(r.text for r in self.last.replies)

    def buttons(self) -> list[str]:
        assert self.last is not None
        return [c.label for r in self.last.replies for c in r.choices]

    def chosen(self) -> int | None:
        with Session(self.engine) as session:
            rows = session.exec(select(SharedChat)).all()
            return rows[0].org_id if rows else None


@pytest.fixture
def world(engine, tmp_path: Path):
    ids = load_map(engine)
    files = FileStore(tmp_path / "files")
    engines = {
        org_id: ConversationEngine(engine, org_id, Deps(files=files, clock=utcnow))
        for org_id in ids.values()
    }
    return ids, SharedChatUser(engine, engines, files)


def test_a_citizen_chooses_by_typing_the_tambon(world):
    ids, chat = world
    chat.say("สวัสดีค่ะ ถนนหน้าบ้านพัง")
    assert chat.text() == msg.NOT_FOUND.format(
        text="สวัสดีค่ะ ถนนหน้าบ้านพัง", example="ในเวียง", example_district="เมืองแพร่"
    )
    chat.say("ต.ป่าแดง")
    assert "ต.ป่าแดง อ.เมืองแพร่ จ.แพร่" in chat.text() and ORGS["namcham"] in chat.text()
    assert chat.buttons() == [msg.BUTTON_YES, msg.BUTTON_AGAIN]
    assert chat.chosen() is None  # not before the citizen says yes
    result = chat.press(msg.BUTTON_YES)
    assert result.org_id == ids["namcham"]
    assert chat.text() == msg.chosen(ORGS["namcham"])
    # The organisation's own engine answered the forwarded event with its main menu.
    org_id, replies = chat.forwarded[-1]
    assert org_id == ids["namcham"] and replies[-1].text == common.MAIN_MENU
    assert chat.chosen() == ids["namcham"]
    # From now on everything goes to that organisation, answered by its engine.
    result = chat.send(choice=menu.CONTACT)
    assert result.org_id == ids["namcham"] and result.replies == []
    assert ORGS["namcham"] in chat.forwarded[-1][1][0].text


def test_a_misspelt_tambon_is_confirmed_and_a_typed_yes_chooses(world):
    ids, chat = world
    chat.say("ตำบลสุงเมน")  # a short vowel and a dropped tone mark
    assert "ต.สูงเม่น อ.สูงเม่น จ.แพร่" in chat.text()
    chat.press(msg.BUTTON_AGAIN)
    assert chat.text() == msg.ASK
    chat.say("สุงเม่น")
    assert chat.say("ใช่").org_id == ids["sungmen"]
    assert chat.chosen() == ids["sungmen"]


def test_a_shared_name_is_a_choice_between_districts(world):
    ids, chat = world
    chat.say("น้ำชำ")
    assert chat.buttons() == ["1. น้ำชำ (เมืองแพร่)", "2. น้ำชำ (สูงเม่น)", msg.BUTTON_RETYPE]
    for reply in chat.last.replies:
        for choice in reply.choices:
            assert len(choice.label) <= 20
            assert choice.code.isascii() and len(choice.code.encode()) <= 64
    assert ORGS["sungmen"] in chat.text() and ORGS["namcham"] in chat.text()
    chat.press("2. น้ำชำ (สูงเม่น)")
    assert "ต.น้ำชำ อ.สูงเม่น จ.แพร่" in chat.text()
    assert chat.press(msg.BUTTON_YES).org_id == ids["sungmen"]


def test_a_location_pin_is_matched_to_the_nearest_tambon(world):
    ids, chat = world
    chat.send(location=Location(18.07, 100.20, "ร้านค้า"))
    assert "ต.ป่าแดง" in chat.text() and ORGS["namcham"] in chat.text()
    assert "กม." in chat.text()
    chat.say("ไม่ใช่")  # not there after all
    assert chat.text() == msg.ASK and chat.chosen() is None
    chat.send(location=Location(18.0530, 100.1010))
    assert chat.press(msg.BUTTON_YES).org_id == ids["sungmen"]


def test_a_pin_on_a_tambon_with_two_organisations_offers_both(world):
    ids, chat = world
    chat.send(location=Location(18.1790, 100.1690))
    assert ORGS["muangphrae"] in chat.text() and ORGS["namcham"] in chat.text()
    chat.press(chat.buttons()[1])
    assert chat.press(msg.BUTTON_YES).org_id in (ids["muangphrae"], ids["namcham"])


def test_changing_the_organisation_asks_again(world):
    ids, chat = world
    chat.say("ต.หัวฝาย")
    chat.press(msg.BUTTON_YES)
    assert chat.chosen() == ids["sungmen"]
    chat.say("เปลี่ยน หน่วยงาน")
    assert chat.text() == msg.ASK and chat.chosen() is None
    before = len(chat.forwarded)
    chat.say("สวัสดี")  # no longer forwarded anywhere
    assert len(chat.forwarded) == before and chat.last.org_id is None
    chat.say("ในเวียง")
    assert chat.press(msg.BUTTON_YES).org_id == ids["muangphrae"]
    chat.send(choice=shared_front.CHANGE)  # the button works as the word does
    assert chat.chosen() is None


def test_an_unknown_place_leaves_the_question_as_it_was(world, engine):
    ids, chat = world
    chat.say("ต.ป่าแดง")
    before = state(engine)
    chat.say("บางรัก")  # a real tambon, but not one this channel serves
    assert chat.text().startswith('ไม่พบตำบล "บางรัก"') and "ต.ในเวียง" in chat.text()
    assert chat.last.org_id is None and chat.last.forward is None
    assert state(engine) == before
    chat.say("ใช่")  # the earlier confirmation still stands
    assert chat.chosen() == ids["namcham"]


def state(engine) -> tuple:
    with Session(engine) as session:
        row = session.exec(select(SharedChat)).one()
        return row.org_id, row.step, row.data


def test_a_code_typed_before_choosing_goes_to_the_organisation_that_holds_it(world, engine):
    ids, chat = world
    now = utcnow()
    with Session(engine) as session, session.begin():
        complaint = file_complaint(
            session, org_id=ids["sungmen"], now=now, category="ถนน", description="ถนนพัง",
            channel="line", chat_id="someone", user_id="someone", evidence=[], location=None,
            name="", phone="",
        )  # fmt: skip
        complaint_code = complaint.code
        _, tip_code = file_tip(
            session, org_id=ids["muangphrae"], now=now, category="จัดซื้อจัดจ้าง",
            conduct="ฮั้วประมูลโครงการถนน", accused="", when_where="", evidence=[],
            informant_name="", informant_contact="",
        )  # fmt: skip
    result = chat.say(f"ขอติดตามเรื่อง {complaint_code}")
    assert result.org_id == ids["sungmen"] and result.replies == []
    org_id, replies = chat.forwarded[-1]
    assert org_id == ids["sungmen"] and replies[0].card is not None
    assert chat.chosen() is None  # looking a code up chooses nothing

    result = chat.say(tip_code)
    assert result.org_id == ids["muangphrae"]
    assert chat.forwarded[-1][1][0].card is not None

    from handlers.cases.codes import new_code

    unknown = chat.say(new_code())  # the same answer as an organisation gives
    assert unknown.forward is None and chat.text() == tracking.NOT_FOUND
    assert chat.say(complaint_code[:-1] + str((int(complaint_code[-1]) + 1) % 10)).replies == [
        Reply(tracking.TYPO)
    ]
    assert chat.chosen() is None


def test_after_choosing_a_code_is_answered_by_its_holder_and_a_tip_leaves_no_trace(world, engine):
    ids, chat = world
    now = utcnow()
    with Session(engine) as session, session.begin():
        complaint_code = file_complaint(
            session, org_id=ids["sungmen"], now=now, category="ถนน", description="ถนนพัง",
            channel="line", chat_id="someone", user_id="someone", evidence=[], location=None,
            name="", phone="",
        ).code  # fmt: skip
        _, tip_code = file_tip(
            session, org_id=ids["muangphrae"], now=now, category="จัดซื้อจัดจ้าง",
            conduct="ฮั้วประมูลโครงการถนน", accused="", when_where="", evidence=[],
            informant_name="", informant_contact="",
        )  # fmt: skip
    chat.say("ต.ป่าแดง")
    chat.press(msg.BUTTON_YES)
    assert chat.chosen() == ids["namcham"]

    result = chat.say(tip_code)
    assert result.org_id == ids["muangphrae"] and result.replies == []
    assert chat.forwarded[-1][1][0].card is not None
    assert state(engine) == (ids["namcham"], None, {})  # nothing links the chat to the tip

    result = chat.say(f"ขอติดตามเรื่อง {complaint_code}")
    assert result.org_id == ids["sungmen"] and chat.forwarded[-1][1][0].card is not None
    assert chat.chosen() == ids["namcham"]  # looking a code up changes no choice
    result = chat.send(choice=menu.CONTACT)
    assert result.org_id == ids["namcham"]
    assert state(engine) == (ids["namcham"], None, {})  # no exchange was open there

    from handlers.cases.codes import new_code

    assert chat.say(new_code()).replies == [Reply(tracking.NOT_FOUND)]
    typo = complaint_code[:-1] + str((int(complaint_code[-1]) + 1) % 10)
    assert chat.say(typo).org_id == ids["namcham"]  # a typo is the chosen one's to answer
    assert chat.forwarded[-1][1][0].text == tracking.TYPO


def test_guessing_codes_in_the_shared_channel_is_limited_like_anywhere(world, engine):
    ids, chat = world
    from handlers.cases.codes import new_code

    with Session(engine) as session, session.begin():
        real = file_complaint(
            session, org_id=ids["sungmen"], now=utcnow(), category="ถนน", description="ถนนพัง",
            channel="line", chat_id="someone", user_id="someone", evidence=[], location=None,
            name="", phone="",
        ).code  # fmt: skip
    answers = [chat.say(new_code()).replies[0].text for _ in range(30)]
    assert answers[0] == tracking.NOT_FOUND
    assert answers[-1] != tracking.NOT_FOUND, "unlimited guesses through the shared channel"
    result = chat.say(real)  # once limited, even a right code is not looked up
    assert result.forward is None and result.replies[0].text == answers[-1]


def test_a_chat_routed_to_one_organisation_finds_anothers_code_under_the_same_limit(world, engine):
    """Misses before and after choosing count toward one limit; a code held by an
    organisation other than the chosen one is found, until that limit is reached."""
    ids, chat = world
    from handlers.cases.codes import new_code

    with Session(engine) as session, session.begin():
        other = file_complaint(
            session, org_id=ids["muangphrae"], now=utcnow(), category="ถนน",
            description="ถนนพัง", channel="line", chat_id="someone", user_id="someone",
            evidence=[], location=None, name="", phone="",
        ).code  # fmt: skip
    before = guess_limit.PER_CHAT // 2
    for _ in range(before):
        assert chat.say(new_code()).replies == [Reply(tracking.NOT_FOUND)]
    chat.say("ต.ป่าแดง")
    chat.press(msg.BUTTON_YES)
    assert chat.chosen() == ids["namcham"]
    found = chat.say(other)
    assert found.org_id == ids["muangphrae"] and chat.forwarded[-1][1][0].card is not None
    assert chat.chosen() == ids["namcham"]
    for _ in range(guess_limit.PER_CHAT - before):
        assert chat.say(new_code()).replies == [Reply(tracking.NOT_FOUND)]
    refused = chat.say(other)  # the limit is reached: not even a right code is looked up
    assert refused.forward is None and refused.replies[0].text != tracking.NOT_FOUND


def test_the_informant_is_told_who_receives_a_tip_and_where_else_to_go(world, engine):
    ids, chat = world
    chat.say("ต.หัวฝาย")
    chat.press(msg.BUTTON_YES)
    result = chat.send(choice=menu.TIP)
    assert result.org_id == ids["sungmen"] and result.forward is not None
    notice = result.replies[0].text
    assert ORGS["sungmen"] in notice and "1205" in notice and "www.nacc.go.th" in notice
    assert "1206" in notice
    with Session(engine) as session, session.begin():  # the host's own contacts, when set
        row = org_settings.get(session, ids["sungmen"])
        row.external_contacts = "สำนักงาน ป.ป.ช. ประจำจังหวัดแพร่ โทร 0 5400 0000"
        session.add(row)
    with Session(engine) as session:
        reply = shared_front.tip_notice(session, ids["sungmen"])
    assert "ประจำจังหวัดแพร่" in reply.text and "1205" not in reply.text
    assert "1205" in org_defaults.EXTERNAL_CONTACTS


def test_a_forged_or_old_button_chooses_nothing(world):
    _, chat = world
    chat.send(choice="place:pick:0")  # never offered
    assert chat.chosen() is None and chat.last.forward is None
    chat.say("น้ำชำ")
    chat.send(choice="place:pick:7")
    assert chat.text() == msg.STALE and chat.chosen() is None
    chat.send(choice=menu.TIP)  # an organisation's button, before choosing one
    assert chat.last.forward is None and chat.chosen() is None


def test_the_chat_is_kept_only_as_a_keyed_hash(world, engine):
    _, chat = world
    chat.say("ต.หัวฝาย")
    with Session(engine) as session:
        row = session.exec(select(SharedChat)).one()
    assert row.account == ACCOUNT and chat.chat_id not in row.chat_key
    assert row.data == {"offered": [["540403", row.data["offered"][0][1]]]}


def test_a_follow_is_greeted_with_the_question(world):
    _, chat = world
    chat.send(kind=EventKind.FOLLOW)
    assert chat.text() == msg.ASK


def test_a_photo_before_choosing_is_not_kept_and_groups_are_sent_to_a_private_chat(world):
    _, chat = world
    key = chat.files.save(b"photo bytes", suffix=".jpg")
    assert chat.files.exists(key)
    chat.send(attachments=(Attachment(AttachmentKind.PHOTO, key, 11, "image/jpeg"),))
    assert chat.text() == msg.ASK
    assert not chat.files.exists(key)
    chat.send(text="ต.หัวฝาย", is_private=False)
    assert chat.text() == common.GROUP_CHAT and chat.last.forward is None


def test_an_unanswered_question_expires_with_the_drafts_but_a_choice_stays(world, engine):
    ids, chat = world
    chat.say("น้ำชำ")  # asked to pick, never answered
    other = SharedChatUser(chat.engine, chat.org_engines, chat.files, chat_id="U-other")
    other.say("ต.หัวฝาย")
    other.press(msg.BUTTON_YES)
    later = utcnow() + timedelta(hours=retention.DRAFT_HOURS + 1)
    with Session(engine) as session, session.begin():
        assert retention.expire_drafts(session, later, chat.files) >= 1
    with Session(engine) as session:
        assert [row.org_id for row in session.exec(select(SharedChat))] == [ids["sungmen"]]
