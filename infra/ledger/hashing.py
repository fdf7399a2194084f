"""The hashes that seal events, defined here once and for all:

    event_hash = SHA-256(F("logis.event.v1") F(originator_id) F(version)
                         F(topic) F(state) F(previous event_hash))
    chain_hash = SHA-256(F("logis.chain.v1") F(previous chain_hash)
                         F(notification_id) F(event_hash))

F(x) is x preceded by its length (8 bytes, big-endian): no two field lists encode
alike. originator_id is its 32 lowercase hex digits, version and notification_id
8-byte big-endian signed integers, state the bytes exactly as stored (ciphered or
compressed ones too). The previous hash of a version 1, and the chain's before the
first seal, are 32 zero bytes. Hashes are stored as lowercase hex.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from eventsourcing.persistence import StoredEvent

GENESIS = bytes(32)
EVENT_TAG = b"logis.event.v1"
CHAIN_TAG = b"logis.chain.v1"


def _field(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


def _int(value: int) -> bytes:
    return value.to_bytes(8, "big", signed=True)


def id_text(originator_id: UUID | str) -> str:
    """The originator id as hashed and reported: 32 hex digits for a UUID."""
    if isinstance(originator_id, UUID):
        return originator_id.hex
    try:
        return UUID(originator_id).hex
    except ValueError:
        return originator_id


def fields_hash(tag: bytes, parts: Sequence[bytes]) -> bytes:
    """SHA-256 of F(tag) F(part)…: the one encoding every hash here uses."""
    digest = hashlib.sha256(_field(tag))
    for part in parts:
        digest.update(_field(part))
    return digest.digest()


def event_hash(
    originator_id: UUID | str, version: int, topic: str, state: bytes, previous: bytes
) -> bytes:
    return fields_hash(
        EVENT_TAG,
        (
            id_text(originator_id).encode(),
            _int(version),
            topic.encode(),
            bytes(state),
            previous,
        ),
    )


def chain_hash(previous: bytes, position: int, event: bytes) -> bytes:
    return fields_hash(CHAIN_TAG, (previous, _int(position), event))


@dataclass(frozen=True)
class Seal:
    position: int
    originator_id: str
    version: int
    event_hash: bytes
    chain_hash: bytes


def seal_batch(
    events: Sequence[StoredEvent],
    positions: Sequence[int],
    previous: Mapping[tuple[str, int], bytes],
    head: bytes,
) -> list[Seal]:
    """The seals of one append: `previous` holds the stored hash of the version
    before each aggregate's first event in the batch, `head` the chain's last link."""
    seals: list[Seal] = []
    last: dict[str, bytes] = {}
    for event, position in zip(events, positions, strict=True):
        key = id_text(event.originator_id)
        version = event.originator_version
        before = last.get(key)
        if before is None:
            before = GENESIS if version == 1 else previous.get((key, version - 1))
        own = event_hash(key, version, event.topic, event.state, before or GENESIS)
        head = chain_hash(head, position, own)
        last[key] = own
        seals.append(Seal(position, key, version, own, head))
    return seals
