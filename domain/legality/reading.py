"""Reading a recorded history for the legality checks: the events of a kind,
the first after another, and the finding on some events; `History`, what each
check of a record reads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from domain.legality.rules import Finding, SettingsOn, in_force

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.department_settings import DepartmentSettings
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
    rule: str,
    message: str,
    events: Sequence[Any],
    version: int | None = None,
    *,
    on: date | None = None,
) -> Finding:
    """A finding on `events`, breached `on` a day (by default the last one's)."""
    return Finding(
        rule,
        message,
        tuple(e.originator_version for e in events),
        events[-1].occurred_on if on is None else on,
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


@dataclass(frozen=True)
class History:
    """What a check of a record reads: the record's events that happened by the
    end of `as_of`, in version order (gaps tolerated), and the department's
    settings history, by which it judges each decision on its own day."""

    events: Sequence[Any]
    settings_on: SettingsOn
    as_of: date

    @classmethod
    def known(
        cls, events: Iterable[Any], settings_on: SettingsOn, as_of: date
    ) -> History:
        return cls(known_by(events, as_of), settings_on, as_of)

    def of(self, *classes: type) -> list[Any]:
        return events_of(self.events, *classes)

    def first(self, *classes: type) -> Any | None:
        return first_of(self.events, *classes)

    def first_after(self, after: Any, *classes: type) -> Any | None:
        return first_after(self.events, after, *classes)

    def in_force(self, day: date) -> tuple[int, DepartmentSettings] | None:
        """The settings version in force on `day` (`rules.in_force`)."""
        return in_force(self.settings_on, day)


# A check of one rule (or a few) on a record's history.
HistoryCheck = Callable[[History], Iterable[Finding]]
