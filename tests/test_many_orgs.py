"""One serving process for many organisations, end to end through the fake LINE
and Telegram servers, on SQLite and PostgreSQL.

Three organisations of จ.แพร่: เทศบาลเมืองแพร่ and อบต.น้ำชำ each with their own LINE
Official Account and Telegram bot, and เทศบาลตำบลสูงเม่น reached only through the province's
shared accounts, which route a citizen by the tambon they type (even misspelt) or the pin
they share. Accounts are set with the `complaintbot org …` commands, as a host would.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from bot.app import Core, build_core
from bot.channels.line import events as line_events
from bot.cli.main import main as cli
from bot.config import Settings
from bot.jobs.background import background_runners
from bot.web.hosting import HostedAccounts
from bot.web.ops import serving_app
from bot.web.serve import configured_channels
from handlers import menu
from handlers.cases.codes import new_code
from handlers.citizen import complaint as complaint_flow
from handlers.citizen import followup
from handlers.citizen import tip as tip_flow
from handlers.hosting import shared_front
from messages import staff as staff_msg
from messages.citizen import followup as followup_msg
from messages.citizen import tracking as tracking_msg
from messages.plan import status as plan_msg
from storage.hosting import accounts
from storage.models import Complaint, Organisation
from storage.plan import repo as plan_repo
from storage.protect import guess_limit
from storage.queues import inbox as inbox_rows
from storage.staff import case_handling
from tests import telegram_updates as tg
from tests.fake_line import event, message_id, serving, sign, user_source, webhook_body
from tests.fake_many import LineAccounts, TelegramAccounts
from tests.place_fixture import load_map
from tests.staff_helpers import rounds_now
from tests.telegram_chat import TelegramChat
from tests.waiting import eventually

OWN = ("muangphrae", "namcham")  # organisations with accounts of their own
SHARED_ONLY = "sungmen"  # reached only through the shared accounts
CODE = re.compile(r"\d{4}-\d{4}-\d{4}-\d{4}")
DESCRIPTION = "ไฟถนนหน้าตลาดดับทั้งแถวมาหนึ่งสัปดาห์แล้ว กลางคืนมืดมาก"


@dataclass
class Deployment:
    core: Core
    url: str
    http: httpx.AsyncClient
    line: LineAccounts
    telegram: TelegramAccounts
    line_secrets: dict[str, str]
    hosted: dict[str, HostedAccounts]
    org_ids: dict[str, int]
    tmp: Path

    def citizen(self, owner: str) -> LineCitizen:
        return LineCitizen(self, owner, "U" + secrets.token_hex(16))

    def telegram_chat(self, owner: str, chat_id: int) -> TelegramChat:
        return TelegramChat(self.telegram.fakes[owner], _Drain(self.hosted["telegram"]), chat_id)


class _Drain:
    def __init__(self, hosted: HostedAccounts) -> None:
        self.hosted = hosted

    async def drain(self) -> None:
        await self.hosted.join()


@dataclass
class LineCitizen:
    deployment: Deployment
    owner: str
    user_id: str

    async def send(self, kind: str, **fields) -> list[str]:
        """One webhook event to the account `owner`; returns the texts the bot answered with."""
        d = self.deployment
        fake = d.line.fakes[self.owner]
        token = fake.issue_reply_token()
        before = len(fake.pushes(self.user_id))
        body = webhook_body(event(kind, user_source(self.user_id), reply_token=token, **fields))
        headers = {"X-Line-Signature": sign(body, d.line_secrets[self.owner]),
                   "Content-Type": "application/json"}  # fmt: skip
        response = await d.http.post(f"{d.url}/line/{self.owner}/webhook", content=body,
                                     headers=headers)  # fmt: skip
        assert response.status_code == 200, response.text
        await d.hosted["line"].join()
        sent = fake.replies(token) + fake.pushes(self.user_id)[before:]
        return [m["text"] if m["type"] == "text" else m.get("altText", "") for m in sent]

    async def say(self, text: str) -> list[str]:
        message = {"type": "text", "id": message_id(), "quoteToken": "q" * 20, "text": text}
        return await self.send("message", message=message)

    async def press(self, data: str) -> list[str]:
        return await self.send("postback", postback={"data": data})

    async def pin(self, lat: float, lon: float) -> list[str]:
        message = {"type": "location", "id": message_id(), "title": "ที่นี่", "address": "-",
                   "latitude": lat, "longitude": lon}  # fmt: skip
        return await self.send("message", message=message)

    async def file_complaint(self, *, notify: bool = False) -> str:
        await self.press(menu.COMPLAINT)
        await self.press(complaint_flow.CAT + "road")
        await self.say(DESCRIPTION)
        await self.press(complaint_flow.EV_SKIP)
        await self.press(complaint_flow.CONTACT_NO)
        confirm = complaint_flow.CONFIRM_NOTIFY if notify else complaint_flow.CONFIRM
        return code_in(await self.press(confirm))


def code_in(texts: list[str]) -> str:
    for text in texts:
        found = CODE.search(text)
        if found:
            return found.group()
    raise AssertionError(f"no tracking code in {texts}")


def plain(code: str) -> str:
    return code.replace("-", "")


def run_cli(*args: str) -> None:
    assert cli(list(args)) == 0, args


def write(tmp: Path, text: str) -> str:
    path = tmp / f"secret-{secrets.token_hex(4)}"
    path.write_text(text)
    return str(path)


def give_line(tmp: Path, owner: str, fake_token: str) -> str:
    """`org set-line` for `owner` (a slug or --shared); returns the channel secret."""
    secret = secrets.token_hex(16)
    target = ["--shared"] if owner == "shared" else [owner]
    run_cli("org", "set-line", *target, "--secret-file", write(tmp, secret),
            "--token-file", write(tmp, fake_token))  # fmt: skip
    return secret


def give_telegram(tmp: Path, owner: str, token: str) -> None:
    target = ["--shared"] if owner == "shared" else [owner]
    run_cli("org", "set-telegram", *target, "--token-file", write(tmp, token))


@pytest.fixture
async def deployment(db_url, tmp_path, monkeypatch) -> AsyncIterator[Deployment]:
    line, telegram = LineAccounts(), TelegramAccounts()
    for number, owner in enumerate((*OWN, "shared"), 1):
        line.add(owner)
        telegram.add(owner, 5000 + number)
    try:
        async with serving(line) as line_url, serving(telegram) as telegram_url:
            env = {
                "COMPLAINTBOT_DATABASE_URL": db_url,
                "COMPLAINTBOT_DATA_DIR": str(tmp_path / "data"),
                "LINE_API_HOST": line_url,
                "TELEGRAM_API_BASE_URL": telegram_url + "/bot",
            }
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            settings = Settings.from_env()
            core = build_core(settings)
            org_ids = load_map(core.db)  # the three organisations and the tambon map
            line_secrets = {}
            for owner in (*OWN, "shared"):
                line_secrets[owner] = give_line(tmp_path, owner, line.fakes[owner].access_token)
                give_telegram(tmp_path, owner, telegram.fakes[owner].token)
            runners = configured_channels(settings, core)
            app = serving_app(settings, core, runners + background_runners(core, runners))
            hosted = {r.platform: r for r in runners if isinstance(r, HostedAccounts)}
            async with serving(app) as url, httpx.AsyncClient(timeout=30) as http:
                monkeypatch.setenv("COMPLAINTBOT_PUBLIC_URL", url)
                for owner in (*OWN, "shared"):
                    target = ["--shared"] if owner == "shared" else [owner]
                    # The command runs its own event loop, as from a shell: off this one.
                    assert await asyncio.to_thread(cli, ["telegram", "set-webhook", *target]) == 0
                yield Deployment(core, url, http, line, telegram, line_secrets, hosted,
                                 org_ids, tmp_path)  # fmt: skip
            core.db.dispose()
    finally:
        telegram.stop()


def complaint_org(d: Deployment, code: str) -> str:
    with Session(d.core.db) as session:
        complaint = session.exec(select(Complaint).where(Complaint.code == plain(code))).one()
        return session.get(Organisation, complaint.org_id).slug


async def test_each_organisation_answers_on_its_own_accounts_and_codes_stay_apart(deployment):
    d = deployment
    a_code = await d.citizen("muangphrae").file_complaint()
    b_code = await d.citizen("namcham").file_complaint()
    assert complaint_org(d, a_code) == "muangphrae"
    assert complaint_org(d, b_code) == "namcham"

    # The same citizen asks each organisation about each code: only the holder knows it.
    asking = d.citizen("namcham")
    assert not any(a_code[-4:] in t for t in await asking.say(a_code))
    assert any(b_code[-4:] in t for t in await asking.say(b_code))

    # Telegram bots of the two organisations are two different front doors too.
    chat = d.telegram_chat("muangphrae", 424_242)
    answer = await chat.say(a_code)
    assert any(a_code[-4:] in t for t in answer)
    other = d.telegram_chat("namcham", 424_242)  # the same Telegram user, the other bot
    assert not any(a_code[-4:] in t for t in await other.say(a_code))
    assert d.telegram.fakes["muangphrae"].sent(424_242)
    assert not d.telegram.fakes["shared"].sent(424_242)


async def test_staff_of_one_organisation_see_nothing_of_another(deployment, capsys):
    d = deployment
    a_code = await d.citizen("muangphrae").file_complaint()
    b_code = await d.citizen("namcham").file_complaint()
    capsys.readouterr()
    run_cli("staff", "invite", "--role", "admin", "--org", "muangphrae", "--name", "สมศรี")
    invite = re.search(r"/staff (\S+)", capsys.readouterr().out).group(1)

    # The invite of one organisation binds nobody at another.
    stranger = d.citizen("namcham")
    await stranger.say(f"/staff {invite}")
    assert staff_msg.UNKNOWN_CASE not in await stranger.say(f"/open {b_code}")
    assert not any(b_code in t for t in await stranger.say(f"/open {b_code}"))

    officer = d.citizen("muangphrae")
    await officer.say(f"/staff {invite}")
    assert any(a_code in t for t in await officer.say(f"/open {a_code}"))
    assert await officer.say(f"/open {b_code}") != []
    assert not any(b_code in t for t in await officer.say(f"/open {b_code}"))
    queue = " ".join(await officer.say("/queue"))
    assert a_code in queue and b_code not in queue

    capsys.readouterr()
    assert cli(["case", "show", b_code, "--org", "muangphrae"]) != 0
    assert cli(["case", "show", a_code, "--org", "muangphrae"]) == 0


async def test_the_shared_channel_routes_by_typed_misspelt_and_pinned_tambon(deployment):
    d = deployment
    typed = d.citizen("shared")
    asked = await typed.say("สวัสดีค่ะ")
    assert asked and "ตำบล" in asked[0]
    offer = await typed.say("ต.สูงเม่น")
    assert any("สูงเม่น" in t for t in offer)
    chosen = await typed.press(shared_front.YES)
    assert any("เทศบาลตำบลสูงเม่น" in t for t in chosen)
    code = await typed.file_complaint()
    assert complaint_org(d, code) == SHARED_ONLY

    misspelt = d.citizen("shared")
    await misspelt.say("สวัสดี")
    offer = await misspelt.say("สูงเมน")  # the tone mark dropped
    assert any("สูงเม่น" in t for t in offer)
    await misspelt.press(shared_front.YES)
    assert complaint_org(d, await misspelt.file_complaint()) == SHARED_ONLY

    pinned = d.telegram_chat("shared", 9_000_001)
    await pinned.say("/start")
    offer = await pinned.location(18.0535, 100.1012)  # beside the สูงเม่น tambon centre
    assert any("สูงเม่น" in t for t in offer)
    await pinned.press("ใช่")
    # Whatever was chosen is remembered for the chat, on the shared bot only.
    with Session(d.core.db) as session:
        from storage.hosting.place_models import SharedChat

        chosen_orgs = {c.org_id for c in session.exec(select(SharedChat)).all()}
    assert chosen_orgs == {d.org_ids[SHARED_ONLY]}

    # A code typed in the shared channel finds its case in whichever organisation holds it.
    own_code = await d.citizen("muangphrae").file_complaint()
    stranger = d.citizen("shared")
    assert any(own_code[-4:] in t for t in await stranger.say(own_code))


async def test_news_of_a_case_goes_back_through_the_account_the_citizen_used(deployment):
    d = deployment
    shared_citizen = d.citizen("shared")
    await shared_citizen.say("สวัสดี")
    await shared_citizen.say("สูงเม่น")
    await shared_citizen.press(shared_front.YES)
    code = await shared_citizen.file_complaint(notify=True)
    own_citizen = d.citizen("muangphrae")
    own_code = await own_citizen.file_complaint(notify=True)
    run_cli("case", "status", code, "in_progress", "--org", SHARED_ONLY, "--note", "ช่างออกตรวจ")
    run_cli("case", "status", own_code, "in_progress", "--org", "muangphrae")
    shared_fake, own_fake = d.line.fakes["shared"], d.line.fakes["muangphrae"]
    await eventually(lambda: shared_fake.pushes(shared_citizen.user_id))
    await eventually(lambda: own_fake.pushes(own_citizen.user_id))
    assert not own_fake.pushes(shared_citizen.user_id)
    assert not shared_fake.pushes(own_citizen.user_id)


async def test_an_organisation_added_while_the_server_runs_answers_at_once(deployment):
    d = deployment
    run_cli("org", "add", "banklang", "--name", "อบต.บ้านกลาง")
    fake = d.line.add("banklang")
    d.line_secrets["banklang"] = give_line(d.tmp, "banklang", fake.access_token)
    code = await d.citizen("banklang").file_complaint()
    assert complaint_org(d, code) == "banklang"
    with Session(d.core.db) as session:
        assert accounts.get(session, "line", "banklang") is not None
    unknown = await d.http.post(f"{d.url}/line/nobody/webhook", content=b"{}")
    assert unknown.status_code == 404
    # Each account checks its own secret: a body signed for one is refused by another.
    body = webhook_body(event("follow", user_source("U" + "1" * 32), follow={}))
    forged = {"X-Line-Signature": sign(body, d.line_secrets["namcham"])}
    refused = await d.http.post(f"{d.url}/line/muangphrae/webhook", content=body, headers=forged)
    assert refused.status_code == 400
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"}
    update = tg.text(1, "สวัสดี") | {"update_id": 1}
    assert (await d.http.post(f"{d.url}/telegram/namcham/webhook", json=update,
                              headers=wrong)).status_code == 403  # fmt: skip


async def test_plans_and_statistics_stay_with_their_organisation(deployment):
    d = deployment
    with Session(d.core.db) as session, session.begin():
        plan_repo.ensure_plan(session, d.org_ids["muangphrae"], title="แผนเทศบาลเมืองแพร่",
                              year_from=2566, year_to=2570)  # fmt: skip
    assert plan_msg.NO_PLAN not in await d.citizen("muangphrae").press(menu.PLAN)
    assert plan_msg.NO_PLAN in await d.citizen("namcham").press(menu.PLAN)

    for _ in range(2):
        await d.citizen("muangphrae").file_complaint()
    await d.citizen("namcham").file_complaint()
    received = {slug: await received_this_month(d, slug) for slug in (*OWN, SHARED_ONLY)}
    assert received == {"muangphrae": 2, "namcham": 1, SHARED_ONLY: 0}
    assert (await d.http.get(f"{d.url}/stats/nobody")).status_code == 404


async def received_this_month(d: Deployment, slug: str) -> int:
    """Complaints received this month, read from the organisation's public CSV."""
    page = await d.http.get(f"{d.url}/stats/{slug}")
    assert page.status_code == 200, page.text
    link = re.search(r'href="([^"]+/csv)"', page.text)
    assert link is not None
    data = (await d.http.get(d.url + link[1])).content.decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(data)) if r and r[1:] and r[1].isdigit()]
    return int(rows[-1][1])


async def test_a_tip_through_the_shared_channel_reaches_only_the_chosen_integrity_officer(
    deployment, capsys
):
    d = deployment
    capsys.readouterr()
    run_cli("staff", "invite", "--role", "integrity", "--org", SHARED_ONLY, "--name", "สมปอง")
    invite = re.search(r"/staff (\S+)", capsys.readouterr().out).group(1)
    officer = d.citizen("shared")  # a shared-only organisation's officer uses the shared bot
    await officer.say("สูงเม่น")
    await officer.press(shared_front.YES)
    assert any("สมปอง" in t for t in await officer.say(f"/staff {invite}"))
    run_cli("staff", "invite", "--role", "integrity", "--org", "muangphrae", "--name", "อื่น")
    other_invite = re.search(r"/staff (\S+)", capsys.readouterr().out).group(1)
    other_officer = d.citizen("muangphrae")
    await other_officer.say(f"/staff {other_invite}")

    informant = d.citizen("shared")
    await informant.say("ต.สูงเม่น")
    await informant.press(shared_front.YES)
    notice = " ".join(await informant.press(menu.TIP))
    assert "เทศบาลตำบลสูงเม่น" in notice and "1205" in notice  # who receives it, where else
    await informant.press(tip_flow.UNDERSTOOD)
    await informant.press(tip_flow.CAT + "procurement")
    await informant.say("มีการแบ่งซื้อแบ่งจ้างโครงการซ่อมถนนเพื่อเลี่ยงการประกวดราคา")
    await informant.press(tip_flow.SKIP)
    await informant.press(tip_flow.SKIP)
    await informant.press(tip_flow.EV_SKIP)
    await informant.press(tip_flow.ANONYMOUS)
    code_in(await informant.press(tip_flow.CONFIRM))
    rounds_now(d.core.db)

    shared_fake = d.line.fakes["shared"]
    await eventually(lambda: shared_fake.pushes(officer.user_id))
    assert not d.line.fakes["muangphrae"].pushes(other_officer.user_id)
    assert not shared_fake.pushes(informant.user_id)  # nothing about the tip goes back to it


async def file_tip_on(citizen: LineCitizen) -> str:
    await citizen.press(menu.TIP)
    await citizen.press(tip_flow.UNDERSTOOD)
    await citizen.press(tip_flow.CAT + "procurement")
    await citizen.say("มีการแบ่งซื้อแบ่งจ้างโครงการซ่อมถนนเพื่อเลี่ยงการประกวดราคา")
    await citizen.press(tip_flow.SKIP)
    await citizen.press(tip_flow.SKIP)
    await citizen.press(tip_flow.EV_SKIP)
    await citizen.press(tip_flow.ANONYMOUS)
    return code_in(await citizen.press(tip_flow.CONFIRM))


async def routed_to_sungmen(d: Deployment) -> LineCitizen:
    citizen = d.citizen("shared")
    await citizen.say("ต.สูงเม่น")
    assert any("เทศบาลตำบลสูงเม่น" in t for t in await citizen.press(shared_front.YES))
    return citizen


async def test_a_citizen_routed_to_one_organisation_finds_another_organisations_code(deployment):
    d = deployment
    other_complaint = await d.citizen("muangphrae").file_complaint()
    other_tip = await file_tip_on(d.citizen("namcham"))
    citizen = await routed_to_sungmen(d)

    found = await citizen.say(other_complaint)
    assert any(other_complaint[-4:] in t for t in found)
    assert not any(tracking_msg.NOT_FOUND in t for t in found)
    tip_answer = await citizen.say(f"ขอติดตามเรื่อง {other_tip}")
    assert any(other_tip[-4:] in t for t in tip_answer)
    assert not any("เทศบาลเมืองแพร่" in t or "น้ำชำ" in t for t in found + tip_answer)

    # Pasted in the middle of a complaint: answered, and the draft goes on where it was.
    await citizen.press(menu.COMPLAINT)
    await citizen.press(complaint_flow.CAT + "road")
    assert any(other_complaint[-4:] in t for t in await citizen.say(other_complaint))
    await citizen.say(DESCRIPTION)
    await citizen.press(complaint_flow.EV_SKIP)
    await citizen.press(complaint_flow.CONTACT_NO)
    own = code_in(await citizen.press(complaint_flow.CONFIRM))
    assert complaint_org(d, own) == SHARED_ONLY  # the choice did not change
    assert any(own[-4:] in t for t in await citizen.say(own))

    # On the shared Telegram bot too, once a place is chosen.
    chat = d.telegram_chat("shared", 9_000_002)
    await chat.say("/start")
    await chat.say("สูงเม่น")
    await chat.press("ใช่")
    assert any(other_complaint[-4:] in t for t in await chat.say(other_complaint))


async def test_guessing_codes_after_choosing_is_limited_and_a_right_code_then_waits(deployment):
    d = deployment
    other_complaint = await d.citizen("muangphrae").file_complaint()
    citizen = await routed_to_sungmen(d)
    for _ in range(guess_limit.PER_CHAT):
        assert tracking_msg.NOT_FOUND in await citizen.say(new_code())
    refused = await citizen.say(other_complaint)  # even a right code is not looked up
    assert not any(other_complaint[-4:] in t for t in refused)
    assert refused and tracking_msg.NOT_FOUND not in refused
    # The chosen organisation's own citizens, on its own account, are not held up.
    own_code = await d.citizen("muangphrae").file_complaint()
    assert any(own_code[-4:] in t for t in await d.citizen("muangphrae").say(own_code))


async def test_a_rating_asked_at_another_organisations_look_up_is_given_there(deployment):
    d = deployment
    other_complaint = await d.citizen("muangphrae").file_complaint()
    run_cli("case", "status", other_complaint, "completed", "--org", "muangphrae",
            "--note", "ซ่อมแล้ว")  # fmt: skip
    with Session(d.core.db) as session:
        complaint = session.exec(
            select(Complaint).where(Complaint.code == plain(other_complaint))
        ).one()
        handling = case_handling.for_case(session, "complaint", complaint.id)
        assert handling is not None
        complaint_id, handling_id = complaint.id, handling.id
    citizen = await routed_to_sungmen(d)

    looked_up = await citizen.say(other_complaint)
    assert followup_msg.ASK_RATING in looked_up
    assert followup_msg.ASK_COMMENT in await citizen.press(f"{followup.RATE}{handling_id}:5")
    assert followup_msg.RATED in await citizen.say("ซ่อมเร็วดีครับ")
    with Session(d.core.db) as session:
        rating = case_handling.rating_of(session, complaint_id)
        assert rating is not None and rating.score == 5

    # The exchange is over: the chat is the chosen organisation's again.
    own = await citizen.file_complaint()
    assert complaint_org(d, own) == SHARED_ONLY


async def test_accounts_load_on_first_use_and_only_a_bounded_few_stay_loaded(deployment):
    d = deployment
    line = d.hosted["line"]
    assert line.channels == {}  # nothing loaded at start, however many accounts are stored
    line.capacity = 1
    for owner in ("muangphrae", "namcham", "shared", "muangphrae"):
        assert await d.citizen(owner).send("follow", follow={"isUnblocked": False})
        assert len(line.channels) == 1  # the least recently used one was closed
    # Its webhook loads a closed account again; its outbox messages go out through it too.
    code = await d.citizen("namcham").file_complaint(notify=True)
    assert complaint_org(d, code) == "namcham"


async def test_an_event_left_for_an_account_not_loaded_is_answered_by_the_sweep(deployment):
    """A process stored the event and died before working it: no webhook will come for it,
    and the account is not loaded here; the process's one sweep finds the row and loads it."""
    d = deployment
    line = d.hosted["line"]
    user = "U" + secrets.token_hex(16)
    raw = event("follow", user_source(user), reply_token=secrets.token_hex(16),
                follow={"isUnblocked": False})  # fmt: skip
    # Stored two minutes ago: its reply token is stale by now, so the greeting is pushed.
    parsed, _skipped = line_events.incoming_events([raw], time.time() - 120)
    org_id = d.org_ids["namcham"]
    with Session(d.core.db) as session, session.begin():
        item, _native = parsed[0]
        channel = f"line-{org_id}"
        key = inbox_rows.chat_key(org_id, channel, item.chat)
        assert inbox_rows.add(session, org_id, channel, key, item.event_key,
                              item.payload) is not None  # fmt: skip
    assert f"line-{org_id}" not in line.channels
    fake = d.line.fakes["namcham"]
    await eventually(lambda: fake.pushes(user), what="the greeting pushed by the sweep")

    def rows_left() -> int:
        with Session(d.core.db) as session:
            return inbox_rows.count(session, org_id)

    await eventually(lambda: rows_left() == 0, what="the row deleted once answered")
