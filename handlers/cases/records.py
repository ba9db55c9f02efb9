"""Cases that reach the organisation outside the bot: walk-in, phone, letter, website, …

Staff record them (one by one, or from a file of older records) so the statistics count every
channel. A record gets a code like any other case; its dates are the days things really
happened, which may lie weeks back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from handlers.cases import notices
from handlers.cases.lifecycle import (
    ComplaintCategory,
    EvidenceDraft,
    Status,
    Stream,
    TipCategory,
    change_status,
    file_complaint,
    file_tip,
)
from messages.format import BANGKOK
from messages.stats import labels as stats_msg
from storage.timeutil import as_utc

RECORDED_CHANNELS = stats_msg.RECORDED_CHANNELS
BACKDATED_HOUR = time(12)  # a day without a time of day: noon, safely inside it
STAFF_ACTOR = "staff"


class DateProblem(ValueError):
    """A date a person typed that cannot be used; `str()` says why in Thai."""


def moment_on(day: date, now: datetime, *, not_before: datetime | None = None) -> datetime:
    """The moment to record for something that happened on `day` (Bangkok).

    Today means now; an earlier day means its noon, or just after `not_before` when that
    falls later the same day. A day still to come is refused.
    """
    today = now.astimezone(BANGKOK).date()
    if day > today:
        raise DateProblem(stats_msg.FUTURE_DAY.format(day=day.isoformat()))
    moment = now if day == today else datetime.combine(day, BACKDATED_HOUR, BANGKOK)
    if not_before is not None:
        floor = as_utc(not_before)
        if floor.astimezone(BANGKOK).date() > day:
            raise DateProblem(
                stats_msg.BEFORE_LAST_CHANGE.format(last=floor.astimezone(BANGKOK).date())
            )
        if moment <= floor:  # the same day, after what was recorded that day
            moment = floor + timedelta(seconds=1)
    return as_utc(moment)


def categories(stream: Stream) -> tuple[str, ...]:
    enum = ComplaintCategory if stream is Stream.COMPLAINT else TipCategory
    return tuple(c.value for c in enum)


def parse_category(stream: Stream, text: str) -> str | None:
    """A category by its id (`road`), its Thai label, or one part of a label (`ถนน` for
    `ถนน/ไฟฟ้าสาธารณะ`)."""
    word = (text or "").strip()
    if word.lower() in categories(stream):
        return word.lower()
    squashed = word.replace(" ", "")
    for key, label in stats_msg.CATEGORY_LABELS[str(stream)].items():
        parts = [label, *label.split("/")]
        if squashed and any(squashed == part.replace(" ", "") for part in parts):
            return key
    return None


@dataclass(frozen=True)
class Recorded:
    stream: Stream
    code: str
    received_at: datetime
    reference: str = ""  # a tip's staff reference (staff never use its code)


def add_case(
    session: Session,
    *,
    org_id: int,
    stream: Stream,
    channel: str,
    category: str,
    text: str,
    received_at: datetime,
    name: str = "",
    contact: str = "",
    announce: bool = True,
    evidence: list[EvidenceDraft] | None = None,
) -> Recorded:
    """File a case that came in by `channel` at `received_at` (which may be in the past).

    Officers are told of it as of a case filed in the chat, unless `announce` is off (an
    import of older records); a tip gets its staff reference either way."""
    if stream is Stream.COMPLAINT:
        case = file_complaint(
            session, org_id=org_id, now=received_at, category=category, description=text,
            channel=channel, chat_id="", user_id="", evidence=list(evidence or []),
            location=None, name=name,
            phone=contact,
        )  # fmt: skip
        if announce:
            notices.on_complaint_filed(session, org_id, case, received_at, notify=False)
        return Recorded(stream, case.code, as_utc(received_at))
    tip, code = file_tip(
        session, org_id=org_id, now=received_at, category=category, conduct=text,
        accused="", when_where="", evidence=[], informant_name=name,
        informant_contact=contact, channel=channel,
    )  # fmt: skip
    if announce:
        reference = notices.on_tip_filed(session, org_id, tip, received_at)
    else:
        reference = notices.give_reference(session, org_id, tip, received_at).reference
    return Recorded(stream, code, as_utc(received_at), reference)


def set_status_on(
    session: Session, *, org_id: int, code: str, status: Status, at: datetime, actor: str
) -> None:
    change_status(session, org_id=org_id, code=code, status=status, actor=actor, now=at)
