"""LLTS dossiers: open one, record each step, read it now or as it stood then."""

# No `from __future__ import annotations` here: the step endpoints are built in a
# loop, and FastAPI must see each body class itself, not its name.

from typing import Annotated
from uuid import UUID

from fastapi import HTTPException, Query

from api.access_log import DOSSIER_ROW, AccessLogDep
from api.deps import (
    Limit,
    MinPosition,
    Offset,
    one_of,
)
from api.record_routes import in_scope, record_router
from api.schemas.common import read_off
from api.schemas.dossiers import DossierPublic, DossiersPublic
from api.steps import names_household
from commands.dossier import STAGES
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN
from domain.text import folded
from projections.dossier_list import DossierFilter, select_dossiers

Stage = one_of(STAGES, "Une des étapes")
SEARCH_WORDS = 8  # a search's words at most, each a LIKE on the list's view
Search = Annotated[
    str | None,
    Query(
        max_length=80,
        description="Words each found, without case or accents, in the "
        "dossier's reference (its id), numéro unique, commune (code or name), "
        f"department, programme's name, landlord or organisation; {SEARCH_WORDS} "
        "at most. Never the household's name.",
    ),
]


def search_of(q: str | None) -> str | None:
    """The search asked (None when blank); 422 for one without a letter or a
    digit, or of more than SEARCH_WORDS words."""
    if q is None or not q.strip():
        return None
    words = folded(q).split()
    if not words:
        message = f"La recherche « {q} » ne contient ni lettre ni chiffre."
    elif len(words) > SEARCH_WORDS:
        message = f"La recherche compte plus de {SEARCH_WORDS} mots."
    else:
        return q
    raise HTTPException(422, {"code": "invalid_input", "message": message})


router = record_router(
    "dossier",
    "dossiers",
    ("Dossier introuvable", "Règle ou ordre de la procédure, version périmée"),
    create=dict(
        action="identify",
        name="identify_dossier",
        doc="Open an LLTS dossier: a partner (Préfecture: DALO) identifies a "
        "household.",
        refusal="repérage du ménage",
        check=names_household,
    ),
    step_prefix="record",
    read=(
        DossierPublic,
        "read_dossier",
        """The dossier's current state, with its version as ETag; with `as_of` (a
    day: the steps that had happened by then) or `known_at` (a moment: what the
    store held then), the state it had by those clocks.""",
    ),
    history=("the dossier", "read_history"),
)


@router.get("", response_model=DossiersPublic)
def list_dossiers(
    access: AccessLogDep,
    commune: Annotated[str | None, Query(pattern=COMMUNE_PATTERN)] = None,
    programme_id: UUID | None = None,
    stage: Stage = None,
    department: Annotated[str | None, Query(pattern=DEPARTMENT_CODE_PATTERN)] = None,
    q: Search = None,
    limit: Limit = 100,
    offset: Offset = 0,
    min_position: MinPosition = None,
) -> DossiersPublic:
    """List dossiers from the read model, filtered by commune, programme, stage,
    searched by words (`q`); only those of the caller's scope."""
    if stage is not None and stage not in STAGES:
        raise HTTPException(
            422, {"code": "invalid_input", "message": f"Étape inconnue : « {stage} »."}
        )
    query = DossierFilter(
        department,
        commune,
        programme_id,
        stage,
        search_of(q),
        limit=limit,
        offset=offset,
    )
    rows, total, position = dossiers_in_scope(access, query, min_position)
    return read_off(DossiersPublic, total, data=rows, position=position)


# GET /v1/dossiers and the web list answer from here.
dossiers_in_scope = in_scope(
    "dossier", ("dossier_list", "dossiers"), select_dossiers, DOSSIER_ROW
)
