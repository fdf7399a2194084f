"""The snapshots of records without personal data, sealed under LOGIS_CIPHER_KEY
(infra/snapshots.py): AES-GCM under a key derived from it, authenticating the
record, the version, its last event's seal and the code's fingerprint, as a
household's snapshot is under the household's key.

The key is not in the database (as the households' keys are not, once wrapped
under the same LOGIS_CIPHER_KEY): someone who can write to the database but
does not hold it cannot make a load trust a state of their own, nor move a
snapshot to another record or version. Without LOGIS_CIPHER_KEY there is no
such key: a snapshot is trusted as the events are, and `logis verify` replays
each (infra/ledger/snapshot_check.py).
"""

from __future__ import annotations

import os

from infra.household_keys import derived_aead

NONCE_BYTES = 12
SEALING_INFO = b"logis.record-snapshots.v1"  # the derived key serves nothing else


class SnapshotSealing:
    def __init__(self, cipher_key: bytes) -> None:
        self._aead = derived_aead(cipher_key, SEALING_INFO)

    def seal(self, plain: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plain, aad)

    def open(self, sealed: bytes, aad: bytes) -> bytes:
        """The state; cryptography's InvalidTag if it is not authentic."""
        return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
