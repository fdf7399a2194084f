"""The dossiers a step form names, for the person filling it: those at the
stages that await the step, that the reader may list (their reading logged as
the list's), each with its applicant's name rather than its identifier."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from api.routes.dossiers import dossiers_in_scope
from api.web import french
from api.web.record_pages import Reader, if_allowed
from projections.dossier_list import DossierFilter

MAX_DOSSIERS = 50  # a CAL examines a few per dwelling (DecisionTerms: 50 at most)


def dossiers_at(
    reader: Reader,
    stages: Iterable[str],
    commune: str | None = None,
    programme_id: UUID | None = None,
) -> list[Any]:
    """The dossiers (list rows) of `commune` or `programme_id` at `stages` the
    reader may list; none for a reader who lists no dossier."""
    found: list[Any] = []
    for stage in stages:
        query = DossierFilter(
            commune=commune, programme_id=programme_id, stage=stage, limit=MAX_DOSSIERS
        )
        rows = if_allowed(
            lambda query=query: dossiers_in_scope(reader.access, query)[0]
        )
        found.extend(rows or [])
    return found


def caption(row: Any) -> str:
    """A dossier for people: the applicant, the numéro unique, the stage."""
    number = f" (n° {row.numero_unique})" if row.numero_unique else ""
    return f"{row.applicant_name}{number} — {french.stage(row.stage)}"
