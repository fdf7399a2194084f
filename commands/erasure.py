"""Erasure of a household's personal data once the retention allows it
(DOMAIN.md §8 RGPD-CONSERVATION): the checks, and the PersonalDataErased event
appended to each of its records. Destroying the key itself is infra's
(infra/erasure.py), between the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from commands.errors import InvalidCommandError
from commands.legality import settings_history
from domain.personal import categories_held
from domain.records import KIND_LABELS, kind_of
from domain.shared import Actor, DomainError, Meta, fr_day

if TYPE_CHECKING:
    from collections.abc import Sequence

    from commands.application import Logis


class RetentionNotElapsedError(DomainError):
    code = "retention_not_elapsed"


class ErasureInFutureError(InvalidCommandError):
    code = "erasure_in_future"


@dataclass(frozen=True)
class ErasableRecord:
    id: UUID
    kind: str
    retained_until: date | None  # None: the record still needs its data
    categories: list[str]
    erased: bool  # a PersonalDataErased is in its history already


def erasable_records(app: Logis, record_ids: Sequence[UUID]) -> list[ErasableRecord]:
    found = []
    for record_id in record_ids:
        events = list(app.events.get(record_id))
        kind = kind_of(events[0]) if events else None
        if kind is None:
            continue  # a mapping written for events that never got stored
        settings_on = settings_history(app, events[0].department)
        found.append(
            ErasableRecord(
                record_id,
                kind.name,
                kind.retained_until(events, settings_on),
                categories_held(events),
                any(type(e).__name__ == "PersonalDataErased" for e in events),
            )
        )
    return found


def check_not_in_future(day: date, today: date) -> None:
    """An erasure is dated on or before the real day: a later date would both
    cut the retention short and record an event dated in the future."""
    if day > today:
        msg = (
            f"Date d'effacement dans le futur ({fr_day(day)}) : "
            "l'effacement se date au plus tard d'aujourd'hui "
            f"({fr_day(today)})."
        )
        raise ErasureInFutureError(msg)


def check_retention_elapsed(records: Sequence[ErasableRecord], today: date) -> None:
    """RetentionNotElapsedError unless every record's retention ended before
    `today`; the message says from which day erasure will be possible."""
    pending = [r for r in records if not r.erased]
    still_open = [r for r in pending if r.retained_until is None]
    if still_open:
        names = ", ".join(f"{KIND_LABELS[r.kind]} {r.id}" for r in still_open)
        msg = (
            "Effacement impossible : les données servent encore au suivi en cours "
            f"({names}). La durée de conservation court à partir de sa fin."
        )
        raise RetentionNotElapsedError(msg)
    until = max((r.retained_until for r in pending if r.retained_until), default=None)
    if until is not None and today <= until:
        possible = until + timedelta(days=1)
        msg = (
            "Durée de conservation non écoulée : effacement possible à partir du "
            f"{fr_day(possible)}."
        )
        raise RetentionNotElapsedError(msg)


def record_erasure(
    app: Logis,
    records: Sequence[ErasableRecord],
    actor: Actor,
    today: date,
    correlation_id: str,
) -> int | None:
    """Append PersonalDataErased to each record not erased yet, in one save;
    the position of the last event appended (None: nothing to append)."""
    aggregates = []
    for record in records:
        if record.erased:
            continue
        aggregate = app.repository.get(record.id)
        meta = Meta(actor, today, uuid4(), correlation_id)
        aggregate.erase_personal_data(record.categories, meta)
        aggregates.append(aggregate)
    if not aggregates:
        return None
    recordings = app.save(*aggregates)
    return recordings[-1].notification.id if recordings else None
