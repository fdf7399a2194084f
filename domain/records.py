"""The kinds of record a person can look up by id: an LLTS dossier, an ASLL
measure, a programme, a commission session, a CCAPEX referral. Departments,
listes complémentaires and association loads are bookkeeping, not records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain import commission, dossier, mesure, programme, saisine

if TYPE_CHECKING:
    from collections.abc import Mapping

    from domain.shared import RecordedEvent


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
