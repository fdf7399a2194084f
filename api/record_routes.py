"""GET of one record and of its history, for any kind of record (domain/records.py):
the caller's need-to-know first (403/404), the record as it stands with its
version as ETag, or as it stood by the clocks `as_of` and `known_at`; the fields
the caller's role does not read withheld; one access-log row when the kind
reveals personal data."""

# No `from __future__ import annotations` here: the endpoints are built by a
# function, and FastAPI must see each response class itself, not its name.

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Response

from api.access import authorize, history, public
from api.access_log import AccessLogDep
from api.deps import CallerDep, ClocksDep, SystemDep
from api.schemas.history import HistoryPublic
from domain import records


def add_read_route(
    router: APIRouter, kind: str, model: Any, *, name: str, doc: str
) -> None:
    """GET {router prefix}/{<kind>_id}: the record through its public `model`
    (a class with `of(aggregate)`); `name` and `doc` are the operation's."""
    id_name = f"{kind}_id"
    reveals = records.kind(kind).reveals

    def read(
        record_id: Annotated[UUID, Path(alias=id_name)],
        system: SystemDep,
        caller: CallerDep,
        access: AccessLogDep,
        response: Response,
        clocks: ClocksDep,
    ) -> Any:
        record = authorize(system, caller, kind, record_id)
        if clocks.now:
            response.headers["ETag"] = f'"{record.version}"'
        else:
            record = system.app.read_at(kind, record_id, clocks)
        answer = public(caller, kind, model.of(record))
        if reveals:
            access.record(kind, [record_id], reveals)
        return answer

    read.__name__, read.__doc__ = name, doc
    router.add_api_route(f"/{{{id_name}}}", read, methods=["GET"], response_model=model)


def add_history_route(router: APIRouter, kind: str, *, name: str, doc: str) -> None:
    """GET {router prefix}/{<kind>_id}/history: every event of the record in
    order, without the fields of a category the caller's role does not read."""
    id_name = f"{kind}_id"
    reveals = records.kind(kind).reveals

    def read_history(
        record_id: Annotated[UUID, Path(alias=id_name)],
        system: SystemDep,
        caller: CallerDep,
        access: AccessLogDep,
        clocks: ClocksDep,
    ) -> HistoryPublic:
        authorize(system, caller, kind, record_id, surface="history")
        system.app.history(kind, record_id)  # 404 for another kind of record
        _, events = system.app.record_history_at(record_id, clocks)
        answer = HistoryPublic(id=record_id, events=history(caller, kind, events))
        access.record(kind, [record_id], reveals)
        return answer

    read_history.__name__, read_history.__doc__ = name, doc
    router.add_api_route(
        f"/{{{id_name}}}/history",
        read_history,
        methods=["GET"],
        response_model=HistoryPublic,
    )
