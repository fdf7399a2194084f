"""GET of one record and of its history, for any kind of record (domain/records.py):
the caller's need-to-know first (403/404), the record as it stands with its
version as ETag, or as it stood by the clocks `as_of` and `known_at`; the fields
the caller's role does not read withheld; one access-log row when the kind
reveals personal data."""

# No `from __future__ import annotations` here: the endpoints are built by a
# function, and FastAPI must see each response class itself, not its name.

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any, Protocol
from uuid import UUID

from fastapi import APIRouter, Path, Response

from api.access import authorize, history, public, scoped
from api.access_log import AccessLogDep, AccessRecorder
from api.deps import CallerDep, ClocksDep, MinPosition, SystemDep, current_view
from api.errors import documented_errors
from api.schemas.history import HistoryPublic
from api.steps import add_creation_route, add_step_routes
from domain import records
from domain.access import Caller
from domain.clocks import Clocks
from infra.bootstrap import System
from projections.lists import Counted
from projections.rows import RowView


def read_record(
    access: AccessRecorder, kind: str, model: Any, record_id: UUID, clocks: Clocks
) -> tuple[Any, int | None]:
    """The record through its public `model`, once the caller (the access
    recorder's) may read it, as it stands (with its version, the ETag) or by
    the clocks (version None); the fields the caller's role does not read
    withheld; the read logged. The JSON route and the web page both answer
    from here."""
    system, caller = access.system, access.caller
    record = authorize(system, caller, kind, record_id)
    version = record.version if clocks.now else None
    if not clocks.now:
        record = system.app.read_at(kind, record_id, clocks)
    answer = public(caller, kind, model.of(record))
    reveals = records.kind(kind).reveals
    if reveals:
        access.record(kind, [record_id], reveals)
    return answer, version


def read_record_history(
    access: AccessRecorder, kind: str, record_id: UUID, clocks: Clocks
) -> HistoryPublic:
    """The record's events by the clocks, once the caller (the access
    recorder's) may read its history, each without the fields the caller's
    role does not read; the read logged."""
    system, caller = access.system, access.caller
    authorize(system, caller, kind, record_id, surface="history")
    system.app.history(kind, record_id)  # 404 for another kind of record
    _, events = system.app.record_history_at(record_id, clocks)
    answer = HistoryPublic(id=record_id, events=history(caller, kind, events))
    access.record(kind, [record_id], records.kind(kind).reveals)
    return answer


class InScope(Protocol):
    """A list's page the caller may read: rows, the count matching, the view's
    position. The access recorder names the caller and the system they read,
    and logs the rows read."""

    def __call__(
        self, access: AccessRecorder, query: Any, min_position: int | None = None
    ) -> tuple[list[Any], Counted, int]: ...


def in_scope(
    kind: str,
    view: tuple[str, str],
    select: Callable[[RowView, Any], tuple[Sequence[Any], Counted]],
    logged: tuple[str, ...],
    *,
    scope: str | None = None,
    row_id: str = "id",
) -> InScope:
    """How to list the rows naming records of `kind` the caller may read:
    `select` (the view, the query) on the read model `view` (its
    name, its table) narrowed to their scope (`scope`: the list's name in the
    access matrix, by default the kind's); the count matching (up to
    LOGIS_LIST_COUNT_LIMIT past the page), the view's position; the rows'
    reading logged (`logged`: the categories a row reveals, none for a kind
    naming no household: not logged; `row_id`: a row's field naming its
    record). A list route and its web page answer from the function
    it gives."""
    name, table = view

    def rows_in_scope(
        access: AccessRecorder, query: Any, min_position: int | None = None
    ) -> tuple[list[Any], Counted, int]:
        system = access.system
        rows_view = current_view(system, name, min_position)
        rows_view = scoped(rows_view, access.caller, scope or kind, table)
        query = replace(query, count_limit=system.settings.list_count_limit)
        rows, total = select(rows_view, query)
        position = rows_view.max_tracking_id(system.app.name) or 0
        if logged:
            access.record(kind, [getattr(row, row_id) for row in rows], logged)
        return list(rows), total, position

    return rows_in_scope


@dataclass(frozen=True)
class RecordGet:
    """A GET on one record, as a route built by `add_record_get` receives it."""

    system: System
    caller: Caller
    access: AccessRecorder
    kind: str
    id: UUID
    clocks: Clocks
    response: Response
    min_position: int | None = None


def add_record_get(
    router: APIRouter,
    kind: str,
    path: str,
    answer: Callable[[RecordGet], Any],
    *,
    name: str,
    doc: str,
    response_model: Any,
    waits: bool = False,
) -> None:
    """GET `path` (its record's id named `<kind>_id`, with the clocks `as_of`
    and `known_at`; with `waits`, `min_position` too): `answer` of the request;
    `name`, `doc` and `response_model` are the operation's. The read, history,
    audit and legality routes of every kind are built here."""

    def read(
        record_id: Annotated[UUID, Path(alias=f"{kind}_id")],
        system: SystemDep,
        caller: CallerDep,
        access: AccessLogDep,
        response: Response,
        clocks: ClocksDep,
        min_position: MinPosition = None,
    ) -> Any:
        request = RecordGet(
            system, caller, access, kind, record_id, clocks, response, min_position
        )
        return answer(request)

    if not waits:  # FastAPI reads the parameters off the signature
        signature = inspect.signature(read)
        parameters = list(signature.parameters.values())[:-1]
        read.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    read.__name__, read.__doc__ = name, doc
    router.add_api_route(path, read, methods=["GET"], response_model=response_model)


def add_read_route(
    router: APIRouter, kind: str, model: Any, *, name: str, doc: str
) -> None:
    """GET {router prefix}/{<kind>_id}: the record through its public `model`
    (a class with `of(aggregate)`), with its version as ETag when read as it
    stands; `name` and `doc` are the operation's."""

    def answer(request: RecordGet) -> Any:
        record, version = read_record(
            request.access, kind, model, request.id, request.clocks
        )
        if version is not None:
            request.response.headers["ETag"] = f'"{version}"'
        return record

    add_record_get(
        router,
        kind,
        f"/{{{kind}_id}}",
        answer,
        name=name,
        doc=doc,
        response_model=model,
    )


def add_history_route(router: APIRouter, kind: str, noun: str, name: str) -> None:
    """GET {router prefix}/{<kind>_id}/history: every event of the record in
    order, without the fields of a category the caller's role does not read;
    `noun` names the record in the description ("the measure"), `name` is the
    operation's."""
    add_record_get(
        router,
        kind,
        f"/{{{kind}_id}}/history",
        lambda request: read_record_history(
            request.access, kind, request.id, request.clocks
        ),
        name=name,
        doc=(
            f"Every event of {noun} in order: who, when recorded, when it happened;\n"
            "without the fields of a category the caller's role does not read. With\n"
            "`as_of` and `known_at`, the events that had happened by that day among\n"
            "those the store held at that moment."
        ),
        response_model=HistoryPublic,
    )


def as_it_stands(noun: str) -> str:
    """The description of GET of a record named `noun` ("The measure")."""
    return f"""{noun} as it stands, with its version as ETag; as it stood by the
    clocks `as_of` (a day: the steps that had happened by then) and `known_at`
    (a moment: what the store held)."""


def record_router(
    kind: str,
    tag: str,
    errors: tuple[str, str],
    *,
    create: dict[str, Any],
    read: tuple[Any, str, str],
    step_prefix: str | None = None,
    history: tuple[str, str] | None = None,
) -> APIRouter:
    """The router on /v1/<kind>s with the routes every kind of record has: its
    creation (`create`: add_creation_route's keywords), one route per step of
    the registry (`step_prefix`: add_step_routes' `operation_prefix`), GET of
    the record (`read`: its public model, the operation's name and
    description) and, with `history` (the noun naming the record in the
    description, the operation's name), GET of its events. `errors`: the
    404's and the 409's descriptions; `tag`: the routes' OpenAPI tag."""
    router = APIRouter(
        prefix=f"/v1/{kind}s", tags=[tag], responses=documented_errors(*errors)
    )
    add_creation_route(router, kind, **create)
    add_step_routes(router, kind, operation_prefix=step_prefix)
    model, name, doc = read
    add_read_route(router, kind, model, name=name, doc=doc)
    if history is not None:
        add_history_route(router, kind, *history)
    return router
