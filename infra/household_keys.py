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
harmless. Within a command (`writes.deferred()`, opened by the recorder's
`session`), they are instead written in the transaction that appends the events
(infra/household_writes.py): a creation then commits once. A new household's
key taken by another command in between makes that append fail (IntegrityError):
its events were encrypted under a key that would not be kept, so the command
is carried out once more, under the stored key.

Keys are cached per process for `cache_seconds` at most (0: no cache), and an
erasure in this process empties its entry at once; erased keys
stay erased, so their absence is cached for good.

With LOGIS_CIPHER_KEY set, each key is stored wrapped (AES-GCM under a key
derived from it, authenticating the household's id): the database file alone
reveals no household's key. Keys stored in clear before read as they are until
`wrap_clear_keys` (run at start) wraps them.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from domain.shared import DomainError
from infra.household_writes import DeferredWrites
from infra.sql_dialects import fetch, fetch_one, recorder_part

if TYPE_CHECKING:
    from collections.abc import Iterable

KEY_BYTES = 32
NONCE_BYTES = 12
WRAPPED_BYTES = NONCE_BYTES + KEY_BYTES + 16  # nonce, key, GCM tag
WRAP_INFO = b"logis.household-keys.v1"  # the derived key serves nothing else
SUBJECTS_CACHED = 100_000  # records whose household is remembered in memory


def derived_aead(cipher_key: bytes, info: bytes) -> AESGCM:
    """AES-GCM under a key derived from LOGIS_CIPHER_KEY for one use (`info`)."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info
    ).derive(cipher_key)
    return AESGCM(derived)


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
        self.writes = DeferredWrites()  # a command's, written with its events

    # -- dialect --

    def query(self, text: str) -> Any:
        return text

    def param(self, value: UUID) -> Any:
        return value.hex

    def _one(self, text: str, value: UUID) -> Any:
        """The row a statement with one `?`, the record or household, reads."""
        return fetch_one(self.datastore, self.query(text), (self.param(value),))

    def stamp(self) -> Any:
        return now().isoformat()

    def _on_conflict_ignore(self) -> str:
        return "ON CONFLICT DO NOTHING"

    # -- wrapping under LOGIS_CIPHER_KEY --

    def wrap_with(self, cipher_key: bytes) -> None:
        self._wrapping = derived_aead(cipher_key, WRAP_INFO)

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
        pending = self.writes.current()
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
                self.key_row(household_id, os.urandom(KEY_BYTES)),
            )
        with self._lock:
            self._keys.pop(household_id, None)
        return self.key_for_writing(household_id)

    def key_row(self, household_id: UUID, key: bytes) -> tuple[Any, ...]:
        """A new key's row, as its INSERT takes it."""
        return (self.param(household_id), self._stored(household_id, key), self.stamp())

    def remember_key(self, household_id: UUID, key: bytes) -> None:
        """A key just committed (infra/household_writes.py)."""
        with self._lock:
            self._keys[household_id] = (time.monotonic(), key)

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

    def preload(self, household_ids: Iterable[UUID]) -> None:
        """Read in one query the keys `key` would read one by one (not cached,
        or cached too long ago): a batch of events decrypted together asks its
        store once, not once a household."""
        if self.cache_seconds <= 0:
            return  # nothing is kept: `key` reads each
        now = time.monotonic()
        with self._lock:
            cached = {h: self._keys.get(h) for h in household_ids}
        stale = [
            h
            for h, c in cached.items()
            if c is None or (c[1] is not None and now - c[0] >= self.cache_seconds)
        ]
        for start in range(0, len(stale), 500):
            chunk = stale[start : start + 500]
            rows = fetch(
                self.datastore,
                self.query(
                    f"SELECT household_id, key FROM {self.keys} "
                    f"WHERE household_id IN ({', '.join('?' for _ in chunk)})"
                ),
                [self.param(h) for h in chunk],
            )
            with self._lock:
                for row in rows:
                    household, stored = _as_uuid(row["household_id"]), row["key"]
                    self._keys[household] = (
                        now,
                        None
                        if stored is None
                        else self._unwrapped(household, bytes(stored)),
                    )

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
        pending = self.writes.current()
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
        self.remember_subject(originator_id, household_id)

    def household_of(self, originator_id: UUID) -> UUID | None:
        known = self._households.get(originator_id)
        if known is not None:
            return known
        pending = self.writes.current()
        if pending is not None and originator_id in pending.subjects:
            return pending.subjects[originator_id]
        row = self._one(
            f"SELECT household_id FROM {self.subjects} WHERE originator_id = ?",
            originator_id,
        )
        if row is None:
            return None
        household = _as_uuid(row["household_id"])
        self.remember_subject(originator_id, household)
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

    def remember_subject(self, originator_id: UUID, household_id: UUID) -> None:
        with self._lock:
            if len(self._households) >= SUBJECTS_CACHED:
                self._households.clear()
            self._households[originator_id] = household_id


def now() -> datetime:
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
