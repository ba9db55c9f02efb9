"""Staff in the chat: the staff menu, queues, case cards and every action on a case.

Everything a button does is also a typed command (`/open 1234-...`, `/status ทจ-2567-4821`),
and a button's code *is* that command. `intercept` runs before the citizen router: it binds
invites, and hands staff commands and staff steps to their handlers. Every handler first calls
`staff_auth.authorise` with the role it needs; a refusal returns None, so the router answers
exactly as it answers any text it does not understand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from handlers import inputs, menu
from handlers.cases import actions as case_ops
from handlers.cases.actions import Target, find_target
from handlers.cases.lifecycle import Status, Stream
from handlers.flow import Ctx
from handlers.staff import admin as staff_admin
from handlers.staff import stats_chat, web_login
from handlers.staff.auth import actor, authorise
from handlers.types import Choice, Reply, Turn
from messages import common
from messages import staff as msg
from messages.citizen.tracking import STATUS_LABELS
from messages.format import arabic_digits, local_date
from messages.office import chat as office_msg
from messages.stats import chat as stats_msg
from storage import org_settings
from storage.protect import intake
from storage.staff import accounts as staff
from storage.staff.accounts import Role
from storage.staff.models import StaffMember

FLOW = "staff"
VIEW = "view"  # showing a staff view: typed numbers pick its buttons
SKIP = "s:skip"
QUEUE_BUTTONS = 10


def _view(*replies: Reply) -> Turn:
    """Show staff replies; the last one's buttons can be picked by number on the console."""
    choices = [[c.label, c.code] for c in replies[-1].choices]
    return Turn(list(replies), FLOW, VIEW, {"choices": choices})


def _ask_text(step: str, question: str, data: dict, *, skippable: bool) -> Turn:
    buttons = (Choice(msg.BUTTON_SKIP_NOTE, SKIP),) if skippable else ()
    choices = [[c.label, c.code] for c in buttons]
    return Turn([Reply(question, (*buttons, menu.CANCEL_CHOICE))], FLOW, step,
                {**data, "choices": choices})  # fmt: skip


def _role_for_key(text: str) -> Role:
    """Which stream a typed key names, judged by its form only (no database look-up)."""
    return Role.INTEGRITY if case_ops._REFERENCE.search(text) else Role.COMPLAINT


def _target(ctx: Ctx, key: str) -> tuple[Target | None, Turn | None]:
    """The case `key` names if this chat may handle its stream; else the answer to give.

    (None, None) means: not authorised, answer like unknown text.
    """
    if not key:
        return None, (_view(Reply(msg.NEED_TARGET)) if authorise(ctx) else None)
    if authorise(ctx, _role_for_key(key)) is None:
        return None, None
    target = find_target(ctx.session, ctx.org_id, key)
    if target is None:
        return None, _view(Reply(msg.UNKNOWN_CASE))
    return target, None


def _guarded(action: Callable[[Ctx, Target, str], Turn]) -> Callable[[Ctx, str], Turn | None]:
    """A command on one case: `/cmd KEY [rest]`, authorised for the case's stream."""

    def command(ctx: Ctx, arg: str) -> Turn | None:
        key, rest = _split_key(arg)
        target, answer = _target(ctx, key)
        if target is None:
            return answer
        return action(ctx, target, rest)

    return command


def _split_key(arg: str) -> tuple[str, str]:
    """`1234-5678-9012-3456 rest` or `ทจ-2567-4821 rest` -> (key, rest)."""
    arg = arg.strip()
    ref = case_ops._REFERENCE.match(arg)
    if ref:
        return arg[: ref.end()], arg[ref.end() :].strip()
    digits = 0
    for index, ch in enumerate(arg):
        if arabic_digits(ch).isdigit():
            digits += 1
            if digits == 16:
                return arg[: index + 1], arg[index + 1 :].strip()
    return arg, ""


def _me(ctx: Ctx, target: Target):
    member = authorise(ctx, target.role)
    assert member is not None  # `_target` checked it in this same turn
    return member


# -- views --------------------------------------------------------------------------------


def staff_menu(ctx: Ctx, _arg: str = "") -> Turn | None:
    member = authorise(ctx)
    if member is None:
        return None
    roles = staff.roles_of(member)
    buttons = []
    if Role.COMPLAINT in roles:
        buttons.append(Choice(msg.BUTTON_QUEUE, "/queue"))
    if Role.INTEGRITY in roles:
        buttons.append(Choice(msg.BUTTON_TIPS, "/tips"))
    if roles & {Role.COMPLAINT, Role.INTEGRITY}:
        buttons.append(Choice(stats_msg.BUTTON_STATS, "/stats"))
    if Role.ADMIN in roles:
        buttons += [Choice(msg.BUTTON_STAFF, "/stafflist"), Choice(msg.BUTTON_AUDIT, "/audit")]
    elif Role.HOST_ADMIN in roles:
        buttons.append(Choice(msg.BUTTON_STAFF, "/stafflist"))
    buttons.append(Choice(office_msg.BUTTON_WEB, "/web"))
    text = f"{msg.STAFF_MENU}\n{msg.COMMANDS_HELP}"
    since = local_date(ctx.now()) - timedelta(days=6)
    hits = (
        intake.hits(ctx.session, ctx.org_id, since)
        if roles & {Role.COMPLAINT, Role.INTEGRITY, Role.ADMIN}
        else {}
    )
    if hits:  # officers see that a limit turned something away: how often, never who
        text += "\n\n" + msg.limits_hit({str(k): v for k, v in sorted(hits.items())})
    return _view(Reply(text, tuple(buttons)))


def _queue(ctx: Ctx, stream: Stream, title: str) -> Turn:
    today = local_date(ctx.now())
    cases = case_ops.open_cases(ctx.session, ctx.org_id, stream)
    if not cases:
        return _view(Reply(msg.QUEUE_EMPTY))
    sections = (
        (msg.SECTION_OVERDUE, [t for t in cases if case_ops.is_overdue(t, today)]),
        (msg.SECTION_DUE_SOON, [t for t in cases if case_ops.is_due_soon(t, today)]),
        (msg.SECTION_OPEN, [t for t in cases if t.case.due_on > today
                            and not case_ops.is_due_soon(t, today)]),
    )  # fmt: skip
    lines, shown = [title], []
    for heading, targets in sections:
        if targets:
            lines.append(f"{heading} ({len(targets)})")
            lines += [msg.queue_line(t.key, t.category_label, t.case.due_on, t.handling.unit)
                      for t in targets]  # fmt: skip
            shown += targets
    buttons = tuple(Choice(t.key, f"/open {t.ascii_key}") for t in shown[:QUEUE_BUTTONS])
    return _view(Reply("\n".join(lines), buttons))


def complaint_queue(ctx: Ctx, _arg: str = "") -> Turn | None:
    if authorise(ctx, Role.COMPLAINT) is None:
        return None
    return _queue(ctx, Stream.COMPLAINT, msg.QUEUE_COMPLAINTS)


def tip_queue(ctx: Ctx, _arg: str = "") -> Turn | None:
    if authorise(ctx, Role.INTEGRITY) is None:
        return None
    return _queue(ctx, Stream.TIP, msg.QUEUE_TIPS)


def _assignee_name(ctx: Ctx, target: Target) -> str:
    if target.handling.assignee_id is None:
        return ""
    member = ctx.session.get(StaffMember, target.handling.assignee_id)
    return member.name or str(member.id) if member else ""


def case_actions(target: Target, *, photos: bool) -> tuple[Choice, ...]:
    key = target.ascii_key
    buttons = []
    if target.stream is Stream.TIP:
        buttons.append(Choice(msg.BUTTON_CONTENT, f"/content {key}"))
    buttons += [
        Choice(msg.BUTTON_TAKE, f"/take {key}"),
        Choice(msg.BUTTON_STATUS, f"/status {key}"),
        Choice(msg.BUTTON_ASSIGN, f"/assign {key}"),
        Choice(msg.BUTTON_REFER, f"/refer {key}"),
        Choice(msg.BUTTON_HISTORY, f"/history {key}"),
        Choice(msg.BUTTON_ASK, f"/ask {key}"),
        Choice(msg.BUTTON_NOTE, f"/note {key}"),
    ]
    if photos:
        buttons.append(Choice(msg.BUTTON_PHOTOS, f"/photos {key}"))
    return tuple(buttons)


def open_case(ctx: Ctx, target: Target, _rest: str) -> Turn:
    case, handling = target.case, target.handling
    assignee = _assignee_name(ctx, target)
    if target.stream is Stream.TIP:
        text = msg.tip_card(
            target.key, target.category_label, case.status, case.received_at, case.due_on,
            handling.unit, assignee, handling.referred_to,
        )  # fmt: skip
        return _view(Reply(text, case_actions(target, photos=False), office_case=target.ascii_key))
    photos = case_ops.photo_keys(ctx.session, target)
    text = msg.complaint_card(
        target.key, target.category_label, case.status, case.received_at, case.due_on,
        handling.unit, assignee, handling.referred_to, case_ops.excerpt(case.description),
        len(photos), case.latitude is not None,
        " ".join(filter(None, (case.complainant_name, case.complainant_phone))),
    )  # fmt: skip
    return _view(
        Reply(text, case_actions(target, photos=bool(photos)), office_case=target.ascii_key)
    )


def take_case(ctx: Ctx, target: Target, _rest: str) -> Turn:
    member = _me(ctx, target)
    case_ops.take(ctx.session, target, member.id, actor=actor(member), now=ctx.now())
    return _view(Reply(msg.TAKEN.format(key=target.key), case_actions(target, photos=False)))


def tip_content(ctx: Ctx, target: Target, _rest: str) -> Turn | None:
    if target.stream is not Stream.TIP:
        return _view(Reply(msg.UNKNOWN_CASE))
    member = _me(ctx, target)
    text = case_ops.tip_content(ctx.session, target, actor=actor(member), now=ctx.now())
    return _view(Reply(text, case_actions(target, photos=False)[1:]))


def show_history(ctx: Ctx, target: Target, _rest: str) -> Turn:
    return _view(Reply(case_ops.history(ctx.session, target), case_actions(target, photos=False)))


def photos(ctx: Ctx, target: Target, _rest: str) -> Turn:
    keys = case_ops.photo_keys(ctx.session, target)
    if not keys:
        return _view(Reply(msg.NO_PHOTOS))
    count = len(keys)
    return _view(*[Reply(msg.photo_caption(i, count), image_key=key)
                   for i, key in enumerate(keys, 1)],
                 Reply(target.key, case_actions(target, photos=False)))  # fmt: skip


# -- status with public and internal notes -----------------------------------------------

STATUS_PUBLIC, STATUS_INTERNAL, NOTE, REFER, ASK, EXPLAIN = (
    "public", "internal", "note", "refer", "ask", "explain",
)  # fmt: skip


def status_command(ctx: Ctx, target: Target, rest: str) -> Turn:
    wanted = rest.strip().lower()
    if wanted in {s.value for s in Status}:
        data = {"target": target.ascii_key, "status": wanted}
        return _ask_text(STATUS_PUBLIC, msg.ASK_PUBLIC_NOTE, data, skippable=True)
    buttons = tuple(
        Choice(STATUS_LABELS[s], f"/status {target.ascii_key} {s.value}")
        for s in Status
        if s is not Status.REFERRED  # referring names the agency: its own command
    )
    return _view(Reply(msg.ASK_STATUS.format(key=target.key), buttons))


def note_command(ctx: Ctx, target: Target, _rest: str) -> Turn:
    data = {"target": target.ascii_key}
    return _ask_text(NOTE, msg.ASK_INTERNAL_NOTE, data, skippable=False)


def refer_command(ctx: Ctx, target: Target, rest: str) -> Turn:
    if rest:
        return _refer(ctx, target, rest)
    return _ask_text(REFER, msg.ASK_AGENCY.format(key=target.key),
                     {"target": target.ascii_key}, skippable=False)  # fmt: skip


def _refer(ctx: Ctx, target: Target, agency: str) -> Turn:
    member = _me(ctx, target)
    case_ops.refer(ctx.session, target, agency, actor=actor(member), now=ctx.now())
    return _view(Reply(msg.REFERRED.format(key=target.key, agency=agency)))


def ask_command(ctx: Ctx, target: Target, _rest: str) -> Turn:
    return _ask_text(ASK, msg.ASK_QUESTION.format(key=target.key),
                     {"target": target.ascii_key}, skippable=False)  # fmt: skip


def explain_command(ctx: Ctx, target: Target, _rest: str) -> Turn:
    return _ask_text(EXPLAIN, msg.ASK_EXPLANATION.format(key=target.key),
                     {"target": target.ascii_key}, skippable=False)  # fmt: skip


def assign_command(ctx: Ctx, target: Target, rest: str) -> Turn:
    units = list(org_settings.get(ctx.session, ctx.org_id).units)
    unit = None
    if rest:
        number = arabic_digits(rest)
        if number.isdigit() and 1 <= int(number) <= len(units):
            unit = units[int(number) - 1]
        elif rest in units:
            unit = rest
    if unit is None:
        buttons = tuple(
            Choice(u[:20], f"/assign {target.ascii_key} {i}") for i, u in enumerate(units, 1)
        )
        return _view(Reply(msg.ASK_UNIT.format(key=target.key), buttons))
    member = _me(ctx, target)
    case_ops.assign(ctx.session, target, unit, actor=actor(member), now=ctx.now())
    return _view(Reply(msg.ASSIGNED.format(key=target.key, unit=unit)))


def _text_step(ctx: Ctx, raw: str) -> Turn | None:
    """The officer's typed answer to a staff question (a note, an agency, a question)."""
    target, answer = _target(ctx, ctx.data.get("target", ""))
    if target is None:
        return answer
    skipped = raw == SKIP
    if skipped and ctx.step not in (STATUS_PUBLIC, STATUS_INTERNAL):
        return None
    text = ""
    if not skipped:
        checked = inputs.free_text(raw)
        if checked.problem:
            return Turn([Reply(checked.problem)], FLOW, ctx.step, ctx.data)
        text = checked.value
    member, now, step = _me(ctx, target), ctx.now(), ctx.step
    if step == STATUS_PUBLIC:
        return _ask_text(STATUS_INTERNAL, msg.ASK_INTERNAL_NOTE, {**ctx.data, "public": text},
                         skippable=True)  # fmt: skip
    if step == STATUS_INTERNAL:
        status = Status(ctx.data["status"])
        case_ops.change_status(
            ctx.session, target, status, actor=actor(member), now=now,
            public_note=ctx.data.get("public", ""), internal_note=text,
        )  # fmt: skip
        saved = msg.STATUS_SAVED.format(status=STATUS_LABELS[status], key=target.key)
        return _view(Reply(saved, case_actions(target, photos=False)))
    if step == NOTE:
        case_ops.add_note(ctx.session, target, actor=actor(member), now=now, internal=text)
        return _view(Reply(msg.NOTE_SAVED.format(key=target.key)))
    if step == REFER:
        return _refer(ctx, target, text[:255])
    if step == ASK:
        case_ops.ask(ctx.session, target, text, member_id=member.id, now=now)
        return _view(Reply(msg.QUESTION_SAVED.format(key=target.key)))
    if step == EXPLAIN:
        case_ops.explain(ctx.session, target, text, actor=actor(member), now=now)
        return _view(Reply(msg.EXPLANATION_SAVED.format(key=target.key)))
    return None


def statistics(ctx: Ctx, arg: str = "") -> Turn | None:
    replies = stats_chat.answer(ctx, arg)
    return None if replies is None else _view(*replies)


TEXT_STEPS = {STATUS_PUBLIC, STATUS_INTERNAL, NOTE, REFER, ASK, EXPLAIN}

COMMANDS: dict[str, Callable[[Ctx, str], Turn | None]] = {
    "/staff": staff_menu,
    "/queue": complaint_queue,
    "/tips": tip_queue,
    "/open": _guarded(open_case),
    "/take": _guarded(take_case),
    "/content": _guarded(tip_content),
    "/history": _guarded(show_history),
    "/photos": _guarded(photos),
    "/status": _guarded(status_command),
    "/note": _guarded(note_command),
    "/assign": _guarded(assign_command),
    "/refer": _guarded(refer_command),
    "/ask": _guarded(ask_command),
    "/explain": _guarded(explain_command),
    "/stats": statistics,
    **staff_admin.COMMANDS,
    **web_login.COMMANDS,
}
GLOBAL_WORDS = {*common.WORDS_MENU, *common.WORDS_CANCEL, *common.WORDS_HELP}


def intercept(ctx: Ctx) -> Turn | None:
    """A staff answer to this event, or None to let the citizen router answer it."""
    event = ctx.event
    raw = (event.choice or event.text or "").strip()
    head, _, arg = raw.partition(" ")
    head = head.lower().split("@", 1)[0]  # Telegram: /queue@khaothong_bot
    if head == "/staff" and arg:
        return staff_admin.bind(ctx, arg) if event.is_private else None
    if not event.is_private:
        # In a group the bot is often @mentioned first (LINE): look for the command anywhere.
        words = [w.lower().split("@", 1)[0] for w in raw.split()]
        if staff_admin.GROUP_COMMAND in words:
            return staff_admin.group_command(ctx, off="off" in words)
        return None
    in_flow = ctx.flow == FLOW
    if not in_flow and not head.startswith("/"):
        return None  # citizens' turns cost no staff look-up
    if raw.lower() in GLOBAL_WORDS:
        return None
    if in_flow and event.text is not None and event.choice is None:
        picked = _picked(raw, ctx.data.get("choices", []))
        if picked is not None:
            if picked == menu.CANCEL:
                return Turn([menu.main_menu()], None, None, {})
            raw = picked
            head, _, arg = raw.partition(" ")
    command = COMMANDS.get(head)
    if command is not None:
        return command(ctx, arg.strip())
    if in_flow and ctx.step in TEXT_STEPS and (event.text is not None or raw == SKIP):
        return _text_step(ctx, raw)
    return None


def _picked(text: str, choices: list) -> str | None:
    for label, code in choices:
        if text == label:
            return code
    number = arabic_digits(text).rstrip(".)")
    if number.isdigit() and 1 <= int(number) <= len(choices):
        return choices[int(number) - 1][1]
    return None
