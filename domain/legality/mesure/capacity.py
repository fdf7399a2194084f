"""An association's ASLL measures together: ASLL-CAPACITE
(domain/legality/mesure)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from domain.legality.mesure.convention import CLOSINGS
from domain.legality.reading import finding_on, first_of, in_order, known_by
from domain.legality.rules import Finding, in_force
from domain.mesure import Mesure
from domain.shared import fr_day

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from uuid import UUID

    from domain.legality.rules import SettingsOn


def _place(events: Sequence[Any]) -> tuple[Any, date | None] | None:
    """The notification that took the measure's place, and the day it gave it
    back (None: still held)."""
    notified = first_of(events, Mesure.Notified)
    if notified is None:
        return None
    released = next(
        (
            e
            for e in events
            if e.originator_version > notified.originator_version
            and (
                isinstance(e, CLOSINGS)
                or (
                    isinstance(e, Mesure.ComplementaryDiagnosisDone)
                    and e.outcome == "reoriente"
                )
            )
        ),
        None,
    )
    return notified, released.occurred_on if released else None


def check_association(
    measure_histories: Iterable[Iterable[Any]], settings_on: SettingsOn, as_of: date
) -> dict[UUID, list[Finding]]:
    """ASLL-CAPACITE over the measures of one or more associations: by measure
    id, the findings of the notifications that took an association above its
    capacity in force that day. Measures without a finding are left out."""
    # (day, 0 release | 1 take | 2 release of a place taken that day, order, event)
    moves: list[tuple[date, int, Any, Any]] = []
    for history in measure_histories:
        place = _place(known_by(history, as_of))
        if place is None:
            continue
        notified, released_on = place
        moves.append((notified.occurred_on, 1, notified.timestamp, notified))
        if released_on is not None:
            same_day = released_on == notified.occurred_on
            moves.append(
                (released_on, 2 if same_day else 0, notified.timestamp, notified)
            )
    moves.sort(key=lambda move: move[:3])
    held: dict[str, dict[UUID, bool]] = {}  # association → measure → renforcé
    found: dict[UUID, list[Finding]] = {}
    for day, taking, _, notified in moves:
        places = held.setdefault(notified.association, {})
        if taking != 1:
            places.pop(notified.originator_id, None)
            continue
        judged = in_force(settings_on, day)
        association = judged and judged[1].association(notified.association)
        if judged and association:
            renforces = sum(1 for renforce in places.values() if renforce)
            problems = []
            if len(places) >= association.monthly_capacity:
                problems.append(
                    f"{len(places)} ménages déjà suivis pour une capacité mensuelle "
                    f"de {association.monthly_capacity}"
                )
            if notified.renforce and renforces >= association.renforce_capacity:
                problems.append(
                    f"{renforces} suivis renforcés déjà assurés pour une capacité "
                    f"de {association.renforce_capacity}"
                )
            if problems:
                found.setdefault(notified.originator_id, []).append(
                    finding_on(
                        "ASLL-CAPACITE",
                        f"Mesure notifiée le {fr_day(day)} à {association.name} : "
                        f"{' ; '.join(problems)}.",
                        [notified],
                        judged[0],
                        on=day,
                    )
                )
        places[notified.originator_id] = notified.renforce
    return {mesure: in_order(findings) for mesure, findings in found.items()}
