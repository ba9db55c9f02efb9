"""Random and malformed Telegram updates and core events: calm answers, nothing broken.

Property-based (hypothesis). The Telegram webhook gets random JSON and real update shapes
with fields removed or retyped, with the right secret: never a 500, and a citizen is still
answered after each. The engine gets random texts (zero-width, combining and right-to-left
marks, 10,000 characters, control characters) and made-up button codes at every step of
the complaint flow: always a reply, never the failure apology.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select
from starlette.applications import Starlette

from bot.channels.telegram.channel import WEBHOOK_PATH, make_channel
from handlers import menu
from handlers.citizen import complaint as complaint_flow
from handlers.types import Channel, Event, EventKind, Notice
from messages import common
from storage.queues.inbox_models import InboxEvent
from tests import telegram_updates as tg
from tests.fake_telegram import TOKEN, FakeTelegram, free_socket, serving
from tests.test_fuzz_webhooks import WEIRD_TEXT, _paths, json_values
from tests.waiting import DEADLINE

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SECRET = "fuzz-webhook-secret"
CITIZEN = 123_456_789


@pytest.fixture
def fake():
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
async def webhook(fake, make_core) -> AsyncIterator[tuple]:
    sock = free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}{WEBHOOK_PATH}"
    core = make_core({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url,
                      "TELEGRAM_WEBHOOK_URL": url, "TELEGRAM_WEBHOOK_SECRET": SECRET})  # fmt: skip
    channel = make_channel(core.settings, core)
    # A reply the fake refuses (a mangled chat id) is retried at once: the pauses between
    # retries (1, 5 and 15 s in service) would only make the test wait.
    channel.inbox.delivery_pauses = (0.0, 0.0, 0.0)
    async with (
        serving(Starlette(routes=channel.routes), sock),
        httpx.AsyncClient(timeout=DEADLINE) as http,
    ):
        await channel.start()
        yield core, channel, url, http
        await channel.stop()


def real_updates() -> list[dict]:
    return [
        {"update_id": 1, **tg.text(CITIZEN, "/start")},
        {"update_id": 2, **tg.callback(CITIZEN, menu.COMPLAINT)},
        {"update_id": 3, **tg.location(CITIZEN)},
        {"update_id": 4, **tg.photo(CITIZEN, "file-x", size=10)},
    ]


@st.composite
def broken_updates(draw) -> dict:
    raw = copy.deepcopy(draw(st.sampled_from(real_updates())))
    path = draw(st.sampled_from(_paths(raw)))
    target = raw
    for key in path[:-1]:
        target = target[key]
    how = draw(st.sampled_from(["delete", "retype", "text"]))
    if how == "delete":
        del target[path[-1]]
    elif how == "retype":
        target[path[-1]] = draw(json_values)
    else:
        target[path[-1]] = draw(WEIRD_TEXT | st.text())
    raw["update_id"] = draw(st.integers(min_value=10, max_value=2**31))
    return raw


async def post(http: httpx.AsyncClient, url: str, body: bytes, secret: str = SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}
    return await http.post(url, content=body, headers=headers)


async def still_answers(fake: FakeTelegram, channel, http, url) -> None:
    before = len(fake.sent(CITIZEN))
    update = {"update_id": 2**40 + len(fake.calls), **tg.text(CITIZEN, "/menu")}
    assert (await post(http, url, json.dumps(update).encode())).status_code == 200
    await channel.drain()
    assert fake.sent_texts(CITIZEN)[before:][-1] == common.MAIN_MENU


@settings(FUZZ, max_examples=15)
@given(update=broken_updates() | json_values)
async def test_any_update_with_the_right_secret_gets_a_calm_answer(fake, webhook, update):
    _core, channel, url, http = webhook
    response = await post(http, url, json.dumps(update).encode())
    assert response.status_code in (200, 400)
    await still_answers(fake, channel, http, url)


@FUZZ
@given(body=st.binary(max_size=200))
async def test_any_bytes_with_the_right_secret_get_a_calm_answer(fake, webhook, body):
    _, _, url, http = webhook
    response = await post(http, url, body)
    assert response.status_code in (200, 400)


@FUZZ
@given(secret=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=40))
async def test_a_wrong_secret_is_refused_and_stores_nothing(fake, webhook, secret):
    core, _, url, http = webhook
    if secret == SECRET:
        return
    update = {"update_id": 77, **tg.text(CITIZEN, "ยกเลิก")}
    response = await post(http, url, json.dumps(update).encode(), secret=secret)
    assert response.status_code == 403
    with Session(core.db) as session:
        assert session.exec(select(func.count()).select_from(InboxEvent)).one() == 0


async def test_a_10_mb_update_is_refused_before_it_is_read(fake, webhook):
    core, _, url, http = webhook
    response = await post(http, url, b'{"update_id": 5, "x": "' + b"a" * 10_000_000 + b'"}')
    assert response.status_code == 413
    with Session(core.db) as session:
        assert session.exec(select(func.count()).select_from(InboxEvent)).one() == 0


# -- the engine ----------------------------------------------------------------------------

STEPS_BEFORE = [
    [],
    [menu.COMPLAINT],
    [menu.COMPLAINT, complaint_flow.CAT + "road"],
    [menu.COMPLAINT, complaint_flow.CAT + "road", "ถนนหน้าวัดเป็นหลุมลึก รถล้มหลายคัน"],
    [menu.COMPLAINT, complaint_flow.CAT + "road", "ถนนหน้าวัดเป็นหลุมลึก รถล้มหลายคัน",
     complaint_flow.EV_SKIP],
]  # fmt: skip

odd_events = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(list(EventKind)),
        "text": st.none() | WEIRD_TEXT | st.text(max_size=10_000),
        "choice": st.none()
        | st.text(max_size=64)
        | st.sampled_from(
            [menu.COMPLAINT, menu.TIP, menu.TRACK, complaint_flow.CONFIRM, "c:cat:nope"]
        ),
    }
)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(before=st.sampled_from(STEPS_BEFORE), odd=odd_events)
def test_the_engine_answers_anything_at_any_step_without_failing(make_core_once, before, odd):
    engine = make_core_once.engine
    chat = f"fuzz-{uuid.uuid4().hex}"

    def turn(i: int, **fields) -> list:
        event = Event(Channel.CONSOLE, chat, chat, f"{chat}-{i}", **fields)
        return engine.handle_sync(event)

    for i, step in enumerate(before):
        is_choice = step.startswith(("menu:", "c:"))
        turn(i, **({"choice": step} if is_choice else {"text": step}))
    replies = turn(len(before), **odd)
    if odd["kind"] is EventKind.UNFOLLOW:
        assert replies == []  # nobody to answer: the draft is just dropped
        return
    assert replies
    assert all(reply.notice is not Notice.FAILED for reply in replies)
    assert all(reply.text for reply in replies)


@pytest.fixture
def make_core_once(make_core):
    return make_core()
