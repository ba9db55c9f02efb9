"""Whatever arrives at the webhooks, the server answers calmly and keeps going.

Property-based (hypothesis): correctly signed LINE bodies and Telegram updates with random
JSON, events with fields missing or of the wrong type, unknown event types, invalid UTF-8,
deep nesting, 10 MB bodies. Never a 500, never a crash (a real citizen is answered after
each batch), and a refused request stores nothing.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from messages import common
from storage.models import ProcessedEvent
from storage.queues.inbox_models import InboxEvent
from tests.fake_line import event, message_id, sign, user_source, webhook_body
from tests.line_harness import SECRET, LineBot, running_line_bot, texts

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)  # fmt: skip

WEIRD_TEXT = st.sampled_from(
    [
        "\u200b\u200c\u200d\ufeff",  # zero-width characters only
        "ก\u0e34\u0e35\u0e36\u0e37\u0e48\u0e49" * 50,  # stacked combining marks
        "\u202eเรื่องร้องเรียน\u202c\u200f",  # right-to-left override and marks
        "ขยะ" * 3400,  # over 10,000 characters
        "\x00\x01\x1b[31m",
        "",
    ]
)


def valid_events(user: str) -> list[dict]:
    text = {"type": "text", "id": message_id(), "quoteToken": "q", "text": "เมนู"}
    image = {"type": "image", "id": message_id(), "quoteToken": "q",
             "contentProvider": {"type": "line"}}  # fmt: skip
    return [
        event("message", user_source(user), reply_token="t", message=text),
        event("postback", user_source(user), reply_token="t", postback={"data": "menu:track"}),
        event("follow", user_source(user), reply_token="t", follow={"isUnblocked": False}),
        event("message", user_source(user), reply_token="t", message=image),
        event("unfollow", user_source(user)),
    ]


@st.composite
def broken_events(draw) -> dict:
    """A real event shape with one field removed, retyped, or the type made up."""
    raw = copy.deepcopy(draw(st.sampled_from(valid_events("U" + "f" * 32))))
    paths = _paths(raw)
    path = draw(st.sampled_from(paths))
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
    return raw


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    if isinstance(value, dict):
        for key, inner in value.items():
            out.append((*prefix, key))
            out += _paths(inner, (*prefix, key))
    return out


@pytest.fixture
async def line(db_url, tmp_path) -> AsyncIterator[LineBot]:
    async with running_line_bot(db_url, tmp_path) as bot:
        yield bot


def stored(line: LineBot) -> tuple[int, int]:
    with Session(line.core.db) as session:
        return (
            session.exec(select(func.count()).select_from(InboxEvent)).one(),
            session.exec(select(func.count()).select_from(ProcessedEvent)).one(),
        )


async def still_answers(line: LineBot) -> None:
    """A real citizen beside the garbage is answered: the server did not crash."""
    answer = await line.user().say("เมนู")
    assert common.MAIN_MENU in texts(answer)


@FUZZ
@given(events=st.lists(broken_events() | json_values, max_size=4))
async def test_malformed_line_events_are_skipped_and_the_good_one_beside_them_is_handled(
    line: LineBot, events
):
    fake = line.fake
    citizen = line.user()
    token = fake.issue_reply_token()
    menu_text = {"type": "text", "id": message_id(), "quoteToken": "q", "text": "เมนู"}
    good = event("message", user_source(citizen.user_id), reply_token=token, message=menu_text)
    body = webhook_body(*events, good)

    response = await line.post(body)

    assert response.status_code == 200
    assert common.MAIN_MENU in texts(fake.replies(token))
    assert stored(line)[0] == 0  # everything stored was answered and removed


@FUZZ
@given(payload=json_values)
async def test_any_signed_json_body_gets_a_calm_answer(line: LineBot, payload):
    body = json.dumps(payload).encode()
    response = await line.post(body)
    assert response.status_code in (200, 400)
    await still_answers(line)


@FUZZ
@given(body=st.binary(max_size=300))
async def test_any_signed_bytes_get_a_calm_answer(line: LineBot, body):
    response = await line.post(body)
    assert response.status_code in (200, 400)
    await still_answers(line)


@pytest.mark.parametrize(
    "body",
    [
        b'\xff\xfe{"events": []}',  # not UTF-8
        b"[" * 100_000 + b"]" * 100_000,  # nested past any recursion limit (under the cap)
        b'{"events": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        b'{"events": "not a list"}',
        b'{"destination": "U0", "events": [{"type": "message"}]}',
    ],
    ids=["latin1", "deep-array", "deep-events", "events-string", "event-without-fields"],
)
async def test_hostile_bodies_store_nothing_and_never_fail(line: LineBot, body):
    response = await line.post(body)
    assert response.status_code in (200, 400)
    assert stored(line) == (0, 0)
    await still_answers(line)


async def test_a_10_mb_body_is_refused_by_its_length_before_it_is_read(line: LineBot):
    body = b'{"events": [' + b" " * (10 * 1024 * 1024) + b"]}"
    response = await line.post(body)
    assert response.status_code == 413
    assert stored(line) == (0, 0)


async def test_a_10_mb_body_without_a_length_is_cut_off_while_streaming(line: LineBot):
    async def chunks():
        for _ in range(160):
            yield b" " * 65536

    headers = {"X-Line-Signature": sign(b"", SECRET)}
    response = await line.http.post(line.url + "/line/webhook", content=chunks(), headers=headers)
    assert response.status_code == 413
    assert stored(line) == (0, 0)


@FUZZ
@given(signature=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=60))
async def test_a_wrong_signature_is_refused_before_the_body_is_parsed(line: LineBot, signature):
    body = webhook_body(*valid_events("U" + "e" * 32))
    if signature == sign(body, SECRET):
        return
    response = await line.post(body, signature=signature)
    assert response.status_code == 400
    assert stored(line) == (0, 0)
    assert line.fake.calls == []
