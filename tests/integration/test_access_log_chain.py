"""Issue 13, item 4: the access log is chained as the events are. Its trigger
dropped, a row deleted, altered, inserted or moved with raw SQL is named by
`logis verify`; `logis anchor` prints the log's head too, and a published anchor
is checked. Concurrent writers keep the chain linear. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

import pytest

from benchmarks.access_log import entry as access_entry
from infra.ledger import ledger_of, verify_store
from infra.ledger.access_chain import verify_access_log
from tests.helpers import raw_sql
from tests.helpers.api import identification, identify
from tests.helpers.backends import EVERY_STORE

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from infra.settings import Settings

pytestmark = [EVERY_STORE, pytest.mark.usefixtures("department")]

READS = 4


class AccessTable:
    """The access log's table, reached behind the application's back."""

    def __init__(self, settings: Settings) -> None:
        self.postgres = settings.is_postgres
        self.table = "logis_access_log" if self.postgres else "access_log"
        self.url = settings.database_url

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        return raw_sql.execute(self.url, statement, params)

    def drop_trigger(self) -> None:
        if self.postgres:
            self.execute(f"DROP TRIGGER {self.table}_no_change ON {self.table}")
        else:
            for verb in ("update", "delete"):
                self.execute(f"DROP TRIGGER {self.table}_no_{verb}")

    def ids(self) -> list[int]:
        return [r[0] for r in self.execute(f"SELECT id FROM {self.table} ORDER BY id")]


@pytest.fixture
def table(client: TestClient, settings: Settings) -> AccessTable:
    """The log holding READS reads of one dossier, its trigger dropped."""
    answer = identify(client, identification())
    assert answer.status_code == 201, answer.text
    for _ in range(READS):
        read = client.get(f"/v1/dossiers/{answer.json()['id']}")
        assert read.status_code == 200, read.text
    access = AccessTable(settings)
    assert len(access.ids()) == READS
    access.drop_trigger()
    return access


def access_report(logis: Any, *args: str) -> tuple[int, dict[str, Any]]:
    status, out = logis("verify", "--format", "json", *args)
    report = json.loads(out)
    assert report["verified"] is (status == 0)
    return status, report["access_log"]


def assert_named(logis: Any, kind: str, position: int) -> None:
    status, report = access_report(logis)
    assert status == 1, report
    assert report["verified"] is False
    assert (report["mismatch"]["kind"], report["mismatch"]["position"]) == (
        kind,
        position,
    )
    assert f"n° {position} du journal des accès" in report["mismatch"]["message"]


def test_untouched_log_verifies_and_anchors(table: AccessTable, logis: Any) -> None:
    ids = table.ids()
    status, out = logis("verify")
    assert status == 0, out
    status, line = logis("anchor")
    head = json.loads(line)["access_log"]
    assert (head["position"], head["entries"]) == (ids[-1], READS)
    assert out.splitlines()[1] == (
        f"Journal des accès vérifié : {READS} entrées, chaîne jusqu'à l'entrée "
        f"n° {ids[-1]}, empreinte {head['chain_hash']}"
    )
    published = f"{head['position']}:{head['chain_hash']}"
    assert access_report(logis, "--access-anchor", published)[0] == 0
    forged = f"{head['position']}:{'0' * 64}"
    status, report = access_report(logis, "--access-anchor", forged)
    assert status == 1
    assert report["mismatch"]["kind"] == "anchor_mismatch"


def test_deleted_row_is_named(table: AccessTable, logis: Any) -> None:
    second = table.ids()[1]
    table.execute(f"DELETE FROM {table.table} WHERE id = ?", (second,))
    assert_named(logis, "deleted", second)
    status, out = logis("verify")
    assert status == 1
    assert f"Entrée n° {second} du journal des accès supprimée" in out


def test_altered_row_is_named(table: AccessTable, logis: Any) -> None:
    third = table.ids()[2]
    table.execute(
        f"UPDATE {table.table} SET subject = 'quelquun.dautre' WHERE id = ?", (third,)
    )
    assert_named(logis, "altered", third)


def test_inserted_row_is_named(table: AccessTable, logis: Any) -> None:
    ids = table.ids()
    columns = (
        "at, subject, role, organisation, record_kind, record_id, endpoint, "
        "request_id, categories"
    )
    table.execute(
        f"INSERT INTO {table.table} ({columns}) SELECT {columns} "
        f"FROM {table.table} WHERE id = ?",
        (ids[0],),
    )
    assert_named(logis, "inserted", table.ids()[-1])


def test_swapped_rows_are_named(table: AccessTable, logis: Any) -> None:
    # The two reads differ by their moment and request only: swapped, each
    # row carries the other's content under its own id.
    (first, *one), (second, *other) = table.execute(
        f"SELECT id, at, request_id FROM {table.table} WHERE id IN (?, ?) ORDER BY id",
        tuple(table.ids()[:2]),
    )
    for at, values in ((first, other), (second, one)):
        table.execute(
            f"UPDATE {table.table} SET at = ?, request_id = ? WHERE id = ?",
            (*values, at),
        )
    assert_named(logis, "reordered", first)


def test_concurrent_writers_keep_one_chain(
    client: TestClient, settings: Settings, logis: Any
) -> None:
    log = client.app.state.system.access_log  # type: ignore[attr-defined]

    def write(n: int) -> None:
        for _ in range(5):
            entry = access_entry(n)  # the benchmark's: a read by lecteur.n
            log.append([entry, entry])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    status, report = access_report(logis)
    assert status == 0, report
    assert report["entries"] == 6 * 5 * 2


def test_verifications_report_their_progress_page_by_page(
    table: AccessTable, client: TestClient
) -> None:
    # what `logis verify` draws its progress bars from (api/cli/output.progress)
    system = client.app.state.system  # type: ignore[attr-defined]
    ids = table.ids()
    seen: list[tuple[int, int | None]] = []
    log = verify_access_log(
        system.access_log, page_size=1, progress=lambda *at: seen.append(at)
    )
    assert log.verified
    assert len(seen) == READS
    assert seen[-1] == (ids[-1], ids[-1])
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    events: list[tuple[int, int | None]] = []
    store = verify_store(
        ledger_of(system.app), page_size=1, progress=lambda *at: events.append(at)
    )
    assert store.verified
    assert len(events) == store.events
    assert events[-1] == (store.position, store.position)
