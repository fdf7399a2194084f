"""The same decision on each dossier a commission's decision names: the
pré-selection, the ranking and the CAL's decisions are recorded on the
commission (domain/commission.py) and on every dossier they name, with the
same metadata, so that the application saves them together or not at all."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import dossier as d
from domain.commission import Commission
from domain.commission_steps import ADJOURNMENT
from domain.shared import Meta, TransitionError

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from domain.department_settings import DepartmentSettings
    from domain.dossier import Dossier


def record_on_dossiers(
    commission: Commission,
    event: Commission.Event,
    dossiers: Mapping[UUID, Dossier],
    settings: DepartmentSettings,
) -> list[Dossier]:
    """Each dossier a decision names records it too, with the decision's own
    metadata (same actor, day, command and correlation), so the application
    saves the commission and these dossiers together or not at all. A dossier
    that refuses (SNE-NUMERO, DOS-ORDRE…) refuses the whole decision."""
    meta = Meta(event.actor, event.occurred_on, event.command_id, event.correlation_id)
    for dossier_id in _named(event):
        if dossiers[dossier_id].department != commission.department:
            msg = (
                f"Le dossier relève du département {dossiers[dossier_id].department}, "
                f"pas de celui de la commission ({commission.department})."
            )
            raise TransitionError(msg, "wrong_department")
    if isinstance(event, Commission.PreSelectionDecided):
        dossier = dossiers[event.dossier_id]
        dossier.preselect(commission.id, commission.programme_id, event.outcome, meta)
        return [dossier]
    if isinstance(event, Commission.RankingDecided):
        return [
            _rank(
                dossiers[entry["dossier_id"]],
                commission.id,
                outcome,
                entry,
                settings,
                meta,
            )
            for outcome, entries in (
                ("rang", event.ranked),
                ("liste_complementaire", event.liste_complementaire),
                ("non_retenu", event.non_retenus),
            )
            for entry in entries
        ]
    if isinstance(event, Commission.CALDecisionsTaken):
        return [
            _decide(
                dossiers[decision["dossier_id"]],
                commission.id,
                commission.landlord,
                event.dwelling_ref,
                decision,
                meta,
            )
            for decision in event.decisions
        ]
    return []


def _named(event: Commission.Event) -> list[UUID]:
    """The dossiers a decision names."""
    if isinstance(event, Commission.PreSelectionDecided):
        return [event.dossier_id]
    if isinstance(event, Commission.RankingDecided):
        everyone = (*event.ranked, *event.liste_complementaire, *event.non_retenus)
        return [entry["dossier_id"] for entry in everyone]
    if isinstance(event, Commission.CALDecisionsTaken):
        return [decision["dossier_id"] for decision in event.decisions]
    return []


def _rank(
    dossier: Dossier,
    commission_id: UUID,
    outcome: str,
    entry: dict[str, Any],
    settings: DepartmentSettings,
    meta: Meta,
) -> Dossier:
    rank = entry.get("rank") if outcome == "rang" else None
    dossier.rank(commission_id, outcome, rank, entry["motive"], settings, meta)
    return dossier


def _decide(
    dossier: Dossier,
    commission_id: UUID,
    landlord: str | None,
    dwelling_ref: str,
    decision: dict[str, Any],
    meta: Meta,
) -> Dossier:
    if decision["decision"] == ADJOURNMENT:
        dossier.defer(
            commission_id, decision["motive"], decision["return_session_on"], meta
        )
        return dossier
    dossier.decide(
        commission_id=commission_id,
        landlord=landlord,
        decision=decision["decision"],
        dwelling_ref=dwelling_ref if decision["decision"] in d.ATTRIBUTIONS else None,
        rank=decision["rank"],
        missing_document=decision["missing_document"],
        condition_deadline=decision["condition_deadline"],
        motive=decision["motive"],
        meta=meta,
    )
    return dossier
