"""Reading a recorded history for the legality checks: the events of a kind,
the first after another, and the finding on some events."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from domain.legality.rules import Finding

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from domain.shared import Breach


def the_day_after(day: date) -> date:
    return day + timedelta(days=1)


def known_by(events: Iterable[Any], as_of: date) -> list[Any]:
    """The events that happened by the end of `as_of`, in version order."""
    return sorted(
        (e for e in events if e.occurred_on <= as_of),
        key=lambda e: e.originator_version,
    )


def events_of(events: Sequence[Any], *classes: type) -> list[Any]:
    return [event for event in events if isinstance(event, classes)]


def first_of(events: Sequence[Any], *classes: type) -> Any | None:
    return next(iter(events_of(events, *classes)), None)


def first_after(events: Sequence[Any], after: Any, *classes: type) -> Any | None:
    return next(
        (
            e
            for e in events
            if isinstance(e, classes)
            and e.originator_version > after.originator_version
        ),
        None,
    )


def finding_on(
    rule: str, message: str, events: Sequence[Any], version: int | None = None
) -> Finding:
    """A finding on `events` (the last one's day is the breach's)."""
    return Finding(
        rule,
        message,
        tuple(e.originator_version for e in events),
        events[-1].occurred_on,
        version,
    )


def breach_finding(
    breach: Breach, context: str, events: Sequence[Any], version: int | None = None
) -> Finding:
    """The finding of a rule check's breach, with the command's message."""
    return finding_on(breach.rule, f"{context} : {breach.message}", events, version)


def in_order(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by the day they arose, then rule id, then versions."""
    return sorted(findings, key=lambda f: (f.breached_on, f.rule, f.versions))
