"""Snapshots of long records (issue 18, item 3; infra/snapshots.py): a record
loads from its nearest snapshot exactly as its events replay, as it stands
and by either clock; an erasure reaches the snapshots; a snapshot that no
longer matches its record's seals, or that other code wrote, is ignored; a
process never reads a record older than the store holds. Snapshots are taken
every 2 versions here, so short histories have them. On SQLite and
PostgreSQL."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from api.main import create_app
from commands.errors import NotFoundError
from domain.clocks import Clocks
from domain.department import department_id
from domain.dossier import Dossier
from domain.personal import ERASED
from infra.bootstrap import build_system
from infra.household_keys import keys_of
from infra.settings import Settings
from infra.snapshot_stores import snapshots_of
from tests.helpers.api import (
    MAIRIE_AVIS,
    SOCIAL_ENQUIRY,
    WITHDRAWAL,
    actor,
    drive_dossier,
    take,
    today,
)
from tests.helpers.backends import EVERY_STORE
from tests.helpers.prepared_stores import default_settings
from tests.helpers.projections import RandomHistory, adopt_departments, open_system

if TYPE_CHECKING:
    from collections.abc import Iterator

    from infra.bootstrap import System

pytestmark = EVERY_STORE

NAME = "Marie-Josée Lordinot"  # tests/helpers/api.py's identification
PATH = [SOCIAL_ENQUIRY, MAIRIE_AVIS, WITHDRAWAL]


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """The app, snapshotting every 2 versions."""
    found = default_settings(database_url).model_copy(update={"snapshot_interval": 2})
    with TestClient(create_app(found), headers=actor("auditeur")) as client:
        yield client


def system_of(client: TestClient) -> System:
    return client.app.state.system  # type: ignore[attr-defined,no-any-return]


def replayed(system: System, record_id: UUID, clocks: Clocks | None = None) -> Any:
    """The record replayed from all its events, by `clocks`."""
    aggregate = None
    for event in (clocks or Clocks()).replayable(system.app.events.get(record_id)):
        aggregate = event.mutate(aggregate)
    return aggregate


def snapshot_rows(system: System) -> list[tuple[Any, ...]]:
    snapshots = snapshots_of(system.app)
    with snapshots.datastore.transaction(commit=False) as curs:
        curs.execute(
            f"SELECT originator_id, originator_version, event_hash, state "
            f"FROM {snapshots.table} ORDER BY originator_version"
        )
        return [tuple(row.values()) if hasattr(row, "values") else tuple(row)
                for row in curs.fetchall()]  # fmt: skip


def execute(system: System, statement: str, *params: Any) -> None:
    snapshots = snapshots_of(system.app)
    with snapshots.datastore.transaction(commit=True) as curs:
        curs.execute(snapshots.query(statement), params)


def withdrawn(client: TestClient, on: date) -> tuple[UUID, UUID]:
    """A dossier of four events (snapshots at versions 2 and 4 once read), and
    its household."""
    dossier_id = drive_dossier(client, to="retire", on=on, path=PATH)
    read = client.get(f"/v1/dossiers/{dossier_id}")
    assert read.status_code == 200, read.text
    return UUID(dossier_id), UUID(read.json()["household_id"])


def test_a_load_writes_snapshots_sealed_under_the_household_key(
    client: TestClient, department: str
):
    dossier_id, _ = withdrawn(client, today())
    system = system_of(client)
    assert snapshots_of(system.app).versions(dossier_id) == [2, 4]
    stored = b"".join(bytes(row[3]) for row in snapshot_rows(system))
    assert NAME.encode() not in stored
    assert NAME.encode("unicode_escape") not in stored
    loaded = system.app.get("dossier", dossier_id)
    assert vars(loaded) == vars(replayed(system, dossier_id))
    assert loaded.applicant_name == NAME


def test_after_an_erasure_a_load_shows_the_erased_values(
    client: TestClient, department: str
):
    dossier_id, household = withdrawn(client, today() - timedelta(days=100))
    other_id, other_household = withdrawn(client, today() - timedelta(days=100))
    system = system_of(client)
    # The key destroyed alone (as another process's erasure would be seen):
    # the snapshots can no longer be read; the load replays the events.
    keys_of(system.app).erase(other_household, "test")
    assert snapshots_of(system.app).versions(other_id) == [2, 4]
    assert system.app.get("dossier", other_id).applicant_name == ERASED
    # The erasure itself drops the household's snapshots, and writes none.
    erased = client.post(
        f"/v1/admin/households/{household}/erasure", headers=actor("admin")
    )
    assert erased.status_code == 200, erased.text
    assert snapshots_of(system.app).versions(dossier_id) == []
    read = client.get(f"/v1/dossiers/{dossier_id}")
    assert read.json()["applicant_name"] == ERASED
    assert system.app.get("dossier", dossier_id).applicant_name == ERASED
    assert snapshots_of(system.app).versions(dossier_id) == []


def test_a_snapshot_not_matching_its_records_seals_is_ignored(
    client: TestClient, department: str
):
    dossier_id, _ = withdrawn(client, today())
    system = system_of(client)
    snapshots = snapshots_of(system.app)
    rows = {row[1]: row for row in snapshot_rows(system)}
    # The snapshot of version 2's bytes put in place of version 4's: no longer
    # authentic for version 4 (a load using it would read version 2).
    execute(
        system,
        f"UPDATE {snapshots.table} SET state = ? WHERE originator_version = 4",
        rows[2][3],
    )
    assert snapshots.nearest(dossier_id, Clocks()) is None
    assert vars(system.app.get("dossier", dossier_id)) == vars(
        replayed(system, dossier_id)
    )
    # Event 4 rewritten and resealed (its seal no longer the snapshot's): the
    # load shows what the events say.
    system.app.get("dossier", dossier_id)  # a snapshot of 4 again
    assert snapshots.versions(dossier_id) == [2, 4]
    later = (today() + timedelta(days=3)).isoformat()
    table = system.app.recorder.events_table_name
    stored = system.app.recorder.select_events(dossier_id, gt=3)[0]
    state = json.loads(stored.state)
    state["occurred_on"] = {"_type_": "date_iso", "_data_": later}
    execute(
        system,
        f"UPDATE {table} SET state = ? WHERE originator_version = 4 "
        "AND originator_id = ?",
        json.dumps(state).encode(),
        snapshots.param(dossier_id),
    )
    execute(
        system,
        f"UPDATE {snapshots.seals} SET event_hash = ? WHERE originator_version = 4 "
        "AND originator_id = ?",
        "0" * 64,
        snapshots.param(dossier_id) if system.settings.is_postgres else dossier_id.hex,
    )
    loaded = system.app.get("dossier", dossier_id)
    assert loaded.last_occurred_on.isoformat() == later
    assert vars(loaded) == vars(replayed(system, dossier_id))


def test_a_snapshot_of_another_class_version_is_ignored(
    client: TestClient, department: str, monkeypatch: pytest.MonkeyPatch
):
    dossier_id, _ = withdrawn(client, today())
    system = system_of(client)
    snapshots = snapshots_of(system.app)
    assert snapshots.nearest(dossier_id, Clocks()) is not None
    monkeypatch.setattr(Dossier, "class_version", 2, raising=False)
    monkeypatch.setattr(
        Dossier, "upcast_v1_v2", staticmethod(lambda state: None), raising=False
    )
    assert snapshots.nearest(dossier_id, Clocks()) is None
    assert vars(system.app.get("dossier", dossier_id)) == vars(
        replayed(system, dossier_id)
    )
    # Replayed, it is snapshotted again for the new class version.
    assert snapshots.nearest(dossier_id, Clocks()) is not None


def test_a_process_never_reads_an_older_record_than_the_store_holds(
    client: TestClient, department: str, database_url: str
):
    path = [SOCIAL_ENQUIRY]
    dossier_id = UUID(drive_dossier(client, to="enquete_sociale_rendue", path=path))
    system = system_of(client)
    assert system.app.get("dossier", dossier_id).version == 2  # snapshotted
    other = open_system(database_url)
    try:
        snapshots_of(other.app).interval = 2
        assert other.app.get("dossier", dossier_id).version == 2
        answer = take(client, str(dossier_id), MAIRIE_AVIS)
        assert answer.status_code == 200, answer.text
        assert other.app.get("dossier", dossier_id).version == 3
        assert system.app.get("dossier", dossier_id).version == 3
    finally:
        other.close()


def test_loads_from_snapshots_are_the_full_replay_for_random_histories(
    backend: str, database_url: str
):
    """Random dossiers' histories, snapshots taken every 1 to 4 versions by
    loads in a random order, events read 1 to 3 at a time: every load, as it
    stands or by random clocks (a day, a recording moment, both), equals the
    replay of all the events, or is refused alike."""
    system = open_system(database_url)
    try:
        adopt_departments(system.app)
        snapshots = snapshots_of(system.app)

        @settings(
            max_examples=20 if backend == "sqlite" else 8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(data=st.data())
        def check(data: st.DataObject) -> None:
            snapshots.interval = data.draw(st.integers(1, 4), label="interval")
            page = data.draw(st.integers(1, 3), label="events read at a time")
            system.app.snapshot_page = page
            history = RandomHistory(system.app, data.draw)
            for _ in range(data.draw(st.integers(1, 30), label="commands")):
                history.next_command()
            for _ in range(data.draw(st.integers(1, 12), label="loads")):
                if not history.ids:
                    return
                record_id = data.draw(st.sampled_from(history.ids), label="dossier")
                events = list(system.app.events.get(record_id))
                clocks = data.draw(clocks_for(events), label="clocks")
                assert_same_load(system, record_id, clocks)

        check()
    finally:
        system.close()


def clocks_for(events: list[Any]) -> st.SearchStrategy[Clocks]:
    days = sorted({e.occurred_on for e in events})
    moments = sorted({e.timestamp for e in events})
    day = st.one_of(
        st.none(),
        st.sampled_from(days),
        st.sampled_from(days).map(lambda d: d - timedelta(days=1)),
    )
    moment = st.one_of(
        st.none(),
        st.sampled_from(moments),
        st.sampled_from(moments).map(lambda m: m - timedelta(microseconds=1)),
    )
    return st.builds(Clocks, as_of=day, known_at=moment)


def assert_same_load(system: System, record_id: UUID, clocks: Clocks) -> None:
    now = datetime.now(UTC)
    if clocks.now:
        assert vars(system.app.get("dossier", record_id)) == vars(
            replayed(system, record_id)
        )
        return
    expected = replayed(system, record_id, clocks)
    try:
        loaded = system.app.read_at("dossier", record_id, clocks, now)
    except NotFoundError:
        assert expected is None
        return
    assert vars(loaded) == vars(expected)


def test_a_record_without_personal_data_is_snapshotted_as_its_events_are_stored(
    database_url: str,
):
    """Under LOGIS_CIPHER_KEY, a department's snapshot is ciphered (sealed
    under a key derived from it); it loads as its events replay."""
    key = base64.b64encode(os.urandom(32)).decode()
    system = build_system(
        Settings(
            database_url=database_url,
            log_json=False,
            snapshot_interval=2,
            cipher_key=key,
        )
    )
    try:
        adopt_departments(system.app, ["972"])
        record_id = department_id("972")
        loaded = system.app._find(record_id)
        assert snapshots_of(system.app).versions(record_id) == [2]
        stored = [bytes(row[3]) for row in snapshot_rows(system)]
        assert stored
        assert not any(b"_created_on" in state for state in stored)
        assert vars(system.app._find(record_id)) == vars(loaded)
        assert vars(loaded) == vars(replayed(system, record_id))
    finally:
        system.close()


def test_loads_by_the_clocks_read_the_events_a_page_at_a_time(
    client: TestClient, department: str
):
    system = system_of(client)
    system.app.snapshot_page = 1
    snapshots_of(system.app).interval = 0  # none taken: every event paged
    dossier_id, _ = withdrawn(client, today())
    assert snapshots_of(system.app).versions(dossier_id) == []
    clocks = Clocks(as_of=today())
    loaded = system.app.read_at("dossier", dossier_id, clocks)
    assert loaded.version == 4
    assert vars(loaded) == vars(replayed(system, dossier_id, clocks))
    snapshots_of(system.app).interval = 2
    system.app.read_at("dossier", dossier_id, clocks)
    assert snapshots_of(system.app).versions(dossier_id) == [2, 4]
