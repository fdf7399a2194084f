"""The worklist (/travail, issue 17): what the signed-in caller must do now,
the records of their scope awaiting a step of their role (api/web/awaited.py),
overdue ones first then by deadline. Each source is read through the same
function as its JSON list (scope, redaction, access log); a source the
caller's role may not list adds nothing.

Covered: dossiers awaiting the caller's step (an offer awaiting the household's
answer by its deadline, OFFRE-DELAI, past which the offer has lapsed: the
dossier list's view holds it; no other step of a dossier has one), bilans
d'installation due or overdue (BILAN-DELAI), ASLL measures under convention
(bilan or renewal due by the convention's end), sessions to hold by their day
(overdue while their minutes are not closed), a ranking's liste complémentaire
by its last day (LC-VALIDITE: the commissions' view holds it), CCAPEX
referrals awaiting the CCAPEX's step or the enquiry of the operator it was
asked of, by the day CCAPEX-SAISINE's delays leave for the prevention (the
referrals' view: `due_on`), documents asked during a dossier's analysis
(ALS-CONTACT) and not yet received, for the roles that record their receipt,
with the request's day and no deadline (no rule dates their arrival): the
dossier list's view holds them. Each source lists its first 100 records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request, Response

from api.access_log import AccessLogDep, AccessRecorder
from api.deps import SystemDep
from api.routes.commissions import commissions_in_scope
from api.routes.dossiers import dossiers_in_scope
from api.routes.follow_up import bilans_in_scope
from api.routes.mesures import mesure_filter, mesures_in_scope
from api.routes.programmes import programmes_in_scope
from api.routes.saisines import saisines_in_scope
from api.steps import names_household
from api.web import awaited, french
from api.web.awaited import (
    bilan_statuses,
    commission_kinds,
    documents_stages,
    dossier_stages,
    list_kinds,
    mesure_stages,
    programme_stages,
    saisine_stages,
)
from api.web.list_pages import Creation, add_creation
from api.web.pages import WORKLIST, PageRoute, render
from api.web.record_pages import if_allowed
from api.web.session import PageCallerDep
from domain.access import Caller
from domain.commission_steps import CLOSED
from domain.department import local_today
from domain.dossier_rules import offer_lapsed
from domain.records import KIND_LABELS
from domain.saisine_steps import ENQUIRY_REQUESTED
from infra.bootstrap import System
from projections.commissions import CommissionFilter, CommissionRow
from projections.dossier_list import DossierFilter, DossierRow
from projections.follow_up import BilanFilter, BilanRow
from projections.lists import Counted
from projections.mesures import MesureRow
from projections.programmes import ProgrammeFilter, ProgrammeRow
from projections.saisines import SaisineFilter, SaisineRow

PER_SOURCE = 100

Q = TypeVar("Q")
R = TypeVar("R")

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@dataclass(frozen=True)
class WorkItem:
    label: str
    link: str
    record: str  # the record's name, or its kind and commune
    deadline: date | None
    overdue: bool


def order(items: list[WorkItem]) -> list[WorkItem]:
    """Overdue first, then by deadline, those without one last."""
    return sorted(
        items, key=lambda i: (not i.overdue, i.deadline is None, i.deadline or date.max)
    )


def rows_of(
    access: AccessRecorder,
    in_scope: Callable[[AccessRecorder, Q], tuple[list[R], Counted, int]],
    query: Q,
) -> list[R]:
    """The rows `in_scope` (a JSON list's function) answers the access's caller
    for `query`; none when their role or scope may not list them (the API's
    403)."""
    answer = if_allowed(lambda: in_scope(access, query))
    return answer[0] if answer else []


def dossier_item(label: str, row: DossierRow, now: datetime) -> WorkItem | None:
    """A dossier awaiting a step; an offer, the household's answer by its
    deadline (OFFRE-DELAI), past which the offer has lapsed (silence is a
    refusal), to be recorded. Not its solvency while documents asked are
    still awaited: the dossier refuses it until they are received (its
    "Pièces demandées" item stands instead)."""
    if row.outstanding_documents and row.stage == awaited.DOCUMENTS_STAGE:
        return None
    name = row.applicant_name or f"Dossier à {french.commune(row.commune)}"
    due = row.answer_deadline  # the view's: only while the offer awaits
    late = due is not None and offer_lapsed(due, local_today(row.department, now))
    todo = "Délai de réponse passé : proposition caduque à enregistrer"
    todo = todo if late else label
    return WorkItem(todo, f"/dossiers/{row.id}", name, due, late)


def documents_filter(stage: str, limit: int) -> DossierFilter:
    """The dossiers at `stage` awaiting documents asked."""
    return DossierFilter(stage=stage, documents_requested=True, limit=limit)


def documents_item(label: str, row: DossierRow, now: datetime) -> WorkItem:
    """A dossier awaiting the documents asked (their names are no personal
    data), since the request's day; no deadline."""
    name = row.applicant_name or f"Dossier à {french.commune(row.commune)}"
    asked = ", ".join(row.outstanding_documents)
    since = french.day(row.documents_requested_on)
    todo = f"{label} : {asked} (demande du {since})"
    return WorkItem(todo, f"/dossiers/{row.id}", name, None, False)


def bilan_item(label: str, row: BilanRow, now: datetime) -> WorkItem:
    record = f"Dossier à {french.commune(row.commune)}"
    late = row.status == "overdue"
    return WorkItem(label, f"/dossiers/{row.dossier_id}", record, row.due_on, late)


def commission_item(label: str, row: CommissionRow, now: datetime) -> WorkItem | None:
    """A session whose minutes are open: to hold by its day, late after it
    (its minutes still to close); none once they are closed."""
    if row.stage == CLOSED:
        return None
    late = row.held_on < local_today(row.department, now)
    todo = "Procès-verbal à clore" if late else label
    record = f"Séance du {french.day(row.held_on)} à {french.commune(row.commune)}"
    return WorkItem(todo, f"/commissions/{row.id}", record, row.held_on, late)


def list_item(label: str, row: CommissionRow, now: datetime) -> WorkItem | None:
    """A session's liste complémentaire, due by its last day (LC-VALIDITE);
    past it, its dossiers still listed are to be recorded as expired."""
    if row.list_valid_until is None:
        return None
    late = row.list_valid_until < local_today(row.department, now)
    todo = "Liste complémentaire expirée : dossiers à sortir" if late else label
    record = f"Séance du {french.day(row.held_on)} à {french.commune(row.commune)}"
    return WorkItem(todo, f"/commissions/{row.id}", record, row.list_valid_until, late)


def mesure_item(label: str, row: MesureRow, now: datetime) -> WorkItem:
    kind = french.label(row.kind, "mesure_kind")
    record = f"Mesure {kind} à {french.commune(row.commune)}"
    late = awaited.overdue(row.ends_on, row.department, now)
    return WorkItem(label, f"/mesures/{row.id}", record, row.ends_on, late)


def _saisines(
    access: AccessRecorder, query: SaisineFilter
) -> tuple[list[SaisineRow], Counted, int]:
    """The referrals of the caller's scope at the query's stage, as GET
    /v1/saisines reads them; an enquiry to return, only those asked of the
    caller's organisation (its operator alone returns it)."""
    if query.stage == ENQUIRY_REQUESTED:
        query = replace(
            query,
            enquiry_operator=access.caller.organisation,
            enquiry_operator_role=access.caller.role,
        )
    return saisines_in_scope(access, query)


def saisine_item(label: str, row: SaisineRow, now: datetime) -> WorkItem:
    """A referral's step, due by the day CCAPEX-SAISINE's delays leave for the
    prevention (none where no delay runs)."""
    record = f"Saisine CCAPEX à {french.commune(row.commune)}, bailleur {row.landlord}"
    late = awaited.overdue(row.due_on, row.department, now)
    return WorkItem(label, f"/saisines/{row.id}", record, row.due_on, late)


@dataclass(frozen=True)
class Source:
    """A JSON list read for the worklist: which values of one of its filter's
    fields wait on a role (with what to do), its list function, its filter
    and that field, and an item for a row."""

    awaits: Callable[[str], dict[str, str]]
    in_scope: Callable[..., tuple[list[Any], int, int]]
    filter: Callable[..., Any]
    field: str
    item: Callable[[str, Any, datetime], WorkItem | None]

    def query(self, value: str) -> Any:
        return self.filter(**{self.field: value, "limit": PER_SOURCE})


def _programmes(
    access: AccessRecorder, query: ProgrammeQuery
) -> tuple[list[ProgrammeRow], int, int]:
    """The programmes of the caller's scope at the query's stage, as GET
    /v1/programmes reads them."""
    everything = ProgrammeFilter(limit=query.limit)
    rows, _, _ = programmes_in_scope(access, everything)
    at_stage = [row for row in rows if row.stage == query.stage]
    return at_stage, len(at_stage), 0


@dataclass(frozen=True)
class ProgrammeQuery:
    stage: str
    limit: int


def programme_item(label: str, row: ProgrammeRow, now: datetime) -> WorkItem:
    record = f"{row.name} à {french.commune(row.commune)}"
    return WorkItem(label, f"/programmes/{row.id}", record, None, False)


SOURCES = (
    Source(dossier_stages, dossiers_in_scope, DossierFilter, "stage", dossier_item),
    Source(
        documents_stages, dossiers_in_scope, documents_filter, "stage", documents_item
    ),
    Source(bilan_statuses, bilans_in_scope, BilanFilter, "status", bilan_item),
    Source(
        commission_kinds,
        commissions_in_scope,
        CommissionFilter,
        "kind",
        commission_item,
    ),
    Source(list_kinds, commissions_in_scope, CommissionFilter, "kind", list_item),
    Source(mesure_stages, mesures_in_scope, mesure_filter, "stage", mesure_item),
    Source(programme_stages, _programmes, ProgrammeQuery, "stage", programme_item),
    Source(saisine_stages, _saisines, SaisineFilter, "stage", saisine_item),
)


def work_items(access: AccessRecorder, now: datetime) -> list[WorkItem]:
    """What waits on the access's caller, overdue first: each source's rows of
    their scope, read (and logged) by the source's list function."""
    items = (
        source.item(label, row, now)
        for source in SOURCES
        for value, label in source.awaits(access.caller.role).items()
        for row in rows_of(access, source.in_scope, source.query(value))
    )
    return order([item for item in items if item is not None])


# A referral signalled to the CCAPEX: its form here, where every role that
# signals one finds it (most of them list no referral: /saisines refuses them).
SIGNALEMENT = Creation(
    "saisine",
    "signal",
    "signalement",
    "Signalement d'un ménage à la CCAPEX (nouvelle saisine)",
    names_household,
    "signalement à la CCAPEX",
    on=WORKLIST,
)


def worklist(
    request: Request,
    caller: Caller,
    system: System,
    access: AccessRecorder,
    sent: dict[str, Any] | None = None,
    status: int = 200,
    created: str | None = None,
) -> Response:
    """What waits on the caller, and the referral's form for the roles that
    signal one (`sent`: sent back; `created`: the kind of record just
    recorded, for a caller who may not read it)."""
    items = work_items(access, datetime.now(UTC))
    sent = sent or {}
    return render(
        request,
        "travail.html",
        status,
        items=items,
        followed=awaited.has_worklist(caller.role),
        forms=SIGNALEMENT.forms(caller, sent),
        refused=sent.get("refused"),
        changes=[],
        created=KIND_LABELS.get(created or ""),
    )


@router.get(WORKLIST)
def worklist_page(
    request: Request,
    caller: PageCallerDep,
    system: SystemDep,
    access: AccessLogDep,
    enregistre: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    return worklist(request, caller, system, access, created=enregistre)


add_creation(SIGNALEMENT, router, worklist)
