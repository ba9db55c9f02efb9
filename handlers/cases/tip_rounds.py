"""Tip notices to integrity officers leave in rounds, never at the moment of the tip.

A notice sent when a tip is filed (or an informant answers) would let the officer's phone
date it to the minute. Instead the filing turn queues it for the organisation's next round
(`storage.staff.tip_rounds`, every `tip_round_minutes` from midnight in Bangkok), and the
`tip-rounds` job of `complaintbot serve` (each minute, reading only what is due) sends each
officer one message per round: the new
tips sorted by reference, and the references whose informant answered, each list in one
message. The outbox rows it writes are dated by the round, not by the job's clock.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers import outbound
from handlers.cases.actions import Target, target_of
from handlers.cases.lifecycle import Stream
from handlers.cases.notices import case_buttons
from handlers.types import Choice, Reply
from messages import staff as msg
from storage import org_settings
from storage.staff import accounts as staff
from storage.staff import tip_rounds
from storage.staff.accounts import Role
from storage.staff.models import CaseHandling, StaffMember

JOB_NAME = "tip-rounds"
MAX_BUTTONS = 10  # one button per tip fits every channel up to here; /tips lists them all


def queue_answer(
    session: Session, org_id: int, handling: CaseHandling, staff_id: int, now: datetime
) -> None:
    minutes = org_settings.tip_round_minutes(session, org_id)
    tip_rounds.queue(
        session, org_id, tip_rounds.ANSWER, handling.id, now, round_minutes=minutes,
        staff_id=staff_id,
    )  # fmt: skip


def _targets(session: Session, handling_ids: set[int]) -> list[Target]:
    targets = []
    for handling_id in handling_ids:
        handling = session.get(CaseHandling, handling_id)
        target = target_of(session, handling) if handling is not None else None
        if target is not None and target.stream is Stream.TIP:
            targets.append(target)
    return sorted(targets, key=lambda t: t.key)


def _new_tips_reply(targets: list[Target]) -> Reply:
    if len(targets) == 1:
        target = targets[0]
        return Reply(
            msg.new_tip(target.key, target.category_label), case_buttons(target),
            office_case=target.ascii_key,
        )  # fmt: skip
    text = msg.new_tips(
        [(t.key, t.category_label) for t in targets], more=len(targets) > MAX_BUTTONS
    )
    buttons = tuple(Choice(t.key, f"/content {t.ascii_key}") for t in targets[:MAX_BUTTONS])
    return Reply(text, buttons)


def _answers_reply(targets: list[Target]) -> Reply:
    if len(targets) == 1:
        target = targets[0]
        button = Choice(msg.BUTTON_OPEN, f"/content {target.ascii_key}")
        return Reply(msg.answer_arrived(target.key, None), (button,), office_case=target.ascii_key)
    text = msg.answers_arrived([t.key for t in targets], more=len(targets) > MAX_BUTTONS)
    buttons = tuple(Choice(t.key, f"/content {t.ascii_key}") for t in targets[:MAX_BUTTONS])
    return Reply(text, buttons)


def send_round(session: Session, now: datetime, org_id: int) -> int:
    """Send the notices whose round has come (a per-organisation job); returns how many
    tips and answers went out. The messages carry the round's time, not `now`."""
    due = tip_rounds.take_due(session, org_id, now)
    if not due:
        return 0
    at = max(row.round_at for row in due)
    new = _targets(session, {r.handling_id for r in due if r.kind == tip_rounds.NEW_TIP})
    messages: dict[tuple[str, str], list[Reply]] = {}
    if new:
        for member in staff.with_role(session, org_id, Role.INTEGRITY):
            messages.setdefault((member.channel, member.chat_id), []).append(_new_tips_reply(new))
    asked: dict[int, set[int]] = {}
    for row in due:
        if row.kind == tip_rounds.ANSWER and row.staff_id is not None:
            asked.setdefault(row.staff_id, set()).add(row.handling_id)
    for staff_id in sorted(asked):
        member = session.get(StaffMember, staff_id)
        answered = _targets(session, asked[staff_id])
        if member is None or member.removed_at is not None or not answered:
            continue
        messages.setdefault((member.channel, member.chat_id), []).append(_answers_reply(answered))
    for (channel, chat_id), replies in sorted(messages.items()):
        outbound.send(
            session, org_id=org_id, channel=channel, chat_id=chat_id, replies=replies, now=at
        )
    return len(due)


def send_due(session: Session, now: datetime) -> int:
    """Every organisation's notices whose round has come (the `tip-rounds` job, each minute):
    one indexed query finds the organisations with something due; returns how many went."""
    return sum(send_round(session, now, org_id) for org_id in tip_rounds.orgs_due(session, now))
