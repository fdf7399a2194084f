"""The other side of the relay (issue 8): a consumer group reading the relay's
`logis.event/1` messages into a small read model, the dossiers and events of
each commune, with an exactly-once effect.

Kafka delivers at least once, and a consumer may die between writing its model
and committing its offsets to Kafka. So the database is the consumer's memory:
each polled batch is applied in ONE transaction of the events database that
writes the model, the next offset of each partition and the ids of the events
applied. On (re)assignment the consumer seeks each partition to the next offset
stored there, not to Kafka's; the commit to Kafka afterwards only reports
progress (lag). Messages below the stored offset are skipped, and an event id
already applied (the relay sending an event again) is ignored.

Tables (`consumer_offsets`, `consumed_events`, `commune_dossiers`,
`commune_aggregates` on SQLite; `<prefix>_…` on PostgreSQL), each keyed by the
consumer group: two groups keep two models.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from eventsourcing.postgres import PostgresDatastore
from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata
from psycopg.sql import SQL

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from eventsourcing.persistence import ApplicationRecorder

log = structlog.get_logger("logis.consumer")

SCHEMA = "logis.event/1"
DEFAULT_TOPIC = "logis.dossiers"
DEFAULT_GROUP = "logis-communes"
TOPIC_PATTERN = r"^[A-Za-z0-9._-]{1,249}$"  # Kafka's legal topic names
GROUP_PATTERN = r"^[A-Za-z0-9._-]{1,200}$"
UNKNOWN_COMMUNE = ""  # events of an aggregate whose commune was never read
IDENTIFIED = ("dossier", "Identified")  # (aggregate_type, type) counted as opened


# ---- messages ----------------------------------------------------------------


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


@dataclass(frozen=True)
class CommuneRow:
    commune: str  # "" when unknown
    dossiers_identified: int
    events: int


@dataclass(frozen=True)
class OffsetRow:
    topic: str
    partition: int
    next_offset: int


@dataclass
class _Counts:
    dossiers_identified: int = 0
    events: int = 0


# ---- the model, its offsets and its dedupe ids, in the events database --------


class ConsumerModel:
    """The consumer's tables; `apply` writes one batch in one transaction.

    SQL is written once with `?` parameters and `{table}` names; the PostgreSQL
    subclass quotes the names and turns `?` into `%s` (as infra/ledger does).
    """

    lock_row = ""  # PostgreSQL: FOR UPDATE, two members never apply one partition

    def __init__(self, datastore: Any, tables: dict[str, str]) -> None:
        self.datastore = datastore
        self.tables = tables

    def query(self, text: str) -> Any:
        return text.format(**self.tables)

    def stored_offsets(self, group: str, topic: str) -> dict[int, int]:
        """The next offset to read of each partition of `topic` this group
        has applied messages of."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                self.query(
                    "SELECT partition, next_offset FROM {offsets} "
                    "WHERE group_id = ? AND topic = ?"
                ),
                (group, topic),
            )
            return {int(r["partition"]): int(r["next_offset"]) for r in c.fetchall()}

    def apply(self, group: str, batch: Sequence[Delivery]) -> Outcome:
        """Apply a polled batch: the model, the offsets and the event ids in
        one transaction. Messages below a partition's stored offset, and events
        already applied, change nothing."""
        outcome = Outcome()
        if not batch:
            return outcome
        deltas: dict[str, _Counts] = defaultdict(_Counts)
        with self.datastore.transaction(commit=True) as c:
            for (topic, partition), deliveries in _by_partition(batch):
                fresh = self._claim(c, group, topic, partition, deliveries)
                outcome.behind += len(deliveries) - len(fresh)
                for delivery in fresh:
                    self._apply_one(c, group, delivery, deltas, outcome)
            for commune, counts in sorted(deltas.items()):
                c.execute(
                    self.query(
                        "INSERT INTO {communes} AS m (group_id, commune, "
                        "dossiers_identified, events) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (group_id, commune) DO UPDATE SET "
                        "dossiers_identified = m.dossiers_identified "
                        "+ excluded.dossiers_identified, "
                        "events = m.events + excluded.events"
                    ),
                    (group, commune, counts.dossiers_identified, counts.events),
                )
        return outcome

    def _claim(
        self,
        c: Any,
        group: str,
        topic: str,
        partition: int,
        deliveries: Sequence[Delivery],
    ) -> list[Delivery]:
        """Lock the partition's offset row (writing first, so SQLite takes its
        write lock before reading), move it past the batch, and return the
        deliveries at or above the offset it held."""
        first, last = deliveries[0].offset, deliveries[-1].offset
        c.execute(
            self.query(
                "INSERT INTO {offsets} (group_id, topic, partition, next_offset) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (group_id, topic, partition) "
                "DO NOTHING"
            ),
            (group, topic, partition, first),
        )
        c.execute(
            self.query(
                "SELECT next_offset FROM {offsets} "
                f"WHERE group_id = ? AND topic = ? AND partition = ?{self.lock_row}"
            ),
            (group, topic, partition),
        )
        stored = int(c.fetchone()["next_offset"])
        c.execute(
            self.query(
                "UPDATE {offsets} SET next_offset = ? "
                "WHERE group_id = ? AND topic = ? AND partition = ?"
            ),
            (max(stored, last + 1), group, topic, partition),
        )
        return [d for d in deliveries if d.offset >= stored]

    def _apply_one(
        self,
        c: Any,
        group: str,
        delivery: Delivery,
        deltas: dict[str, _Counts],
        outcome: Outcome,
    ) -> None:
        event = delivery.envelope
        if event is None:
            outcome.foreign += 1
            return
        c.execute(
            self.query(
                "INSERT INTO {consumed} (group_id, event_id) VALUES (?, ?) "
                "ON CONFLICT (group_id, event_id) DO NOTHING RETURNING event_id"
            ),
            (group, event.event_id),
        )
        if c.fetchone() is None:
            outcome.duplicates += 1
            return
        commune = self._commune_of(c, group, event)
        counts = deltas[commune]
        counts.events += 1
        if (event.aggregate_type, event.type) == IDENTIFIED:
            counts.dossiers_identified += 1
        outcome.applied += 1

    def _commune_of(self, c: Any, group: str, event: Envelope) -> str:
        """The event's commune: its own, remembered for its aggregate's later
        events (in order: one aggregate, one partition), or the one remembered."""
        if event.commune is not None:
            c.execute(
                self.query(
                    "INSERT INTO {aggregates} (group_id, aggregate_id, commune) "
                    "VALUES (?, ?, ?) ON CONFLICT (group_id, aggregate_id) "
                    "DO UPDATE SET commune = excluded.commune"
                ),
                (group, event.aggregate_id, event.commune),
            )
            return event.commune
        c.execute(
            self.query(
                "SELECT commune FROM {aggregates} "
                "WHERE group_id = ? AND aggregate_id = ?"
            ),
            (group, event.aggregate_id),
        )
        row = c.fetchone()
        return str(row["commune"]) if row else UNKNOWN_COMMUNE

    def communes(self, group: str) -> list[CommuneRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                self.query(
                    "SELECT commune, dossiers_identified, events FROM {communes} "
                    "WHERE group_id = ? ORDER BY commune"
                ),
                (group,),
            )
            rows = c.fetchall()
        return [
            CommuneRow(
                str(r["commune"]), int(r["dossiers_identified"]), int(r["events"])
            )
            for r in rows
        ]

    def offsets(self, group: str) -> list[OffsetRow]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                self.query(
                    "SELECT topic, partition, next_offset FROM {offsets} "
                    "WHERE group_id = ? ORDER BY topic, partition"
                ),
                (group,),
            )
            rows = c.fetchall()
        return [
            OffsetRow(str(r["topic"]), int(r["partition"]), int(r["next_offset"]))
            for r in rows
        ]

    def consumed(self, group: str) -> int:
        """How many distinct events this group has applied."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                self.query("SELECT COUNT(*) AS n FROM {consumed} WHERE group_id = ?"),
                (group,),
            )
            return int(c.fetchone()["n"])


def _by_partition(
    batch: Iterable[Delivery],
) -> Iterator[tuple[tuple[str, int], list[Delivery]]]:
    """Each partition's deliveries in offset order, partitions in a fixed order
    (two members locking several partitions never wait for each other in a
    circle)."""
    grouped: dict[tuple[str, int], list[Delivery]] = defaultdict(list)
    for delivery in batch:
        grouped[delivery.topic, delivery.partition].append(delivery)
    for key in sorted(grouped):
        yield key, sorted(grouped[key], key=lambda d: d.offset)


NAMES = {
    "offsets": "consumer_offsets",
    "consumed": "consumed_events",
    "communes": "commune_dossiers",
    "aggregates": "commune_aggregates",
}


class SQLiteConsumerModel(ConsumerModel):
    def __init__(self, datastore: Any) -> None:
        super().__init__(datastore, dict(NAMES))


class PostgresConsumerModel(ConsumerModel):
    lock_row = " FOR UPDATE"

    def __init__(self, datastore: PostgresDatastore, events_table_name: str) -> None:
        prefix = events_table_name.removesuffix("_events")
        super().__init__(
            datastore,
            {
                key: _quoted(datastore.schema, f"{prefix}_{name}")
                for key, name in NAMES.items()
            },
        )

    def query(self, text: str) -> Any:
        return SQL(super().query(text).replace("?", "%s"))  # type: ignore[arg-type]


def _quoted(schema: str, table: str) -> str:
    return ".".join('"' + name.replace('"', '""') + '"' for name in (schema, table))


def consumer_model_for(recorder: ApplicationRecorder) -> ConsumerModel:
    """The consumer's tables in the events database the recorder writes (created
    by infra/migrations/)."""
    datastore = recorder.datastore  # type: ignore[attr-defined]
    model: ConsumerModel
    if isinstance(datastore, PostgresDatastore):
        model = PostgresConsumerModel(datastore, recorder.events_table_name)  # type: ignore[attr-defined]
    else:
        model = SQLiteConsumerModel(datastore)
    return model


# ---- the Kafka side ------------------------------------------------------------


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: CommuneConsumer) -> None:
        self.runner = runner

    def on_partitions_revoked(self, revoked: Any) -> None:
        log.info("partitions_revoked", partitions=sorted(p.partition for p in revoked))

    def on_partitions_assigned(self, assigned: Any) -> None:
        self.runner.seek_to_stored(assigned)


@dataclass
class CommuneConsumer:
    """One member of the group: poll a batch, apply it in one database
    transaction, then commit its offsets to Kafka (progress only)."""

    model: ConsumerModel
    bootstrap: str
    group: str = DEFAULT_GROUP
    topic: str = DEFAULT_TOPIC
    from_beginning: bool = False
    poll_ms: int = 500
    max_records: int = 500
    client_id: str = "logis-consume"
    session_timeout_ms: int = 10_000
    outcome: Outcome = field(default_factory=Outcome)
    assigned: set[int] = field(default_factory=set)
    _consumer: KafkaConsumer | None = None

    def open(self) -> CommuneConsumer:
        self._consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=self.group,
            client_id=self.client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest" if self.from_beginning else "latest",
            max_poll_records=self.max_records,
            session_timeout_ms=self.session_timeout_ms,
            heartbeat_interval_ms=min(3000, self.session_timeout_ms // 3),
        )
        self._consumer.subscribe([self.topic], listener=_SeekToStored(self))
        return self

    @property
    def consumer(self) -> KafkaConsumer:
        if self._consumer is None:
            msg = "consumer not opened"
            raise RuntimeError(msg)
        return self._consumer

    def seek_to_stored(self, assigned: Iterable[TopicPartition]) -> None:
        """Each partition given to this member resumes at the offset stored
        with the model; one never read starts at the beginning with
        --from-beginning, else where Kafka's committed offset or the reset
        policy puts it."""
        partitions = list(assigned)
        stored = self.model.stored_offsets(self.group, self.topic)
        for tp in partitions:
            if tp.partition in stored:
                self.consumer.seek(tp, stored[tp.partition])
            elif self.from_beginning:
                self.consumer.seek_to_beginning(tp)
        self.assigned = {tp.partition for tp in partitions}
        log.info(
            "partitions_assigned",
            group=self.group,
            topic=self.topic,
            partitions=sorted(self.assigned),
            stored={p: stored[p] for p in sorted(self.assigned) if p in stored},
        )

    def poll(self) -> list[Delivery]:
        records = self.consumer.poll(
            timeout_ms=self.poll_ms, max_records=self.max_records
        )
        batch = [
            Delivery(r.topic, r.partition, r.offset, parse(r.value))
            for messages in records.values()
            for r in messages
        ]
        for d in batch:
            if d.envelope is None:
                log.warning(
                    "message_not_read",
                    reason=f"not {SCHEMA}",
                    topic=d.topic,
                    partition=d.partition,
                    offset=d.offset,
                )
        return batch

    def apply(self, batch: Sequence[Delivery]) -> Outcome:
        outcome = self.model.apply(self.group, batch)
        self.outcome.add(outcome)
        return outcome

    def commit(self, batch: Sequence[Delivery]) -> None:
        """Tell Kafka how far this member has read (lag, monitoring). The
        offsets that count are the ones stored with the model: a failed commit
        (a rebalance under way) is logged, never retried."""
        offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        for d in batch:
            offsets[TopicPartition(d.topic, d.partition)] = OffsetAndMetadata(
                d.offset + 1, "", -1
            )
        try:
            self.consumer.commit(offsets)
        except KafkaError as error:
            log.warning("kafka_commit_failed", group=self.group, error=str(error))

    def step(self) -> list[Delivery]:
        batch = self.poll()
        if batch:
            self.apply(batch)
            self.commit(batch)
        return batch

    def caught_up(self) -> bool:
        """Every partition assigned read to its end (as the broker reports it)."""
        partitions = [tp for tp in self.consumer.assignment() if tp.topic == self.topic]
        if not partitions:
            return False
        ends = self.consumer.end_offsets(partitions)
        return all(self.consumer.position(tp) >= ends[tp] for tp in partitions)

    def run(
        self,
        stopping: threading.Event,
        *,
        once: bool = False,
        join_timeout: float = 60.0,
    ) -> bool:
        """Consume until `stopping` is set or, with `once`, until the partitions
        assigned are read to their end. False if `once` never got a partition
        within `join_timeout` seconds."""
        started = time.monotonic()
        while not stopping.is_set():
            batch = self.step()
            if not once or batch:
                continue
            if self.consumer.assignment():
                if self.caught_up():
                    return True
            elif time.monotonic() - started > join_timeout:
                return False
        return True

    def close(self, *, commit: bool = False) -> None:
        if self._consumer is not None:
            self._consumer.close(autocommit=commit)
            self._consumer = None
