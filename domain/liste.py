"""Pure functions of the commission préfectorale's lists (DOMAIN.md §3.5, §8).

COMPREF-RANG: the RDA priority order a ranking must follow, and its departures.
LC-VALIDITE: when and where a liste complémentaire serves, and which of its
households a vacancy calls next, whichever landlord owns the dwelling.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from domain.shared import add_months

if TYPE_CHECKING:
    from domain.department_settings import DepartmentSettings

K = TypeVar("K", bound=Hashable)


# ---- COMPREF-RANG: the RDA order ------------------------------------------------


def rda_key(criteria: Collection[str], order: Sequence[str]) -> tuple[int, ...]:
    """A household's priority under the RDA: smaller comes first. Meeting the
    first criterion outweighs every later one, then the second decides, etc."""
    return tuple(0 if criterion in criteria else 1 for criterion in order)


def unknown_criteria(criteria: Iterable[str], order: Sequence[str]) -> list[str]:
    return sorted(set(criteria) - set(order))


def in_rda_order(criteria: Iterable[str], order: Sequence[str]) -> list[str]:
    """The criteria a household meets, listed as the RDA lists them."""
    met = set(criteria)
    return [criterion for criterion in order if criterion in met]


def rda_departures(
    retained: Sequence[tuple[K, Collection[str]]],
    order: Sequence[str],
    not_retained: Sequence[tuple[K, Collection[str]]] = (),
) -> dict[K, list[K]]:
    """Each retained household placed ahead of households the RDA puts first:
    later in `retained` (ranked list then liste complémentaire, in order) or
    not retained at all. Those are the departures that must carry a motive."""
    keys = [rda_key(criteria, order) for _, criteria in retained]
    departures: dict[K, list[K]] = {}
    for i, (household, _) in enumerate(retained):
        passed_over = [
            other
            for j, (other, _) in enumerate(retained)
            if j > i and keys[j] < keys[i]
        ]
        passed_over += [
            other
            for other, criteria in not_retained
            if rda_key(criteria, order) < keys[i]
        ]
        if passed_over:
            departures[household] = passed_over
    return departures


# ---- LC-VALIDITE: the liste complémentaire ----------------------------------------


def list_valid_until(decided_on: date, settings: DepartmentSettings) -> date:
    """The last day the list serves: six months after the commission by default."""
    return add_months(decided_on, settings.liste_complementaire_validity_months)


@dataclass(frozen=True)
class ListeComplementaire:
    """A commission préfectorale's reserve list, as Commission.liste_complementaire
    gives it: its households in order and its dated validity."""

    commission_id: UUID
    commune: str
    decided_on: date
    valid_until: date
    dossier_ids: tuple[UUID, ...]

    def serves(self, commune: str, day: date) -> bool:
        """LC-VALIDITE: vacancies of its own commune only (any landlord's), from
        the commission's day up to and including its last valid day."""
        return commune == self.commune and self.decided_on <= day <= self.valid_until


@dataclass(frozen=True)
class ListedCandidate:
    """A household a vacancy calls from a liste complémentaire."""

    dossier_id: UUID
    commission_id: UUID
    position: int  # its place on its own list, from 1
    valid_until: date


def next_candidates(
    listes: Iterable[ListeComplementaire],
    commune: str,
    day: date,
    count: int,
    exclude: Collection[UUID] = (),
) -> list[ListedCandidate]:
    """The next `count` households for a vacancy in `commune` on `day`: the lists
    valid that day, the oldest commission first (its households waited longest
    and its list ends first), each in its own order. `exclude`: households
    already housed, decided on or out of the procedure, which only the caller
    knows. The landlord does not matter: a list serves them all."""
    serving = sorted(
        (liste for liste in listes if liste.serves(commune, day)),
        key=lambda liste: (liste.decided_on, str(liste.commission_id)),
    )
    seen = set(exclude)
    candidates: list[ListedCandidate] = []
    for liste in serving:
        for position, dossier_id in enumerate(liste.dossier_ids, start=1):
            if len(candidates) >= count:
                return candidates
            if dossier_id in seen:
                continue
            seen.add(dossier_id)
            candidates.append(
                ListedCandidate(
                    dossier_id, liste.commission_id, position, liste.valid_until
                )
            )
    return candidates
