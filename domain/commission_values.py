"""The values a commission's commands take (an attendee, a dossier before the
commission préfectorale, what it decided on a dossier, a dwelling's facts, a
CAL's examination of a candidate), how its events store them, and how the
minutes name a ranked dossier."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True)
class Attendee:
    organisation: str
    role: str  # its organisation's role in Logis
    function: str  # e.g. prefet, sous_prefet, representant_du_prefet, directeur_deal


@dataclass(frozen=True)
class RankingEntry:
    """A dossier before the commission préfectorale: the RDA criteria it meets,
    and the motive when it is placed ahead of a household the RDA puts first."""

    dossier_id: UUID
    criteria: tuple[str, ...] = ()
    motive: str | None = None


@dataclass(frozen=True)
class PriorRanking:
    """What the commission préfectorale decided on a dossier, as the caller read it
    there (Commission.prior_ranking): CAL-PREALABLE and LC-VALIDITE judge on it."""

    commission_id: UUID | None  # None: not ranked by any
    commune: str
    outcome: str | None  # rang, liste_complementaire, non_retenu; None: not ranked
    rank: int | None = None  # its rank, or its place on the liste complémentaire
    valid_until: date | None = None  # the liste complémentaire's last day
    programme_id: UUID | None = None  # the programme it was ranked for
    preselected_for: UUID | None = None  # its pré-commission's programme


@dataclass(frozen=True)
class DwellingFacts:
    """What a CAL reads of the programme dwelling it examines (issue 14, hole 1):
    a new delivery's dwelling never let yet is not existing stock."""

    programme_id: UUID
    new_delivery: bool
    concerted: bool  # the programme's réunion de concertation is held


@dataclass(frozen=True)
class CALExamination:
    """One candidate the CAL examines for a dwelling, and its decision."""

    dossier_id: UUID
    prior: PriorRanking
    decision: str  # CAL_OUTCOMES
    dalo_designated: bool = False  # designated by the préfet (L441-2-3 II)
    dalo_recognised: bool = False  # the dossier's recorded DALO recognition
    rank: int | None = None  # attribution par classement
    missing_document: str | None = None  # condition suspensive
    condition_deadline: date | None = None
    motive: str | None = None
    return_session_on: date | None = None  # ajournement


# How the events store these values: each field under its own name.
def attendee_value(a: Attendee) -> dict[str, str]:
    return asdict(a)


def prior_value(prior: PriorRanking) -> dict[str, Any]:
    return asdict(prior)


def dwelling_value(dwelling: DwellingFacts | None) -> dict[str, Any] | None:
    return None if dwelling is None else asdict(dwelling)


def decision_value(e: CALExamination, dwelling: DwellingFacts | None) -> dict[str, Any]:
    return {
        "dossier_id": e.dossier_id,
        "decision": e.decision,
        "rank": e.rank,
        "missing_document": e.missing_document,
        "condition_deadline": e.condition_deadline,
        "motive": e.motive,
        "return_session_on": e.return_session_on,
        "dalo_designated": e.dalo_designated,
        "dalo_recognised": e.dalo_recognised,
        "prior": prior_value(e.prior),
        # what the CAL read of the dwelling, for the engine (hole 1)
        "dwelling": dwelling_value(dwelling),
    }


def ranking_labels(
    ranked: Sequence[RankingEntry],
    liste: Sequence[RankingEntry],
    non_retenus: Sequence[RankingEntry],
) -> dict[UUID, str]:
    """How the minutes name a dossier: by its place, not by its id."""
    labels = {e.dossier_id: f"classé {i}" for i, e in enumerate(ranked, start=1)}
    labels |= {
        e.dossier_id: f"n° {i} de la liste complémentaire"
        for i, e in enumerate(liste, start=1)
    }
    return labels | {e.dossier_id: "non retenu" for e in non_retenus}
