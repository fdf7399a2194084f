"""What a snapshot holds (infra/snapshots.py): the state encoded as the events
are, its tuples and sets marked so that they read back as they were; the
moments and days a snapshot is chosen by, as integers; a digest of the domain
code; whose personal data a kind of record holds."""

from __future__ import annotations

import functools
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import JSONTranscoder, Transcoding

import domain
from domain.personal import personal_fields

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@functools.cache
def fingerprint() -> str:
    """A digest of the domain code: a snapshot of a state that other code
    built (an event's mutator changed since) is not this code's to read."""
    # v2: a record without personal data sealed under LOGIS_CIPHER_KEY
    digest = hashlib.sha256(b"logis.snapshot.v2")
    root = Path(domain.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


@functools.cache
def households_held(aggregate_class: type) -> str:
    """Whose personal data a record of that class holds: "none", its "own"
    household's, or "several" households' (items naming other dossiers)."""
    paths = [
        path
        for name in dir(aggregate_class)
        if isinstance(event := getattr(aggregate_class, name), type)
        and issubclass(event, DomainEvent)
        for path in personal_fields(event)
    ]
    if not paths:
        return "none"
    return "several" if any("[]" in path for path in paths) else "own"


class _Container(Transcoding):
    """A tuple, set or frozenset of a state, marked by `_marked` (the JSON
    encoder writes a tuple as a list without asking the transcoder)."""

    def __init__(self, kind: type) -> None:
        self.type, self.name = kind, f"snapshot_{kind.__name__}"

    def encode(self, obj: Any) -> Any:
        return [marked(item) for item in obj]

    def decode(self, data: Any) -> Any:
        return self.type(data)


CONTAINERS = {kind: _Container(kind) for kind in (tuple, set, frozenset)}


def marked(value: Any) -> Any:
    """`value` with its tuples and sets (at any depth) as transcoded objects."""
    kind = type(value)
    if kind is list:
        return [marked(item) for item in value]
    if kind is dict:
        return {key: marked(item) for key, item in value.items()}
    container = CONTAINERS.get(kind)
    if container is not None:
        return {"_type_": container.name, "_data_": container.encode(value)}
    return value


def snapshot_transcoder(events: Any) -> JSONTranscoder:
    """The events' transcoder's transcodings, and the containers'."""
    transcoder = JSONTranscoder()
    for transcoding in [*events.types.values(), *CONTAINERS.values()]:
        transcoder.register(transcoding)
    return transcoder


def micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // MICROSECOND


def moment(micros: int) -> datetime:
    return EPOCH + micros * MICROSECOND
