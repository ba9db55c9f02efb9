"""The shared provincial channel's front: which organisation a chat's matter belongs to.

A citizen writing to the shared account is asked where the matter is (a tambon typed in
Thai, or a location pin), confirms the place and its organisation, and from then on every
event is forwarded to that organisation's own conversation. The choice is kept for the chat
(`shared_chat`) and dropped by "เปลี่ยนหน่วยงาน". A tracking code typed here, before or after
choosing, is forwarded to the organisation that holds it without changing the choice, under
the shared channel's guess limit.

`step` works inside the caller's session and never commits: the caller's turn, including the
organisation's own turn on the forwarded event, stays one transaction. No chat SDK here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import Session, select

from handlers import menu
from handlers.cases.codes import CodeProblem, FoundCode, find_code, is_only_code
from handlers.citizen import followup, tracking
from handlers.hosting.place_resolve import Place, Resolution, resolve_point, resolve_text
from handlers.router import FLOWS
from handlers.types import Choice, Event, EventKind, Reply
from messages import common
from messages.citizen import tracking as tracking_msg
from messages.hosting import shared_front as msg
from messages.hosting.org_map import BANGKOK_DISTRICT_PREFIX, place_label
from messages.understand import replies as understand_msg
from storage import conversations, org_settings
from storage.files import FileStore
from storage.hosting import shared_chats
from storage.hosting.place_models import PlaceOrg
from storage.models import Complaint, Organisation, Tip
from storage.protect import guess_limit, tip_privacy
from storage.timeutil import utcnow

YES = "place:yes"
AGAIN = "place:again"
RETYPE = "place:retype"
PICK = "place:pick:"  # + index into the offered places
CHANGE = "shared:change"
CHANGE_CHOICE = Choice(msg.BUTTON_CHANGE, CHANGE)  # for a channel's own menu, if it wants one

ASKING = "ask"
CONFIRMING = "confirm"
PICKING = "pick"
VISIT = "visit"  # in the chat's data: the organisation a complaint's look-up went to

LABEL_MAX = 20  # LINE quick reply labels
NEAR_LIMIT = 3


@dataclass(frozen=True)
class FrontResult:
    """`forward`: the event to run as organisation `org_id`'s turn (None: answered here)."""

    org_id: int | None
    replies: list[Reply] = field(default_factory=list)
    forward: Event | None = None


def step(
    session: Session,
    event: Event,
    *,
    account: str,
    now: datetime | None = None,
    files: FileStore | None = None,
) -> FrontResult:
    """One event of the shared channel: answered here, or forwarded to an organisation.

    `files`: where the adapter saved the event's attachments; those of an event answered
    here (a photo sent before a place was chosen) are deleted, as the router does.
    """
    result = _step(session, event, account, now or utcnow())
    if result.forward is None and files is not None:
        for attachment in event.attachments:
            files.delete(attachment.key)
    return result


def _step(session: Session, event: Event, account: str, now: datetime) -> FrontResult:
    chat = shared_chats.lock(session, account, event.chat_id)
    text = (event.text or "").strip()
    if event.choice == CHANGE or _compact(text) in _CHANGE_WORDS:
        return _ask(session, chat, msg.ASK)
    visited = _visited(session, chat, event)
    target = visited or chat.org_id
    if target is not None:
        found = _code_for_lookup(session, target, event, text)
        if found is not None:
            return _code(session, chat, event, found, now)
    if visited is not None:  # the exchange a code look-up started there goes on there
        return FrontResult(visited, [], forward=event)
    if chat.org_id is not None:
        replies = [tip_notice(session, chat.org_id)] if _starts_tip(event, text) else []
        return FrontResult(chat.org_id, replies, forward=event)
    if event.kind is EventKind.UNFOLLOW:
        return FrontResult(None)
    if not event.is_private:  # a group has no one place; and tips are never written there
        return FrontResult(None, [Reply(common.GROUP_CHAT)])
    if event.text and event.choice is None:
        found = find_code(event.text)
        if found is not None:
            return _code(session, chat, event, found, now)
    if event.choice is not None:
        return _choice(session, chat, event.choice, event)
    if event.location is not None:
        near = resolve_point(session, event.location.latitude, event.location.longitude,
                             NEAR_LIMIT)  # fmt: skip
        if not near:
            return _unchanged(chat, Reply(msg.NOTHING_NEAR))
        return _offer(session, chat, Resolution(None, near), near=True)
    if text and chat.step in (CONFIRMING, PICKING):
        picked = _typed_pick(chat, text)
        if picked is not None:
            return _choice(session, chat, picked, event)
    if text:
        if not _has_places(session):
            return _unchanged(chat, Reply(msg.NO_PLACES))
        found_places = resolve_text(session, text)
        if not found_places.candidates:
            return _unchanged(chat, Reply(_not_found(session, text)))
        return _offer(session, chat, found_places, near=False)
    if chat.step is None:
        return _ask(session, chat, msg.ASK)
    return _unchanged(chat, Reply(msg.NEED_PLACE))


def tip_notice(session: Session, org_id: int) -> Reply:
    """Before a tip is written here: who receives it, and where else it can go."""
    org = session.get(Organisation, org_id)
    contacts = org_settings.external_contacts(session, org_id)
    return Reply(msg.tip_notice(org.name if org else "", contacts))


def _code_for_lookup(session: Session, org_id: int, event: Event, text: str) -> FoundCode | None:
    """A well-formed code the chosen organisation's own turn would take as a look-up.

    As the router reads it: anywhere in a message at the main menu or where a code is asked
    for, only on its own in the middle of a flow; never a staff command or a staff step's
    text, and never a button. A typo or a wrong length stays with the chosen organisation,
    which answers it as it always does.
    """
    if event.choice is not None or not text or text.startswith("/") or not event.is_private:
        return None
    found = find_code(text)
    if found is None or found.problem is not CodeProblem.OK:
        return None
    convo = conversations.peek(session, org_id, event.channel.value, event.chat_id)
    flow = convo.flow if convo is not None else None
    if flow is None or flow == tracking.NAME:
        return found
    return found if flow in FLOWS and is_only_code(text) else None


def find_code_anywhere(session: Session, code: str) -> int | None:
    """The organisation holding the case with this code, in either stream, if any."""
    holder = _holder(session, code)
    return holder[0] if holder is not None else None


def _holder(session: Session, code: str) -> tuple[int, bool] | None:
    """The organisation holding the code, and whether it is a complaint's."""
    org_id = session.exec(select(Complaint.org_id).where(Complaint.code == code)).first()
    if org_id is not None:
        return org_id, True
    hashes = tip_privacy.code_hashes(code)
    org_id = session.exec(select(Tip.org_id).where(Tip.code_hash.in_(hashes))).first()
    return (org_id, False) if org_id is not None else None


# -- steps ------------------------------------------------------------------------------


def _ask(session: Session, chat, text: str) -> FrontResult:
    _save(session, chat, org_id=None, step=ASKING, data={})
    return FrontResult(None, [Reply(text)])


def _unchanged(chat, *replies: Reply) -> FrontResult:
    return FrontResult(None, list(replies))


def _code(session: Session, chat, event: Event, found: FoundCode, now: datetime) -> FrontResult:
    """A typed code: the holding organisation answers, whichever (if any) the chat chose;
    the choice is unchanged.

    Answered like the organisation's own tracking: a typo is a typo, a miss counts towards
    the chat's guess limit and the deployment-wide one (the look-up reaches every
    organisation), and a limited chat is refused before any look-up. Which organisation
    holds a code shows only in its answer.
    """
    if found.problem is CodeProblem.TYPO:
        return FrontResult(None, [Reply(tracking_msg.TYPO)])
    if found.problem is CodeProblem.LENGTH:
        return FrontResult(None, [Reply(tracking_msg.WRONG_LENGTH.format(count=len(found.digits)))])
    channel = event.channel.value
    limit = guess_limit.refused(session, channel, event.chat_id, now)
    if limit is not None:
        text = tracking_msg.EVERYONE_WAITS if limit.everyone else tracking_msg.TOO_MANY_TRIES
        return FrontResult(None, [Reply(text.format(minutes=limit.minutes))])
    holder = _holder(session, found.digits)
    if holder is None:
        guess_limit.record_miss(session, channel, event.chat_id, now)
        return FrontResult(None, [Reply(tracking_msg.NOT_FOUND)])
    org_id, complaint = holder
    _visit(session, chat, org_id if complaint and org_id != chat.org_id else None)
    return FrontResult(org_id, [], forward=event)


def _visited(session: Session, chat, event: Event) -> int | None:
    """The organisation whose follow-up exchange this chat is in, after a complaint's code
    it holds was looked up here: a button it offered (reply, rating), or the answer being
    typed. Anything else typed goes where it would have gone, and the visit is over."""
    org_id = (chat.data or {}).get(VISIT)
    if org_id is None:
        return None
    convo = conversations.peek(session, org_id, event.channel.value, event.chat_id)
    in_exchange = convo is not None and convo.flow == followup.NAME
    if in_exchange and (convo.step != followup.S.CHOOSE or _exchange_button(event.choice)):
        return org_id
    _visit(session, chat, None)
    return None


def _exchange_button(choice: str | None) -> bool:
    """A button the follow-up's question offers: reply, a rating, or cancel."""
    if choice is None:
        return False
    return choice in (followup.REPLY, menu.CANCEL) or choice.startswith(followup.RATE)


def _visit(session: Session, chat, org_id: int | None) -> None:
    """Remember (or forget) the organisation a complaint's look-up went to. Never for a tip:
    its look-up leaves nothing behind that links the chat to it."""
    data = {k: v for k, v in (chat.data or {}).items() if k != VISIT}
    if org_id is not None:
        data[VISIT] = org_id
    if data != (chat.data or {}):
        chat.data = data
        session.add(chat)


def _choice(session: Session, chat, code: str, event: Event) -> FrontResult:
    offered = [tuple(item) for item in (chat.data or {}).get("offered", [])]
    if code in (RETYPE, AGAIN):
        return _ask(session, chat, msg.ASK)
    if code == YES and chat.step == CONFIRMING and len(offered) == 1:
        return _choose(session, chat, *offered[0], event)
    if code.startswith(PICK) and chat.step == PICKING:
        index = code.removeprefix(PICK)
        if index.isdigit() and int(index) < len(offered):
            place_code, org_id = offered[int(index)]
            return _confirm(session, chat, place_code, org_id, km=None)
    text = msg.STALE if chat.step is not None else msg.ASK
    return _unchanged(chat, Reply(text))


def _typed_pick(chat, text: str) -> str | None:
    """A typed "ใช่" / "ไม่ใช่" or a candidate's number presses that button."""
    if chat.step == CONFIRMING and _compact(text) in _YES_WORDS:
        return YES
    if chat.step == CONFIRMING and _compact(text) in _NO_WORDS:
        return AGAIN
    word = text.rstrip(".)")
    offered = (chat.data or {}).get("offered", [])
    if chat.step == PICKING and word.isdigit() and 1 <= int(word) <= len(offered):
        return f"{PICK}{int(word) - 1}"
    return None


def _offer(session: Session, chat, found: Resolution, *, near: bool) -> FrontResult:
    candidates = found.candidates
    first = candidates[0]
    if found.exact is not None or len(candidates) == 1 or (near and _one_place(candidates)):
        place = found.exact or first
        return _confirm(session, chat, place.subdistrict_code, place.org_id, place.distance_km)
    lines = "\n".join(
        msg.candidate_line(n, _label(p), p.org_name, p.distance_km)
        for n, p in enumerate(candidates, 1)
    )
    choices = tuple(
        Choice(_button(n, p, candidates), f"{PICK}{n - 1}") for n, p in enumerate(candidates, 1)
    )
    offered = [[p.subdistrict_code, p.org_id] for p in candidates]
    _save(session, chat, org_id=None, step=PICKING, data={"offered": offered})
    text = (msg.PICK_NEAR if near else msg.PICK).format(lines=lines)
    return FrontResult(None, [Reply(text, (*choices, Choice(msg.BUTTON_RETYPE, RETYPE)))])


def _one_place(candidates: list[Place]) -> bool:
    """The nearest pin is clear when no other place is as near (a tambon with two orgs is not)."""
    return len(candidates) == 1 or candidates[0].distance_km != candidates[1].distance_km


def _confirm(session: Session, chat, place_code: str, org_id: int, km: float | None) -> FrontResult:
    row = _mapped(session, place_code, org_id)
    if row is None:  # the map changed under an old button
        return _ask(session, chat, msg.STALE)
    org = session.get(Organisation, org_id)
    text = msg.confirm(row.subdistrict_th, row.district_th, row.province_th,
                       org.name if org else "", km)  # fmt: skip
    _save(session, chat, org_id=None, step=CONFIRMING, data={"offered": [[place_code, org_id]]})
    buttons = (Choice(msg.BUTTON_YES, YES), Choice(msg.BUTTON_AGAIN, AGAIN))
    return FrontResult(None, [Reply(text, buttons)])


def _choose(session: Session, chat, place_code: str, org_id: int, event: Event) -> FrontResult:
    if _mapped(session, place_code, org_id) is None:
        return _ask(session, chat, msg.STALE)
    org = session.get(Organisation, org_id)
    _save(session, chat, org_id=org_id, step=None, data={})
    chosen = Reply(msg.chosen(org.name if org else ""))
    return FrontResult(org_id, [chosen], forward=menu_event(event))


def _save(session: Session, chat, *, org_id: int | None, step: str | None, data: dict) -> None:
    chat.org_id, chat.step, chat.data, chat.updated_at = org_id, step, data, utcnow()
    session.add(chat)


def _mapped(session: Session, place_code: str, org_id: int) -> PlaceOrg | None:
    return session.exec(
        select(PlaceOrg).where(PlaceOrg.subdistrict_code == place_code, PlaceOrg.org_id == org_id)
    ).first()


def _has_places(session: Session) -> bool:
    return session.exec(select(PlaceOrg.id).limit(1)).first() is not None


def _not_found(session: Session, text: str) -> str:
    shown = text if len(text) <= 40 else text[:39] + "…"
    example = session.exec(select(PlaceOrg).order_by(PlaceOrg.subdistrict_code).limit(1)).first()
    if example is None:
        return msg.NOT_FOUND_NO_EXAMPLE.format(text=shown)
    district = example.district_th.removeprefix(BANGKOK_DISTRICT_PREFIX)
    return msg.NOT_FOUND.format(text=shown, example=example.subdistrict_th,
                                example_district=district)  # fmt: skip


def _label(place: Place) -> str:
    return place_label(place.subdistrict_th, place.district_th, place.province_th)


def _button(number: int, place: Place, candidates: list[Place]) -> str:
    """`1. น้ำชำ (สูงเม่น)` where it fits in a label, else the number and the tambon."""
    label = f"{number}. {place.subdistrict_th}"
    same_name = sum(1 for p in candidates if p.subdistrict_th == place.subdistrict_th) > 1
    with_district = f"{label} ({place.district_th})"
    if same_name and len(with_district) <= LABEL_MAX:
        label = with_district
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def _starts_tip(event: Event, text: str) -> bool:
    return event.choice == menu.TIP or (event.choice is None and text == common.MENU_TIP)


def _compact(text: str) -> str:
    return "".join(text.split()).lower()


_CHANGE_WORDS = frozenset(_compact(w) for w in msg.WORDS_CHANGE)
_NO_WORDS = frozenset(_compact(w) for w in (*understand_msg.NO_WORDS, msg.BUTTON_AGAIN))
_YES_WORDS = frozenset(_compact(w) for w in (*understand_msg.YES_WORDS, msg.BUTTON_YES))


def menu_event(event: Event) -> Event:
    """The event an organisation's engine answers with its main menu (after a choice)."""
    return replace(event, text=common.WORDS_MENU[0], choice=None, attachments=(), location=None)
