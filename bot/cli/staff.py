"""`complaintbot staff …`, `complaintbot case …` and `complaintbot audit`: everything staff do
in the chat, from the server, for organisations that prefer it.

    complaintbot staff invite --role complaint --name "สมศรี" [--org SLUG]
    complaintbot staff list | staff remove ID | staff role ID ROLE
    complaintbot case list [--stream tip] | case show KEY [--content]
    complaintbot case status KEY completed --note "..." --internal-note "..."
    complaintbot case note KEY "..." | case assign KEY UNIT | case refer KEY AGENCY
    complaintbot audit
    complaintbot settings [--deadline-days 15] [--units "สำนักปลัด,กองช่าง"] [--filings-per-chat 5] ...

KEY is a complaint's tracking code or a tip's staff reference (ทจ-2567-4821).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlmodel import Session

from bot.app import Core, build_core
from bot.cli.case import moment_of_change
from bot.config import Settings
from handlers.cases import actions as case_ops
from handlers.cases.actions import find_target
from handlers.cases.lifecycle import Status, Stream, last_change_at
from handlers.cases.records import DateProblem
from handlers.staff import manage
from messages import staff as staff_msg
from messages.citizen.tracking import STATUS_LABELS
from messages.cli import common as msg
from messages.format import thai_datetime
from storage import org_settings
from storage.staff import accounts as staff
from storage.staff import case_handling
from storage.staff.accounts import Role
from storage.timeutil import as_utc, utcnow


def _core(args: argparse.Namespace) -> Core:
    return build_core(Settings.from_env(), org_slug=args.org)


def _actor(args: argparse.Namespace) -> str:
    return args.actor or f"cli:{getpass.getuser()}"


def _invite(args: argparse.Namespace) -> int:
    core = _core(args)
    roles = [Role(r) for r in args.role]
    with Session(core.db) as session, session.begin():
        row, code = staff.invite(
            session, org_id=core.org_id, roles=roles, name=args.name, now=utcnow(),
            actor=f"cli:{getpass.getuser()}",
        )  # fmt: skip
        expires = thai_datetime(as_utc(row.expires_at))
    labels = staff_msg.roles_text([r.value for r in roles])
    print(msg.INVITE_PRINTED.format(roles=labels, code=code, expires=expires))
    return 0


def _staff_list(args: argparse.Namespace) -> int:
    core = _core(args)
    with Session(core.db) as session:
        members = staff.listing(session, core.org_id)
        if not members:
            print(msg.NO_STAFF)
        for m in members:
            print(staff_msg.staff_line(m.id, m.name, m.roles.split(","), m.channel))
    return 0


def _staff_remove(args: argparse.Namespace) -> int:
    core = _core(args)
    with Session(core.db) as session, session.begin():
        member = manage.remove(session, core.org_id, args.id, actor=f"cli:{getpass.getuser()}",
                               now=utcnow())  # fmt: skip
    if member is None:
        print(msg.STAFF_NOT_FOUND.format(id=args.id), file=sys.stderr)
        return 1
    print(msg.STAFF_REMOVED.format(id=args.id))
    return 0


def _staff_role(args: argparse.Namespace) -> int:
    core = _core(args)
    with Session(core.db) as session, session.begin():
        member = manage.change_role(
            session, core.org_id, args.id, giver=None, actor=f"cli:{getpass.getuser()}",
            role=Role(args.role), now=utcnow(),
        )  # fmt: skip
    if member is None:
        print(msg.STAFF_NOT_FOUND.format(id=args.id), file=sys.stderr)
        return 1
    print(msg.STAFF_ROLE_CHANGED.format(id=args.id, roles=staff_msg.roles_text([args.role])))
    return 0


def _with_case(args: argparse.Namespace, action) -> int:
    """Run `action(session, target, core)` on the case KEY names, in one transaction."""
    core = _core(args)
    with Session(core.db) as session, session.begin():
        key = getattr(args, "key", None) or args.code  # `case status` names it `code`
        target = find_target(session, core.org_id, key)
        if target is None:
            print(msg.UNKNOWN_CASE.format(key=key), file=sys.stderr)
            return 1
        return action(session, target, core)


def _case_list(args: argparse.Namespace) -> int:
    core = _core(args)
    with Session(core.db) as session, session.begin():
        cases = case_ops.open_cases(session, core.org_id, Stream(args.stream))
        if not cases:
            print(msg.NO_CASES)
        for t in cases:
            extra = STATUS_LABELS[t.case.status] + (
                f", {t.handling.unit}" if t.handling.unit else ""
            )
            print(staff_msg.queue_line(t.key, t.category_label, t.case.due_on, extra))
    return 0


def _case_show(args: argparse.Namespace) -> int:
    def show(session, target, core) -> int:
        h, case = target.handling, target.case
        if target.stream is Stream.TIP:
            print(
                staff_msg.tip_card(
                    target.key,
                    target.category_label,
                    case.status,
                    case.received_at,
                    case.due_on,
                    h.unit,
                    "",
                    h.referred_to,
                )
            )
            if args.content:
                print(case_ops.tip_content(session, target, actor=_actor(args), now=utcnow()))
        else:
            print(
                staff_msg.complaint_card(
                    target.key,
                    target.category_label,
                    case.status,
                    case.received_at,
                    case.due_on,
                    h.unit,
                    "",
                    h.referred_to,
                    case.description,
                    len(case_ops.photo_keys(session, target)),
                    case.latitude is not None,
                    " ".join(filter(None, (case.complainant_name, case.complainant_phone))),
                )
            )
        print(case_ops.history(session, target))
        return 0  # fmt: skip

    return _with_case(args, show)


def _case_status(args: argparse.Namespace) -> int:
    def change(session, target, core) -> int:
        at = utcnow()
        if args.at is not None:  # a change made on paper earlier, recorded on its day
            try:
                at = moment_of_change(args.at, last_change_at(session, target.stream, target.case))
            except DateProblem as problem:
                print(problem, file=sys.stderr)
                return 2
        case_ops.change_status(
            session, target, Status(args.status), actor=_actor(args), now=at,
            public_note=args.note, internal_note=args.internal_note,
        )  # fmt: skip
        print(msg.STATUS_CHANGED.format(status=STATUS_LABELS[args.status], code=target.key))
        return 0

    return _with_case(args, change)


def _case_note(args: argparse.Namespace) -> int:
    def note(session, target, core) -> int:
        case_ops.add_note(session, target, actor=_actor(args), now=utcnow(), internal=args.text)
        print(msg.NOTE_SAVED.format(key=target.key))
        return 0

    return _with_case(args, note)


def _case_assign(args: argparse.Namespace) -> int:
    def assign(session, target, core) -> int:
        units = list(org_settings.get(session, core.org_id).units)
        if args.unit not in units:
            print(msg.UNKNOWN_UNIT.format(unit=args.unit, units=", ".join(units)), file=sys.stderr)
            return 2
        case_ops.assign(session, target, args.unit, actor=_actor(args), now=utcnow())
        print(msg.ASSIGNED.format(key=target.key, unit=args.unit))
        return 0

    return _with_case(args, assign)


def _case_refer(args: argparse.Namespace) -> int:
    def refer(session, target, core) -> int:
        case_ops.refer(session, target, args.agency, actor=_actor(args), now=utcnow())
        print(msg.REFERRED.format(key=target.key, agency=args.agency))
        return 0

    return _with_case(args, refer)


def _audit(args: argparse.Namespace) -> int:
    core = _core(args)
    with Session(core.db) as session:
        rows = case_handling.access_log(session, core.org_id, limit=args.limit)
        if not rows:
            print(msg.AUDIT_EMPTY)
        for r in rows:
            print(staff_msg.audit_line(thai_datetime(as_utc(r.at)), r.actor, r.reference))
    return 0


def _settings(args: argparse.Namespace) -> int:
    """Show the organisation's settings, changing the ones given first (all or nothing),
    through the same checks as `complaintbot org set` and the office's settings page."""
    typed = {key: getattr(args, _dest(key)) for key in org_settings.SETTINGS}
    typed = {key: value for key, value in typed.items() if value is not None}
    core = _core(args)
    with Session(core.db) as session, session.begin():
        problems = org_settings.apply(session, core.org_id, typed)
        if problems:
            for key, why in problems.items():
                print(msg.BAD_SETTING.format(key=key, value=typed[key], why=why), file=sys.stderr)
            return 2
        row = org_settings.get(session, core.org_id)
        print(msg.settings_text({key: org_settings.typed_value(row, key)
                                 for key in org_settings.SETTINGS}))  # fmt: skip
    return 0


def _dest(key: str) -> str:
    return "contact" if key == "contact" else key.replace("-", "_")


def _subparsers_of(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `staff` and `audit`, and the case commands beside `case status`."""

    def with_org(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--org", default=None, help="organisation slug")
        return parser

    group = subparsers.add_parser("staff", help="staff accounts: invite, list, remove, role")
    sub = group.add_subparsers(dest="staff_command", required=True)
    invite = with_org(sub.add_parser("invite", help="a one-time invite code (48 hours)"))
    invite.add_argument("--role", action="append", required=True, choices=[r.value for r in Role])
    invite.add_argument("--name", default="", help="the officer's name, shown to colleagues")
    invite.set_defaults(func=_invite)
    with_org(sub.add_parser("list", help="current staff")).set_defaults(func=_staff_list)
    remove = with_org(sub.add_parser("remove", help="take staff rights away at once"))
    remove.add_argument("id", type=int)
    remove.set_defaults(func=_staff_remove)
    role = with_org(
        sub.add_parser("role", help="give an account this role only (ends its web sessions)")
    )
    role.add_argument("id", type=int)
    role.add_argument("role", choices=[r.value for r in Role])
    role.set_defaults(func=_staff_role)

    audit = with_org(subparsers.add_parser("audit", help="who viewed which tip's content, when"))
    audit.add_argument("--limit", type=int, default=200)
    audit.set_defaults(func=_audit)

    settings = with_org(subparsers.add_parser(
        "settings", help="the organisation's rules: deadline, office hours, units, rounds, limits"
    ))  # fmt: skip
    for key in org_settings.SETTINGS:
        settings.add_argument(f"--{key}", dest=_dest(key), default=None,
                              help=msg.SETTING_HELP.get(key, ""))  # fmt: skip
    settings.set_defaults(func=_settings)

    case_sub = _subparsers_of(subparsers.choices["case"])
    # `case status` now takes tip references too, and tells complainants who asked.
    status = case_sub.choices["status"]
    status.set_defaults(func=_case_status)
    for name, func, help_text in (
        ("list", _case_list, "open cases by due date"),
        ("show", _case_show, "one case and its history"),
        ("note", _case_note, "add an internal note"),
        ("assign", _case_assign, "assign a case to a unit"),
        ("refer", _case_refer, "refer a case to another agency"),
    ):
        parser = with_org(case_sub.add_parser(name, help=help_text))
        parser.add_argument("--actor", default=None, help="who did it (default: cli:USER)")
        parser.set_defaults(func=func)
        if name == "list":
            parser.add_argument("--stream", default="complaint", choices=[s.value for s in Stream])
            continue
        parser.add_argument("key", help="a complaint's tracking code or a tip's reference")
        if name == "show":
            parser.add_argument("--content", action="store_true", help="a tip's content (logged)")
        elif name == "note":
            parser.add_argument("text")
        elif name == "assign":
            parser.add_argument("unit")
        elif name == "refer":
            parser.add_argument("agency")
