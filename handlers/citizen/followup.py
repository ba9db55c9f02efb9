"""The code holder's side of the two-way exchange: questions shown at look-up and answered
through the code ("ตอบกลับ"), anonymously, and the rating of a completed complaint.

A look-up of a tip leaves no state behind: its "ตอบกลับ" button carries the code itself (the
informant just typed it), so no conversation row links the chat to the tip. Only while an
answer is being written does the draft name the case, deleted when the flow ends, exactly
like a tip being written. Complaints, which know their chat anyway, keep a short state so
that typed numbers pick the rating.
"""

from __future__ import annotations

from enum import StrEnum

from handlers import inputs, menu, outbound
from handlers.cases import actions as case_ops
from handlers.cases import lifecycle as cases
from handlers.cases import tip_rounds
from handlers.cases.codes import CodeProblem, FoundCode, find_code
from handlers.cases.lifecycle import Status, Stream
from handlers.citizen import lookup
from handlers.flow import Ctx, Expect, Flow, Step, ask, finish, retry
from handlers.types import Choice, Reply, Turn
from messages import common
from messages import staff as staff_msg
from messages.citizen import followup as msg
from storage.models import Complaint
from storage.staff import case_handling
from storage.staff.models import CaseHandling, StaffMember
from storage.stats import events as stats_events

NAME = "followup"
REPLY = "f:reply"
RATE = case_ops.RATE
SKIP = "f:skip"


class S(StrEnum):
    CHOOSE = "choose"
    ANSWER = "answer"
    COMMENT = "comment"


def _handling_for_code(ctx: Ctx, digits: str) -> CaseHandling | None:
    """The handling row of the case with this tracking code, in either stream."""
    found = cases.find_by_code(ctx.session, ctx.org_id, digits)
    if found is None:
        return None
    stream, case = found
    return case_handling.for_case(ctx.session, stream, case.id)


def answer_code(ctx: Ctx, found: FoundCode) -> Turn:
    """A looked-up code: its status, then any question from staff or the rating request."""
    reply = lookup.answer(ctx, found)
    if reply.card is None or found.problem is not CodeProblem.OK:
        return finish(reply)
    handling = _handling_for_code(ctx, found.digits)
    if handling is None:
        return finish(reply)
    questions = case_handling.open_questions(ctx.session, handling)
    if questions:
        text = "\n".join([msg.QUESTIONS_TITLE, *(f"• {q.body}" for q in questions)])
        if handling.stream == Stream.TIP:  # stateless: the button carries the code
            button = Choice(msg.BUTTON_REPLY, f"{REPLY}:{found.digits}")
            return finish(reply, Reply(f"{text}\n{msg.REPLY_HINT}", (button, menu.MENU_CHOICE)))
        extra = Reply(text, menu.with_cancel(Choice(msg.BUTTON_REPLY, REPLY)))
        return Turn([reply, extra], NAME, S.CHOOSE, {"handling": handling.id})
    if _rating_due(ctx, handling):
        handling.rating_asked = True
        ctx.session.add(handling)
        rating = case_ops.rating_question(handling)
        return Turn([reply, rating], NAME, S.CHOOSE, {"handling": handling.id})
    return finish(reply)


def _reply_by_code(ctx: Ctx, found: FoundCode) -> Turn:
    """`ตอบกลับ` with a code (a button from a look-up, or typed): start writing the answer.

    The code counts against the guess limit exactly like a look-up: a locked-out chat can
    neither probe codes here nor answer as a code's holder."""
    refused = lookup.before_guess(ctx, found)
    if refused is not None:
        return finish(refused, menu.main_menu())
    if cases.find_by_code(ctx.session, ctx.org_id, found.digits) is None:
        return finish(lookup.missed(ctx), menu.main_menu())
    ctx.scrub_after()  # a code that exists: the row linking it to this chat is wiped
    handling = _handling_for_code(ctx, found.digits)
    if handling is None or not case_handling.open_questions(ctx.session, handling):
        return finish(Reply(msg.NO_QUESTION), menu.main_menu())
    return ask(ctx, S.ANSWER, FLOW, data={"handling": handling.id})


def _rating_due(ctx: Ctx, handling: CaseHandling) -> bool:
    if handling.stream != Stream.COMPLAINT or handling.rating_asked:
        return False
    if case_handling.rating_of(ctx.session, handling.case_id):
        return False
    complaint = ctx.session.get(Complaint, handling.case_id)
    return complaint is not None and complaint.status == Status.COMPLETED


def prompt_choose(ctx: Ctx) -> Reply:
    handling = ctx.session.get(CaseHandling, ctx.data.get("handling"))
    if handling is not None and case_handling.open_questions(ctx.session, handling):
        return Reply(msg.QUESTIONS_TITLE, menu.with_cancel(Choice(msg.BUTTON_REPLY, REPLY)))
    if handling is not None:
        return case_ops.rating_question(handling)
    return menu.main_menu()


def on_choose(ctx: Ctx) -> Turn:
    """Reply or rate; anything else typed here is taken as if at the main menu."""
    if ctx.event.choice == REPLY:
        return ask(ctx, S.ANSWER, FLOW)
    if ctx.event.choice is None:
        return Turn(again_at_menu=True)
    return rate_pressed(ctx, ctx.event.choice)


def prompt_answer(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_REPLY, menu.with_cancel())


def on_answer(ctx: Ctx) -> Turn:
    """Keep the answer, mark the questions answered and tell the officers who asked."""
    checked = inputs.free_text(ctx.event.text)
    if checked.problem:
        return retry(ctx, FLOW, checked.problem)
    handling = ctx.session.get(CaseHandling, ctx.data["handling"])
    target = case_ops.target_of(ctx.session, handling) if handling else None
    if target is None:
        return finish(menu.main_menu())
    if target.stream is Stream.TIP:
        ctx.scrub_after()
    now = ctx.now()
    askers = set()
    for question in case_handling.open_questions(ctx.session, handling):
        question.answered = True
        askers.add(question.from_staff_id)
        ctx.session.add(question)
    case_handling.add_message(ctx.session, handling, checked.value, now, None)
    body = None if target.stream is Stream.TIP else checked.value  # tip text stays in the DB
    button = "/content" if target.stream is Stream.TIP else "/open"
    notice = Reply(staff_msg.answer_arrived(target.key, body),
                   (Choice(staff_msg.BUTTON_OPEN, f"{button} {target.ascii_key}"),))  # fmt: skip
    for staff_id in sorted(a for a in askers if a is not None):
        member = ctx.session.get(StaffMember, staff_id)
        if member is not None and target.stream is Stream.TIP:  # in the next round
            tip_rounds.queue_answer(ctx.session, ctx.org_id, handling, staff_id, now)
        elif member is not None and member.removed_at is None:
            outbound.send(
                ctx.session, org_id=ctx.org_id, channel=member.channel, chat_id=member.chat_id,
                replies=[notice], now=now,
            )  # fmt: skip
    return finish(Reply(msg.REPLY_SENT), menu.main_menu())


def rate_pressed(ctx: Ctx, code: str) -> Turn:
    """`f:rate:<handling>:<score>`: from a rating request in this chat or at a look-up."""
    try:
        handling_id, score = (int(part) for part in code.removeprefix(RATE).split(":"))
    except ValueError:
        return finish(Reply(common.STALE_BUTTON), menu.main_menu())
    handling = ctx.session.get(CaseHandling, handling_id)
    if handling is None or not 1 <= score <= 5 or not _may_rate(ctx, handling):
        return finish(Reply(common.STALE_BUTTON), menu.main_menu())
    if case_handling.rating_of(ctx.session, handling.case_id):
        return finish(Reply(msg.ALREADY_RATED), menu.main_menu())
    data = {"handling": handling_id, "score": score}
    return ask(ctx, S.COMMENT, FLOW, data=data)


def _may_rate(ctx: Ctx, handling: CaseHandling) -> bool:
    """The chat that filed the complaint, or a chat that just looked its code up."""
    if handling.stream != Stream.COMPLAINT or handling.org_id != ctx.org_id:
        return False  # another organisation's case: a forged button
    if ctx.data.get("handling") == handling.id:
        return True
    complaint = ctx.session.get(Complaint, handling.case_id)
    event = ctx.event
    return complaint is not None and (complaint.channel, complaint.chat_id) == (
        event.channel.value, event.chat_id,
    )  # fmt: skip


def prompt_comment(ctx: Ctx) -> Reply:
    return Reply(msg.ASK_COMMENT, (Choice(common.BUTTON_SKIP, SKIP),))


def on_comment(ctx: Ctx) -> Turn:
    comment = ""
    if ctx.event.choice != SKIP:
        checked = inputs.free_text(ctx.event.text)
        if checked.problem:
            return retry(ctx, FLOW, checked.problem)
        comment = checked.value
    handling = ctx.session.get(CaseHandling, ctx.data["handling"])
    rating = case_handling.rate(
        ctx.session, ctx.org_id, handling.case_id, ctx.data["score"], comment, ctx.now()
    )
    if rating is not None:  # the statistics keep the score, apart from the comment
        stats_events.record_rating(
            ctx.session, org_id=ctx.org_id, stream=Stream.COMPLAINT, case_id=handling.case_id,
            score=rating.score, at=rating.at,
        )  # fmt: skip
    return finish(Reply(msg.RATED), menu.main_menu())


def intercept(ctx: Ctx) -> Turn | None:
    """Buttons pressed while the chat is at the menu: a rating request the outbox delivered,
    or the reply button of a tip look-up; and "ตอบกลับ" typed with a code."""
    choice = ctx.event.choice or ""
    if choice.startswith(RATE) and ctx.flow != NAME:
        return rate_pressed(ctx, choice)
    if choice.startswith(REPLY + ":"):  # the code on a button is as untrusted as typed text
        found = find_code(choice.removeprefix(REPLY + ":"))
        if found is None:
            return finish(Reply(common.STALE_BUTTON), menu.main_menu())
        return _reply_by_code(ctx, found)
    text = (ctx.event.text or "").strip()
    if choice or not text.startswith(msg.BUTTON_REPLY):
        return None
    found = find_code(text)
    if found is None:
        return None
    return _reply_by_code(ctx, found)


FLOW = Flow(
    name=NAME,
    start=lambda ctx: finish(menu.main_menu()),
    steps={
        S.CHOOSE: Step(on_choose, prompt_choose, Expect.TEXT),
        S.ANSWER: Step(on_answer, prompt_answer, Expect.TEXT),
        S.COMMENT: Step(on_comment, prompt_comment, Expect.TEXT),
    },
)
