"""Every staff command is checked on every event: a citizen, a removed officer and an officer
of the other stream get exactly what any unknown text gets, with no hint staff exist."""

from __future__ import annotations

import pytest

from handlers.cases.codes import pretty
from handlers.staff.chat import COMMANDS
from messages import common, staff
from storage.staff.accounts import MAX_GUESSES, Role
from tests.staff_helpers import file_complaint, file_tip, invite_code, reference_in, tip_round
from tests.transcript import Chat

POTHOLE = "ถนนหน้าวัดเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย ขอให้ซ่อมด่วน"
BRIBE = "เจ้าหน้าที่กองช่างเรียกรับเงินห้าพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้าง"
TIP_COMMANDS = {"/tips", "/content"}
ADMIN_COMMANDS = {"/invite", "/stafflist", "/remove", "/audit"}
ANY_STAFF_COMMANDS = {"/staff", "/web", "/webok", "/weblogout"}  # every role may


@pytest.fixture
async def office(make_core):
    core = make_core()
    chats = {}
    for name, role in (("admin", Role.ADMIN), ("complaint", Role.COMPLAINT),
                       ("integrity", Role.INTEGRITY), ("removed", Role.ADMIN),
                       ("plan", Role.PLAN)):  # fmt: skip
        chats[name] = Chat(core, chat_id=name, user_id=name)
        await chats[name].say(f"/staff {invite_code(core, role, name)}")
    chats["citizen"] = Chat(core, chat_id="citizen", user_id="citizen")
    code = await file_complaint(chats["citizen"], notify=False, description=POTHOLE)
    await file_tip(chats["citizen"], BRIBE)
    tip_round(core)
    reference = reference_in(await chats["integrity"].inbox())
    listing = await chats["admin"].say("/stafflist")
    removed_id = next(line.split(".")[0] for line in listing.splitlines() if "removed" in line)
    assert staff.STAFF_REMOVED.format(id=removed_id) in await chats["admin"].say(
        f"/remove {removed_id}"
    )
    return core, chats, code, reference


def typed(command: str, code: str, reference: str) -> str:
    if command in ("/content",) or command == "/tips":
        return f"{command} {reference}".strip()
    if command in ("/staff", "/queue", "/stafflist", "/audit", "/stats", "/web", "/weblogout"):
        return command
    if command == "/invite":
        return "/invite admin"
    if command == "/remove":
        return "/remove 1"
    return f"{command} {pretty(code)}"


def outsiders(command: str) -> list[str]:
    if command in ANY_STAFF_COMMANDS:
        return ["citizen", "removed"]
    if command == "/stats":  # both streams' officers may: the plan officer is the other one
        return ["citizen", "removed", "plan"]
    if command in ADMIN_COMMANDS:
        return ["citizen", "removed", "complaint", "integrity"]
    other = "complaint" if command in TIP_COMMANDS else "integrity"
    return ["citizen", "removed", other]


@pytest.mark.parametrize("command", sorted(COMMANDS))
async def test_a_staff_command_from_anyone_else_reads_as_unknown_text(office, command):
    _core, chats, code, reference = office
    line = typed(command, code, reference)
    for who in outsiders(command):
        chat = chats[who]
        # The same words under a command that means nothing: a citizen's answer to them.
        expected = await chat.say(line.replace(command, "/nonsense", 1))
        assert await chat.say(line) == expected, (who, line)
        pressed = await chat.press_code(line)  # an old button carrying the command
        assert common.STALE_BUTTON in pressed and "/" not in pressed.split("\n")[0], (who, line)


@pytest.mark.parametrize("command", sorted(COMMANDS))
async def test_the_right_officer_may_use_the_command(office, command):
    _core, chats, code, reference = office
    line = typed(command, code, reference)
    who = (
        "integrity"
        if command in TIP_COMMANDS
        else "admin"
        if command in ADMIN_COMMANDS
        else "complaint"
    )
    out = await chats[who].say(line)
    assert common.DIDNT_UNDERSTAND not in out, (who, line, out)


async def test_an_officer_removed_mid_step_is_refused_at_the_next_event(office):
    _core, chats, code, _reference = office
    officer = chats["complaint"]
    out = await officer.say(f"/note {code}")
    assert staff.ASK_INTERNAL_NOTE in out
    listing = await chats["admin"].say("/stafflist")
    officer_id = next(line.split(".")[0] for line in listing.splitlines() if "complaint" in line)
    await chats["admin"].say(f"/remove {officer_id}")
    out = await officer.say("บันทึกที่ไม่ควรถูกเก็บ")
    assert out == await chats["citizen"].say("บันทึกที่ไม่ควรถูกเก็บ")  # a citizen's answer
    history = await chats["admin"].say(f"/history {code}")
    assert "บันทึกที่ไม่ควรถูกเก็บ" not in history


async def test_wrong_codes_read_as_unknown_text_and_guessing_is_limited(office):
    core, _chats, _code, _reference = office
    stranger = Chat(core, chat_id="stranger", user_id="stranger")
    expected = await stranger.say("/nonsense")
    for _ in range(MAX_GUESSES):
        assert await stranger.say("/staff ABCDEFGHJK") == expected
    good = invite_code(core, Role.COMPLAINT)
    assert await stranger.say(f"/staff {good}") == expected  # locked out for the hour
    assert await stranger.say("/queue") == expected
    used = invite_code(core, Role.COMPLAINT)
    other = Chat(core, chat_id="other", user_id="other")
    assert "ลงทะเบียน" in await other.say(f"/staff {used}")
    late = Chat(core, chat_id="late", user_id="late")
    assert await late.say(f"/staff {used}") == await late.say("/nonsense")  # one time only
