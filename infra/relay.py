"""The Kafka relay: publishes every stored event, in the store's global order, as
an integration event (infra/integration_events.py). At least once, never a gap.

A batch at a time: read the events after the relay's stored position, send each
(acks=all), wait for every acknowledgement, and only then store the batch's last
position (table `relay_position`, in the events' database). The next batch is
read and sent before the acknowledgements are awaited (two batches in flight at
most), so that the broker never waits for the relay. A crash or a broker outage
between a send and that commit makes the next attempt send the batch (and the
one ahead of it) again: consumers dedupe by `event_id`. On any failure the producer is
dropped unsent (its queued batches aborted), and the relay backs off and starts
again from its stored position: it never passes an unacknowledged event.

Per-key order survives the producer's own retries because it keeps one request
in flight per connection (idempotence is off by default: the test broker,
Tansu, refuses idempotent producers; LOGIS_RELAY_IDEMPOTENCE=true on Kafka).

One relay writes at a time (infra/locks.py, the projector's locks): a second one
stands by and takes over when the first dies.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import structlog
from eventsourcing.postgres import PostgresDatastore
from kafka import KafkaProducer

from infra.integration_events import Message, to_integration_event

if TYPE_CHECKING:
    from collections.abc import Callable

    from eventsourcing.application import Application

    from infra.locks import Locks

log = structlog.get_logger("logis.relay")

TABLE = "relay_position"


class RelayPositions:
    """Where each relay stands: (name PK, position), in the events' database
    (its table: infra/migrations/)."""

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        self.postgres = isinstance(datastore, PostgresDatastore)
        self.m = "%s" if self.postgres else "?"

    def get(self, name: str) -> int:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT position FROM {TABLE} WHERE name = {self.m}", (name,))
            row = c.fetchone()
        if row is None:
            return 0
        return int(row["position"] if isinstance(row, dict) else row[0])

    def set(self, name: str, position: int) -> None:
        """Move forward only: a stale writer never takes a position back."""
        m = self.m
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"INSERT INTO {TABLE} (name, position, updated_at) "
                f"VALUES ({m}, {m}, {m}) ON CONFLICT (name) DO UPDATE SET "
                "position = excluded.position, updated_at = excluded.updated_at "
                f"WHERE {TABLE}.position < excluded.position",
                (name, position, _now()),
            )


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class RelayConfig:
    bootstrap: str
    prefix: str = "logis"
    batch_size: int = 2000
    poll_seconds: float = 0.5
    idempotence: bool = False
    send_timeout_seconds: float = 30.0
    max_backoff_seconds: float = 30.0
    # Tests only: a pause between the acknowledgements and the position's commit,
    # for killing the relay exactly there.
    pause_before_commit_seconds: float = 0.0

    @property
    def name(self) -> str:
        """The position's name: another prefix is another stream, from 0."""
        return f"kafka:{self.prefix}"


def kafka_producer(config: RelayConfig) -> KafkaProducer:
    timeout_ms = int(config.send_timeout_seconds * 1000)
    return KafkaProducer(
        bootstrap_servers=config.bootstrap.split(","),
        client_id="logis-relay",
        acks="all",
        enable_idempotence=config.idempotence,
        retries=2**31 - 1,  # within delivery_timeout_ms
        max_in_flight_requests_per_connection=1,  # per-key order across retries
        linger_ms=5,
        batch_size=256 * 1024,
        request_timeout_ms=max(500, min(timeout_ms // 2, 10_000)),
        delivery_timeout_ms=timeout_ms,
        max_block_ms=timeout_ms,
        retry_backoff_ms=200,
        reconnect_backoff_max_ms=2000,
    )


@dataclass(frozen=True)
class Batch:
    """The messages of the stored events after `start`, up to `last`."""

    start: int
    last: int
    messages: list[Message]


@dataclass(frozen=True)
class RelayStatus:
    position: int
    head: int

    @property
    def lag(self) -> int:
        """Positions not yet published (an upper bound: the store has gaps)."""
        return max(0, self.head - self.position)


class Relay:
    def __init__(
        self,
        app: Application,
        config: RelayConfig,
        locks: Locks,
        producer_factory: Callable[[RelayConfig], Any] = kafka_producer,
    ) -> None:
        self.app = app
        self.config = config
        self.locks = locks
        self.producer_factory = producer_factory
        self.positions = RelayPositions(app.recorder.datastore)  # type: ignore[attr-defined]
        self.producer: Any = None
        # The next batch, sent ahead of the current one's acknowledgements.
        self.in_flight: tuple[Batch, list[Any]] | None = None
        self.lock_key = f"logis:relay:{config.name}"
        self.standing_by = False
        self.failures = 0  # attempts failed since the start (sends, commits)

    def status(self) -> RelayStatus:
        head = self.app.recorder.max_notification_id() or 0
        return RelayStatus(self.positions.get(self.config.name), head)

    def run_once(self) -> int:
        """Publish the next batch; how many events the broker acknowledged
        (0: nothing new, or another relay holds the lock)."""
        if not self.locks.acquire(self.lock_key):
            if not self.standing_by:
                log.info("relay_standing_by", relay=self.config.name)
                self.standing_by = True
            return 0
        if self.standing_by:
            log.info("relay_leading", relay=self.config.name)
            self.standing_by = False
        start = self.positions.get(self.config.name)
        flight, self.in_flight = self.in_flight, None
        if flight is not None and flight[0].start == start:
            batch, futures = flight  # sent by the call before
        else:  # (a batch sent for another position: at worst sent twice)
            batch = self.read(start)
            if batch is None:
                return 0
            futures = self.send(batch)
        # The next batch read, built and sent before this one's acknowledgements
        # are awaited, so that the broker never waits for the relay; its
        # position is stored once it is acknowledged too, by the next call.
        ahead = self.read(batch.last)
        if ahead is not None:
            self.in_flight = (ahead, self.send(ahead))
        for future in futures:
            future.get(timeout=self.config.send_timeout_seconds)  # raises if unacked
        if self.config.pause_before_commit_seconds:
            log.info("relay_pausing_before_commit", position=batch.last)
            time.sleep(self.config.pause_before_commit_seconds)
        self.positions.set(self.config.name, batch.last)  # only now: acknowledged
        log.debug(
            "relay_batch_published",
            start=start,
            position=batch.last,
            events=len(batch.messages),
        )
        return len(batch.messages)

    def send(self, batch: Batch) -> list[Any]:
        """The batch handed to the producer: a future for each message."""
        send = self.connect().send
        return [send(m.topic, key=m.key, value=m.value) for m in batch.messages]

    def read(self, start: int) -> Batch | None:
        """The messages of the events after `start` (None: none yet)."""
        head = self.app.recorder.max_notification_id() or 0
        if start >= head:
            return None
        notifications = self.app.recorder.select_notifications(
            start=start,
            limit=self.config.batch_size,
            stop=head,
            inclusive_of_start=False,
        )
        if not notifications:
            return None
        # Personal values are never published (integration_events.public_data):
        # left sealed, they are not decrypted for nothing.
        mapper = self.app.mapper
        decode = getattr(mapper, "to_sealed_event", mapper.to_domain_event)
        prefix = self.config.prefix
        messages = [
            to_integration_event(decode(n), n.id, stored_topic=n.topic, prefix=prefix)
            for n in notifications
        ]
        return Batch(start, notifications[-1].id, messages)

    def connect(self) -> Any:
        """The producer, built on first use (after a failure, anew)."""
        if self.producer is None:
            self.producer = self.producer_factory(self.config)
        return self.producer

    def drop_producer(self) -> None:
        """After a failure: abort whatever it still holds (never sent later,
        behind the batch's resend), and build a new one next time."""
        producer, self.producer = self.producer, None
        self.in_flight = None
        if producer is not None:
            with contextlib.suppress(Exception):
                producer.close(timeout=0)

    def close(self) -> None:
        producer, self.producer = self.producer, None
        self.in_flight = None  # sent maybe, its position not stored: sent again
        if producer is not None:
            with contextlib.suppress(Exception):
                producer.close(timeout=self.config.send_timeout_seconds)
        with contextlib.suppress(Exception):
            self.locks.release(self.lock_key)


def follow(relay: Relay, stopping: threading.Event) -> None:
    """Publish new events as they come until `stopping` is set. On a failure:
    log, back off (exponential, capped), and resend from the stored position."""
    failures = 0
    config = relay.config
    log.info("relay_started", relay=config.name, bootstrap=config.bootstrap)
    while not stopping.is_set():
        try:
            published = relay.run_once()
        except Exception as error:
            failures += 1
            relay.failures += 1
            relay.drop_producer()
            delay = min(config.max_backoff_seconds, 0.25 * 2**failures)
            log.warning(
                "relay_failed",
                relay=config.name,
                failures=failures,
                retry_in=delay,
                error=f"{type(error).__name__}: {error}",
            )
            stopping.wait(delay)
            continue
        if failures:
            log.info("relay_recovered", relay=config.name, failures=failures)
            failures = 0
        if not published:
            stopping.wait(config.poll_seconds)
    log.info("relay_stopped", relay=config.name)


class RelayThread(threading.Thread):
    """Runs the relay in the background of the embedded `logis serve`."""

    def __init__(self, relay: Relay) -> None:
        super().__init__(name="logis-relay", daemon=True)
        self.relay = relay
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            follow(self.relay, self.stopping)
        finally:
            self.relay.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.relay.config.send_timeout_seconds + 5)
