"""Personal values in the views, sealed under their household's key.

A view's table declares its personal columns (`Table.personal`: column → the
column naming the record whose household they belong to). Written, such a value
is stored as one string

    erasable:v1:<household hex>:<base64 of nonce + AES-GCM ciphertext>

under the same key as the household's events (infra/household_keys.py), the
record's id and the column authenticated with it; read, it is opened again.
Destroying the key (the erasure) thus makes every copy unreadable at once: the
active generation, one being built, retired ones, backups, free pages. A value
whose key is destroyed reads, and is written, as its erased value
(domain/personal.py). A record no household is known for (a programme, a
commission) keeps its values as they are.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.personal import ERASED, erased_value
from infra.household_keys import HouseholdErasedError, HouseholdKeys

PREFIX = "erasable:v1:"
NONCE_BYTES = 12


def is_sealed(stored: Any) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


def sealer_of(app: Any) -> ColumnSealer | None:
    """The sealer of a Logis application's store; None for a store without
    household keys (in memory)."""
    keys = getattr(app.recorder, "household_keys", None)
    return ColumnSealer(keys) if isinstance(keys, HouseholdKeys) else None


class ColumnSealer:
    def __init__(self, keys: HouseholdKeys) -> None:
        self.keys = keys

    def seal(self, record_id: Any, column: str, value: Any) -> Any:
        """What to store for `value` of `column` in the row of `record_id`."""
        if value is None or value == ERASED or not isinstance(record_id, UUID):
            return value
        household = self.keys.household_of(record_id)
        if household is None:
            return value
        try:
            key = self.keys.key_for_writing(household)
        except HouseholdErasedError:
            return erased_value(value)
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(value, default=str, ensure_ascii=False).encode()
        sealed = AESGCM(key).encrypt(nonce, plain, _aad(record_id, column))
        token = base64.b64encode(nonce + sealed).decode("ascii")
        return f"{PREFIX}{household.hex}:{_shape(value)}:{token}"

    def open(self, record_id: Any, column: str, stored: Any) -> Any:
        """The value `stored` holds; its erased value once the key is destroyed."""
        if not is_sealed(stored):
            return stored
        household, shape, token = stored.removeprefix(PREFIX).split(":", 2)
        key = self.keys.key(UUID(hex=household))
        if key is None:
            return erased_value(SHAPES[shape])
        raw = base64.b64decode(token)
        try:
            plain = AESGCM(key).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(record_id, column)
            )
        except InvalidTag as error:
            msg = f"Cannot open the sealed {column} of {record_id}"
            raise ValueError(msg) from error
        return json.loads(plain)


# The value's JSON shape, kept in clear so an erased value keeps its type.
SHAPES: dict[str, Any] = {"s": "", "l": [], "d": {}, "o": None}


def _shape(value: Any) -> str:
    if isinstance(value, str):
        return "s"
    if isinstance(value, list | tuple):
        return "l"
    if isinstance(value, dict):
        return "d"
    return "o"


def _aad(record_id: UUID, column: str) -> bytes:
    return f"{record_id.hex}/{column}".encode()
