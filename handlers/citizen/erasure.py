"""A complainant asks to have their personal data erased from a closed complaint (PDPA).

The request comes through the complaint's code, the only proof of ownership the bot asks
for anywhere: the status of a closed complaint that still holds a name, a phone or its chat
offers a button, whose data carries the code, so no state is kept between the two presses.
Code look-ups here count against the same guess limit as tracking.

What goes: the name and phone, and the chat and user id, which a closed case needs only to
tell the citizen of progress and ask for a rating (both stop; the code still shows the
status and any question), with the notices queued or kept for that chat about the case.
Older copies leave the database files after the commit (the engine scrubs). What stays:
the complaint itself (category, description, photos, place, history), which is the
organisation's record and its statistics; the erasure is recorded in the history.
"""

from __future__ import annotations

import json

from sqlmodel import Session, select

from handlers import menu
from handlers.cases.actions import RATE
from handlers.cases.codes import CodeProblem, find_code, masked
from handlers.cases.lifecycle import Status, Stream
from handlers.flow import Ctx
from handlers.types import Choice, Reply
from messages.citizen import privacy as msg
from messages.citizen import tracking as tracking_msg
from storage.models import Complaint, ComplaintStatusChange
from storage.protect import guess_limit
from storage.staff import case_handling
from storage.staff.models import OutboxMessage

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
    if not _holds_personal_data(complaint):
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
        ctx.session, event.channel.value, event.chat_id, now, org_id=ctx.org_id
    )
    if limit is not None:
        text = tracking_msg.EVERYONE_WAITS if limit.everyone else tracking_msg.TOO_MANY_TRIES
        return Reply(text.format(minutes=limit.minutes))
    complaint = _complaint(ctx.session, ctx.org_id, found.digits)
    if complaint is None:
        guess_limit.record_miss(
            ctx.session, event.channel.value, event.chat_id, now, org_id=ctx.org_id
        )
        return Reply(tracking_msg.NOT_FOUND, (menu.MENU_CHOICE,))
    if complaint.status not in CLOSED:
        return Reply(msg.NOT_CLOSED, (menu.MENU_CHOICE,))
    if not _holds_personal_data(complaint):
        return Reply(msg.NOTHING_TO_ERASE, (menu.MENU_CHOICE,))
    if not confirmed:
        sure = Choice(msg.BUTTON_ERASE_CONFIRM, CONFIRM + found.digits)
        return Reply(msg.ASK_ERASE, (sure, menu.MENU_CHOICE))
    _forget_chat(ctx.session, complaint)
    complaint.complainant_name = complaint.complainant_phone = ""
    complaint.chat_id = complaint.user_id = ""
    ctx.session.add(complaint)
    ctx.scrub_after()  # the old versions of the row leave the database's log too
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


def _holds_personal_data(complaint: Complaint) -> bool:
    return bool(complaint.complainant_name or complaint.complainant_phone or complaint.chat_id)


def _forget_chat(session: Session, complaint: Complaint) -> None:
    """No more notices to the chat about this case: those queued or kept after delivery
    (which hold the chat id and excerpts) go, and the case stops asking to notify."""
    handling = case_handling.for_case(session, Stream.COMPLAINT, complaint.id)
    about = [masked(complaint.code)]
    if handling is not None:
        handling.notify = False
        session.add(handling)
        about.append(f"{RATE}{handling.id}:")
    rows = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.org_id == complaint.org_id,
            OutboxMessage.channel == complaint.channel,
            OutboxMessage.chat_id == complaint.chat_id,
        )
    )
    for row in rows.all():
        payload = json.dumps(row.payload, ensure_ascii=False)
        if any(mark in payload for mark in about):
            session.delete(row)
