"""`logis verify` checks the records' snapshots (infra/ledger/snapshot_check.py):
each is the replay of its record's events up to its version, or the store is
compromised. A snapshot's state altered directly in the database (in clear, or
re-encrypted under a household's key read from the same database) is named;
deleted snapshots or a household's erased key are harmless. Under
LOGIS_CIPHER_KEY a load does not trust a snapshot the key did not seal. On
SQLite and PostgreSQL; snapshots every 2 versions (1 under the cipher key)."""

from __future__ import annotations

import base64
import json
import os
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.department import department_id
from infra.bootstrap import build_system
from infra.household_keys import keys_of
from tests.helpers import raw_sql
from tests.helpers.api import MAIRIE_AVIS, SOCIAL_ENQUIRY, WITHDRAWAL, drive_dossier
from tests.helpers.backends import EVERY_STORE
from tests.helpers.prepared_stores import default_settings
from tests.helpers.projections import adopt_departments, open_system

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from infra.settings import Settings

pytestmark = EVERY_STORE

NAME = "Marie-Josée Lordinot"  # tests/helpers/api.py's identification
FORGED = "Jean Dupont"
PATH = [SOCIAL_ENQUIRY, MAIRIE_AVIS, WITHDRAWAL]
CIPHER_KEY = base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The app's settings, snapshotting every 2 versions."""
    return default_settings(database_url, snapshot_interval=2)


class Snapshots:
    """The snapshots' table, reached behind the application's back."""

    def __init__(self, settings: Settings) -> None:
        self.url, self.postgres = settings.database_url, settings.is_postgres
        prefix = "logis_" if self.postgres else ""
        self.table, self.keys = f"{prefix}record_snapshots", f"{prefix}household_keys"

    def param(self, record_id: UUID) -> Any:
        return record_id if self.postgres else record_id.hex

    def rows(self, record_id: UUID) -> dict[int, dict[str, Any]]:
        """The record's snapshots by version."""
        columns = "originator_version, fingerprint, event_hash, household_id, state"
        found = raw_sql.execute(
            self.url,
            f"SELECT {columns} FROM {self.table} WHERE originator_id = ?",
            (self.param(record_id),),
        )
        return {
            row[0]: dict(zip(columns.split(", "), row, strict=True)) for row in found
        }

    def count(self) -> int:
        ((n,),) = raw_sql.execute(self.url, f"SELECT COUNT(*) FROM {self.table}")
        return int(n)

    def set_state(self, record_id: UUID, version: int, state: bytes) -> None:
        raw_sql.execute(
            self.url,
            f"UPDATE {self.table} SET state = ? "
            "WHERE originator_id = ? AND originator_version = ?",
            (state, self.param(record_id), version),
        )

    def household_key(self, household_id: Any) -> bytes:
        ((key,),) = raw_sql.execute(
            self.url,
            f"SELECT key FROM {self.keys} WHERE household_id = ?",
            (household_id,),
        )
        return bytes(key)


@pytest.fixture
def snapshots(settings: Settings) -> Snapshots:
    return Snapshots(settings)


def withdrawn(client: TestClient) -> UUID:
    """A dossier of four events, read once: snapshots at versions 2 and 4."""
    dossier_id = drive_dossier(client, to="retire", path=PATH)
    read = client.get(f"/v1/dossiers/{dossier_id}")
    assert read.status_code == 200, read.text
    return UUID(dossier_id)


def department_snapshotted(client: TestClient) -> UUID:
    """Department 972's record (no personal data: stored as the events are),
    loaded once so that it is snapshotted."""
    record_id = department_id("972")
    client.app.state.system.app._find(record_id)  # type: ignore[attr-defined]
    return record_id


def verify_json(logis: Any, *args: str) -> tuple[int, dict[str, Any]]:
    status, out = logis("verify", "--format", "json", *args)
    return status, json.loads(out)


def assert_named(logis: Any, record_id: UUID, version: int) -> dict[str, Any]:
    status, out = logis("verify")
    assert status == 1, out
    assert out.splitlines()[0].startswith("Intégrité vérifiée : ")  # the events
    assert "Instantanés compromis" in out
    assert f"enregistrement {record_id}, version {version}" in out
    status, report = verify_json(logis)
    assert status == 1
    assert report["verified"] is False
    assert report["mismatch"] is None  # the events' chain holds
    found = report["snapshots"]
    assert found["verified"] is False
    assert found["altered"] == 1
    (mismatch,) = found["mismatches"]
    assert mismatch["kind"] == "snapshot_altered"
    assert (mismatch["originator_id"], mismatch["version"]) == (
        str(record_id),
        version,
    )
    status, alone = verify_json(logis, "--aggregate", str(record_id))
    assert status == 1
    assert alone["snapshots"]["mismatches"] == [mismatch]
    return found


def test_a_store_with_snapshots_verifies(
    client: TestClient, department: str, snapshots: Snapshots, logis: Any
) -> None:
    dossier_id = withdrawn(client)
    department = department_snapshotted(client)
    assert sorted(snapshots.rows(dossier_id)) == [2, 4]
    assert snapshots.rows(department)
    total = snapshots.count()
    status, out = logis("verify")
    assert status == 0, out
    assert (
        f"Instantanés vérifiés : {total} instantanés, chacun égal au rejeu des "
        "événements de son enregistrement" in out
    )
    status, report = verify_json(logis)
    assert status == 0, report
    assert report["verified"] is True
    assert report["snapshots"]["verified"] is True
    assert report["snapshots"]["checked"] == total
    assert report["snapshots"]["altered"] == 0
    status, alone = verify_json(logis, "--aggregate", str(dossier_id))
    assert status == 0
    assert alone["snapshots"]["checked"] == 2


def test_a_snapshot_altered_in_clear_is_named(
    client: TestClient, department: str, snapshots: Snapshots, logis: Any
) -> None:
    record_id = department_snapshotted(client)
    version, row = max(snapshots.rows(record_id).items())
    state = bytes(row["state"])
    forged = state.replace(b'"late_entry_days":3650', b'"late_entry_days":9999')
    assert forged != state
    snapshots.set_state(record_id, version, forged)
    assert_named(logis, record_id, version)


def test_a_snapshot_re_encrypted_under_its_household_key_is_named(
    client: TestClient, department: str, snapshots: Snapshots, logis: Any
) -> None:
    dossier_id = withdrawn(client)
    row = snapshots.rows(dossier_id)[4]
    # Without LOGIS_CIPHER_KEY the household's key is in the database: whoever
    # can write to it can read it, and seal a state of their own (the AAD is
    # infra/snapshots.py's).
    aead = AESGCM(snapshots.household_key(row["household_id"]))
    aad = f"{dossier_id.hex}/4/{row['event_hash']}/{row['fingerprint']}".encode()
    state = bytes(row["state"])
    plain = aead.decrypt(state[:12], state[12:], aad)
    forged = plain.replace(NAME.encode("unicode_escape"), FORGED.encode())
    forged = forged.replace(NAME.encode(), FORGED.encode())
    assert forged != plain
    nonce = os.urandom(12)
    snapshots.set_state(dossier_id, 4, nonce + aead.encrypt(nonce, forged, aad))
    # Loads trust it (a key outside the database would be needed to tell):
    # another process's, which has not the record in memory yet, shows it;
    # `logis verify` is what tells.
    other = open_system(snapshots.url)
    try:
        assert other.app.get("dossier", dossier_id).applicant_name == FORGED
    finally:
        other.close()
    assert_named(logis, dossier_id, 4)


def test_an_unreadable_snapshot_is_passed_over_by_loads_and_named(
    client: TestClient, department: str, snapshots: Snapshots, logis: Any
) -> None:
    record_id = department_snapshotted(client)
    version = max(snapshots.rows(record_id))
    snapshots.set_state(record_id, version, b"\x00not a state")
    other = open_system(snapshots.url)  # without the record in memory
    try:
        loaded = other.app._find(record_id)
        assert loaded.version == version
        assert vars(loaded) == vars(replayed(other, record_id))
    finally:
        other.close()
    assert_named(logis, record_id, version)


def test_deleted_snapshots_are_harmless(
    client: TestClient, department: str, snapshots: Snapshots, logis: Any
) -> None:
    dossier_id = withdrawn(client)
    raw_sql.execute(
        snapshots.url,
        f"DELETE FROM {snapshots.table} WHERE originator_id = ? "
        "AND originator_version = 4",
        (snapshots.param(dossier_id),),
    )
    status, report = verify_json(logis)
    assert status == 0, report
    assert report["snapshots"]["checked"] == snapshots.count()
    raw_sql.execute(snapshots.url, f"DELETE FROM {snapshots.table}")
    status, report = verify_json(logis)
    assert status == 0, report
    assert report["snapshots"]["checked"] == 0


def test_a_snapshot_of_an_erased_household_is_counted_as_erased(
    client: TestClient, department: str, snapshots: Snapshots, logis: Any
) -> None:
    dossier_id = withdrawn(client)
    household = UUID(client.get(f"/v1/dossiers/{dossier_id}").json()["household_id"])
    # The key destroyed alone, the snapshots left (as an interrupted erasure
    # would): they can no longer be read, nor checked.
    system = client.app.state.system  # type: ignore[attr-defined]
    keys_of(system.app).erase(household, "test")
    status, report = verify_json(logis)
    assert status == 0, report
    assert report["snapshots"]["erased"] == 2
    assert report["snapshots"]["checked"] == snapshots.count() - 2


def test_under_the_cipher_key_a_load_trusts_no_snapshot_moved_to_another_version(
    database_url: str,
    snapshots: Snapshots,
    logis: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOGIS_CIPHER_KEY", CIPHER_KEY)
    settings = default_settings(
        database_url, snapshot_interval=1, cipher_key=CIPHER_KEY
    )
    system = build_system(settings)
    try:
        adopt_departments(system.app, ["972"])
        record_id = department_id("972")
        system.app._find(record_id)  # snapshotted at each version
        rows = snapshots.rows(record_id)
        last = max(rows)
        assert last - 1 in rows
        # The earlier version's ciphered state put in place of the last one's:
        # the store's cipher key decrypts it, as it decrypts any of them.
        snapshots.set_state(record_id, last, bytes(rows[last - 1]["state"]))
        found = assert_named(logis, record_id, last)
        assert "authentification" in found["mismatches"][0]["message"]
        other = build_system(settings)  # without the record in memory
        try:
            loaded = other.app._find(record_id)
        finally:
            other.close()
        assert loaded.version == last
        assert vars(loaded) == vars(replayed(system, record_id))
    finally:
        system.close()


def replayed(system: Any, record_id: UUID) -> Any:
    aggregate = None
    for event in system.app.events.get(record_id):
        aggregate = event.mutate(aggregate)
    return aggregate
