"""What the pré-commission and the commission préfectorale decide (DOMAIN.md
§3.4–3.5): the pré-selection, only with the Préfecture and the DEAL present
(PRECOM-QUORUM); the ranking, the liste complémentaire and the dossiers not
retained, under the préfet's presidency (COMPREF-PRESIDENCE), in the RDA's
priority order or with a motive for each departure (COMPREF-RANG), the list
valid for the department's months (LC-VALIDITE).

Mixed into the aggregate, domain/commission.py `Commission`; each decision is
recorded on the dossiers it names by domain/commission_dossiers.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain import dossier as d
from domain.commission_steps import PRESIDING_FUNCTIONS, QUORUM_ROLES
from domain.commission_values import RankingEntry, ranking_labels
from domain.liste import (
    in_rda_order,
    list_valid_until,
    rda_departures,
    unknown_criteria,
)
from domain.shared import Meta, RuleViolation, TransitionError, check_all_present

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.department_settings import DepartmentSettings


class CommissionRanking:
    """The pré-commission's and the commission préfectorale's decisions, mixed
    into `Commission`."""

    def preselect(self, dossier_id: UUID, outcome: str, meta: Meta) -> None:
        self._begin("preselect", "pré-sélection", meta)
        self._check_in_session()
        roles = {a["role"] for a in self.attendees}
        check_all_present(
            "PRECOM-QUORUM",
            QUORUM_ROLES,
            roles,
            "La pré-commission ne décide qu'en présence de la Préfecture et de la "
            "DEAL (absent : {missing}).",
        )
        if outcome not in d.PRESELECTION_OUTCOMES:
            outcomes = ", ".join(d.PRESELECTION_OUTCOMES)
            msg = f"Issue de pré-commission inconnue : {outcomes}."
            raise TransitionError(msg, "invalid_outcome")
        self._check_not_decided([dossier_id])
        self._record(
            self.PreSelectionDecided, meta, dossier_id=dossier_id, outcome=outcome
        )

    def rank(
        self,
        *,
        ranked: Sequence[RankingEntry],
        liste_complementaire: Sequence[RankingEntry],
        non_retenus: Sequence[RankingEntry],
        settings: DepartmentSettings,
        settings_version: int,
        meta: Meta,
    ) -> None:
        self._begin("rank", "classement", meta)
        self._check_in_session()
        if self.ranking is not None:
            msg = "La commission a déjà arrêté son classement."
            raise TransitionError(msg)
        self._check_presidency()
        entries = [*ranked, *liste_complementaire, *non_retenus]
        self._check_dossiers([e.dossier_id for e in entries])
        order = settings.rda_priority_criteria
        if not order:
            msg = (
                "Le RDA du département ne définit aucun critère de priorité : "
                "le classement ne peut en suivre l'ordre."
            )
            raise RuleViolation("COMPREF-RANG", msg)
        unknown = unknown_criteria((c for e in entries for c in e.criteria), order)
        if unknown:
            msg = f"Critères inconnus du RDA du département : {', '.join(unknown)}."
            raise RuleViolation("COMPREF-RANG", msg)
        retained = [*ranked, *liste_complementaire]
        departures = rda_departures(
            [(e.dossier_id, e.criteria) for e in retained],
            order,
            [(e.dossier_id, e.criteria) for e in non_retenus],
        )
        labels = ranking_labels(ranked, liste_complementaire, non_retenus)
        for entry in retained:
            passed_over = departures.get(entry.dossier_id)
            if passed_over and not (entry.motive or "").strip():
                msg = (
                    f"Le dossier {labels[entry.dossier_id]} passe avant le dossier "
                    f"{labels[passed_over[0]]}, prioritaire selon le RDA : "
                    "motif requis."
                )
                raise RuleViolation("COMPREF-RANG", msg)

        def row(entry: RankingEntry, **place: int) -> dict[str, Any]:
            criteria = in_rda_order(entry.criteria, order)
            return {"dossier_id": entry.dossier_id, **place, "criteria": criteria}

        self._record(
            self.RankingDecided,
            meta,
            ranked=[
                {**row(e, rank=i), "motive": e.motive}
                for i, e in enumerate(ranked, start=1)
            ],
            liste_complementaire=[
                {**row(e, position=i), "motive": e.motive}
                for i, e in enumerate(liste_complementaire, start=1)
            ],
            non_retenus=[{**row(e), "motive": e.motive} for e in non_retenus],
            list_valid_until=(
                list_valid_until(self.held_on, settings)
                if liste_complementaire
                else None
            ),
            rda_order=list(order),
            departures=[
                {"dossier_id": dossier_id, "passed_over": passed_over}
                for dossier_id, passed_over in departures.items()
            ],
            settings_version=settings_version,
        )

    def _check_presidency(self) -> None:
        """COMPREF-PRESIDENCE: préfet, sous-préfet or their representative; DEAL."""
        chair = self.presided_by or {}
        if chair.get("role") != "prefecture" or (
            chair.get("function") not in PRESIDING_FUNCTIONS
        ):
            msg = (
                "La commission préfectorale est présidée par le préfet, un sous-préfet "
                "ou leur représentant."
            )
            raise RuleViolation("COMPREF-PRESIDENCE", msg)
        if "deal" not in {a["role"] for a in self.attendees}:
            msg = "La DEAL assiste à la commission préfectorale."
            raise RuleViolation("COMPREF-PRESIDENCE", msg)
