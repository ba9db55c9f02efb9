"""Events the webhook parsed are kept for the turn and the delivery, and no longer: dropped
once delivered, after a minute, or beyond a bound."""

from __future__ import annotations

from bot.channels.parsed import ParsedEvents


def test_an_event_is_kept_until_its_delivery_takes_it() -> None:
    parsed: ParsedEvents[str] = ParsedEvents()
    parsed.keep("e1", "native")
    assert parsed.get("e1") == "native"  # the turn's preparation
    assert parsed.drop("e1") == "native"  # the delivery, the last use
    assert parsed.get("e1") is None and len(parsed) == 0


def test_the_oldest_go_beyond_the_bound() -> None:
    parsed: ParsedEvents[int] = ParsedEvents(at_most=3)
    for n in range(5):
        parsed.keep(f"e{n}", n)
    assert [parsed.get(f"e{n}") for n in range(5)] == [None, None, 2, 3, 4]


def test_nothing_is_kept_longer_than_its_time() -> None:
    now = [0.0]
    parsed: ParsedEvents[int] = ParsedEvents(seconds=60.0, clock=lambda: now[0])
    parsed.keep("e1", 1)
    now[0] = 30.0
    parsed.keep("e2", 2)
    now[0] = 61.0
    parsed.keep("e3", 3)  # e1 has outlived its minute by now
    assert [parsed.get(e) for e in ("e1", "e2", "e3")] == [None, 2, 3]
