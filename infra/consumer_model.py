"""The consumer's read model in the events database (infra/consumer.py): the
dossiers and events of each commune, the next offset of each partition and the
ids of the events applied, each keyed by the consumer group; `apply` writes a
polled batch in one transaction, so nothing is ever counted twice.

Tables (`consumer_offsets`, `consumed_events`, `commune_dossiers`,
`commune_aggregates` on SQLite; `<prefix>_…` on PostgreSQL).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, TypeVar

from eventsourcing.postgres import PostgresDatastore

from infra.consumer_messages import Delivery, Envelope, Outcome
from infra.sql_dialects import fetch, psycopg_query, quoted

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from eventsourcing.persistence import ApplicationRecorder

UNKNOWN_COMMUNE = ""  # events of an aggregate whose commune was never read
IDENTIFIED = ("dossier", "Identified")  # (aggregate_type, type) counted as opened


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


R = TypeVar("R", CommuneRow, OffsetRow)  # a row `_listed` reads


@dataclass
class _Counts:
    dossiers_identified: int = 0
    events: int = 0


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

    def _rows(self, text: str, *params: Any) -> list[Any]:
        return fetch(self.datastore, self.query(text), params)

    def stored_offsets(self, group: str, topic: str) -> dict[int, int]:
        """The next offset to read of each partition of `topic` this group
        has applied messages of."""
        rows = self._rows(
            "SELECT partition, next_offset FROM {offsets} "
            "WHERE group_id = ? AND topic = ?",
            group,
            topic,
        )
        return {int(r["partition"]): int(r["next_offset"]) for r in rows}

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
        return self._listed(CommuneRow, "{communes}", group, "commune")

    def offsets(self, group: str) -> list[OffsetRow]:
        return self._listed(OffsetRow, "{offsets}", group, "topic, partition")

    def _listed(self, row: type[R], table: str, group: str, order_by: str) -> list[R]:
        """The group's rows of `table` in `order_by` order, each as a `row` (its
        fields name the columns read)."""
        columns = ", ".join(f.name for f in fields(row))
        text = f"SELECT {columns} FROM {table} WHERE group_id = ? ORDER BY {order_by}"
        return [row(**r) for r in self._rows(text, group)]

    def consumed(self, group: str) -> int:
        """How many distinct events this group has applied."""
        (row,) = self._rows(
            "SELECT COUNT(*) AS n FROM {consumed} WHERE group_id = ?", group
        )
        return int(row["n"])


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
                key: quoted(datastore.schema, f"{prefix}_{name}")
                for key, name in NAMES.items()
            },
        )

    def query(self, text: str) -> Any:
        return psycopg_query(super().query(text))


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
