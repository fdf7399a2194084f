"""Reading back what the relay published, and what the store holds, for the
relay's tests and benchmark."""

from __future__ import annotations

import secrets
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kafka import KafkaConsumer, TopicPartition

from infra.integration_events import decode, event_id, topics

if TYPE_CHECKING:
    from eventsourcing.application import Application

    from infra.bootstrap import System
    from infra.relay import Relay
    from infra.settings import Settings


def topic_prefix() -> str:
    """Topics of one test's own on a shared broker."""
    return f"t{secrets.token_hex(4)}"


@dataclass(frozen=True)
class Published:
    topic: str
    partition: int
    offset: int
    key: bytes
    raw: bytes
    body: dict[str, Any]


def consume_all(
    bootstrap: str,
    prefix: str,
    expect: int | None = None,
    idle: float = 1.0,
    timeout: float = 30.0,
) -> list[Published]:
    """Every message of the prefix's topics from the beginning, by partition
    assignment (no consumer group), in offset order within each partition:
    read until `expect` distinct event ids have come (if given) and nothing
    more came for `idle` seconds. (Tansu's end offsets are not reliable
    enough to stop on.)"""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        request_timeout_ms=10_000,
    )
    try:
        existing = consumer.topics()
        assigned = [
            TopicPartition(topic, p)
            for topic in topics(prefix)
            if topic in existing
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        if not assigned:
            return []
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        got: list[Published] = []
        ids: set[str] = set()
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        while time.monotonic() < deadline:
            batches = consumer.poll(timeout_ms=200)
            for tp, records in batches.items():
                for r in records:
                    body = decode(r.value)
                    ids.add(body["event_id"])
                    got.append(
                        Published(
                            tp.topic, tp.partition, r.offset, r.key, r.value, body
                        )
                    )
            if batches:
                last = time.monotonic()
            elif time.monotonic() - last >= idle and (
                expect is None or len(ids) >= expect
            ):
                break
        return got
    finally:
        consumer.close()


def store_event_ids(app: Application) -> dict[str, tuple[str, int, int]]:
    """event_id → (aggregate id, version, position), for every stored event."""
    found = {}
    start = 0
    while batch := app.recorder.select_notifications(
        start=start, limit=5000, inclusive_of_start=False
    ):
        for n in batch:
            aggregate = str(n.originator_id)
            version = n.originator_version
            found[event_id(aggregate, version)] = (aggregate, version, n.id)
        start = batch[-1].id
    return found


@dataclass
class Check:
    published: int
    distinct: int
    duplicates: int


def check_stream(
    messages: list[Published], expected: dict[str, tuple[str, int, int]]
) -> Check:
    """Exactly the stored events (each at least once), keyed by aggregate id,
    each aggregate's versions in order 1..n once duplicates are dropped, as a
    consumer deduplicating by event_id sees them."""
    ids = [m.body["event_id"] for m in messages]
    assert set(ids) == set(expected), (
        f"missing {len(set(expected) - set(ids))}, "
        f"unexpected {len(set(ids) - set(expected))}"
    )
    versions: dict[str, list[int]] = defaultdict(list)
    seen: set[str] = set()
    for m in messages:
        body = m.body
        assert m.key == body["aggregate_id"].encode()
        aggregate, version, position = expected[body["event_id"]]
        assert (body["aggregate_id"], body["aggregate_version"]) == (aggregate, version)
        assert body["position"] == position
        if body["event_id"] in seen:
            continue
        seen.add(body["event_id"])
        versions[aggregate].append(version)
    for aggregate, got in versions.items():
        assert got == list(range(1, len(got) + 1)), f"{aggregate}: {got}"
    return Check(len(ids), len(seen), len(ids) - len(seen))


def relay_until_caught_up(relay: Relay, timeout: float = 60.0) -> int:
    """Run the relay's batches in this thread until the store's head is published."""
    deadline = time.monotonic() + timeout
    published = 0
    while relay.status().lag:
        assert time.monotonic() < deadline, f"relay stuck at {relay.status()}"
        published += relay.run_once()
    return published


def wait_until(condition: Any, timeout: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            msg = f"timed out waiting for {what}"
            raise AssertionError(msg)
        time.sleep(every)


def relay_for(system: System, bootstrap: str, prefix: str, **options: Any) -> Relay:
    settings = system.settings.model_copy(
        update={
            "kafka_bootstrap": bootstrap,
            "kafka_topic_prefix": prefix,
            **{f"relay_{k}": v for k, v in options.items()},
        }
    )
    return build_relay_from(settings, system)


def build_relay_from(settings: Settings, system: System) -> Relay:
    from infra.bootstrap import build_relay

    return build_relay(settings, system.app)
