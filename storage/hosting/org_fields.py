"""An organisation's details and rules as a host edits them, checked the same way wherever
they are typed: `complaintbot org …`, the organisation file import and the office's host
console all go through these functions, so one rule refuses one mistake with one message.

Nothing here commits: callers hold the transaction, so a refused change leaves no trace.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from messages import org_rules as rules_msg
from messages.cli import org as msg
from storage import org_settings, orgs
from storage.hosting import accounts
from storage.hosting.account_models import SHARED
from storage.models import Organisation

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
RESERVED = {SHARED, "webhook"}
MUNICIPALITY, SAO = "municipality", "sao"
KINDS = {MUNICIPALITY: msg.KIND_MUNICIPALITY, SAO: msg.KIND_SAO}
KIND_WORDS = {MUNICIPALITY: msg.KIND_WORDS_MUNICIPALITY, SAO: msg.KIND_WORDS_SAO}


class Refused(Exception):
    """A host's mistake, in Thai: the caller rolls the transaction back and shows it."""


def valid_slug(slug: str) -> bool:
    return bool(SLUG.match(slug)) and slug not in RESERVED


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError(rules_msg.WHY_EMPTY)
    return value.strip()


def _line(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = " ".join(value.split())
        if len(value) > limit:
            raise ValueError(rules_msg.WHY_LONG.format(limit=limit))
        return value

    return parse


def parse_kind(value: str) -> str:
    """ "municipality", "sao", or "" for a blank; ValueError (Thai) for anything else."""
    word = "".join(value.split()).lower()
    if not word:
        return ""
    for kind, words in KIND_WORDS.items():
        if word in words:
            return kind
    raise ValueError(msg.WHY_KIND)


def _name(value: str) -> str:
    return _line(255)(_text(value))


# KEY -> (where it lives, the field, how the text becomes a value)
SETTABLE: dict[str, tuple[str, str, Callable[[str], object]]] = {
    "name": ("org", "name", _name),
    "type": ("org", "kind", parse_kind),
    "phone": ("org", "phone", _line(64)),
    "website": ("org", "website", _line(255)),
    "address": ("org", "address", _line(500)),
    # the organisation's rules: the same checks as `complaintbot settings` and the office
    **{key: ("settings", field, parse) for key, (field, parse) in org_settings.SETTINGS.items()},
}
SETTING_KEYS = tuple(k for k, (where, _f, _p) in SETTABLE.items() if where == "settings")


def parse(key: str, text: str) -> object:
    """The value `text` gives `key`; `Refused` (Thai, naming the key and why) if it cannot."""
    if key not in SETTABLE:
        raise Refused(msg.UNKNOWN_KEY.format(key=key, keys=", ".join(SETTABLE)))
    try:
        return SETTABLE[key][2](text)
    except ValueError as exc:
        raise Refused(msg.BAD_VALUE.format(value=text, key=key, why=exc)) from exc


def set_value(session: Session, org: Organisation, key: str, text: str) -> None:
    """Change one detail or rule (`org set SLUG KEY VALUE`)."""
    value = parse(key, text)
    where, field, _parse = SETTABLE[key]
    row = org if where == "org" else org_settings.get(session, org.id)
    setattr(row, field, value)
    session.add(row)


def shown(session: Session, org: Organisation) -> dict[str, str]:
    """Every key of `SETTABLE` with its value as text, as `set_value` takes it back."""
    rules = org_settings.get(session, org.id)
    out = {"slug": org.slug}
    for key, (where, field, _parse) in SETTABLE.items():
        value = getattr(org if where == "org" else rules, field)
        if key == "type":
            value = KINDS.get(value, "")
        elif isinstance(value, list):
            value = ", ".join(value)
        out[key] = str(value)
    return out


def add(
    session: Session,
    slug: str,
    name: str,
    *,
    kind: str = "",
    phone: str = "",
    website: str = "",
    address: str = "",
    tambons: Sequence[str] = (),
) -> Organisation:
    """A new organisation with the seed rules (`org add`); `Refused` for a bad or taken slug,
    a bad detail, or a tambon that is not one (then nothing is added)."""
    if not valid_slug(slug):
        raise Refused(msg.BAD_SLUG.format(slug=slug))
    if orgs.by_slug(session, slug) is not None:
        raise Refused(msg.EXISTS.format(slug=slug))
    values = {k: parse(k, v) for k, v in
              (("name", name), ("type", kind), ("phone", phone), ("website", website),
               ("address", address))}  # fmt: skip
    org = orgs.ensure(session, slug=slug, name=str(values["name"]), phone=str(values["phone"]),
                      website=str(values["website"]), address=str(values["address"]))  # fmt: skip
    org.kind = str(values["type"])
    session.add(org)
    org_settings.get(session, org.id)
    if tambons:
        problem = map_tambons(session, org, list(tambons))
        if problem:
            raise Refused(problem)
    return org


def map_tambons(session: Session, org: Organisation, tambons: list[str]) -> str:
    """Add the organisation's tambons to the place table, checked like `org map import`:
    each is a 6-digit code or "ตำบล,อำเภอ,จังหวัด". Returns the problems ("" if none)."""
    from messages.hosting import org_map as map_msg
    from storage.hosting import org_map
    from storage.import_problems import ImportFailed

    lines = [(0, ["org", "subdistrict_code", "subdistrict", "district", "province"])]
    for number, text in enumerate(tambons, 1):
        parts = [p.strip() for p in text.split(",")]
        if len(parts) == 1 and parts[0].isdigit():
            lines.append((number, [org.slug, parts[0], "", "", ""]))
        else:
            lines.append((number, [org.slug, "", *[*parts, "", "", ""][:3]]))
    session.flush()  # the new organisation must be visible to the check
    try:
        rows = org_map.read_rows(session, lines)
    except ImportFailed as failed:
        return "\n".join(map_msg.import_problem(p.line, p.reason.value, p.value)
                         for p in failed.problems)  # fmt: skip
    for row in rows:
        session.add(org_map.place_row(org.id, row.address))
    session.flush()
    org_map.changed()
    return ""


@dataclass(frozen=True)
class AccountForm:
    """What a host typed for one account: LINE needs both, Telegram only the token."""

    platform: str
    secret: str = ""
    token: str = ""


def save_account(session: Session, owner: str, form: AccountForm) -> accounts.ChatAccount:
    """Seal and store an account (`org set-line` / `org set-telegram`): `owner` is a slug or
    `SHARED`. `Refused` for an unknown organisation or a missing secret; never echoes one."""
    if form.platform not in accounts.PLATFORMS:
        raise Refused(msg.UNKNOWN_KEY.format(key=form.platform, keys=", ".join(accounts.PLATFORMS)))
    secret, token = form.secret.strip(), form.token.strip()
    if (form.platform == "line" and not secret) or not token:
        raise Refused(msg.SECRET_MISSING)
    if any(c.isspace() for c in secret + token):
        raise Refused(msg.SECRET_SPACES)
    org_id = None
    if owner != SHARED:
        org = orgs.by_slug(session, owner)
        if org is None:
            raise Refused(msg.UNKNOWN_ORG.format(slug=owner))
        org_id = org.id
    return accounts.put(session, form.platform, owner, org_id=org_id, secret=secret, token=token)


def platforms_of(session: Session, owner: str) -> set[str]:
    """The platforms `owner` (a slug or `SHARED`) has an account on, without opening one."""
    from sqlmodel import select

    from storage.hosting.account_models import ChatAccount

    keys = [accounts.account_key(p, owner) for p in accounts.PLATFORMS]
    return set(session.exec(select(ChatAccount.platform).where(ChatAccount.key.in_(keys))).all())


def accounts_set(session: Session) -> set[tuple[str, int | None]]:
    """(platform, org id) of every account stored, without opening a sealed value."""
    from sqlmodel import select

    from storage.hosting.account_models import ChatAccount

    rows = session.exec(select(ChatAccount.platform, ChatAccount.org_id)).all()
    return {(platform, org_id) for platform, org_id in rows}


@dataclass
class OrgPage:
    """One page of the organisations a search finds, with what the list shows of each."""

    orgs: list[Organisation]
    total: int
    page: int
    pages: int
    accounts: set[tuple[str, int | None]]  # (platform, org id) of accounts stored
    tambons: dict[int, int]  # org id -> tambons on the shared channel's map


def page_of(session: Session, search: str = "", page: int = 1, size: int = 50) -> OrgPage:
    """Organisations by slug whose slug or name holds `search`: a few queries, whatever the
    number of organisations (a host may serve thousands)."""
    import sqlalchemy as sa
    from sqlmodel import func, select

    from storage.hosting.account_models import ChatAccount
    from storage.hosting.place_models import PlaceOrg

    where = sa.true()
    text = search.strip()
    if text:
        where = sa.or_(Organisation.slug.icontains(text, autoescape=True),
                       Organisation.name.icontains(text, autoescape=True))  # fmt: skip
    total = session.exec(select(func.count()).select_from(Organisation).where(where)).one()
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    found = list(session.exec(select(Organisation).where(where).order_by(Organisation.slug)
                              .offset((page - 1) * size).limit(size)).all())  # fmt: skip
    ids = [o.id for o in found]
    rows = session.exec(select(ChatAccount.platform, ChatAccount.org_id)
                        .where(ChatAccount.org_id.in_(ids))).all()  # fmt: skip
    counts = session.exec(select(PlaceOrg.org_id, func.count()).where(PlaceOrg.org_id.in_(ids))
                          .group_by(PlaceOrg.org_id)).all()  # fmt: skip
    return OrgPage(found, total, page, pages, {(p, i) for p, i in rows}, dict(counts))
