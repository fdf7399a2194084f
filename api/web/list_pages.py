"""The dossiers, ASLL measures and programmes lists, each with the form that
creates one (issue 17): a dossier opened by its repérage on /dossiers, a
measure asked for on /mesures, a programme announced on /programmes, for the
roles the registry lets create one (domain/records.py: the kind's creation
step); the CCAPEX referrals' list, /saisines (its
signalement's form is on the worklist, where every role that signals finds
it). A form posts the kind's creation command as POST /v1/<kind>s takes it
(programme_pages.create_by_form: its idempotency key, the household it names
checked as the API checks it); once created, the new record's page, whose step
forms carry it on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from api.access_log import AccessLogDep, AccessRecorder
from api.deps import SystemDep
from api.routes.dossiers import Search, dossiers_in_scope, search_of
from api.routes.mesures import may_request, mesure_filter, mesures_in_scope
from api.routes.programmes import programmes_in_scope
from api.routes.saisines import saisines_in_scope
from api.steps import names_household
from api.web.awaited import overdue
from api.web.pages import (
    PAGE_SIZE,
    PageNumber,
    PageRoute,
    blank_is_none,
    known,
    matching,
    offset,
    render_list,
)
from api.web.programme_pages import Check, create_by_form
from api.web.session import PageCallerDep, SentForm, check_csrf
from api.web.step_forms import Preset, command_form
from commands.dossier import STAGES as DOSSIER_STAGES
from commands.procedures import PROCEDURES
from domain.access import NONE, Caller, scope_of
from domain.department import DepartmentNotConfiguredError, local_today
from domain.department_settings import ASSOCIATION_PATTERN
from domain.mesure_steps import STAGES as MESURE_STAGES
from domain.places import COMMUNE_PATTERN
from domain.programme_steps import KINDS as PROGRAMME_KINDS
from domain.records import kind as record_kind
from domain.saisine_steps import STAGES as SAISINE_STAGES
from domain.shared import check_role
from infra.bootstrap import System
from projections.dossier_list import DossierFilter
from projections.lists import Counted
from projections.mesures import MesureFilter
from projections.programmes import ProgrammeFilter
from projections.saisines import SaisineFilter

router = APIRouter(route_class=PageRoute, include_in_schema=False)
CREATED = "enregistre"  # the query naming the kind just recorded
# A list's rows (its page, how many match) and its filters, for its template.
Listed = tuple[tuple[list[Any], Counted, int], dict[str, Any]]
# A filter's text (a word, a commune's code), as a list page's form sends it;
# the page checks it.
Word = Annotated[str | None, Query(max_length=40)]
Code = Annotated[str | None, Query(max_length=10)]


@dataclass(frozen=True)
class ListPage:
    """A request for a list's page: the signed-in caller, the store, the
    access log, the page asked for."""

    request: Request
    caller: Caller
    system: System
    access: AccessRecorder
    page: int = 1

    @property
    def window(self) -> dict[str, int]:
        """The list query's limit and offset for this page."""
        return {"limit": PAGE_SIZE, "offset": offset(self.page)}


def list_request(
    request: Request,
    caller: PageCallerDep,
    system: SystemDep,
    access: AccessLogDep,
    page: PageNumber = 1,
) -> ListPage:
    # The caller before the access log, as on every page (api/web/pages.py).
    return ListPage(request, caller, system, access, page)


ListPageDep = Annotated[ListPage, Depends(list_request)]


@dataclass(frozen=True)
class Creation:
    """A kind's creation by a form: the registry's step that creates it (its
    roles), the form's id and URL, its title, and what the caller must be
    allowed besides (the API's `check`), the list it is on (its rows and
    filters for a query, its first page's query); `refusal`: the words of the 403
    before the form is read (none where a department's setting names the
    roles: the application refuses then)."""

    kind: str
    action: str
    slug: str
    title: str
    check: Check | None = None
    refusal: str | None = None
    listing: Callable[[AccessRecorder, Any], Listed] | None = None
    first: Callable[[], Any] = lambda: None  # the query of the list's first page
    on: str = ""  # the page its form is on, the kind's list unless said
    # The roles a department's settings add (a measure's prescribers:
    # ASLL-PRESCRIPTEUR), for a caller acting in a department.
    setting_roles: Callable[[System, Caller], frozenset[str]] | None = None

    def after(self, caller: Caller) -> str | None:
        """Once created, the record's page (None) for a caller who reads it,
        the form's page saying it is recorded for one who does not (a
        landlord's referral: the CCAPEX's to read)."""
        if scope_of(caller.role, self.kind) != NONE:
            return None
        return f"{self.on or f'/{self.kind}s'}?{CREATED}={self.kind}"

    @property
    def url(self) -> str:
        return f"/{self.kind}s/{self.slug}"

    def may_create(self, caller: Caller) -> None:
        """A role outside the registry's refused (403), where no setting
        names the roles."""
        if self.refusal is not None:
            roles = record_kind(self.kind).steps[self.action]
            check_role(caller.actor, roles, self.refusal)

    def forms(
        self, caller: Caller, sent: dict[str, Any], system: System | None = None
    ) -> list[dict[str, Any]]:
        """Its form, for a role the registry lets create one, or the settings
        of the caller's department (the application checks again)."""
        roles = record_kind(self.kind).steps[self.action]
        if self.setting_roles is not None and system is not None:
            roles = roles | self.setting_roles(system, caller)
        if caller.role not in roles:
            return []
        creation = PROCEDURES[self.kind].creation
        return [
            command_form(creation, self.slug, self.title, self.url, 0, Preset(), sent)
        ]


def _dossiers(access: AccessRecorder, query: DossierFilter) -> Listed:
    found = dossiers_in_scope(access, query)
    return found, {
        "stages": DOSSIER_STAGES,
        "stage": query.stage,
        "commune": query.commune,
        "q": query.q,
    }


def _mesures(access: AccessRecorder, query: MesureFilter) -> Listed:
    found = mesures_in_scope(access, query)
    filters = {"association": query.association}
    return found, {"stages": MESURE_STAGES, "stage": query.stage, **filters}


REPERAGE = Creation(
    "dossier",
    "identify",
    "reperage",
    "Repérage d'un ménage (nouveau dossier)",
    names_household,
    "repérage du ménage",
    _dossiers,
    lambda: DossierFilter(limit=PAGE_SIZE),
)


def _programmes(access: AccessRecorder, query: ProgrammeFilter) -> Listed:
    found = programmes_in_scope(access, query)
    filters = {"kind": query.kind, "commune": query.commune}
    return found, {"kinds": PROGRAMME_KINDS, **filters}


ANNONCE = Creation(
    "programme",
    "announce",
    "annonce",
    "Annonce d'un programme",
    refusal="annonce du programme",
    listing=_programmes,
    first=lambda: ProgrammeFilter(limit=PAGE_SIZE),
)


def _prescribers(system: System, caller: Caller) -> frozenset[str]:
    """The roles the caller's department names as prescribers today (none
    known for a caller acting for an organisation, or a department without
    settings: the registry's default stands)."""
    if caller.department is None:
        return frozenset()
    code = caller.department
    try:
        day = local_today(code, datetime.now(UTC))
        _, settings = system.app.department_settings(code, day)
    except DepartmentNotConfiguredError:
        return frozenset()
    return frozenset(settings.prescriber_roles)


DEMANDE = Creation(
    "mesure",
    "request",
    "demande",
    "Nouvelle mesure (prescription)",
    may_request,
    listing=_mesures,
    first=lambda: mesure_filter(limit=PAGE_SIZE),
    setting_roles=_prescribers,
)


def list_page(
    creation: Creation,
    listed: ListPage,
    query: Any,
    sent: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """The records of the caller's scope as GET /v1/<kind>s lists them, with
    the creation's form for the roles that create one (`sent`: sent back)."""
    assert creation.listing is not None
    found, filters = creation.listing(listed.access, query)
    sent = sent or {}
    return render_list(
        listed.request,
        f"{creation.kind}s.html",
        found,
        listed.page,
        status=status,
        forms=creation.forms(listed.caller, sent, listed.system),
        refused=sent.get("refused"),
        changes=[],
        **filters,
    )


Redraw = Callable[
    [Request, Caller, System, AccessRecorder, dict[str, Any], int], Response
]


def add_creation(
    creation: Creation, pages: APIRouter = router, redraw: Redraw | None = None
) -> None:
    """POST of the creation's form (on `pages`): the new record's page once
    created, its page again with what is wrong otherwise (`redraw`: its list's
    first page unless said)."""
    draw: Redraw = redraw or (
        lambda request, caller, system, access, sent, status: list_page(
            creation,
            ListPage(request, caller, system, access),
            creation.first(),
            sent,
            status,
        )
    )

    def create_page(
        request: Request,
        caller: PageCallerDep,
        system: SystemDep,
        access: AccessLogDep,
        form: SentForm,
    ) -> Response:
        creation.may_create(caller)  # 403 before anything of the form is read
        return create_by_form(
            request,
            system,
            caller,
            creation.kind,
            creation.action,
            form,
            lambda sent, status: draw(request, caller, system, access, sent, status),
            check=creation.check,
            after=creation.after(caller),
        )

    create_page.__name__ = f"{creation.kind}_{creation.slug}_page"
    pages.add_api_route(
        creation.url,
        create_page,
        methods=["POST"],
        dependencies=[Depends(check_csrf)],
    )


@router.get("/dossiers")
def dossiers_page(
    listed: ListPageDep, stage: Word = None, commune: Code = None, q: Search = None
) -> Response:
    stage = blank_is_none(stage)
    if stage is not None and stage not in DOSSIER_STAGES:
        raise HTTPException(
            422, {"code": "invalid_input", "message": f"Étape inconnue : « {stage} »."}
        )
    commune = matching(commune, COMMUNE_PATTERN, "un code INSEE de commune")
    query = DossierFilter(commune=commune, stage=stage, q=search_of(q), **listed.window)
    return list_page(REPERAGE, listed, query)


@router.get("/mesures")
def mesures_page(
    listed: ListPageDep, stage: Word = None, association: Word = None
) -> Response:
    stage = blank_is_none(stage)
    association = matching(association, ASSOCIATION_PATTERN, "un code d'association")
    query = mesure_filter(association=association, stage=stage, **listed.window)
    return list_page(DEMANDE, listed, query)


@router.get("/saisines")
def saisines_page(
    listed: ListPageDep, stage: Word = None, commune: Code = None
) -> Response:
    """The referrals of the caller's scope as GET /v1/saisines lists them, each
    with the day its prevention work is due by, overdue ones marked."""
    stage = known(stage, SAISINE_STAGES, "Stade inconnu")
    commune = matching(commune, COMMUNE_PATTERN, "un code INSEE de commune")
    query = SaisineFilter(commune=commune, stage=stage, **listed.window)
    found = saisines_in_scope(listed.access, query)
    now = datetime.now(UTC)
    late = {row.id for row in found[0] if overdue(row.due_on, row.department, now)}
    return render_list(
        listed.request,
        "saisines.html",
        found,
        listed.page,
        stages=SAISINE_STAGES,
        stage=stage,
        commune=commune,
        late=late,
    )


@router.get("/programmes")
def programmes_page(
    listed: ListPageDep, kind: Word = None, commune: Code = None
) -> Response:
    """The programmes of the caller's scope (GET /v1/programmes's), with the
    announcement's form for the roles that announce one."""
    query = ProgrammeFilter(
        commune=matching(commune, COMMUNE_PATTERN, "un code de commune"),
        kind=known(kind, PROGRAMME_KINDS, "Nature inconnue"),
        **listed.window,
    )
    return list_page(ANNONCE, listed, query)


add_creation(REPERAGE)
add_creation(ANNONCE)
add_creation(DEMANDE)
