"""A programme's page: its dwellings, its concertation, its history, and the
forms of the steps its caller may record (api/web/step_forms.py): the
landlord's or the ALS's concertation, a dwelling let, vacated, or proposed
again to the commune's listes complémentaires."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.schemas.programmes import ProgrammePublic
from api.web.dossier_choices import caption, dossiers_at
from api.web.pages import PageRoute
from api.web.record_pages import Reader, add_record_page
from api.web.step_forms import Preset
from commands.base import RecordStep
from domain.dossier_steps import ACCEPTED, LEASE
from domain.programme_steps import CONCERTATION_PARTNERS, LET, TO_LET, VACANT

router = APIRouter(route_class=PageRoute, include_in_schema=False)

STATUS_LABELS = {TO_LET: "à attribuer", LET: "loué", VACANT: "vacant"}
# A dwelling is let to a household that accepted its offer (or signed its lease).
LETTING = (ACCEPTED, LEASE)


def _statuses(programme: ProgrammePublic, reader: Reader) -> dict[str, Any]:
    return {"statuses": STATUS_LABELS, "reader": reader}


def _dwelling_choices(
    step: type[RecordStep], programme: ProgrammePublic, context: dict[str, Any]
) -> list[Preset]:
    """A dwelling's step names it among the programme's; a letting names one of
    the programme's dossiers that accepted an offer; a concertation lists the
    partners it must invite."""
    refs = tuple(
        (d.ref, f"{d.ref} ({d.typology}, {STATUS_LABELS.get(d.status, d.status)})")
        for d in programme.dwellings
    )
    named = {"ref": refs}
    if "dossier_id" in step.model_fields:  # those who accepted an offer on it
        rows = dossiers_at(context["reader"], LETTING, programme_id=programme.id)
        named["dossier_id"] = tuple((str(row.id), caption(row)) for row in rows)
    # CONC-QUOTA: the partners the concertation invites, one row each.
    invited = [{"role": role} for role in CONCERTATION_PARTNERS]
    return [
        Preset(
            choices={
                name: choices
                for name, choices in named.items()
                if name in step.model_fields
            },
            rows={"invited": invited} if "invited" in step.model_fields else {},
        )
    ]


add_record_page(
    "programme",
    ProgrammePublic,
    "programme.html",
    _statuses,
    _dwelling_choices,
    pages=router,
)
