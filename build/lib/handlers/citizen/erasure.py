"""A complainant asks to have their name and phone erased from a closed complaint (PDPA).

The request comes through the complaint's code, the only proof of ownership the bot asks
for anywhere: the status of a closed complaint that still holds a name or phone offers a
button, whose data carries the code, so no state is kept between the two presses. Code
look-ups here count against the same guess limit as tracking. The erasure is recorded in
the complaint's history; the complaint itself stays for the statistics.
"""

from __future__ import annotations

from sqlmodel import Session, select

from handlers import menu
from handlers.cases.codes import CodeProblem, find_code
from handlers.cases.lifecycle import Status
from handlers.flow import Ctx
from handlers.types import Choice, Reply
from messages.citizen import privacy as msg
from messages.citizen import tracking as tracking_msg
from storage.models import Complaint, ComplaintStatusChange
from storage.protect import guess_limit

ASK, CONFIRM = "c:erase:", "c:erase!:"
ACTOR = "citizen"
CLOSED = (Status.COMPLETED, Status.REFERRED, Status.CLOSED)


def handles(choice: str | None) -> bool:
    return bool(choice) and choice.startswith((ASK, CONFIRM))


def offer(session: Session, org_id: int, code: str) -> Choice | None:
    """The erase button for a tracking answer, when the complaint is closed and holds data."""
    complaint = _complaint(session, org_id, code)
    if complaint is None or complaint.status not in CLOSED:
        return None
    if not (complaint.complainant_name or complaint.complainant_phone):
        return None
    return Choice(msg.BUTTON_ERASE, ASK + code)


def answer(ctx: Ctx) -> Reply:
    """Ask to confirm, or erase: the pressed button carries the complaint's code."""
    choice = ctx.event.choice or ""
    confirmed = choice.startswith(CONFIRM)
    found = find_code(choice.removeprefix(CONFIRM if confirmed else ASK))
    if found is None or found.problem is not CodeProblem.OK:
        return Reply(tracking_msg.NOT_FOUND, (menu.MENU_CHOICE,))
    event, now = ctx.event, ctx.now()
    limit = guess_limit.refused(
        ctx.session, event.channel.value, event.chat_id, now, org_id=ctx.org.id
    )
    if limit is not None:
        text = tracking_msg.EVERYONE_WAITS if limit.everyone else tracking_msg.TOO_MANY_TRIES
        return Reply(text.format(minutes=limit.minutes))
    complaint = _complaint(ctx.session, ctx.org.id, found.digits)
    if complaint is None:
        guess_limit.record_miss(
            ctx.session, event.channel.value, event.chat_id, now, org_id=ctx.org.id
        )
        return Reply(tracking_msg.NOT_FOUND, (menu.MENU_CHOICE,))
    if complaint.status not in CLOSED:
        return Reply(msg.NOT_CLOSED, (menu.MENU_CHOICE,))
    if not (complaint.complainant_name or complaint.complainant_phone):
        return Reply(msg.NOTHING_TO_ERASE, (menu.MENU_CHOICE,))
    if not confirmed:
        sure = Choice(msg.BUTTON_ERASE_CONFIRM, CONFIRM + found.digits)
        return Reply(msg.ASK_ERASE, (sure, menu.MENU_CHOICE))
    complaint.complainant_name = complaint.complainant_phone = ""
    ctx.session.add(complaint)
    ctx.session.add(
        ComplaintStatusChange(
            org_id=complaint.org_id, complaint_id=complaint.id, status=complaint.status,
            at=now, actor=ACTOR, public_note=msg.HISTORY_PUBLIC,
        )
    )  # fmt: skip
    return Reply(msg.ERASED, (menu.MENU_CHOICE,))


def _complaint(session: Session, org_id: int, code: str) -> Complaint | None:
    return session.exec(
        select(Complaint).where(Complaint.org_id == org_id, Complaint.code == code)
    ).first()
