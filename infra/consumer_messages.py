"""What `logis consume` reads of a relay message (infra/consumer.py): its
`logis.event/1` envelope, where it was polled, and what applying batches did."""

from __future__ import annotations

import json
from dataclasses import dataclass

SCHEMA = "logis.event/1"


@dataclass(frozen=True)
class Envelope:
    """What the model reads of a `logis.event/1` message."""

    event_id: str
    aggregate_type: str
    aggregate_id: str
    type: str
    commune: str | None


def parse(value: bytes | None) -> Envelope | None:
    """The envelope of a relay message; None when it is not one (another
    schema, not JSON): such a message is skipped, its offset still passed."""
    try:
        message = json.loads(value or b"")
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(message, dict) or message.get("schema") != SCHEMA:
        return None
    data = message.get("data")
    commune = data.get("commune") if isinstance(data, dict) else None
    try:
        return Envelope(
            event_id=str(message["event_id"]),
            aggregate_type=str(message["aggregate_type"]),
            aggregate_id=str(message["aggregate_id"]),
            type=str(message["type"]),
            commune=commune if isinstance(commune, str) and commune else None,
        )
    except KeyError:
        return None


@dataclass(frozen=True)
class Delivery:
    """One message as polled: where it was, and its envelope (None if foreign)."""

    topic: str
    partition: int
    offset: int
    envelope: Envelope | None


@dataclass
class Outcome:
    """What applying batches did."""

    applied: int = 0  # events counted in the model
    duplicates: int = 0  # event ids already applied: the relay sent them again
    behind: int = 0  # offsets below the stored one: applied before
    foreign: int = 0  # not logis.event/1 messages

    def add(self, other: Outcome) -> None:
        self.applied += other.applied
        self.duplicates += other.duplicates
        self.behind += other.behind
        self.foreign += other.foreign

    @property
    def messages(self) -> int:
        return self.applied + self.duplicates + self.behind + self.foreign
