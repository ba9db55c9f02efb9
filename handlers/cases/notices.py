"""New-case notices to officers, written to the outbox in the filing transaction.

Complaint notices go to every complaint officer's private chat, or to the staff group an
administrator set for that channel. Tip notices go only to integrity officers' private chats,
never to a group, and say only that a tip arrived, its category and its staff reference.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from handlers import outbound
from handlers.cases.actions import Target, excerpt, location_of, tip_reference_prefix
from handlers.cases.lifecycle import Stream
from handlers.types import Choice, Reply
from messages import staff as msg
from storage import org_settings
from storage.models import Complaint, ComplaintFile, Tip
from storage.staff import accounts as staff
from storage.staff import case_handling, tip_rounds
from storage.staff.accounts import Role
from storage.staff.models import CaseHandling


def case_buttons(target: Target, *, photos: bool = False) -> tuple[Choice, ...]:
    key = target.ascii_key
    buttons = [Choice(msg.BUTTON_TAKE, f"/take {key}"), Choice(msg.BUTTON_OPEN, f"/open {key}")]
    if target.stream is Stream.TIP:
        buttons.append(Choice(msg.BUTTON_CONTENT, f"/content {key}"))
    if photos:
        buttons.append(Choice(msg.BUTTON_PHOTOS, f"/photos {key}"))
    return tuple(buttons)


def on_complaint_filed(
    session: Session, org_id: int, complaint: Complaint, now: datetime, *, notify: bool
) -> None:
    handling = case_handling.ensure(session, org_id, Stream.COMPLAINT, complaint.id)
    handling.notify = notify
    session.add(handling)
    target = Target(Stream.COMPLAINT, complaint, handling)
    photos = len(
        session.exec(
            select(ComplaintFile.id).where(ComplaintFile.complaint_id == complaint.id)
        ).all()
    )
    text = msg.new_complaint(
        target.key, target.category_label, excerpt(complaint.description), complaint.due_on, photos
    )
    reply = Reply(text, case_buttons(target, photos=bool(photos)), office_case=target.ascii_key)
    groups = org_settings.get(session, org_id).staff_groups or {}
    chats = {(channel, chat) for channel, chat in groups.items()}
    for member in staff.with_role(session, org_id, Role.COMPLAINT):
        if member.channel not in groups:
            chats.add((member.channel, member.chat_id))
    for channel, chat in sorted(chats):
        outbound.send(
            session, org_id=org_id, channel=channel, chat_id=chat, replies=[reply], now=now,
            location=location_of(target),
        )  # fmt: skip


def give_reference(session: Session, org_id: int, tip: Tip, now: datetime) -> CaseHandling:
    """The tip's handling row with its staff reference (random within the fiscal year)."""
    handling = case_handling.ensure(session, org_id, Stream.TIP, tip.id)
    handling.reference = case_handling.new_tip_reference(session, org_id, tip_reference_prefix(now))
    session.add(handling)
    return handling


def on_tip_filed(session: Session, org_id: int, tip: Tip, now: datetime) -> str:
    """Give the tip its staff reference and queue the integrity officers' notice for the
    next round (`handlers.cases.tip_rounds`), never at once; returns the reference."""
    handling = give_reference(session, org_id, tip, now)
    session.flush()
    minutes = org_settings.tip_round_minutes(session, org_id)
    tip_rounds.queue(session, org_id, tip_rounds.NEW_TIP, handling.id, now, round_minutes=minutes)
    return handling.reference
