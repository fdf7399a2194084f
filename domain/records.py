"""The kinds of record a person can look up by id: an LLTS dossier, an ASLL
measure, a programme, a commission session, a CCAPEX referral; and every event
class that can be stored. Departments, listes complémentaires and association
loads are bookkeeping, not records.
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
    dwellings,
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
    aggregate: type
    labels: Mapping[type, str]  # French label of each event class
    bases: Mapping[type, str]  # legal basis of each event class

    @property
    def event(self) -> type:
        """The aggregate's base event class."""
        return self.aggregate.Event  # type: ignore[attr-defined, no-any-return]

    def event_classes(self) -> list[type[RecordedEvent]]:
        return _nested_events(self.aggregate)


KINDS: tuple[RecordKind, ...] = tuple(
    RecordKind(name, label, aggregate, module.EVENT_LABELS, module.EVENT_BASES)
    for name, label, aggregate, module in (
        ("dossier", "Dossier LLTS", dossier.Dossier, dossier),
        ("mesure", "Mesure ASLL", mesure.Mesure, mesure),
        ("programme", "Programme", programme.Programme, programme),
        ("commission", "Commission", commission.Commission, commission),
        ("saisine", "Saisine CCAPEX", saisine.Saisine, saisine),
    )
)
KIND_LABELS = {kind.name: kind.label for kind in KINDS}


def kind_of(event: object) -> RecordKind | None:
    """The kind of record `event` belongs to, None for bookkeeping aggregates."""
    return next((k for k in KINDS if isinstance(event, k.event)), None)


# Every aggregate whose events are stored, records and bookkeeping alike.
AGGREGATES: tuple[type, ...] = (
    *(kind.aggregate for kind in KINDS),
    department.Department,
    commune.CommuneListes,
    dwellings.CommuneDwellings,
    association.AssociationLoad,
)


def event_classes() -> list[type[RecordedEvent]]:
    """Every event class that can be stored, by topic: what a history written
    today may contain, and what must stay readable tomorrow."""
    found = {cls.TOPIC: cls for a in AGGREGATES for cls in _nested_events(a)}
    return [found[topic] for topic in sorted(found)]


def _nested_events(aggregate: type) -> list[type[RecordedEvent]]:
    """The aggregate's own event classes: its nested subclasses of its Event
    with a topic of their own (the library's implicit `Created` is never
    stored: each aggregate names its creation event)."""
    base = aggregate.Event  # type: ignore[attr-defined]
    return [
        cls
        for cls in vars(aggregate).values()
        if isinstance(cls, type)
        and issubclass(cls, base)
        and cls is not base
        and "TOPIC" in vars(cls)
    ]
