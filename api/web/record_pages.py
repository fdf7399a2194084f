"""A record's page (a dossier, an ASLL measure, a CCAPEX referral) and the
measures list. Each answers from the same functions as the JSON routes
(api/record_routes.py, api/routes/mesures.py): same caller, scope, redaction
and access log; a record as it stands or as it stood at the end of a day."""

# No `from __future__ import annotations` here: the record pages are built by a
# function, and FastAPI must see each path parameter's alias itself.

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from starlette.responses import RedirectResponse

from api.access_log import AccessLogDep, AccessRecorder
from api.deps import SystemDep, command_context, read_clocks
from api.errors import STATUS_BY_ERROR
from api.record_routes import read_record, read_record_history
from api.routes.legality import record_legality
from api.routes.verify import VERIFIED, verify_record
from api.schemas.dossiers import DossierPublic
from api.schemas.history import HistoryPublic
from api.schemas.mesures import MesurePublic
from api.schemas.saisines import SaisinePublic
from api.steps import carry_out_step, role_check
from api.web.pages import (
    PageRoute,
    blank_is_none,
    render,
)
from api.web.session import PageCallerDep, SentForm, check_csrf
from api.web.step_forms import (
    FORM_FIELD,
    KEY_FIELD,
    VERSION_FIELD,
    Preset,
    command_of,
    forms_for,
    step_of,
)
from api.web.words import field_name, field_value, is_identifier
from commands.base import RecordStep
from commands.errors import ConcurrencyError
from domain import records
from domain.access import Caller, ForbiddenError
from domain.dossier_rules import ATTRIBUTIONS, CONDITION
from domain.dossier_steps import DECIDED
from domain.mesure_steps import HEAD_LEASE, SUBLET, UNDER_CONVENTION
from domain.saisine_rules import earliest_hearing, earliest_summons
from domain.saisine_steps import COURT_SOURCES
from domain.shared import DomainError
from infra.bootstrap import System

AsOf = Annotated[str | None, Query(max_length=64)]
STALE = (
    "{record} a changé depuis l'ouverture du formulaire : rien n'a été "
    "enregistré. Relisez ce qui a été enregistré entre-temps, puis recommencez."
)
T = TypeVar("T")
BAIL_GLISSANT = "bail_glissant"  # a kind of domain/mesure_steps.KINDS

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def read_record_page(
    system: System,
    caller: Caller,
    access: AccessRecorder,
    kind: str,
    model: Any,
    record_id: UUID,
    as_of: str | None,
) -> dict[str, Any]:
    """A record's page's context: the record (`record`) and its timeline as the
    JSON routes answer them, now or as they stood at the end of `as_of`; its
    legality findings by the same clocks and its chain's verification, each
    only for a caller the API answers (None for one it refuses)."""
    as_of = blank_is_none(as_of)
    clocks = read_clocks(as_of=as_of)
    record, _ = read_record(access, kind, model, record_id, clocks)
    history = read_record_history(access, kind, record_id, clocks)
    legality = if_allowed(lambda: record_legality(access, kind, record_id, clocks))
    verification = (
        if_allowed(lambda: verify_record(system, caller, kind, record_id))
        if kind in VERIFIED
        else None
    )
    return {
        "record": record,
        "timeline": timeline(kind, history),
        "as_of": as_of or "",
        "as_of_day": clocks.as_of,
        "legality": legality,
        "verification": verification,
    }


def if_allowed(read: Callable[[], T]) -> T | None:
    """What `read` answers, or None when the caller's role or scope may not
    read it (the API's 403)."""
    try:
        return read()
    except ForbiddenError:
        return None


def timeline(kind: str, history: HistoryPublic) -> list[dict[str, Any]]:
    """A record's history for people: each event with its legal basis and the
    fields the caller reads, but the identifiers (a UUID says nothing)."""
    bases = {cls.__name__: basis for cls, basis in records.kind(kind).bases.items()}
    return [
        {
            "entry": entry,
            "basis": bases.get(entry.type, ""),
            "fields": {
                field_name(name): field_value(name, value)
                for name, value in entry.data.items()
                if name not in entry.redacted and not is_identifier(value)
            },
            "redacted": [field_name(name) for name in entry.redacted],
        }
        for entry in history.events
    ]


# What a page adds to its context from the record (and the reader's reads),
# and the forms of a step on it (api/web/step_forms.py's presets).
More = Callable[[Any, "Reader"], dict[str, Any]]
Presets = Callable[[type[RecordStep], Any, dict[str, Any]], list[Preset]]


class Reader:
    """Who reads a page, and through what: what `More` and `Presets` read with."""

    def __init__(self, system: System, caller: Caller, access: AccessRecorder) -> None:
        self.system, self.caller, self.access = system, caller, access
        self.sent: dict[str, Any] = {}  # a form sent back to the page, if any


def _nothing_more(record: Any, reader: Reader) -> dict[str, Any]:
    return {}


def _one_form(
    step: type[RecordStep], record: Any, context: dict[str, Any]
) -> list[Preset]:
    return [Preset()]


def add_record_page(
    kind: str,
    model: Any,
    template: str,
    more: More = _nothing_more,
    presets: Presets = _one_form,
    pages: APIRouter = router,
) -> Callable[..., Response]:
    """GET /<kind>s/{<kind>_id}: the record's page, with `more(record, reader)`
    in its template's context and the step forms its caller may fill now
    (api/web/step_forms.py); POST /<kind>s/{<kind>_id}/etapes/{slug}: one of
    those forms sent. Returns the page's drawing, for a route of its own that
    draws it again (`show(request, reader, record_id, None, sent, status)`)."""
    id_name = f"{kind}_id"

    def show(
        request: Request,
        reader: Reader,
        record_id: UUID,
        as_of: str | None = None,
        sent: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Response:
        context = read_record_page(
            reader.system, reader.caller, reader.access, kind, model, record_id, as_of
        )
        record = context["record"]
        sent = reader.sent = sent or {}
        context |= more(record, reader)
        since = sent.get("since")
        forms = (
            []
            if as_of
            else forms_for(
                kind,
                reader.caller,
                record,
                sent,
                lambda step, record: presets(step, record, context),
            )
        )
        # `more` may add forms of its own (a creation the record leads to)
        extra = context.pop("more_forms", [])
        forms = forms + ([] if as_of else extra)
        return render(
            request,
            template,
            status,
            **context,
            forms=forms,
            refused=sent.get("refused"),
            changes=[
                item["entry"].label
                for item in context["timeline"]
                if since is not None and item["entry"].version > since
            ],
        )

    def record_page(
        request: Request,
        record_id: Annotated[UUID, Path(alias=id_name)],
        caller: PageCallerDep,
        system: SystemDep,
        access: AccessLogDep,
        as_of: AsOf = None,
    ) -> Response:
        return show(request, Reader(system, caller, access), record_id, as_of)

    def record_step(
        request: Request,
        record_id: Annotated[UUID, Path(alias=id_name)],
        slug: Annotated[str, Path(max_length=40)],
        caller: PageCallerDep,
        system: SystemDep,
        access: AccessLogDep,
        form: SentForm,
    ) -> Response:
        step = step_of(kind, slug)
        if step is None:
            raise HTTPException(
                404, {"code": "not_found", "message": "Formulaire inconnu."}
            )
        role_check(step)(caller)  # 403 before anything of the form is read
        reader = Reader(system, caller, access)
        command, errors, values = command_of(step, form)
        sent: dict[str, Any] = {
            "form": form.get(FORM_FIELD) or slug,
            "values": values,
            "errors": errors,
        }
        if command is None:  # nothing stored: the form again, with the problems
            return show(request, reader, record_id, None, sent, 422)
        ctx = command_context(
            request,
            caller,
            idempotency_key=form.get(KEY_FIELD) or None,
            if_match=form.get(VERSION_FIELD, ""),
        )
        try:
            carry_out_step(system, record_id, command, ctx, Response())
        except ConcurrencyError:
            sent |= {
                "refused": STALE.format(record=records.kind(kind).this.capitalize()),
                "since": ctx.expected_version,
            }
            return show(request, reader, record_id, None, sent, 409)
        except DomainError as error:  # a rule refused it: said next to the form
            status = next(s for c, s in STATUS_BY_ERROR if isinstance(error, c))
            if status == 403 or status == 404:
                raise
            sent["refused"] = error.message
            return show(request, reader, record_id, None, sent, status)
        return RedirectResponse(f"/{kind}s/{record_id}#historique", 303)

    record_page.__name__ = f"{kind}_page"
    record_step.__name__ = f"{kind}_step_form"
    pages.add_api_route(f"/{kind}s/{{{id_name}}}", record_page, methods=["GET"])
    pages.add_api_route(
        f"/{kind}s/{{{id_name}}}/etapes/{{slug}}",
        record_step,
        methods=["POST"],
        dependencies=[Depends(check_csrf)],
    )
    return show


def _mesure_deadlines(mesure: MesurePublic, reader: Reader) -> dict[str, Any]:
    """ASLL-FIN: under convention, the bilan is due by the convention's last
    day (the workload's overdue bilans are those past it)."""
    return {"bilan_due": mesure.ends_on if mesure.stage in UNDER_CONVENTION else None}


def _saisine_deadlines(saisine: SaisinePublic, reader: Reader) -> dict[str, Any]:
    """CCAPEX-SAISINE: a legal-entity landlord assigns no earlier than two
    months after the referral; the hearing is six weeks after the assignation."""
    legal_entity = saisine.landlord_is_legal_entity
    summons_on = saisine.summons_on
    return {
        "summons_from": earliest_summons(saisine.referred_on)
        if legal_entity and saisine.source not in COURT_SOURCES
        else None,
        "hearing_from": earliest_hearing(summons_on)
        if summons_on is not None
        else None,
    }


def _after_the_cal(
    step: type[RecordStep], dossier: DossierPublic, context: dict[str, Any]
) -> list[Preset]:
    """Decided by the CAL, a dossier awaits the lifting of its condition if its
    attribution has one, else its offer if it has an attribution (CAL-CONDITION:
    domain/dossier_attribution.py); any other step, its form as usual."""
    if dossier.stage != DECIDED or step.action not in ("offer", "fulfil_condition"):
        return [Preset()]
    decision = (dossier.cal_decision or {}).get("decision")
    conditional = decision == CONDITION
    awaited = "fulfil_condition" if conditional else "offer"
    return [Preset()] if decision in ATTRIBUTIONS and step.action == awaited else []


add_record_page(
    "dossier",
    DossierPublic,
    "dossier.html",
    lambda dossier, reader: {"dossier": dossier},
    _after_the_cal,
)
# The bail glissant's steps (domain/mesure_bail.py), by the status its bail must
# have: none yet for the head lease, then the sublease's.
BAIL_AT = {
    "sign_head_lease": None,
    "sign_sublease": HEAD_LEASE,
    **dict.fromkeys(("review_sublease", "slide_lease", "end_sublease"), SUBLET),
}


def _bail_glissant(
    step: type[RecordStep], mesure: MesurePublic, context: dict[str, Any]
) -> list[Preset]:
    """A bail glissant's step only on such a measure, where its bail stands
    (the aggregate checks them beside its stage); any other step, as usual."""
    if step.action not in BAIL_AT:
        return [Preset()]
    status = (mesure.bail or {}).get("status")
    glissant = mesure.kind == BAIL_GLISSANT and status == BAIL_AT[step.action]
    return [Preset()] if glissant else []


add_record_page(
    "mesure", MesurePublic, "mesure.html", _mesure_deadlines, _bail_glissant
)
add_record_page("saisine", SaisinePublic, "saisine.html", _saisine_deadlines)
