"""The audit trail of a record, from the `audit_trail` read model: every event in
order with who, when recorded, when it happened, what, on which legal basis, in
which commission. One GET route per kind of record (domain/records.py's KINDS)."""

from uuid import UUID

from fastapi import APIRouter

from api.access import authorize
from api.access_log import trail_categories
from api.deps import current_view
from api.errors import documented_errors
from api.record_routes import RecordGet, add_record_get
from api.schemas.audit import AuditTrailPublic
from domain.clocks import Clocks
from domain.records import KINDS
from infra.bootstrap import System
from projections.audit_trail import AuditRecord, find_record, select_trail, trail_by

ERRORS = documented_errors("Enregistrement introuvable", only=(401, 403, 404, 422))

# What the API adds to each kind of record: its route's description.
DESCRIPTIONS: dict[str, str] = {
    "dossier": "The dossier's audit trail: every event, its actor, dates and "
    "legal basis.",
    "mesure": "The ASLL measure's audit trail.",
    "programme": "The programme's audit trail.",
    "commission": "The commission session's audit trail (its own events).",
    "saisine": "The CCAPEX referral's audit trail.",
}

router = APIRouter(tags=["piste d'audit"], responses=ERRORS)


def audit_trail(
    system: System,
    record_id: UUID,
    kind: str,
    min_position: int | None,
    clocks: Clocks | None = None,
) -> AuditTrailPublic:
    """The record's trail from the view; 404 (`<kind>_not_found`) when the store
    holds no record of that kind with this id. A record written after the view's
    position has no event yet: pass `min_position` to wait for it. With clocks
    (domain/clocks.py), the events that had happened by `as_of` among those
    recorded by `known_at`; 404 when it did not exist yet by either clock."""
    clocks = clocks or Clocks()
    view = current_view(system, "audit_trail", min_position)
    position = view.max_tracking_id(system.app.name) or 0
    record = find_record(view, record_id)
    if record is None or record.kind != kind:
        system.app.get(kind, record_id)  # raises <kind>_not_found for no such one
        record = AuditRecord(record_id, kind, None, None)
    if not clocks.now:
        system.app.record_history_at(record_id, clocks)  # 404 before it existed
    rows = trail_by(clocks, select_trail(view, record_id))
    return AuditTrailPublic.of(record, rows, position)


def _read_audit(request: RecordGet) -> AuditTrailPublic:
    """GET /v1/<kind>s/{id}/audit: the trail, once the caller may read it; the
    read logged for a kind whose trail reveals personal data."""
    kind, record_id = request.kind, request.id
    authorize(request.system, request.caller, kind, record_id, surface="audit")
    answer = audit_trail(
        request.system, record_id, kind, request.min_position, request.clocks
    )
    categories = trail_categories(kind)
    if categories:  # a dossier's, a measure's, a referral's
        request.access.record(kind, [record_id], categories)
    return answer


for _kind in KINDS:
    add_record_get(
        router,
        _kind.name,
        f"/v1/{_kind.name}s/{{{_kind.name}_id}}/audit",
        _read_audit,
        name=f"read_{_kind.name}_audit",
        doc=DESCRIPTIONS[_kind.name],
        response_model=AuditTrailPublic,
        waits=True,
    )
