"""Relay messages (`logis.event/1`) built by hand, and the Kafka plumbing to publish
them: for the consumer's tests, which must not depend on the relay's timing.

A stream is a list of message bodies (dicts); `expected_counts` says, from the
stream alone, what the per-commune read model must hold once every distinct
event is applied exactly once.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

from infra.integration_events import SCHEMA, event_id

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

COMMUNES = ("97209", "97213", "97229", "97222")
# What a dossier's later events look like (no commune in their data).
STEPS = (
    ("SocialEnquiryRendered", {"avis": "favorable"}),
    ("MairieAvisRendered", {"avis": "favorable"}),
    ("Completed", {"documents": 2}),
    ("ResourcesChecked", {"household_category": 2, "within_ceiling": True}),
    ("AnalysisStarted", {}),
)


def message(
    aggregate_id: str,
    version: int,
    type_: str,
    data: dict[str, Any],
    *,
    aggregate_type: str = "dossier",
    position: int = 0,
) -> dict[str, Any]:
    """One message body, to the relay's format."""
    return {
        "schema": SCHEMA,
        "event_id": event_id(aggregate_id, version),
        "aggregate_type": aggregate_type,
        "aggregate_id": aggregate_id,
        "aggregate_version": version,
        "type": type_,
        "topic": f"logis.{aggregate_type}.{type_}",
        "position": position,
        "occurred_on": date(2026, 3, 2).isoformat(),
        "recorded_at": datetime(2026, 3, 2, 14, tzinfo=UTC).isoformat(),
        "actor": {"organisation": "Mairie du Lamentin", "role": "mairie"},
        "data": data,
    }


def dossier_stream(dossiers: int, *, first: int = 0) -> list[dict[str, Any]]:
    """Dossier `n` is identified in COMMUNES[n % 4], then takes n % 6 steps;
    each dossier's events in order, dossiers interleaved."""
    lanes = []
    for n in range(first, first + dossiers):
        dossier_id = str(uuid.UUID(int=n + 1))
        commune = COMMUNES[n % len(COMMUNES)]
        lane = [
            message(
                dossier_id,
                1,
                "Identified",
                {"department": "972", "commune": commune, "dalo": False},
            )
        ]
        for version, (type_, data) in enumerate(STEPS[: n % (len(STEPS) + 1)], start=2):
            lane.append(message(dossier_id, version, type_, data))
        lanes.append(lane)
    stream = []
    while any(lanes):
        for lane in lanes:
            if lane:
                stream.append(lane.pop(0))
    for position, body in enumerate(stream, start=first * 10 + 1):
        body["position"] = position
    return stream


def expected_counts(stream: Iterable[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """commune → (dossiers identified, events), each distinct event once."""
    distinct = {body["event_id"]: body for body in stream}.values()
    commune_of = {
        b["aggregate_id"]: b["data"]["commune"]
        for b in distinct
        if b["type"] == "Identified"
    }
    identified = Counter(
        commune_of[b["aggregate_id"]] for b in distinct if b["type"] == "Identified"
    )
    events = Counter(commune_of[b["aggregate_id"]] for b in distinct)
    return {c: (identified[c], events[c]) for c in events}


def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(topic, partitions, 1)])
    finally:
        admin.close()
    wait_for_partitions(bootstrap, topic, partitions)


def wait_for_partitions(bootstrap: str, topic: str, partitions: int) -> None:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        deadline = time.monotonic() + 20
        while len(consumer.partitions_for_topic(topic) or ()) < partitions:
            assert time.monotonic() < deadline, f"{topic}: partitions not created"
            time.sleep(0.1)
    finally:
        consumer.close()


def publish(bootstrap: str, topic: str, stream: Sequence[dict[str, Any]]) -> None:
    """Each body keyed by its aggregate id, as the relay sends it; acknowledged."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        for body in stream:
            producer.send(
                topic,
                key=body["aggregate_id"].encode(),
                value=json.dumps(body, sort_keys=True).encode(),
            )
        producer.flush(timeout=30)
    finally:
        producer.close()


def committed_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int | None]:
    """What the group has committed to Kafka, partition by partition."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        return {
            p: consumer.committed(TopicPartition(topic, p)) for p in sorted(partitions)
        }
    finally:
        consumer.close(autocommit=False)
