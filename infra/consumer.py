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

The messages: infra/consumer_messages.py; the model, its offsets and its
dedupe ids: infra/consumer_model.py (two groups keep two models).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from kafka import ConsumerRebalanceListener, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from infra.consumer_messages import SCHEMA, Delivery, Outcome, parse

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from infra.consumer_model import ConsumerModel

log = structlog.get_logger("logis.consumer")

DEFAULT_TOPIC = "logis.dossiers"
DEFAULT_GROUP = "logis-communes"
TOPIC_PATTERN = r"^[A-Za-z0-9._-]{1,249}$"  # Kafka's legal topic names
GROUP_PATTERN = r"^[A-Za-z0-9._-]{1,200}$"


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
