"""The at-rest key check (issue 13, item 5): a store remembers whether it was
written encrypted, and a canary encrypted under its LOGIS_CIPHER_KEY, in a
one-row table beside the events (`cipher_check`, `<prefix>_cipher_check`).

At every start, before anything is written, `check_cipher_key` compares the
settings with it: a store written with a key opened with none, with another
key, or a store written in clear opened with a key, is refused with a French
message naming LOGIS_CIPHER_KEY (no silent mixing of clear and encrypted
records, nothing ever written under a key that cannot read the store). The
first start writes the row; a store older than this check is judged from its
first event (does the key decrypt it, or is it clear JSON?) before the row is
written.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from eventsourcing.postgres import PostgresDatastore
from psycopg.sql import Identifier

from infra.sql_dialects import fetch_one, psycopg_query

if TYPE_CHECKING:
    from eventsourcing.cipher import Cipher

    from commands.application import Logis

CANARY = b"logis.cipher-check.v1"
CLEAR, ENCRYPTED = "clear", "aes"

NO_KEY = (
    "Ce magasin a été écrit chiffré : définissez LOGIS_CIPHER_KEY avec sa clé. "
    "Logis ne démarre pas sans elle."
)
WRONG_KEY = (
    "LOGIS_CIPHER_KEY ne déchiffre pas ce magasin : ce n'est pas la clé avec "
    "laquelle il a été écrit. Logis ne démarre pas (rien n'a été écrit)."
)
CLEAR_STORE = (
    "Ce magasin a été écrit en clair : LOGIS_CIPHER_KEY est défini, mais Logis "
    "ne mêle pas enregistrements en clair et chiffrés. Retirez LOGIS_CIPHER_KEY, "
    "ou chiffrez le magasin dans un nouveau (rien n'a été écrit)."
)


class CipherKeyError(Exception):
    """LOGIS_CIPHER_KEY cannot read this store: Logis must not start."""


class _Table:
    """The one-row table (infra/migrations/ creates it), in SQLite's dialect."""

    def __init__(self, datastore: Any, name: str) -> None:
        self.datastore = datastore
        self.name = name

    def query(self, text: str) -> Any:
        return text

    def read(self) -> tuple[str, bytes | None] | None:
        row = fetch_one(
            self.datastore, self.query(f"SELECT mode, canary FROM {self.name}")
        )
        if row is None:
            return None
        return row["mode"], None if row["canary"] is None else bytes(row["canary"])

    def write_once(self, mode: str, canary: bytes | None) -> None:
        """The first start's row (another process starting at once may win)."""
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                self.query(
                    f"INSERT INTO {self.name} (id, mode, canary) VALUES (1, ?, ?) "
                    "ON CONFLICT DO NOTHING"
                ),
                (mode, canary),
            )


class _PostgresTable(_Table):
    def query(self, text: str) -> Any:
        return psycopg_query(text)


def _table_of(recorder: Any) -> _Table:
    datastore = recorder.datastore
    if isinstance(datastore, PostgresDatastore):
        prefix = recorder.events_table_name.removesuffix("_events")
        name = ".".join(
            Identifier(part).as_string()
            for part in (datastore.schema, f"{prefix}_cipher_check")
        )
        return _PostgresTable(datastore, name)
    return _Table(datastore, "cipher_check")


def check_cipher_key(app: Logis) -> None:
    """Refuse (CipherKeyError) a key that cannot read the store, or its absence."""
    table = _table_of(app.recorder)
    cipher: Cipher | None = app.mapper.cipher
    found = table.read()
    if found is None:
        _check_first_event(app, cipher)
        mode = CLEAR if cipher is None else ENCRYPTED
        table.write_once(mode, None if cipher is None else cipher.encrypt(CANARY))
        found = table.read()
        assert found is not None
    mode, canary = found
    if mode == ENCRYPTED and cipher is None:
        raise CipherKeyError(NO_KEY)
    if mode == CLEAR and cipher is not None:
        raise CipherKeyError(CLEAR_STORE)
    if cipher is not None and not _decrypts(cipher, canary or b"", CANARY):
        raise CipherKeyError(WRONG_KEY)


def _check_first_event(app: Logis, cipher: Cipher | None) -> None:
    """A store written before the check: its first event tells how."""
    first = app.recorder.select_notifications(start=None, limit=1)
    if not first:
        return
    state = bytes(first[0].state)
    if _is_clear(state):
        if cipher is not None:
            raise CipherKeyError(CLEAR_STORE)
        return
    if cipher is None:
        raise CipherKeyError(NO_KEY)
    if not _decrypts(cipher, state, None):
        raise CipherKeyError(WRONG_KEY)


def _decrypts(cipher: Cipher, ciphertext: bytes, expected: bytes | None) -> bool:
    try:
        plain = cipher.decrypt(ciphertext)
    except ValueError:  # AESCipher: "Invalid cipher tag", damaged text
        return False
    return expected is None or plain == expected


def _is_clear(state: bytes) -> bool:
    try:
        json.loads(state)
    except ValueError:
        return False
    return True
