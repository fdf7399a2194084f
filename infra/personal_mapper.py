"""The mapper that makes personal data erasable (crypto-shredding).

Selected with MAPPER_TOPIC (infra/settings.py). On writing, each value an event
class declares in `PERSONAL` (domain/personal.py) is encrypted with AES-GCM
under the key of the event's household (infra/household_keys.py) and stored in
its place as

    {"__erasable__": household hex, "nonce": …, "ct": …, "erased": <erased value>}

(the ciphertext authenticates the record's id and the field's path). A value in
an item of a list (a commission's decision on one dossier: `ranked[].motive`)
is encrypted under the key of the household of the dossier the item names, so
erasing one household leaves the others' motives readable. On reading,
the value is decrypted; once the household's key is destroyed, it reads as its
erased value. Values stored before this mapper existed (no marker) read as they
are. The event's household: its creation event names it (`household_id`), and
the record's later events are found through `household_subjects`.

The library's cipher (CIPHER_TOPIC) still applies to the whole state after this,
and the seals (infra/ledger/) hash the bytes finally stored: an erasure never
rewrites them.
"""

from __future__ import annotations

import base64
import os
from binascii import a2b_base64
from typing import TYPE_CHECKING, Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, MapperDeserialisationError

from domain.personal import (
    erased_value,
    item_of,
    personal_fields,
    personal_values,
    replace_value,
    value_at,
)
from infra.store import shared_uuid

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.domain import DomainEventProtocol
    from eventsourcing.persistence import StoredEvent

    from infra.household_keys import HouseholdKeys

MARK = "__erasable__"
NONCE_BYTES = 12
CIPHERS_KEPT = 4096


class ErasableMapper(Mapper[UUID]):
    keys: HouseholdKeys | None = None
    recorder: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ciphers: dict[bytes, AESGCM] = {}

    def attach(self, keys: HouseholdKeys, recorder: Any) -> None:
        """Give the mapper the store's key tables (bootstrap does it)."""
        self.keys = keys
        self.recorder = recorder

    # ---- writing ------------------------------------------------------------------

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        state = dict(vars(domain_event))
        originator_id: UUID = state["originator_id"]
        household = state.get("household_id")
        if isinstance(household, UUID) and state["originator_version"] == 1:
            self._keys().record_subject(originator_id, household)
        present = personal_values(state, personal_fields(type(domain_event)))
        if not present:
            return super().to_stored_event(domain_event)
        for path in present:
            value = value_at(state, path)
            item = item_of(path)
            household = (
                self._household_of(originator_id)
                if item is None
                else self._household_of_item(state[item[0]][item[1]])
            )
            if household is None:  # an item naming no household Logis knows
                continue
            key = self._keys().key_for_writing(household)
            replace_value(
                state, path, self._encrypt(key, household, originator_id, path, value)
            )
        sealed = object.__new__(type(domain_event))
        object.__setattr__(sealed, "__dict__", state)
        return super().to_stored_event(sealed)

    def _encrypt(
        self, key: bytes, household: UUID, originator_id: UUID, path: str, value: Any
    ) -> dict[str, Any]:
        nonce = os.urandom(NONCE_BYTES)
        plain = self.transcoder.encode(value)
        sealed = AESGCM(key).encrypt(nonce, plain, _aad(originator_id, path))
        return {
            MARK: household.hex,
            "nonce": base64.b64encode(nonce).decode("ascii"),
            "ct": base64.b64encode(sealed).decode("ascii"),
            "erased": erased_value(value),
        }

    # ---- reading ------------------------------------------------------------------

    def to_sealed_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        """The event with its personal values left as stored, sealed: for a
        reader that never uses them (the relay publishes none)."""
        return super().to_domain_event(stored_event)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        event = super().to_domain_event(stored_event)
        self._open(event, stored_event, self._markers(event))
        return event

    def to_domain_events(
        self, stored_events: Sequence[StoredEvent]
    ) -> list[DomainEventProtocol[UUID]]:
        """`to_domain_event` of each, their households' keys read together
        (once the cache has let them go, one query instead of one each)."""
        events = [Mapper.to_domain_event(self, s) for s in stored_events]
        markers = [self._markers(event) for event in events]
        self._keys().preload(
            {shared_uuid(m[MARK]) for found in markers for _, m in found}
        )
        for event, stored, found in zip(events, stored_events, markers, strict=True):
            self._open(event, stored, found)
        return events

    def _markers(self, event: Any) -> list[tuple[str, dict[str, Any]]]:
        """The event's personal values stored encrypted: (path, marker)."""
        paths = personal_fields(type(event))
        if not paths:
            return []
        state = vars(event)
        return [
            (path, marker)
            for path in personal_values(state, paths)
            if isinstance(marker := value_at(state, path), dict) and MARK in marker
        ]

    def _open(
        self, event: Any, stored: StoredEvent, markers: list[tuple[str, Any]]
    ) -> None:
        """Decrypt the event's `markers` in place."""
        state = vars(event)
        for path, marker in markers:
            try:
                value = self._decrypt(marker, stored.originator_id, path)
            except (InvalidTag, ValueError, KeyError) as error:
                msg = (
                    f"Cannot decrypt {path} of {stored.topic} "
                    f"{stored.originator_id} v{stored.originator_version}: {error!r}"
                )
                raise MapperDeserialisationError(msg) from error
            replace_value(state, path, value)

    def _decrypt(self, marker: dict[str, Any], originator_id: Any, path: str) -> Any:
        key = self._keys().key(shared_uuid(marker[MARK]))
        if key is None:
            return marker["erased"]
        plain = self._cipher(key).decrypt(
            a2b_base64(marker["nonce"]),
            a2b_base64(marker["ct"]),
            _aad(originator_id, path),
        )
        if plain[:1] == b'"' and b"\\" not in plain:  # a plain string: no hook
            return plain[1:-1].decode()
        return self.transcoder.decode(plain)

    def _cipher(self, key: bytes) -> AESGCM:
        """The AES-GCM cipher of a key, kept while keys are read again (a
        household's events come together)."""
        ciphers = self.ciphers
        cipher = ciphers.get(key)
        if cipher is None:
            if len(ciphers) >= CIPHERS_KEPT:
                ciphers.clear()
            cipher = ciphers[key] = AESGCM(key)
        return cipher

    # ---- the household ------------------------------------------------------------

    def _keys(self) -> HouseholdKeys:
        if self.keys is None:
            msg = "ErasableMapper used before attach(): see infra/bootstrap.py."
            raise RuntimeError(msg)
        return self.keys

    def _household_of_item(self, item: dict[str, Any]) -> UUID | None:
        """A list item's household: that of the dossier it names."""
        dossier_id = item.get("dossier_id")
        if dossier_id is None:
            return None
        if not isinstance(dossier_id, UUID):
            dossier_id = UUID(str(dossier_id))
        return self._keys().household_of(dossier_id)

    def _household_of(self, originator_id: UUID) -> UUID:
        keys = self._keys()
        household = keys.household_of(originator_id)
        if household is not None:
            return household
        # A record created before this mapper existed: its creation event (in
        # clear, or readable) names the household; remember it.
        stored = self.recorder.select_events(originator_id, lte=1, limit=1)
        first = self.to_domain_event(stored[0]) if stored else None
        household = getattr(first, "household_id", None)
        if not isinstance(household, UUID):
            msg = f"No household known for record {originator_id}."
            raise LookupError(msg)
        keys.record_subject(originator_id, household)
        return household


def _aad(originator_id: Any, path: str) -> bytes:
    hex_id = originator_id.hex if isinstance(originator_id, UUID) else originator_id
    return f"{hex_id}/{path}".encode()
