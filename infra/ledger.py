"""Tamper evidence: every stored event is sealed, in its append transaction, by a
hash chaining it to its aggregate's previous event, and by a link of one global
chain over all the seals in notification order.

    event_hash = SHA-256(F("logis.event.v1") F(originator_id) F(version)
                         F(topic) F(state) F(previous event_hash))
    chain_hash = SHA-256(F("logis.chain.v1") F(previous chain_hash)
                         F(notification_id) F(event_hash))

F(x) is x preceded by its length (8 bytes, big-endian): no two field lists encode
alike. originator_id is its 32 lowercase hex digits, version and notification_id
8-byte big-endian signed integers, state the bytes exactly as stored (ciphered or
compressed ones too). The previous hash of a version 1, and the chain's before the
first seal, are 32 zero bytes. Hashes are stored as lowercase hex.

The seals live beside the events (`event_seals` on SQLite, `<prefix>_event_seals`
on PostgreSQL). `verify_store` recomputes everything, page by page, and names the
first event that does not match; `head` is the chain's last link, the anchor an
operator publishes outside the database (README: "Preuve d'intégrité").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from psycopg.sql import SQL

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from eventsourcing.persistence import StoredEvent

GENESIS = bytes(32)
EVENT_TAG = b"logis.event.v1"
CHAIN_TAG = b"logis.chain.v1"
PAGE_SIZE = 2000
LOWEST = -(2**63)
HIGHEST = 2**63 - 1

Kind = Literal[
    "altered", "deleted", "inserted", "reordered", "seal_altered", "anchor_mismatch"
]


# ---- the hashes -------------------------------------------------------------------


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


def event_hash(
    originator_id: UUID | str, version: int, topic: str, state: bytes, previous: bytes
) -> bytes:
    digest = hashlib.sha256(_field(EVENT_TAG))
    for part in (
        id_text(originator_id).encode(),
        _int(version),
        topic.encode(),
        bytes(state),
        previous,
    ):
        digest.update(_field(part))
    return digest.digest()


def chain_hash(previous: bytes, position: int, event: bytes) -> bytes:
    digest = hashlib.sha256(_field(CHAIN_TAG))
    for part in (previous, _int(position), event):
        digest.update(_field(part))
    return digest.digest()


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


# ---- what verification finds ------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    kind: Kind
    position: int | None
    originator_id: str | None
    version: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "position": self.position,
            "originator_id": self.originator_id,
            "version": self.version,
            "message": self.message,
        }


@dataclass(frozen=True)
class Verification:
    events: int  # how many events were found sealed and matching
    position: int  # the last position checked
    head: str  # the last chain hash checked (an aggregate: its last event hash)
    mismatch: Mismatch | None = None

    @property
    def verified(self) -> bool:
        return self.mismatch is None


@dataclass(frozen=True)
class Anchor:
    position: int
    chain_hash: str
    events: int
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "chain_hash": self.chain_hash,
            "events": self.events,
            "at": self.at.isoformat(),
        }


def _who(originator_id: str | None, version: int | None) -> str:
    return f"agrégat {originator_id}, version {version}"


def _mismatch(
    kind: Kind, position: int | None, originator_id: str | None, version: int | None
) -> Mismatch:
    where = f"à la position {position}" if position is not None else "sans position"
    who = _who(originator_id, version)
    messages = {
        "altered": f"Événement altéré {where} ({who}) : son empreinte recalculée "
        "ne correspond plus à son sceau.",
        "deleted": f"Événement supprimé {where} ({who}) : son sceau demeure, "
        "l'événement n'est plus dans la table.",
        "inserted": f"Événement inséré {where} ({who}) : aucun sceau ne l'a scellé "
        "lors de l'écriture.",
        "reordered": f"Événement déplacé {where} ({who}) : il n'est plus à la "
        "position que son sceau lui donne.",
        "seal_altered": f"Sceau altéré {where} ({who}) : le maillon de la chaîne ne "
        "se recalcule pas (sceau modifié, ou événement et sceau supprimés juste "
        "avant).",
    }
    return Mismatch(kind, position, originator_id, version, messages[kind])


# ---- reading and writing seals, on either backend ---------------------------------


@dataclass(frozen=True)
class EventRow:
    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes


@dataclass(frozen=True)
class SealRow:
    position: int
    originator_id: str
    version: int
    event_hash: bytes
    chain_hash: bytes
    previous_chain: bytes | None = None  # the link before it (per-aggregate reads)


@dataclass(frozen=True)
class Page:
    events: list[EventRow]
    seals: list[SealRow]
    previous: dict[tuple[str, int], bytes]  # (id, version - 1) → stored event hash
    until: int


class Ledger:
    """The seal table of one events table. Subclasses give the SQL dialect."""

    position_column = "notification_id"

    def __init__(self, datastore: Any, events_table: str, seals_table: str) -> None:
        self.datastore = datastore
        self.events = events_table
        self.seals = seals_table

    def query(self, text: str) -> Any:
        return text

    def id_param(self, originator_id: str) -> Any:
        return originator_id

    def create_statement(self) -> str:
        raise NotImplementedError

    # -- in the append transaction --

    def seal(
        self, curs: Any, events: Sequence[StoredEvent], positions: Sequence[int]
    ) -> None:
        """Seal the events just inserted: call it after the insert, under the
        write lock, so the chain's last link cannot change before commit."""
        if not events:
            return
        wanted: dict[str, int] = {}
        for event in events:
            wanted.setdefault(id_text(event.originator_id), event.originator_version)
        keys = [(k, v - 1) for k, v in wanted.items() if v > 1]
        previous: dict[tuple[str, int], bytes] = {}
        if keys:
            condition = " OR ".join(
                "(originator_id = ? AND originator_version = ?)" for _ in keys
            )
            curs.execute(
                self.query(
                    f"SELECT originator_id, originator_version, event_hash "
                    f"FROM {self.seals} WHERE {condition}"
                ),
                [p for k, v in keys for p in (self.id_param(k), v)],
            )
            for row in curs.fetchall():
                key = (id_text(row["originator_id"]), row["originator_version"])
                previous[key] = bytes.fromhex(row["event_hash"])
        curs.execute(
            self.query(
                f"SELECT chain_hash FROM {self.seals} "
                "ORDER BY notification_id DESC LIMIT 1"
            )
        )
        last = curs.fetchone()
        head = bytes.fromhex(last["chain_hash"]) if last else GENESIS
        seals = seal_batch(events, positions, previous, head)
        values = ", ".join("(?, ?, ?, ?, ?)" for _ in seals)
        curs.execute(
            self.query(
                f"INSERT INTO {self.seals} (notification_id, originator_id, "
                f"originator_version, event_hash, chain_hash) VALUES {values}"
            ),
            [
                p
                for s in seals
                for p in (
                    s.position,
                    self.id_param(s.originator_id),
                    s.version,
                    s.event_hash.hex(),
                    s.chain_hash.hex(),
                )
            ],
        )

    # -- reads, for verification --

    def _read(self) -> Any:
        return self.datastore.transaction(commit=False)

    def last_position(self) -> int | None:
        with self._read() as curs:
            curs.execute(
                self.query(
                    f"SELECT (SELECT MAX({self.position_column}) FROM {self.events}) "
                    f"AS e, (SELECT MAX(notification_id) FROM {self.seals}) AS s"
                )
            )
            row = curs.fetchone()
        found = [p for p in (row["e"], row["s"]) if p is not None]
        return max(found) if found else None

    def page(self, after: int, stop: int, limit: int) -> Page:
        pos = self.position_column
        with self._read() as curs:
            curs.execute(
                self.query(
                    f"SELECT {pos} AS position, originator_id, originator_version, "
                    f"topic, state FROM {self.events} WHERE {pos} > ? AND {pos} <= ? "
                    f"ORDER BY {pos} LIMIT ?"
                ),
                (after, stop, limit),
            )
            events = [self._event(row) for row in curs.fetchall()]
            curs.execute(
                self.query(
                    "SELECT notification_id AS position, originator_id, "
                    f"originator_version, event_hash, chain_hash FROM {self.seals} "
                    "WHERE notification_id > ? AND notification_id <= ? "
                    "ORDER BY notification_id LIMIT ?"
                ),
                (after, stop, limit),
            )
            seals = [self._seal(row) for row in curs.fetchall()]
            until = stop
            for rows in (events, seals):
                if len(rows) == limit:
                    until = min(until, rows[-1].position)
            curs.execute(
                self.query(
                    "SELECT e.originator_id, e.originator_version, p.event_hash "
                    f"FROM {self.events} e JOIN {self.seals} p "
                    "ON p.originator_id = e.originator_id "
                    "AND p.originator_version = e.originator_version - 1 "
                    f"WHERE e.{pos} > ? AND e.{pos} <= ?"
                ),
                (after, until),
            )
            previous = {
                (id_text(r["originator_id"]), r["originator_version"] - 1): (
                    bytes.fromhex(r["event_hash"])
                )
                for r in curs.fetchall()
            }
        return Page(
            [e for e in events if e.position <= until],
            [s for s in seals if s.position <= until],
            previous,
            until,
        )

    def event_position(self, originator_id: str, version: int) -> int | None:
        pos = self.position_column
        with self._read() as curs:
            curs.execute(
                self.query(
                    f"SELECT {pos} AS position FROM {self.events} "
                    "WHERE originator_id = ? AND originator_version = ?"
                ),
                (self.id_param(originator_id), version),
            )
            row = curs.fetchone()
        return None if row is None else int(row["position"])

    def aggregate(self, originator_id: str) -> tuple[list[EventRow], list[SealRow]]:
        pos = self.position_column
        with self._read() as curs:
            curs.execute(
                self.query(
                    f"SELECT {pos} AS position, originator_id, originator_version, "
                    f"topic, state FROM {self.events} WHERE originator_id = ? "
                    "ORDER BY originator_version"
                ),
                (self.id_param(originator_id),),
            )
            events = [self._event(row) for row in curs.fetchall()]
            curs.execute(
                self.query(
                    "SELECT s.notification_id AS position, s.originator_id, "
                    "s.originator_version, s.event_hash, s.chain_hash, "
                    f"(SELECT p.chain_hash FROM {self.seals} p "
                    "WHERE p.notification_id < s.notification_id "
                    "ORDER BY p.notification_id DESC LIMIT 1) AS previous_chain "
                    f"FROM {self.seals} s WHERE s.originator_id = ? "
                    "ORDER BY s.originator_version"
                ),
                (self.id_param(originator_id),),
            )
            seals = [self._seal(row) for row in curs.fetchall()]
        return events, seals

    def first_topic(self, originator_id: UUID | str) -> str | None:
        """The topic of an aggregate's version 1: which kind of record it is."""
        with self._read() as curs:
            curs.execute(
                self.query(
                    f"SELECT topic FROM {self.events} "
                    "WHERE originator_id = ? AND originator_version = 1"
                ),
                (self.id_param(id_text(originator_id)),),
            )
            row = curs.fetchone()
        return None if row is None else str(row["topic"])

    def seal_at(self, position: int) -> SealRow | None:
        with self._read() as curs:
            curs.execute(
                self.query(
                    "SELECT notification_id AS position, originator_id, "
                    f"originator_version, event_hash, chain_hash FROM {self.seals} "
                    "WHERE notification_id = ?"
                ),
                (position,),
            )
            row = curs.fetchone()
        return None if row is None else self._seal(row)

    def head(self) -> Anchor:
        with self._read() as curs:
            curs.execute(
                self.query(
                    f"SELECT notification_id, chain_hash FROM {self.seals} "
                    "ORDER BY notification_id DESC LIMIT 1"
                )
            )
            last = curs.fetchone()
            curs.execute(self.query(f"SELECT COUNT(*) AS n FROM {self.seals}"))
            count = int(curs.fetchone()["n"])
        if last is None:
            return Anchor(0, GENESIS.hex(), 0, datetime.now(UTC))
        return Anchor(
            int(last["notification_id"]), last["chain_hash"], count, datetime.now(UTC)
        )

    @staticmethod
    def _event(row: Any) -> EventRow:
        return EventRow(
            int(row["position"]),
            id_text(row["originator_id"]),
            int(row["originator_version"]),
            row["topic"],
            bytes(row["state"]),
        )

    @staticmethod
    def _seal(row: Any) -> SealRow:
        names = row.keys()  # sqlite3.Row has no `in`
        previous = row["previous_chain"] if "previous_chain" in names else None
        return SealRow(
            int(row["position"]),
            id_text(row["originator_id"]),
            int(row["originator_version"]),
            bytes.fromhex(row["event_hash"]),
            bytes.fromhex(row["chain_hash"]),
            None if previous is None else bytes.fromhex(previous),
        )


class SQLiteLedger(Ledger):
    position_column = "rowid"

    def create_statement(self) -> str:
        return (
            f"CREATE TABLE IF NOT EXISTS {self.seals} ("
            "notification_id INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, event_hash TEXT NOT NULL, "
            "chain_hash TEXT NOT NULL, UNIQUE (originator_id, originator_version))"
        )


class PostgresLedger(Ledger):
    def __init__(
        self, datastore: Any, events_table: str, seals_table: str, schema: str
    ) -> None:
        super().__init__(
            datastore, _quoted(schema, events_table), _quoted(schema, seals_table)
        )

    def query(self, text: str) -> Any:
        return SQL(text.replace("?", "%s"))  # type: ignore[arg-type]

    def id_param(self, originator_id: str) -> Any:
        return UUID(originator_id)

    def create_statement(self) -> Any:
        return SQL(  # type: ignore[call-overload]
            f"CREATE TABLE IF NOT EXISTS {self.seals} ("
            "notification_id bigint PRIMARY KEY, originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, event_hash text NOT NULL, "
            "chain_hash text NOT NULL, UNIQUE (originator_id, originator_version))"
        )


def _quoted(schema: str, table: str) -> str:
    return ".".join('"' + name.replace('"', '""') + '"' for name in (schema, table))


def ledger_of(app: Any) -> Ledger:
    """The ledger of a Logis application's recorder (infra.store's recorders)."""
    ledger = getattr(app.recorder, "ledger", None)
    if not isinstance(ledger, Ledger):
        msg = "Ce stockage ne scelle pas ses événements (recorder sans registre)."
        raise TypeError(msg)
    return ledger


# ---- verification -----------------------------------------------------------------


def parse_anchor(text: str) -> tuple[int, str]:
    """POSITION:HASH, as `logis anchor` prints them."""
    position, _, digest = text.partition(":")
    digest = digest.strip().lower()
    if not position.strip().lstrip("-").isdigit() or len(digest) != 64:
        msg = f"ancre attendue sous la forme POSITION:EMPREINTE, pas « {text} »"
        raise ValueError(msg)
    bytes.fromhex(digest)
    return int(position), digest


def _walk(ledger: Ledger, page_size: int) -> Iterator[Page]:
    stop = ledger.last_position()
    if stop is None:
        return
    after = LOWEST
    while after < stop:
        page = ledger.page(after, stop, page_size)
        yield page
        after = page.until


def verify_store(
    ledger: Ledger,
    anchors: Mapping[int, str] | None = None,
    page_size: int = PAGE_SIZE,
) -> Verification:
    """Recompute every event hash and every chain link, in notification order, and
    check the published anchors: the first thing that does not match, or none."""
    anchors = dict(anchors or {})
    chain = before = GENESIS
    last: SealRow | None = None
    count = 0
    position = 0

    def result(mismatch: Mismatch | None) -> Verification:
        return Verification(count, position, chain.hex(), mismatch)

    for page in _walk(ledger, page_size):
        events = {e.position: e for e in page.events}
        seals = {s.position: s for s in page.seals}
        for at in sorted(events.keys() | seals.keys()):
            event, seal = events.get(at), seals.get(at)
            if seal is None:
                assert event is not None
                return result(
                    _mismatch("inserted", at, event.originator_id, event.version)
                )
            if event is None:
                moved = ledger.event_position(seal.originator_id, seal.version)
                kind: Kind = "deleted" if moved is None else "reordered"
                return result(_mismatch(kind, at, seal.originator_id, seal.version))
            found = _check(event, seal, chain, before, last, page.previous)
            if found is not None:
                return result(found)
            expected = anchors.pop(at, None)
            if expected is not None and expected != seal.chain_hash.hex():
                return result(_anchor_mismatch(seal, expected))
            before, chain, last = chain, seal.chain_hash, seal
            count += 1
            position = at
    for at, expected in sorted(anchors.items()):
        return result(
            Mismatch(
                "anchor_mismatch",
                at,
                None,
                None,
                f"Ancre publiée à la position {at} ({expected[:16]}…) : aucun "
                "événement scellé n'y figure plus (tables tronquées ou réécrites).",
            )
        )
    return result(None)


def _check(
    event: EventRow,
    seal: SealRow,
    chain: bytes,
    before: bytes,
    last: SealRow | None,
    previous: Mapping[tuple[str, int], bytes],
) -> Mismatch | None:
    at = seal.position
    if (event.originator_id, event.version) != (seal.originator_id, seal.version):
        return _mismatch("reordered", at, event.originator_id, event.version)
    if chain_hash(chain, at, seal.event_hash) != seal.chain_hash:
        if last is not None and (
            chain_hash(before, at, seal.event_hash) == seal.chain_hash
        ):
            # The link holds without the seal before: that one was slipped in.
            return _mismatch(
                "inserted", last.position, last.originator_id, last.version
            )
        return _mismatch("seal_altered", at, seal.originator_id, seal.version)
    if event.version == 1:
        before_hash: bytes | None = GENESIS
    else:
        before_hash = previous.get((event.originator_id, event.version - 1))
    if before_hash is None:
        return Mismatch(
            "deleted",
            None,
            event.originator_id,
            event.version - 1,
            f"Événement supprimé ({_who(event.originator_id, event.version - 1)}) : "
            f"la version suivante, à la position {at}, ne trouve plus son sceau.",
        )
    recomputed = event_hash(
        event.originator_id, event.version, event.topic, event.state, before_hash
    )
    if recomputed != seal.event_hash:
        return _mismatch("altered", at, event.originator_id, event.version)
    return None


def _anchor_mismatch(seal: SealRow, expected: str) -> Mismatch:
    return Mismatch(
        "anchor_mismatch",
        seal.position,
        seal.originator_id,
        seal.version,
        f"Ancre non conforme à la position {seal.position} : la chaîne y vaut "
        f"{seal.chain_hash.hex()[:16]}…, l'ancre publiée {expected[:16]}… "
        "(chaîne réécrite depuis la publication).",
    )


def verify_aggregate(ledger: Ledger, originator_id: UUID | str) -> Verification:
    """One aggregate: versions contiguous from 1, each sealed at its position, each
    hash recomputed and chained to the previous version, each link of the global
    chain around its seals."""
    key = id_text(originator_id)
    events, seals = ledger.aggregate(key)
    by_version = {e.version: e for e in events}
    sealed = {s.version: s for s in seals}
    count = 0
    position = 0
    head = GENESIS
    versions = sorted(by_version.keys() | sealed.keys())
    top = versions[-1] if versions else 0
    for version in range(1, top + 1):
        event, seal = by_version.get(version), sealed.get(version)
        mismatch: Mismatch | None = None
        if event is None and seal is None:
            mismatch = Mismatch(
                "deleted",
                None,
                key,
                version,
                f"Événement supprimé ({_who(key, version)}) : la version manque, "
                "avec son sceau.",
            )
        elif seal is None:
            assert event is not None
            mismatch = _mismatch("inserted", event.position, key, version)
        elif event is None:
            mismatch = _mismatch("deleted", seal.position, key, version)
        elif event.position != seal.position:
            mismatch = _mismatch("reordered", event.position, key, version)
        else:
            before = seal.previous_chain or GENESIS
            recomputed = event_hash(key, version, event.topic, event.state, head)
            if chain_hash(before, seal.position, seal.event_hash) != seal.chain_hash:
                mismatch = _mismatch("seal_altered", seal.position, key, version)
            elif recomputed != seal.event_hash:
                mismatch = _mismatch("altered", seal.position, key, version)
        if mismatch is not None:
            return Verification(count, position, head.hex(), mismatch)
        assert seal is not None
        head = seal.event_hash
        count += 1
        position = seal.position
    return Verification(count, position, head.hex(), None)


def check_anchors(ledger: Ledger, anchors: Mapping[int, str]) -> Mismatch | None:
    """Published anchors against the stored chain (no recomputation: for
    `--aggregate`; the full walk recomputes every link up to them)."""
    for at, expected in sorted(anchors.items()):
        seal = ledger.seal_at(at)
        if seal is None:
            return Mismatch(
                "anchor_mismatch",
                at,
                None,
                None,
                f"Ancre publiée à la position {at} : aucun sceau n'y figure plus.",
            )
        if seal.chain_hash.hex() != expected:
            return _anchor_mismatch(seal, expected)
    return None
