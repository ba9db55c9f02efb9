"""Tracking codes cannot be enumerated: wrong codes make a chat, then everyone, wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from handlers.cases.codes import new_code, pretty
from handlers.citizen import followup as followup_flow
from handlers.flow import Deps
from messages.citizen import followup, tracking
from storage import orgs
from storage.models import Conversation
from storage.protect import guess_limit
from storage.protect.models import CodeGuessWindow
from tests.staff_helpers import file_tip as staff_file_tip
from tests.staff_helpers import reference_in, tip_round
from tests.test_staff_console import BRIBE, staff_room
from tests.test_tip_flow import file_tip
from tests.test_tracking import mistype
from tests.transcript import Chat


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def with_clock(core) -> Clock:
    clock = Clock()
    core.engine.deps = Deps(files=core.files, clock=clock)
    return clock


async def test_ten_wrong_codes_make_a_chat_wait_but_typos_do_not_count(make_core, tmp_path):
    core = make_core()
    clock = with_clock(core)
    informant = Chat(core, chat_id="informant")
    code = await file_tip(informant, tmp_path)
    guesser = Chat(core, chat_id="guesser")
    await guesser.open()
    tried = [new_code() for _ in range(guess_limit.PER_CHAT)]
    for attempt in tried[:-1]:
        assert tracking.NOT_FOUND in await guesser.say(pretty(attempt))
    for _ in range(15):  # caught by the check digit: a typo, not a guess
        assert tracking.TYPO in await guesser.say(pretty(mistype(code)))
    assert tracking.NOT_FOUND in await guesser.say(pretty(tried[-1]))

    refused = await guesser.say(pretty(code))  # even the right code, now
    assert refused.strip() == tracking.TOO_MANY_TRIES.format(minutes=10)
    assert tracking.STREAM_LABELS["tip"] not in refused
    assert tracking.STREAM_LABELS["tip"] in await informant.say(pretty(code))  # others go on

    clock.now += timedelta(minutes=9)
    assert "1 นาที" in await guesser.say(pretty(code))
    clock.now += timedelta(minutes=1)
    assert tracking.STREAM_LABELS["tip"] in await guesser.say(pretty(code))

    with Session(core.db) as session:
        stored = " ".join(f"{r.scope} {r.misses}" for r in session.exec(select(CodeGuessWindow)))
    assert "guesser" not in stored and not any(t in stored for t in tried)


async def test_many_chats_guessing_together_make_everyone_wait(make_core, monkeypatch):
    monkeypatch.setattr(guess_limit, "OVERALL", 3)
    core = make_core()
    with_clock(core)
    for n in range(3):
        chat = Chat(core, chat_id=f"bot-{n}")
        await chat.open()
        assert tracking.NOT_FOUND in await chat.say(pretty(new_code()))
    bystander = Chat(core, chat_id="bystander")
    await bystander.open()
    out = await bystander.say(pretty(new_code()))
    assert out.strip() == tracking.EVERYONE_WAITS.format(minutes=10)


async def test_a_flood_of_guesses_at_one_organisation_does_not_stop_another(make_core, monkeypatch):
    monkeypatch.setattr(guess_limit, "OVERALL", 3)
    core = make_core()
    with Session(core.db) as session, session.begin():
        orgs.ensure(session, slug="other", name="อบต.อื่น")
    other = make_core(org_slug="other")
    with_clock(core), with_clock(other)
    for n in range(3):
        chat = Chat(core, chat_id=f"bot-{n}")
        await chat.open()
        assert tracking.NOT_FOUND in await chat.say(pretty(new_code()))
    at_other = Chat(other, chat_id="citizen-of-other")
    await at_other.open()
    assert tracking.NOT_FOUND in await at_other.say(pretty(new_code()))
    bystander = Chat(core, chat_id="bystander")
    await bystander.open()
    assert (await bystander.say(pretty(new_code()))).strip() == tracking.EVERYONE_WAITS.format(
        minutes=10
    )


def test_old_windows_are_pruned(engine):
    now = datetime(2026, 11, 28, 3, 1, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        guess_limit.record_miss(session, "line", "U1", now - timedelta(minutes=30))
        guess_limit.record_miss(session, "line", "U1", now)
    with Session(engine) as session, session.begin():
        assert guess_limit.prune(session, now) == 2  # the old window, for the chat and for all
        assert guess_limit.refused(session, "line", "U1", now) is None


async def _tip_with_an_open_question(core) -> str:
    _admin, _officer, integrity = await staff_room(core)
    code = await staff_file_tip(Chat(core, chat_id="informant"), BRIBE)
    tip_round(core)  # tip notices leave in rounds
    reference = reference_in(await integrity.inbox())
    await integrity.say(f"/ask {reference}")
    await integrity.say("เหตุเกิดวันไหน")
    return code


async def test_a_locked_out_chat_cannot_answer_or_probe_through_the_reply_path(make_core):
    core = make_core()
    with_clock(core)
    code = await _tip_with_an_open_question(core)
    guesser = Chat(core, chat_id="guesser")
    await guesser.open()
    for _ in range(guess_limit.PER_CHAT):
        assert tracking.NOT_FOUND in await guesser.say(pretty(new_code()))
    locked = tracking.TOO_MANY_TRIES.format(minutes=10)

    typed = await guesser.say(f"{followup.BUTTON_REPLY} {pretty(code)}")
    assert locked in typed and followup.ASK_REPLY not in typed
    forged = await guesser.press_code(f"{followup_flow.REPLY}:{code}")
    assert locked in forged and followup.ASK_REPLY not in forged
    with Session(core.db) as session:
        flows = [c.flow for c in session.exec(select(Conversation))]
        assert followup_flow.NAME not in flows  # not writing an answer as the informant


async def test_codes_tried_through_the_reply_path_count_as_guesses(make_core):
    core = make_core()
    with_clock(core)
    code = await _tip_with_an_open_question(core)
    prober = Chat(core, chat_id="prober")
    await prober.open()
    for n in range(guess_limit.PER_CHAT):
        wrong = new_code()
        if n % 2:  # typed, and on a forged button: the same count
            out = await prober.say(f"{followup.BUTTON_REPLY} {pretty(wrong)}")
        else:
            out = await prober.press_code(f"{followup_flow.REPLY}:{wrong}")
        assert tracking.NOT_FOUND in out
    out = await prober.say(pretty(code))
    assert out.strip() == tracking.TOO_MANY_TRIES.format(minutes=10)
    forged = await prober.press_code(f"{followup_flow.REPLY}:{mistype(code)}")
    assert tracking.TYPO in forged  # checked like typed text: a typo, not a guess
