"""Two clocks to read a record's past (issue 14): `as_of`, what had happened by
the end of that day (each event's `occurred_on`, the department's calendar),
and `known_at`, what the store knew at that moment (each event's recording
timestamp). Both default to now. A step recorded a week after it happened is
in the record `as_of` the day it happened only when `known_at` is after its
recording: the two clocks together tell a late entry from a timely one.

An aggregate's events are in version order, which is recording order: the
events known at `known_at` are always a prefix. Their `occurred_on` is not
always in that order: a step may be recorded after a later one (an ASLL
meeting held last week, recorded after this week's; an imported history).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import takewhile
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from domain.department import OVERSEAS_TIMEZONES, local_today
from domain.shared import fr_day

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


def zone(department: str | None) -> ZoneInfo:
    """The department's time zone (mainland: Europe/Paris)."""
    return ZoneInfo(OVERSEAS_TIMEZONES.get(department or "", "Europe/Paris"))


def local_moment(department: str | None, moment: datetime) -> str:
    """A moment as people read it in the department: « 07/12/2026 à 09:30:00
    (UTC−04:00) », the offset spelled out so that the line is evidence alone."""
    local = moment.astimezone(zone(department))
    offset = local.strftime("%z")  # +0100
    sign = "−" if offset.startswith("-") else "+"
    return f"{fr_day(local)} à {local:%H:%M:%S} (UTC{sign}{offset[1:3]}:{offset[3:5]})"


@dataclass(frozen=True)
class Clocks:
    """`as_of`: the last day whose steps count (None: every step, i.e. today);
    `known_at`: the last recording moment whose events count, aware (None: now)."""

    as_of: date | None = None
    known_at: datetime | None = None

    @property
    def now(self) -> bool:
        return self.as_of is None and self.known_at is None

    def known(self, events: Iterable[Any]) -> list[Any]:
        """The events the store held at `known_at`, in version order."""
        if self.known_at is None:
            return list(events)
        return [e for e in events if e.timestamp <= self.known_at]

    def happened(self, events: Iterable[Any]) -> list[Any]:
        """The events known at `known_at` that had happened by the end of
        `as_of`, in version order: what a history, an audit trail or the
        legality engine reads. Not always a prefix (see the module's doc)."""
        known = self.known(events)
        if self.as_of is None:
            return known
        return [e for e in known if e.occurred_on <= self.as_of]

    def replayable(self, events: Iterable[Any]) -> list[Any]:
        """The events a record's state is replayed from: those known at
        `known_at`, up to the first one that happened after `as_of`.

        The honest set is `happened` (every step by that day); but when a
        step was recorded after one that happened later, it is not a prefix,
        and an aggregate cannot replay a version gap (the library refuses it:
        each event applies to the state the one before it left). So the state
        stops at the first event beyond `as_of`; a step recorded late behind
        it is in the history, the audit trail and legality, not in the state.
        Read lazily: `events` may be decoded one at a time, none after the
        first beyond the clocks (the known events are a prefix).
        """
        known_at, day = self.known_at, self.as_of
        return list(
            takewhile(
                lambda e: (
                    (known_at is None or e.timestamp <= known_at)
                    and (day is None or e.occurred_on <= day)
                ),
                events,
            )
        )

    def day(self, department: str, now: datetime) -> date:
        """The day the legality engine judges on: `as_of`, or the
        department's day at `known_at` (now when not given)."""
        return self.as_of or local_today(department, self.known_at or now)

    def future(self, department: str, now: datetime) -> str | None:
        """Why these clocks read the future (French), None when they do not:
        `known_at` a moment to come (the store cannot know what is not yet
        recorded, and an answer must not change as writes come). `as_of` a
        day to come is allowed: the steps recorded so far, judged on that day
        (legality foresees the deadlines that will have passed by then)."""
        if self.known_at is not None and self.known_at > now:
            return (
                f"known_at ({local_moment(department, self.known_at)}) est dans "
                "le futur : le registre ne sait rien de ce qui n'est pas encore "
                "enregistré."
            )
        return None

    def describe(self, department: str | None) -> str:
        """The clocks in French, for a heading: « survenu au 12/03/2026,
        connu le 14/03/2026 à 10:00:00 (UTC−04:00) »; "" for now."""
        parts = []
        if self.as_of is not None:
            parts.append(f"survenu au {fr_day(self.as_of)}")
        if self.known_at is not None:
            parts.append(f"connu le {local_moment(department, self.known_at)}")
        return ", ".join(parts)

    def absent(
        self, label: str, record_id: object, events: Sequence[Any]
    ) -> tuple[str, str] | None:
        """Why the record did not exist by these clocks, saying which clock
        (French message, code suffix), None when it did."""
        known = self.known(events)
        department = getattr(events[0], "department", None) if events else None
        if not known:
            moment = local_moment(department, self.known_at or datetime.now(UTC))
            first = local_moment(department, events[0].timestamp) if events else "—"
            return (
                f"{label} {record_id} : rien n'en était encore enregistré le "
                f"{moment} (known_at, horloge d'enregistrement) ; premier "
                f"enregistrement le {first}.",
                "not_known_at",
            )
        if self.as_of is not None and known[0].occurred_on > self.as_of:
            return (
                f"{label} {record_id} : aucune étape n'était survenue au "
                f"{fr_day(self.as_of)} (as_of, jour de survenue) ; la première "
                f"est survenue le {fr_day(known[0].occurred_on)}.",
                "not_found_at_date",
            )
        return None
