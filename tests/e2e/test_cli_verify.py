"""`logis verify` and `logis anchor`, the real executable, on the demo's SQLite
store: untouched it verifies; an event altered, deleted or inserted directly in
the file makes it exit 1 naming that event; a published anchor catches a chain
recomputed from scratch. With snapshots (the demo loaded snapshotting every 4
versions), a snapshot's state altered in the file is named; deleting snapshots
is harmless."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

import pytest

from infra.ledger import GENESIS, chain_hash, event_hash
from tests.e2e.support import run_logis

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path


@dataclass(frozen=True)
class Store:
    path: Path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def logis(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_logis(*args, database_url=self.url, cwd=self.path.parent)

    def execute(self, statement: str, params: tuple[object, ...] = ()) -> list[tuple]:
        with sqlite3.connect(self.path) as conn:
            rows = conn.execute(statement, params).fetchall()
        conn.close()
        return rows

    def event(self, position: int) -> tuple[str, int, str, bytes]:
        (row,) = self.execute(
            "SELECT originator_id, originator_version, topic, state "
            "FROM stored_events WHERE rowid = ?",
            (position,),
        )
        return row


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's store, loaded once by `logis demo`."""
    path = tmp_path_factory.mktemp("verify-demo") / "logis.sqlite3"
    loaded = run_logis("demo", database_url=f"sqlite:///{path}", cwd=path.parent)
    assert loaded.returncode == 0, loaded.stderr
    return path


@pytest.fixture(scope="module")
def snapshotted_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's store, loaded once snapshotting every 4 versions."""
    path = tmp_path_factory.mktemp("verify-snapshots") / "logis.sqlite3"
    loaded = run_logis(
        "demo",
        database_url=f"sqlite:///{path}",
        cwd=path.parent,
        env={"LOGIS_SNAPSHOT_INTERVAL": "4"},
    )
    assert loaded.returncode == 0, loaded.stderr
    return path


def copied(original: Path, folder: Path) -> Store:
    """A copy of a store, for a test to tamper with."""
    copy = folder / "logis.sqlite3"
    with sqlite3.connect(original) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    return Store(copy)


@pytest.fixture
def store(demo: Path, tmp_path: Path) -> Store:
    """A copy of the demo's store, for this test to tamper with."""
    return copied(demo, tmp_path)


@pytest.fixture
def snapshotted(snapshotted_demo: Path, tmp_path: Path) -> Store:
    """A copy of the demo's store with snapshots, for this test to tamper with."""
    return copied(snapshotted_demo, tmp_path)


def count(store: Store) -> int:
    ((n,),) = store.execute("SELECT COUNT(*) FROM stored_events")
    return int(n)


def test_untouched_store_verifies_and_anchors(store: Store) -> None:
    events = count(store)
    anchored = store.logis("anchor")
    assert anchored.returncode == 0, anchored.stderr
    anchor = json.loads(anchored.stdout)
    assert anchor["position"] == anchor["events"] == events
    assert len(anchor["chain_hash"]) == 64

    verified = store.logis("verify", "--anchor", f"{events}:{anchor['chain_hash']}")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.splitlines()[0] == (
        f"Intégrité vérifiée : {events} événements, chaîne jusqu'à la position "
        f"{events}, empreinte {anchor['chain_hash']}"
    )


def test_altered_event_is_named(store: Store) -> None:
    originator_id, version, _, state = store.event(100)
    store.execute(
        "UPDATE stored_events SET state = ? WHERE rowid = 100", (state + b" ",)
    )
    result = store.logis("verify")
    assert result.returncode == 1
    assert "Intégrité compromise : Événement altéré à la position 100" in result.stdout
    assert f"agrégat : {originator_id} ; version : {version}" in result.stdout

    alone = store.logis("verify", "--aggregate", str(originator_id))
    assert alone.returncode == 1
    assert "Événement altéré à la position 100" in alone.stdout


def test_deleted_event_is_named(store: Store) -> None:
    originator_id, version, _, _ = store.event(200)
    store.execute("DELETE FROM stored_events WHERE rowid = 200")
    result = store.logis("verify", "--format", "json")
    assert result.returncode == 1
    mismatch = json.loads(result.stdout)["mismatch"]
    assert mismatch["kind"] == "deleted"
    assert (mismatch["position"], mismatch["originator_id"], mismatch["version"]) == (
        200,
        originator_id,
        version,
    )
    assert mismatch["message"].startswith("Événement supprimé à la position 200")


def test_inserted_event_is_named(store: Store) -> None:
    events = count(store)
    originator_id, _, topic, state = store.event(events)
    (latest,) = store.execute(
        "SELECT MAX(originator_version) FROM stored_events WHERE originator_id = ?",
        (originator_id,),
    )
    store.execute(
        "INSERT INTO stored_events VALUES (?, ?, ?, ?)",
        (originator_id, latest[0] + 1, topic, state),
    )
    result = store.logis("verify")
    assert result.returncode == 1
    assert (
        f"Événement inséré à la position {events + 1} (agrégat {originator_id}, "
        f"version {latest[0] + 1})"
    ) in result.stdout


def test_published_anchor_catches_a_resealed_store(store: Store) -> None:
    anchor = json.loads(store.logis("anchor").stdout)
    _, _, _, state = store.event(10)
    store.execute(
        "UPDATE stored_events SET state = ? WHERE rowid = 10", (state + b" ",)
    )
    # The forger recomputes every seal, as the README's algorithm says.
    store.execute("DELETE FROM event_seals")
    chain, last = GENESIS, {}
    for position, originator_id, version, topic, state in store.execute(
        "SELECT rowid, originator_id, originator_version, topic, state "
        "FROM stored_events ORDER BY rowid"
    ):
        own = event_hash(
            originator_id, version, topic, state, last.get(originator_id, GENESIS)
        )
        chain, last[originator_id] = chain_hash(chain, position, own), own
        store.execute(
            "INSERT INTO event_seals VALUES (?, ?, ?, ?, ?)",
            (position, originator_id, version, own.hex(), chain.hex()),
        )
    assert store.logis("verify").returncode == 0

    published = f"{anchor['position']}:{anchor['chain_hash']}"
    result = store.logis("verify", "--anchor", published)
    assert result.returncode == 1
    assert f"Ancre non conforme à la position {anchor['position']}" in result.stdout


def test_malformed_anchor_is_refused_in_french(store: Store) -> None:
    result = store.logis("verify", "--anchor", "12:abc")
    assert result.returncode == 2
    assert "ancre attendue sous la forme POSITION:EMPREINTE" in result.stderr


def test_store_with_snapshots_verifies_them(snapshotted: Store) -> None:
    ((total, records),) = snapshotted.execute(
        "SELECT COUNT(*), COUNT(DISTINCT originator_id) FROM record_snapshots"
    )
    assert total > 0
    result = snapshotted.logis("verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        f"Instantanés vérifiés : {total} instantanés, chacun égal au rejeu des "
        f"événements de son enregistrement ({records} enregistrements ; 0 "
        "illisibles, clé du ménage effacée ; 0 écartés"
    ) in result.stdout


def test_altered_snapshot_is_named(snapshotted: Store) -> None:
    # A programme (no personal data: in clear) handed to another landlord, whose
    # agents would then read its dwellings and candidates.
    ((originator_id, version, state),) = snapshotted.execute(
        "SELECT originator_id, originator_version, state FROM record_snapshots "
        "WHERE household_id IS NULL AND CAST(state AS TEXT) LIKE "
        '\'%"landlord":"SIMAR"%\' ORDER BY originator_version DESC LIMIT 1'
    )
    forged = state.replace(b'"landlord":"SIMAR"', b'"landlord":"Ozanam"')
    snapshotted.execute(
        "UPDATE record_snapshots SET state = ? "
        "WHERE originator_id = ? AND originator_version = ?",
        (forged, originator_id, version),
    )
    record = str(UUID(originator_id))
    result = snapshotted.logis("verify")
    assert result.returncode == 1
    assert "Intégrité vérifiée : " in result.stdout  # the events' chain holds
    assert "Instantanés compromis : 1 instantané(s)" in result.stdout
    assert (
        f"Instantané altéré (enregistrement {record}, version {version}) : son "
        f"état n'est pas celui que donnent les événements 1 à {version}"
    ) in result.stdout

    report = json.loads(snapshotted.logis("verify", "--format", "json").stdout)
    assert report["verified"] is False
    (mismatch,) = report["snapshots"]["mismatches"]
    assert (mismatch["kind"], mismatch["originator_id"], mismatch["version"]) == (
        "snapshot_altered",
        record,
        version,
    )


def test_deleted_snapshots_are_harmless(snapshotted: Store) -> None:
    snapshotted.execute(
        "DELETE FROM record_snapshots WHERE rowid IN "
        "(SELECT rowid FROM record_snapshots ORDER BY rowid LIMIT 10)"
    )
    assert snapshotted.logis("verify").returncode == 0
    snapshotted.execute("DELETE FROM record_snapshots")
    result = snapshotted.logis("verify")
    assert result.returncode == 0, result.stdout
    assert "Instantanés vérifiés : 0 instantanés" in result.stdout
