"""The department's legality page (issue 17, page 6): a form (department,
period) and the breaches found over that period, by rule, each linking to its
record's page and naming the events concerned; the same report printable and
as a PDF. It answers from GET /v1/legality/report's own function
(api/routes/legality.py legality_report): same roles, territory, access log,
and api/legality_report.py's one printable page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.responses import RedirectResponse

from api.access_log import AccessLogDep
from api.deps import SystemDep, read_clocks
from api.documents import document_response
from api.legality_report import DepartmentReportPublic, as_html
from api.routes.legality import legality_report
from api.web.pages import (
    PAGE_POLICY,
    PageRoute,
    blank_is_none,
    matching,
    query_day,
    render,
)
from api.web.session import PageCallerDep
from domain.access import Caller, scope_filter
from domain.places import DEPARTMENT_CODE_PATTERN
from domain.records import KIND_LABELS
from infra.bootstrap import System

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# The kinds of record that have a page (api/web/record_pages.py,
# commission_pages.py, programme_pages.py): every kind of the registry.
RECORD_PAGES = tuple(KIND_LABELS)

Text = Annotated[str | None, Query(max_length=20)]


@dataclass(frozen=True)
class Asked:
    """The form's fields as given: the department, the period's two days."""

    department: str | None
    start: str | None
    end: str | None


def asked_report(
    department: Text = None,
    start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
) -> Asked:
    return Asked(department, start, end)


AskedDep = Annotated[Asked, Depends(asked_report)]


def _report(
    system: System,
    caller: Caller,
    access: AccessLogDep,
    asked: Asked,
) -> tuple[str | None, DepartmentReportPublic | None]:
    """The department asked (the caller's own by default; 403 for a role that
    reads no report) and its report, None while no department is chosen."""
    chosen = matching(
        asked.department, DEPARTMENT_CODE_PATTERN, "un code de département"
    )
    place = chosen or scope_filter(caller, "legality_report").get("department")
    if place is None:
        return None, None
    report = legality_report(
        system,
        caller,
        read_clocks(),
        access,
        place,
        None,
        query_day(asked.start),
        query_day(asked.end),
    )
    return place, report


@router.get("/legalite")
def legality_page(
    request: Request,
    caller: PageCallerDep,
    system: SystemDep,
    access: AccessLogDep,
    asked: AskedDep,
) -> Response:
    place, report = _report(system, caller, access, asked)
    by_rule: dict[str, list[object]] = {}
    for finding in report.findings if report else []:
        by_rule.setdefault(finding.rule, []).append(finding)
    return render(
        request,
        "legality.html",
        report=report,
        by_rule=by_rule,
        department=place or "",
        start=blank_is_none(asked.start) or "",
        end=blank_is_none(asked.end) or "",
        record_pages=RECORD_PAGES,
        kind_labels=KIND_LABELS,
        department_pattern=DEPARTMENT_CODE_PATTERN.strip("^$"),
    )


@router.get("/legalite/rapport")
def legality_document(
    caller: PageCallerDep,
    system: SystemDep,
    access: AccessLogDep,
    asked: AskedDep,
    output: Annotated[str, Query(alias="format", pattern="^(html|pdf)$")] = "html",
) -> Response:
    """The printable report GET /v1/legality/report?format=html|pdf answers."""
    _, report = _report(system, caller, access, asked)
    if report is None:
        return RedirectResponse("/legalite", 303)
    document = document_response(as_html(report), output, report.filename)
    document.headers["Content-Security-Policy"] = PAGE_POLICY
    return document
