"""The households' keys and the records each household is the subject of, in
two tables beside the events (SQLite and PostgreSQL, created with the store):

- `household_keys(household_id, key, created_at, erased_at, erased_by)`: one
  AES-256 key per household; erasure sets `key` to NULL and keeps the row, who
  erased and when;
- `household_subjects(originator_id, household_id)`: the record (dossier,
  mesure, saisine) whose creation event named the household, so that its later
  events, which do not, are encrypted with the same key.

Each write commits in its own transaction, before the events that need it are
appended: a key or a mapping written for events that then fail to append is
harmless. Within a command (`deferred()`, opened by the recorder's `session`),
they are instead written in the transaction that appends the events
(`flush`): a creation then commits once. A new household's key taken by
another command in between makes that append fail (IntegrityError, the
command's 409): its events were encrypted under a key that would not be kept.

Keys are cached per process for `cache_seconds` at most (0: no cache), and an
erasure in this process empties its entry at once; erased keys
stay erased, so their absence is cached for good.

With LOGIS_CIPHER_KEY set, each key is stored wrapped (AES-GCM under a key
derived from it, authenticating the household's id): the database file alone
reveals no household's key. Keys stored in clear before read as they are until
`wrap_clear_keys` (run at start) wraps them.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.shared import DomainError
from infra.sql_dialects import fetch, fetch_one, psycopg_query, quoted, recorder_part

if TYPE_CHECKING:
    from collections.abc import Iterator

KEY_BYTES = 32
NONCE_BYTES = 12
WRAPPED_BYTES = NONCE_BYTES + KEY_BYTES + 16  # nonce, key, GCM tag
WRAP_INFO = b"logis.household-keys.v1"  # the derived key serves nothing else
SUBJECTS_CACHED = 100_000  # records whose household is remembered in memory


class HouseholdErasedError(DomainError):
    """Personal data of a household whose key was destroyed cannot be written."""

    code = "household_erased"


@dataclass(frozen=True)
class KeyRow:
    household_id: UUID
    created_at: datetime
    erased_at: datetime | None
    erased_by: str | None

    @property
    def erased(self) -> bool:
        return self.erased_at is not None


class HouseholdKeys:
    """The two tables of one store. Subclasses give the SQL dialect."""

    def __init__(self, datastore: Any, keys_table: str, subjects_table: str) -> None:
        self.datastore = datastore
        self.keys = keys_table
        self.subjects = subjects_table
        self.cache_seconds = 30.0
        self._keys: dict[UUID, tuple[float, bytes | None]] = {}
        self._households: dict[UUID, UUID] = {}
        self._lock = threading.Lock()
        self._wrapping: AESGCM | None = None
        self._local = threading.local()  # the thread's writes deferred, if any

    # -- dialect --

    def query(self, text: str) -> Any:
        return text

    def param(self, value: UUID) -> Any:
        return value.hex

    def _one(self, text: str, value: UUID) -> Any:
        """The row a statement with one `?`, the record or household, reads."""
        return fetch_one(self.datastore, self.query(text), (self.param(value),))

    def stamp(self) -> Any:
        return _now().isoformat()

    def _on_conflict_ignore(self) -> str:
        return "ON CONFLICT DO NOTHING"

    # -- wrapping under LOGIS_CIPHER_KEY --

    def wrap_with(self, cipher_key: bytes) -> None:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=WRAP_INFO
        ).derive(cipher_key)
        self._wrapping = AESGCM(derived)

    def _stored(self, household_id: UUID, key: bytes) -> bytes:
        if self._wrapping is None:
            return key
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._wrapping.encrypt(nonce, key, household_id.bytes)

    def _unwrapped(self, household_id: UUID, stored: bytes) -> bytes:
        if len(stored) == KEY_BYTES:  # stored in clear (no LOGIS_CIPHER_KEY then)
            return stored
        if self._wrapping is None:
            msg = "household key stored wrapped: LOGIS_CIPHER_KEY is needed"
            raise RuntimeError(msg)
        nonce, wrapped = stored[:NONCE_BYTES], stored[NONCE_BYTES:]
        return self._wrapping.decrypt(nonce, wrapped, household_id.bytes)

    def wrap_clear_keys(self) -> int:
        """Wrap the keys stored in clear (before LOGIS_CIPHER_KEY was set)."""
        if self._wrapping is None:
            return 0
        with self.datastore.transaction(commit=True) as curs:
            self._before_erase(curs)  # no copy of the clear keys left behind
            curs.execute(
                self.query(
                    f"SELECT household_id, key FROM {self.keys} "
                    f"WHERE key IS NOT NULL AND length(key) = {KEY_BYTES}"
                )
            )
            clear = [
                (_as_uuid(r["household_id"]), bytes(r["key"])) for r in curs.fetchall()
            ]
            for household_id, key in clear:
                curs.execute(
                    self.query(
                        f"UPDATE {self.keys} SET key = ? WHERE household_id = ?"
                    ),
                    (self._stored(household_id, key), self.param(household_id)),
                )
        if clear:
            self._after_erase()
        return len(clear)

    # -- keys --

    def key_for_writing(self, household_id: UUID) -> bytes:
        """The household's key, created (and committed, or deferred: see
        `deferred`) if it has none yet."""
        pending = self._pending()
        if pending is not None and household_id in pending.keys:
            return pending.keys[household_id]
        key = self.key(household_id)
        if key is not None:
            return key
        with self._lock:  # `key` keeps a destroyed key's absence, for good
            cached = self._keys.get(household_id)
        if cached is not None and cached[1] is None:
            msg = (
                "Les données personnelles de ce ménage ont été effacées : "
                "enregistrez-le sous un nouvel identifiant de ménage."
            )
            raise HouseholdErasedError(msg)
        if pending is not None:
            pending.keys[household_id] = os.urandom(KEY_BYTES)
            return pending.keys[household_id]
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                self.query(
                    f"INSERT INTO {self.keys} (household_id, key, created_at) "
                    f"VALUES (?, ?, ?) {self._on_conflict_ignore()}"
                ),
                self._key_row(household_id, os.urandom(KEY_BYTES)),
            )
        with self._lock:
            self._keys.pop(household_id, None)
        return self.key_for_writing(household_id)

    def _key_row(self, household_id: UUID, key: bytes) -> tuple[Any, ...]:
        return (self.param(household_id), self._stored(household_id, key), self.stamp())

    # -- writes deferred to the append transaction --

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """Until the block ends, this thread's new keys and subjects wait for
        `flush`, in the transaction that appends the events needing them."""
        if self._pending() is not None:
            yield
            return
        self._local.pending = Pending()
        try:
            yield
        finally:
            self._local.pending = None

    def _pending(self) -> Pending | None:
        return getattr(self._local, "pending", None)

    def pending(self) -> Pending | None:
        """This thread's deferred writes (None outside `deferred`), for an
        append carried out by another thread (infra/group_commit.py)."""
        return self._pending()

    def flush(self, curs: Any) -> None:
        """Write the deferred keys and subjects with `curs`, in the append
        transaction (a key already there fails it: IntegrityError)."""
        pending = self._pending()
        if pending is None:
            return
        for statement, params in self.flush_statements(pending):
            curs.execute(statement, params)

    def flush_statements(self, pending: Pending | None = None) -> list[tuple[Any, Any]]:
        """The statements `flush` runs (none outside `deferred`)."""
        pending = pending or self._pending()
        if pending is None:
            return []
        statements: list[tuple[Any, Any]] = []
        if pending.keys:
            rows = [self._key_row(h, k) for h, k in pending.keys.items()]
            statements.append(
                (
                    self.query(
                        f"INSERT INTO {self.keys} (household_id, key, created_at) "
                        f"VALUES {', '.join('(?, ?, ?)' for _ in rows)}"
                    ),
                    [p for row in rows for p in row],
                )
            )
        if pending.subjects:
            pairs = list(pending.subjects.items())
            statements.append(
                (
                    self.query(
                        f"INSERT INTO {self.subjects} (originator_id, household_id) "
                        f"VALUES {', '.join('(?, ?)' for _ in pairs)} "
                        f"{self._on_conflict_ignore()}"
                    ),
                    [self.param(v) for pair in pairs for v in pair],
                )
            )
        return statements

    def flushed(self, pending: Pending | None = None) -> None:
        """The append committed: what it wrote is known from now on."""
        pending = pending or self._pending()
        if pending is None:
            return
        now = time.monotonic()
        with self._lock:
            for household_id, key in pending.keys.items():
                self._keys[household_id] = (now, key)
        for originator_id, household_id in pending.subjects.items():
            self._remember(originator_id, household_id)
        pending.keys.clear()
        pending.subjects.clear()

    def key(self, household_id: UUID) -> bytes | None:
        """The household's key; None if it has none, or none any more."""
        now = time.monotonic()
        with self._lock:
            cached = self._keys.get(household_id)
        if cached is not None:
            read_at, key = cached
            if key is None or now - read_at < self.cache_seconds:
                return key
        row = self._one(
            f"SELECT key FROM {self.keys} WHERE household_id = ?", household_id
        )
        if row is None:
            return None  # not cached: it may be created at any time
        stored = row["key"]
        key = None if stored is None else self._unwrapped(household_id, bytes(stored))
        if key is None or self.cache_seconds > 0:
            with self._lock:
                self._keys[household_id] = (now, key)
        return key

    def row(self, household_id: UUID) -> KeyRow | None:
        row = self._one(
            f"SELECT created_at, erased_at, erased_by FROM {self.keys} "
            "WHERE household_id = ?",
            household_id,
        )
        if row is None:
            return None
        return KeyRow(
            household_id,
            _as_datetime(row["created_at"]),
            _as_datetime(row["erased_at"]) if row["erased_at"] else None,
            row["erased_by"],
        )

    def erase(self, household_id: UUID, erased_by: str) -> bool:
        """Destroy the key (the row stays, with who and when); False if it was
        destroyed already."""
        with self._lock:  # from now on, this process no longer serves it
            self._keys[household_id] = (time.monotonic(), None)
        try:
            with self.datastore.transaction(commit=True) as curs:
                self._before_erase(curs)
                curs.execute(
                    self.query(
                        f"SELECT erased_at FROM {self.keys} WHERE household_id = ?"
                    ),
                    (self.param(household_id),),
                )
                row = curs.fetchone()
                erased = row is None or row["erased_at"] is None
                if row is None:  # no key yet (nothing personal written): none ever
                    curs.execute(
                        self.query(
                            f"INSERT INTO {self.keys} (household_id, key, "
                            "created_at, erased_at, erased_by) VALUES "
                            f"(?, NULL, ?, ?, ?) {self._on_conflict_ignore()}"
                        ),
                        (self.param(household_id), *[self.stamp()] * 2, erased_by),
                    )
                elif erased:
                    curs.execute(
                        self.query(
                            f"UPDATE {self.keys} SET key = NULL, erased_at = ?, "
                            "erased_by = ? WHERE household_id = ?"
                        ),
                        (self.stamp(), erased_by, self.param(household_id)),
                    )
        except Exception:
            with self._lock:
                self._keys.pop(household_id, None)
            raise
        self._after_erase()
        return erased

    def _before_erase(self, curs: Any) -> None:
        """Backend-specific steps so the destroyed key leaves no copy behind."""

    def _after_erase(self) -> None:
        """Backend-specific steps so the destroyed key leaves no copy behind."""

    # -- subjects --

    def record_subject(self, originator_id: UUID, household_id: UUID) -> None:
        if self._households.get(originator_id) == household_id:
            return
        pending = self._pending()
        if pending is not None:
            pending.subjects[originator_id] = household_id
            return
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                self.query(
                    f"INSERT INTO {self.subjects} (originator_id, household_id) "
                    f"VALUES (?, ?) {self._on_conflict_ignore()}"
                ),
                (self.param(originator_id), self.param(household_id)),
            )
        self._remember(originator_id, household_id)

    def household_of(self, originator_id: UUID) -> UUID | None:
        known = self._households.get(originator_id)
        if known is not None:
            return known
        pending = self._pending()
        if pending is not None and originator_id in pending.subjects:
            return pending.subjects[originator_id]
        row = self._one(
            f"SELECT household_id FROM {self.subjects} WHERE originator_id = ?",
            originator_id,
        )
        if row is None:
            return None
        household = _as_uuid(row["household_id"])
        self._remember(originator_id, household)
        return household

    def records_of(self, household_id: UUID) -> list[UUID]:
        rows = fetch(
            self.datastore,
            self.query(
                f"SELECT originator_id FROM {self.subjects} "
                "WHERE household_id = ? ORDER BY originator_id"
            ),
            (self.param(household_id),),
        )
        return [_as_uuid(row["originator_id"]) for row in rows]

    def _remember(self, originator_id: UUID, household_id: UUID) -> None:
        with self._lock:
            if len(self._households) >= SUBJECTS_CACHED:
                self._households.clear()
            self._households[originator_id] = household_id


@dataclass
class Pending:
    """A thread's keys and subjects not written yet (`HouseholdKeys.deferred`)."""

    keys: dict[UUID, bytes] = field(default_factory=dict)
    subjects: dict[UUID, UUID] = field(default_factory=dict)


class SQLiteHouseholdKeys(HouseholdKeys):
    def __init__(self, datastore: Any) -> None:
        super().__init__(datastore, "household_keys", "household_subjects")

    def _before_erase(self, curs: Any) -> None:
        # Overwrite the freed bytes instead of leaving them in free pages.
        curs.execute("PRAGMA secure_delete = ON")

    def _after_erase(self) -> None:
        # The old page may linger in the write-ahead log: copy it back and
        # truncate the log (best effort: a reader may hold it a little longer).
        with (
            contextlib.suppress(sqlite3.Error),
            self.datastore.transaction(commit=False) as curs,
        ):
            curs.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class PostgresHouseholdKeys(HouseholdKeys):
    def __init__(self, datastore: Any, prefix: str, schema: str) -> None:
        super().__init__(
            datastore,
            quoted(schema, f"{prefix}_household_keys"),
            quoted(schema, f"{prefix}_household_subjects"),
        )

    def query(self, text: str) -> Any:
        return psycopg_query(text)

    def param(self, value: UUID) -> Any:
        return value

    def stamp(self) -> Any:
        return _now()


def _now() -> datetime:
    return datetime.now(UTC)


def _as_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _as_uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def keys_of(app: Any) -> HouseholdKeys:
    """The key store of a Logis application's recorder (infra.store's recorders)."""
    return recorder_part(
        app,
        "household_keys",
        HouseholdKeys,
        "Ce stockage ne chiffre pas les données personnelles (pas de clés).",
    )
