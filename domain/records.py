"""The kinds of record a person can look up by id: an LLTS dossier, an ASLL
measure, a programme, a commission session, a CCAPEX referral. Departments,
listes complémentaires and association loads are bookkeeping, not records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain import (
    association,
    commission,
    commune,
    department,
    dossier,
    mesure,
    programme,
    saisine,
)
from domain.shared import RecordedEvent

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True)
class RecordKind:
    name: str  # stable, English: dossier, mesure, programme, commission, saisine
    label: str  # French, for people
    event: type  # the aggregate's base event class
    labels: Mapping[type, str]  # French label of each event class


KINDS: tuple[RecordKind, ...] = (
    RecordKind("dossier", "Dossier", dossier.Dossier.Event, dossier.EVENT_LABELS),
    RecordKind("mesure", "Mesure ASLL", mesure.Mesure.Event, mesure.EVENT_LABELS),
    RecordKind(
        "programme", "Programme", programme.Programme.Event, programme.EVENT_LABELS
    ),
    RecordKind(
        "commission",
        "Commission",
        commission.Commission.Event,
        commission.EVENT_LABELS,
    ),
    RecordKind(
        "saisine", "Saisine CCAPEX", saisine.Saisine.Event, saisine.EVENT_LABELS
    ),
)


def kind_of(event: RecordedEvent) -> RecordKind | None:
    """The kind of record `event` belongs to, None for bookkeeping aggregates."""
    return next((k for k in KINDS if isinstance(event, k.event)), None)


# Every aggregate whose events are stored, records and bookkeeping alike.
AGGREGATES: tuple[type, ...] = (
    dossier.Dossier,
    mesure.Mesure,
    programme.Programme,
    commission.Commission,
    saisine.Saisine,
    department.Department,
    commune.CommuneListes,
    association.AssociationLoad,
)


def event_classes() -> list[type[RecordedEvent]]:
    """Every event class that can be stored, by topic: what a history written
    today may contain, and what must stay readable tomorrow."""
    found = {
        value.TOPIC: value
        for aggregate in AGGREGATES
        for value in vars(aggregate).values()
        if isinstance(value, type)
        and issubclass(value, RecordedEvent)
        and "TOPIC" in vars(value)
        and value.__name__ != "Event"
    }
    return [found[topic] for topic in sorted(found)]
