"""Integration events: what the relay (infra/relay.py) publishes of each stored
event, for other systems. A stable, documented contract (README, "Événements
d'intégration"), not the store's own serialisation.

- One topic per aggregate type, `<prefix>.<type>s` (`logis.dossiers`…); the key
  is the aggregate id, so each aggregate's events stay in order (one partition).
- The value is JSON (UTF-8, sorted keys) with a schema version, `event_id` (a
  UUID5 of aggregate id and version: the same on every re-send, the consumers'
  dedupe key), the aggregate's id, type and version, the event's type, stored
  topic and position in the store's global order, when it happened and when it
  was recorded, the actor's organisation and role (never the person), and `data`.
- `data` keeps what identifies and qualifies without exposing a household: ids,
  dates, numbers, booleans, and the strings of coded fields (CODED_FIELDS). Never
  a field the event class declares personal (its `PERSONAL`, or domain/access.py's
  resource figures), never free text, nor nested documents.
"""

from __future__ import annotations

import functools
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from domain import categories, personal

# The aggregate types published are the registry's: a kind of record's name,
# or a bookkeeping aggregate's; one topic each (`topic_for`).
from domain.records import AGGREGATE_TYPES as AGGREGATE_TYPES

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

SCHEMA = "logis.event/1"
DEFAULT_PREFIX = "logis"


# String fields holding a code from a closed list (or an organisation's code),
# never free text: published as they are, alone or as a list of codes.
CODED_FIELDS = frozenset(
    {
        "answer",
        "association",
        "avis",
        "categories",
        "channel",
        "code",
        "commune",
        "decision",
        "department",
        "kind",
        "operator_role",
        "opinion",
        "orientation",
        "outcome",
        "role",
        "signed_by",
        "source",
        "stage",
        "through_role",
        "towards",
        "typology",
    }
)
# Household figures not declared elsewhere: never published.
WITHHELD_FIELDS = frozenset({"arrears"})
# The envelope already carries these (or they are internal: command and
# correlation ids, the library's bookkeeping).
ENVELOPE_FIELDS = frozenset(
    {
        "actor",
        "occurred_on",
        "command_id",
        "correlation_id",
        "originator_id",
        "originator_version",
        "originator_topic",
        "timestamp",
    }
)
_SCALAR_ANNOTATIONS = ("UUID", "date", "datetime", "int", "float", "bool", "Decimal")


class Message(NamedTuple):
    topic: str
    key: bytes
    value: bytes


def topic_for(aggregate_type: str, prefix: str = DEFAULT_PREFIX) -> str:
    return f"{prefix}.{aggregate_type}s"


def topics(prefix: str = DEFAULT_PREFIX) -> list[str]:
    """Every topic the relay publishes to, in a stable order."""
    # A commune's two registers (listes, dwellings) share its topic.
    return [topic_for(name, prefix) for name in dict.fromkeys(AGGREGATE_TYPES.values())]


def event_id(aggregate_id: uuid.UUID | str, version: int) -> str:
    """The dedupe key: the same for every re-send of one stored event."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"logis:{aggregate_id}:{version}"))


def aggregate_type_of(event: object) -> str:
    return _aggregate_type(type(event))


@functools.cache
def _aggregate_type(event_class: type) -> str:
    for aggregate, name in AGGREGATE_TYPES.items():
        if issubclass(event_class, aggregate.Event):  # type: ignore[attr-defined]
            return name
    msg = f"no aggregate type for {event_class.__qualname__}"
    raise LookupError(msg)


def to_integration_event(
    event: Any,
    position: int,
    *,
    stored_topic: str | None = None,
    prefix: str = DEFAULT_PREFIX,
) -> Message:
    """The message for a domain event read at `position` of the global order."""
    aggregate_type = aggregate_type_of(event)
    aggregate_id = str(event.originator_id)
    body = {
        "schema": SCHEMA,
        "event_id": event_id(aggregate_id, event.originator_version),
        "aggregate_type": aggregate_type,
        "aggregate_id": aggregate_id,
        "aggregate_version": event.originator_version,
        "type": type(event).__name__,
        "topic": stored_topic or type(event).TOPIC,
        "position": position,
        "occurred_on": event.occurred_on.isoformat(),
        "recorded_at": _utc(event.timestamp),
        "actor": {
            "organisation": event.actor.organisation,
            "role": event.actor.role,
        },
        "data": public_data(type(event), vars(event)),
    }
    value = json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
    return Message(topic_for(aggregate_type, prefix), aggregate_id.encode(), value)


def public_data(event_class: type, state: Mapping[str, Any]) -> dict[str, Any]:
    """The event's fields that may leave Logis, as JSON values."""
    left_out, scalars = _fields_of(event_class)
    data = {}
    for name, value in state.items():
        if name in left_out or name.startswith("_"):
            continue
        kept = _public_value(name, value, scalars.get(name, False))
        if kept is not _DROP:
            data[name] = kept
    return data


@functools.cache
def _fields_of(event_class: type) -> tuple[frozenset[str], dict[str, bool]]:
    """The class's fields never published (the envelope's, those withheld),
    and whether each field's annotation is a type published whole: read once
    a class, not for every event."""
    annotations = _annotations(event_class)
    return (
        frozenset(ENVELOPE_FIELDS | withheld_fields(event_class)),
        {name: _scalar_annotation(hint) for name, hint in annotations.items()},
    )


def withheld_fields(event_class: type) -> set[str]:
    """Top-level names of every field holding personal data, however declared."""
    declared: Iterable[str] = (
        *personal.personal_fields(event_class),
        *categories.personal_fields(event_class),
    )
    return {path.partition(".")[0] for path in declared} | WITHHELD_FIELDS


_DROP = object()


def _public_value(name: str, value: Any, scalar: bool) -> Any:
    if value is None:  # absent: published for codes and scalars, not for texts
        return None if name in CODED_FIELDS or scalar else _DROP
    if isinstance(value, str):
        return value if name in CODED_FIELDS else _DROP
    if isinstance(value, list | tuple):
        if all(isinstance(v, uuid.UUID) for v in value):
            return [str(v) for v in value]
        if name in CODED_FIELDS and all(isinstance(v, str) for v in value):
            return list(value)
        return _DROP
    return _scalar(value)


def _scalar_annotation(annotation: str) -> bool:
    """`UUID | None`, `datetime.date | None`…: a type published whole."""
    types = [t.strip() for t in annotation.split("|") if t.strip() != "None"]
    return bool(types) and all(
        t.rsplit(".", 1)[-1] in _SCALAR_ANNOTATIONS for t in types
    )


def _scalar(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)  # exact, as the store keeps it
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return _DROP  # dicts, objects: nested documents are not published


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:  # the library records UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _annotations(event_class: type) -> dict[str, str]:
    found: dict[str, str] = {}
    for cls in reversed(event_class.__mro__):
        for name, hint in vars(cls).get("__annotations__", {}).items():
            found[name] = hint if isinstance(hint, str) else repr(hint)
    return found


def decode(value: bytes) -> dict[str, Any]:
    """A message's value as a dict (for consumers and tests)."""
    body: dict[str, Any] = json.loads(value)
    return body
