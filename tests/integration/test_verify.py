"""Tamper evidence on each store: events written through the API, then altered,
deleted, inserted, moved or resealed directly in the database; `logis verify`
names the first event that does not match, and `GET .../verify` too."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest

from infra.ledger import GENESIS, chain_hash, event_hash, id_text
from tests.helpers import raw_sql
from tests.helpers.api import drive_dossier
from tests.helpers.backends import EVERY_STORE

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from infra.settings import Settings

pytestmark = [EVERY_STORE, pytest.mark.usefixtures("department")]


@dataclass(frozen=True)
class Row:
    position: int
    originator_id: str
    version: int
    topic: str
    state: bytes


class Database:
    """The store's tables, reached behind the application's back."""

    def __init__(self, settings: Settings) -> None:
        self.postgres = settings.is_postgres
        if self.postgres:
            self.events, self.seals, self.position = (
                "logis_events",
                "logis_event_seals",
                "notification_id",
            )
        else:
            self.events, self.seals, self.position = (
                "stored_events",
                "event_seals",
                "rowid",
            )
        self.url = settings.database_url

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        return raw_sql.execute(self.url, statement, params)

    def originator(self, originator_id: str) -> Any:
        return UUID(originator_id) if self.postgres else originator_id

    def rows(self) -> list[Row]:
        return [
            Row(p, id_text(o), v, t, bytes(s))
            for p, o, v, t, s in self.execute(
                f"SELECT {self.position}, originator_id, originator_version, topic, "
                f"state FROM {self.events} ORDER BY {self.position}"
            )
        ]

    def rows_of(self, dossier_id: str) -> list[Row]:
        return [r for r in self.rows() if r.originator_id == UUID(dossier_id).hex]

    def alter_event(self, position: int, column: str, value: Any) -> None:
        self.execute(
            f"UPDATE {self.events} SET {column} = ? WHERE {self.position} = ?",
            (value, position),
        )

    def delete_event(self, position: int) -> None:
        self.execute(
            f"DELETE FROM {self.events} WHERE {self.position} = ?", (position,)
        )

    def insert_event(self, row: Row, *, position: int | None = None) -> int:
        columns = "originator_id, originator_version, topic, state"
        values: tuple[Any, ...] = (
            self.originator(row.originator_id),
            row.version,
            row.topic,
            row.state,
        )
        if position is not None:
            columns = f"{self.position}, {columns}"
            values = (position, *values)
        self.execute(
            f"INSERT INTO {self.events} ({columns}) "
            f"VALUES ({', '.join('?' for _ in values)})",
            values,
        )
        (found,) = self.execute(
            f"SELECT {self.position} FROM {self.events} "
            "WHERE originator_id = ? AND originator_version = ?",
            values[-4:-2],
        )
        return int(found[0])

    def reseal_everything(self) -> None:
        """What a forger who knows the algorithm does: every seal recomputed."""
        self.execute(f"DELETE FROM {self.seals}")
        chain, last = GENESIS, {}
        for r in self.rows():
            own = event_hash(
                r.originator_id,
                r.version,
                r.topic,
                r.state,
                last.get(r.originator_id, GENESIS),
            )
            chain = chain_hash(chain, r.position, own)
            last[r.originator_id] = own
            self.execute(
                f"INSERT INTO {self.seals} (notification_id, originator_id, "
                "originator_version, event_hash, chain_hash) VALUES (?, ?, ?, ?, ?)",
                (
                    r.position,
                    self.originator(r.originator_id),
                    r.version,
                    own.hex(),
                    chain.hex(),
                ),
            )


@pytest.fixture
def database(settings: Settings) -> Database:
    return Database(settings)


@pytest.fixture
def dossiers(client: TestClient) -> list[str]:
    """Three dossiers, three events each, after the department's settings."""
    return [drive_dossier(client, to="avis_mairie_rendu") for _ in range(3)]


def verify_json(logis: Any, *args: str) -> tuple[int, dict[str, Any]]:
    status, out = logis("verify", "--format", "json", *args)
    return status, json.loads(out)


def assert_names(
    logis: Any, kind: str, position: int | None, row: Row, *args: str
) -> dict[str, Any]:
    status, report = verify_json(logis, *args)
    assert status == 1, report
    assert report["verified"] is False
    mismatch = report["mismatch"]
    assert (mismatch["kind"], mismatch["position"]) == (kind, position), mismatch
    assert (mismatch["originator_id"], mismatch["version"]) == (
        row.originator_id,
        row.version,
    )
    return mismatch


class TestVerifyStore:
    def test_untouched_store_verifies(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        rows = database.rows()
        status, out = logis("verify")
        assert status == 0, out
        status, anchor_line = logis("anchor")
        anchor = json.loads(anchor_line)
        assert anchor["position"] == rows[-1].position
        assert anchor["events"] == len(rows)
        assert out.splitlines()[0] == (
            f"Intégrité vérifiée : {len(rows)} événements, chaîne jusqu'à la "
            f"position {rows[-1].position}, empreinte {anchor['chain_hash']}"
        )
        status, report = verify_json(
            logis, "--anchor", f"{anchor['position']}:{anchor['chain_hash']}"
        )
        assert status == 0
        assert report["verified"] is True
        assert report["events"] == len(rows)

    def test_altered_event_is_named(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        target = database.rows_of(dossiers[1])[0]
        forged = target.state.replace(b'"dalo":false', b'"dalo":true')
        assert forged != target.state
        database.alter_event(target.position, "state", forged)
        status, out = logis("verify")
        assert status == 1
        assert f"Événement altéré à la position {target.position}" in out
        assert target.originator_id in out
        assert_names(logis, "altered", target.position, target)

    def test_deleted_event_is_named(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        target = database.rows_of(dossiers[0])[1]
        database.delete_event(target.position)
        assert_names(logis, "deleted", target.position, target)

    def test_deleted_event_and_seal_break_the_chain_there(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        target = database.rows_of(dossiers[0])[1]
        after = next(r for r in database.rows() if r.position > target.position)
        for table, column in (
            (database.events, database.position),
            (database.seals, "notification_id"),
        ):
            database.execute(
                f"DELETE FROM {table} WHERE {column} = ?", (target.position,)
            )
        assert_names(logis, "seal_altered", after.position, after)

    def test_inserted_event_is_named(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        last = database.rows_of(dossiers[2])[-1]
        forged = Row(0, last.originator_id, last.version + 1, last.topic, last.state)
        position = database.insert_event(forged)
        assert_names(logis, "inserted", position, forged)

    def test_event_slipped_in_with_a_forged_seal_is_named(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        # A forger who knows the algorithm backdates a new record before the first
        # event, sealed as the chain's first link: the real first link no longer
        # follows it, and would without it.
        model = database.rows_of(dossiers[0])[0]
        forged = Row(0, uuid4().hex, 1, model.topic, model.state)
        database.insert_event(forged, position=0)
        own = event_hash(forged.originator_id, 1, forged.topic, forged.state, GENESIS)
        database.execute(
            f"INSERT INTO {database.seals} (notification_id, originator_id, "
            "originator_version, event_hash, chain_hash) VALUES (0, ?, 1, ?, ?)",
            (
                database.originator(forged.originator_id),
                own.hex(),
                chain_hash(GENESIS, 0, own).hex(),
            ),
        )
        assert_names(logis, "inserted", 0, forged)

    def test_altered_seal_is_named(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        target = database.rows_of(dossiers[1])[1]
        database.execute(
            f"UPDATE {database.seals} SET event_hash = ? WHERE notification_id = ?",
            ("00" * 32, target.position),
        )
        assert_names(logis, "seal_altered", target.position, target)

    def test_moved_event_is_named(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        target = database.rows_of(dossiers[0])[2]
        top = database.rows()[-1].position
        database.execute(
            f"UPDATE {database.events} SET {database.position} = ? "
            f"WHERE {database.position} = ?",
            (top + 10, target.position),
        )
        assert_names(logis, "reordered", target.position, target)

    def test_published_anchor_detects_a_rewritten_chain(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        _, anchor_line = logis("anchor")
        anchor = json.loads(anchor_line)
        target = database.rows_of(dossiers[0])[0]
        database.alter_event(
            target.position,
            "state",
            target.state.replace(b'"dalo":false', b'"dalo":true'),
        )
        database.reseal_everything()

        status, _ = verify_json(logis)
        assert status == 0  # consistent again: only the published anchor tells
        published = f"{anchor['position']}:{anchor['chain_hash']}"
        status, report = verify_json(logis, "--anchor", published)
        assert status == 1
        assert report["mismatch"]["kind"] == "anchor_mismatch"
        assert report["mismatch"]["position"] == anchor["position"]


class TestVerifyAggregate:
    def test_one_dossier_verifies_and_names_its_altered_event(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        status, report = verify_json(logis, "--aggregate", dossiers[0])
        assert status == 0, report
        assert report["events"] == 3
        target = database.rows_of(dossiers[0])[2]
        database.alter_event(target.position, "topic", "logis.dossier.Completed")
        assert_names(
            logis, "altered", target.position, target, "--aggregate", dossiers[0]
        )
        status, _ = verify_json(logis, "--aggregate", dossiers[1])
        assert status == 0

    def test_one_dossier_names_its_deleted_version(
        self, dossiers: list[str], database: Database, logis: Any
    ) -> None:
        target = database.rows_of(dossiers[2])[1]
        database.delete_event(target.position)
        assert_names(
            logis, "deleted", target.position, target, "--aggregate", dossiers[2]
        )

    def test_unknown_aggregate_fails(self, client: TestClient, logis: Any) -> None:
        status, _ = logis("verify", "--aggregate", str(uuid4()))
        assert status == 1


class TestVerifyEndpoint:
    def test_verify_dossier_answers_verified(
        self, client: TestClient, dossiers: list[str], database: Database
    ) -> None:
        answer = client.get(f"/v1/dossiers/{dossiers[0]}/verify")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        rows = database.rows_of(dossiers[0])
        assert body["id"] == dossiers[0]
        assert body["verified"] is True
        assert body["events"] == 3
        assert body["position"] == rows[-1].position
        assert len(body["head_hash"]) == 64
        assert body["mismatch"] is None

    def test_verify_dossier_names_the_altered_event(
        self, client: TestClient, dossiers: list[str], database: Database
    ) -> None:
        target = database.rows_of(dossiers[1])[1]
        database.alter_event(target.position, "state", target.state + b" ")
        answer = client.get(f"/v1/dossiers/{dossiers[1]}/verify")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["verified"] is False
        assert body["events"] == 1
        assert body["mismatch"]["kind"] == "altered"
        assert body["mismatch"]["position"] == target.position
        assert body["mismatch"]["version"] == 2
        assert "altéré" in body["mismatch"]["message"]

    def test_verify_unknown_dossier_answers_404(self, client: TestClient) -> None:
        answer = client.get(f"/v1/dossiers/{uuid4()}/verify")
        assert answer.status_code == 404
        assert answer.json()["code"] == "dossier_not_found"

    def test_verify_mesure_with_a_dossier_id_answers_404(
        self, client: TestClient, dossiers: list[str]
    ) -> None:
        answer = client.get(f"/v1/mesures/{dossiers[0]}/verify")
        assert answer.status_code == 404
        assert answer.json()["code"] == "mesure_not_found"
