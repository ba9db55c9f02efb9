"""Events the webhook parsed are kept for the turn and the delivery, and no longer: dropped
once delivered, after a minute, or beyond a bound. An event not kept is parsed again."""

from __future__ import annotations

from bot.channels.parsed import ParsedEvents


def again() -> str:
    return "parsed again"


def test_an_event_is_kept_until_its_delivery_takes_it() -> None:
    parsed: ParsedEvents[str] = ParsedEvents()
    parsed.keep("e1", "native")
    assert parsed.use("e1", again) == "native"  # the turn's preparation
    assert parsed.use("e1", again, last=True) == "native"  # the delivery, the last use
    assert len(parsed) == 0
    assert parsed.use("e1", again) == "parsed again"


def test_the_oldest_go_beyond_the_bound() -> None:
    parsed: ParsedEvents[str] = ParsedEvents(at_most=3)
    for n in range(5):
        parsed.keep(f"e{n}", f"native {n}")
    assert [parsed.use(f"e{n}", again) for n in range(5)] == [
        "parsed again",
        "parsed again",
        "native 2",
        "native 3",
        "native 4",
    ]


def test_nothing_is_kept_longer_than_its_time() -> None:
    now = [0.0]
    parsed: ParsedEvents[str] = ParsedEvents(seconds=60.0, clock=lambda: now[0])
    parsed.keep("e1", "native 1")
    now[0] = 30.0
    parsed.keep("e2", "native 2")
    now[0] = 61.0
    parsed.keep("e3", "native 3")  # e1 has outlived its minute by now
    assert [parsed.use(e, again) for e in ("e1", "e2", "e3")] == [
        "parsed again",
        "native 2",
        "native 3",
    ]
