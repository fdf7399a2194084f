"""The two clocks (domain/clocks.py) on plain events: `known` is a prefix by
recording time, `happened` every step by `as_of` (not always a prefix),
`replayable` stops at the first step beyond `as_of`, `absent` names the clock,
and local moments carry their offset."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from domain.clocks import Clocks, local_moment

T0 = datetime(2026, 3, 20, 14, 0, tzinfo=UTC)


def event(version: int, occurred: date, recorded_hours: int) -> SimpleNamespace:
    return SimpleNamespace(
        originator_version=version,
        occurred_on=occurred,
        timestamp=T0 + timedelta(hours=recorded_hours),
        department="972",
    )


# v3 happened before v2 (recorded behind it): a late entry out of order.
EVENTS = [
    event(1, date(2026, 3, 1), 0),
    event(2, date(2026, 3, 10), 1),
    event(3, date(2026, 3, 5), 2),
]


def versions(events: list[SimpleNamespace]) -> list[int]:
    return [e.originator_version for e in events]


def test_now_reads_everything() -> None:
    clocks = Clocks()
    assert clocks.now
    assert versions(clocks.happened(EVENTS)) == versions(clocks.replayable(EVENTS))
    assert versions(clocks.happened(EVENTS)) == [1, 2, 3]


def test_as_of_filters_by_day_and_the_state_stops_at_the_first_beyond() -> None:
    clocks = Clocks(as_of=date(2026, 3, 6))
    assert versions(clocks.happened(EVENTS)) == [1, 3]
    assert versions(clocks.replayable(EVENTS)) == [1]


def test_known_at_is_a_prefix_by_recording_time() -> None:
    clocks = Clocks(as_of=date(2026, 3, 6), known_at=T0 + timedelta(hours=1))
    assert versions(clocks.happened(EVENTS)) == [1]
    assert versions(Clocks(known_at=T0).known(EVENTS)) == [1]


def test_absent_says_which_clock() -> None:
    unknown = Clocks(known_at=T0 - timedelta(seconds=1)).absent("Dossier", "x", EVENTS)
    assert unknown is not None
    assert unknown[1] == "not_known_at"
    assert "known_at" in unknown[0]
    early = Clocks(as_of=date(2026, 2, 28)).absent("Dossier", "x", EVENTS)
    assert early is not None
    assert early[1] == "not_found_at_date"
    assert "01/03/2026" in early[0]
    assert Clocks(as_of=date(2026, 3, 1)).absent("Dossier", "x", EVENTS) is None


def test_only_a_moment_to_come_is_the_future() -> None:
    now = T0
    assert Clocks(known_at=now + timedelta(seconds=1)).future("972", now)
    assert Clocks(as_of=date(2027, 1, 1)).future("972", now) is None


def test_local_moments_carry_their_offset() -> None:
    assert local_moment("972", T0) == "20/03/2026 à 10:00:00 (UTC−04:00)"
    assert local_moment("42", T0) == "20/03/2026 à 15:00:00 (UTC+01:00)"
    assert local_moment("974", T0) == "20/03/2026 à 18:00:00 (UTC+04:00)"
