"""The need-to-know matrix (domain/access.py) applied to requests: a record
loaded, then checked against the caller's scope before anything is answered;
lists narrowed in their SQL query to the caller's scope; fields of a category
the caller's role does not read withheld."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from pydantic import BaseModel

from api.schemas.history import HistoryEntry
from commands.errors import InvalidCommandError
from domain import access, categories, records
from domain.access import Caller
from domain.facts import Facts
from domain.records import kind_of
from infra.household_keys import keys_of
from projections.rows import ScopedView

M = TypeVar("M", bound=BaseModel)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from domain.shared import RecordedEvent
    from infra.bootstrap import System
    from projections.rows import RowView

# Per view table: the columns a scope's filter becomes. `party` maps the
# (role, organisation) the organisation scope asks for onto the table's
# columns, per role; a role whose party the table cannot tell is refused.
ORGANISATION = object()  # stands for the caller's organisation
PARTY_COLUMNS: dict[str, dict[str, dict[str, Any]]] = {
    "dossiers": {
        "bailleur": {"landlord": ORGANISATION, "ranked": True},
        "caf": {"origin_role": "caf", "origin_organisation": ORGANISATION},
    },
    "mesures": {
        "association": {"association_name": ORGANISATION},
        "prescripteur": {
            "prescriber_role": "prescripteur",
            "prescriber_organisation": ORGANISATION,
        },
    },
    "saisines": {
        "association": {
            "enquiry_operator_role": "association",
            "enquiry_operator": ORGANISATION,
        },
    },
    "commissions": {"bailleur": {"landlord": ORGANISATION}},
    "programmes": {"bailleur": {"landlord": ORGANISATION}},
}


def record_facts(system: System, kind: str, record: Any, caller: Caller) -> Facts:
    """Where the record sits and who its parties are (the application's, which
    checks writes with the same facts)."""
    return system.app.record_facts(kind, record, caller)


def authorize(
    system: System,
    caller: Caller,
    kind: str,
    record_id: UUID,
    *,
    surface: str | None = None,
) -> Any:
    """The record as it stands (404 when there is none), once the caller may
    read it, or through `surface` (history, audit, legality, verify); 403
    `forbidden` otherwise. Out of scope is 403, not 404: see README.

    Through a surface, a caller whose scopes are `all` (the auditor) needs no
    facts: nothing is loaded (None), the surface answers its own 404 (and
    `verify` reads a tampered history it could not replay)."""
    if surface is not None and access.ALL == access.scope_of(
        caller.role, surface
    ) == access.scope_of(caller.role, kind):
        return None
    record = system.app.get(kind, record_id)
    facts = record_facts(system, kind, record, caller)
    if surface is None:
        access.check_read(caller, kind, facts)
    else:
        access.check_read(caller, surface, facts, kind=kind)
    return record


def check_household_link(
    system: System, caller: Caller, household_id: UUID | None
) -> None:
    """A new record names a household Logis already knows, and only for a
    caller who may read one of its records: else anyone with a write role could
    attach a record to another household (and hold back its erasure). None:
    Logis assigns a new household. Unknown: 422 `unknown_household`; none of
    its records readable: 403 `forbidden`."""
    if household_id is None:
        return
    record_ids = keys_of(system.app).records_of(household_id)
    known = False
    for record_id in record_ids:
        first = next(iter(system.app.events.get(record_id, lte=1)), None)
        found = kind_of(first) if first is not None else None
        if found is None:
            continue  # a mapping written for events that never got stored
        known = True
        record = system.app.get(found.name, record_id)
        facts = record_facts(system, found.name, record, caller)
        if access.may_read(caller, found.name, facts) is True:
            return
    if not known:
        msg = (
            f"Ménage inconnu : {household_id}. Omettez household_id, Logis "
            "attribue l'identifiant d'un nouveau ménage."
        )
        raise InvalidCommandError(msg, "unknown_household")
    msg = (
        "Ce ménage n'a aucun dossier, mesure ni saisine que vous pouvez "
        "consulter : impossible d'y rattacher un nouvel enregistrement."
    )
    raise access.ForbiddenError(msg)


def check_place(
    caller: Caller,
    action: str,
    department: str | None = None,
    commune: str | None = None,
) -> None:
    """A surface about a place (a department's figures, a commune's lists)."""
    access.check_read(caller, action, access.place_facts(department, commune))


def scoped(view: RowView, caller: Caller, action: str, *tables: str) -> RowView:
    """`view` narrowed to what `action`'s scope lets the caller list in `tables`;
    403 for a role that lists none of it."""
    scope = access.scope_filter(caller, action)
    if not scope:
        return view
    where: dict[str, dict[str, Any]] = {}
    for table in tables:
        if "party" in scope:
            role, organisation = scope["party"]
            columns = PARTY_COLUMNS.get(table, {}).get(role)
            if columns is None:
                raise access.ForbiddenError(access.denied(caller, action))
            where[table] = {
                c: organisation if v is ORGANISATION else v for c, v in columns.items()
            }
        else:
            where[table] = scope
    return ScopedView(view, where)  # type: ignore[return-value]


# ---- what is withheld ----------------------------------------------------------------


def history(
    caller: Caller, kind: str, events: Iterable[RecordedEvent]
) -> list[HistoryEntry]:
    """The record's events for people, each without the fields of a category
    the caller's role does not read (`redacted` names them)."""
    labels = records.kind(kind).labels
    entries = []
    for event in events:
        entry = HistoryEntry.of(event, labels)
        data, withheld = categories.redact_event(caller, type(event), entry.data)
        entries.append(entry.model_copy(update={"data": data, "redacted": withheld}))
    return entries


def public(caller: Caller, kind: str, model: M) -> M:
    """A record's public model without the fields the caller's role does not
    read (set to null)."""
    fields = categories.RECORD_FIELDS.get(kind, {})
    data, withheld = categories.redact(caller, dict(model), fields)
    return model.model_copy(
        update={
            path.partition(".")[0]: data[path.partition(".")[0]] for path in withheld
        }
    )
