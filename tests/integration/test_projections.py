"""The projection engine on each store: no event is ever applied twice, even by
two writers (that a view built incrementally holds what a clean rebuild holds:
test_projections_incremental.py); readers always get a complete view,
during a rebuild and across the switch; a new projection version is rebuilt
beside the old one; the status tells how far behind each view is.

Every test runs on SQLite and on PostgreSQL (fixtures in conftest.py)."""

from __future__ import annotations

import itertools
import threading
import time
from contextlib import closing
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from api.main import create_app
from commands.dossier import RenderMairieAvis, RenderSocialEnquiry
from infra.bootstrap import PROJECTIONS
from infra.following import follow
from infra.generations import ACTIVE, BUILDING, RETIRED
from infra.projector import ProjectionEngine
from infra.rowviews import SQLRowView
from infra.settings import Settings
from projections.dossier_list import DossierListProjection, dossier_topics
from projections.rows import Between, Table
from tests.helpers.api import TEST_JWT_SECRET, actor
from tests.helpers.backends import EVERY_STORE
from tests.helpers.projections import (
    SMALL_POOLS,
    GrantAllLocks,
    adopt_departments,
    assert_views_match_aggregates,
    dump_active,
    dump_generation,
    dump_view,
    identify,
    instruction,
    open_system,
    physical_tables,
    rebuild_all_and_compare,
    rebuild_and_compare,
    save_driven_dossiers,
    step,
    tracked_views,
    two_systems,
)

pytestmark = EVERY_STORE

if TYPE_CHECKING:
    from collections.abc import Iterator

    from infra.bootstrap import System
    from infra.generations import Generation

PROJECTION_NAMES = [p.name for p in PROJECTIONS]
# The views fed by dossier events: the scenarios below write only those.
DOSSIER_VIEWS = [p.name for p in PROJECTIONS if set(p.topics) & set(dossier_topics())]


@pytest.fixture
def system(database_url: str) -> Iterator[System]:
    with closing(open_system(database_url)) as system:
        yield system


class DossierListV2(DossierListProjection):
    name = "dossier_list"  # the library names a subclass after its class otherwise
    version = DossierListProjection.version + 1


V1, V2 = DossierListProjection.version, DossierListV2.version


# ---- exactly once -----------------------------------------------------------------


def stage_counts_total(system: System) -> int:
    _, dump = dump_active(system.engine, "stage_counts")
    return sum(row["dossiers"] for row in dump["stage_counts"])


class TestExactlyOnce:
    def test_a_batch_at_an_applied_position_is_refused_whole(
        self, system: System
    ) -> None:
        adopt_departments(system.app)
        ids = [identify(system.app).id for _ in range(3)]
        step(system.app, ids[0], instruction(date(2025, 2, 1))[0])
        system.engine.catch_up()
        for name in DOSSIER_VIEWS:
            view = system.engine.reader(name)
            assert view is not None
            position = view.max_tracking_id(system.app.name)
            assert position == system.app.recorder.max_notification_id()
            before = dump_view(view)
            table = view.tables[0]
            for stale in (position, position - 1, 1):
                view.begin()
                view.delete(table.name, table.key_of(before[table.name][0]))
                with pytest.raises(IntegrityError):
                    view.commit(Tracking(system.app.name, stale))
                assert view.batch is None
                assert dump_view(view) == before
                assert view.max_tracking_id(system.app.name) == position

    @pytest.mark.parametrize("name", DOSSIER_VIEWS)
    @pytest.mark.parametrize(
        "longer", [False, True], ids=["same-batch", "batch-reaching-further"]
    )
    def test_a_batch_read_before_another_writer_committed_is_refused(
        self, database_url: str, name: str, longer: bool
    ) -> None:
        """Two engines without locks on one generation: B reads its batch, A
        commits the same events, then B commits (with `longer`, B's batch also
        holds events written after A read the head). B's batch must be refused."""
        with two_systems(database_url) as (first, second):
            adopt_departments(first.app)
            ids = [identify(first.app).id for _ in range(3)]
            # A fourth dossier past these stages: their counters exist already, so
            # a batch applied twice only adds to them (no insert collides).
            pioneer = identify(first.app).id
            for command in instruction(date(2025, 2, 1))[:2]:
                step(first.app, pioneer, command)
            a = ProjectionEngine(
                first.app, list(PROJECTIONS), first.engine.datastore, GrantAllLocks()
            )
            b = ProjectionEngine(
                second.app, list(PROJECTIONS), second.engine.datastore, GrantAllLocks()
            )
            a.catch_up()
            projection = a.projections[name]
            generation = a.registry.find(name, ACTIVE)
            assert generation is not None
            for dossier_id in ids:
                step(first.app, dossier_id, RenderSocialEnquiry(
                    occurred_on=date(2025, 2, 1), avis="favorable", summary="Hébergés."
                ))  # fmt: skip
            head_a = first.app.recorder.max_notification_id()
            b_head = second.app.recorder.max_notification_id
            b_view = b.view(generation, create=True)
            b_write = b_view._write
            applied_by_a = []

            def head_for_b() -> int:
                if longer:
                    for dossier_id in ids:
                        step(first.app, dossier_id, RenderMairieAvis(
                            occurred_on=date(2025, 2, 2), avis="favorable"
                        ))  # fmt: skip
                return b_head()

            def a_commits_first(batch: Any) -> None:
                a_head = first.app.recorder.max_notification_id
                first.app.recorder.max_notification_id = lambda: head_a  # type: ignore[method-assign]
                try:
                    applied_by_a.append(a.apply_batch(projection, generation))
                finally:
                    first.app.recorder.max_notification_id = a_head  # type: ignore[method-assign]
                b_write(batch)

            second.app.recorder.max_notification_id = head_for_b  # type: ignore[method-assign]
            b_view._write = a_commits_first  # type: ignore[method-assign]
            try:
                applied_by_b = b.apply_batch(projection, generation)
            finally:
                second.app.recorder.max_notification_id = b_head  # type: ignore[method-assign]
                del b_view._write
            assert applied_by_a == [(3, True)]
            assert applied_by_b == (0, False)
            assert a.position(generation) == head_a
            a.catch_up()
            b.catch_up()
            assert_views_match_aggregates(first.app, first.engine, [*ids, pioneer])
            rebuild_and_compare(first.engine, name)

    @pytest.mark.parametrize("locks", ["real", "none"])
    def test_two_projectors_on_one_store_apply_each_event_once(
        self, database_url: str, locks: str
    ) -> None:
        """Two systems on one store, each following it with its projector loop while
        commands are written; `none`: with locks that never refuse, as if both had
        lost them."""
        systems = [open_system(database_url, batch_size=3) for _ in range(2)]
        stopping = threading.Event()
        try:
            adopt_departments(systems[0].app)
            engines = [
                s.engine
                if locks == "real"
                else ProjectionEngine(
                    s.app, list(PROJECTIONS), s.engine.datastore, GrantAllLocks(), 3
                )
                for s in systems
            ]
            threads = [
                threading.Thread(target=follow, args=(e, 0.005, stopping))
                for e in engines
            ]
            for thread in threads:
                thread.start()
            ids = []
            for n in range(12):
                ids.append(
                    identify(systems[n % 2].app, commune=("97209", "97213")[n % 2]).id
                )
                for command in instruction(date(2025, 2, 1))[: n % 6]:
                    step(systems[(n + 1) % 2].app, ids[-1], command)
            deadline = time.monotonic() + 30
            head = systems[0].app.recorder.max_notification_id()
            while time.monotonic() < deadline and any(
                p < head for p in engines[0].positions().values()
            ):
                time.sleep(0.02)
            stopping.set()
            for thread in threads:
                thread.join(timeout=30)
            assert engines[0].positions() == dict.fromkeys(PROJECTION_NAMES, head)
            for name in PROJECTION_NAMES:  # built once: no spurious rebuild
                generations = engines[0].registry.all(name)
                assert [(g.generation, g.state) for g in generations] == [(1, ACTIVE)]
            if locks == "real":  # one leader per view, never both
                leaders = [{s.name for s in e.status() if s.leader} for e in engines]
                assert leaders[0].isdisjoint(leaders[1])
                assert leaders[0] | leaders[1] == set(PROJECTION_NAMES)
            assert stage_counts_total(systems[0]) == len(ids)
            assert_views_match_aggregates(systems[0].app, systems[0].engine, ids)
            rebuild_all_and_compare(systems[0].engine)
        finally:
            stopping.set()
            for s in systems:
                s.close()

    def test_a_standby_projector_never_takes_the_leaders_progress_for_a_view_ahead(
        self, database_url: str
    ) -> None:
        """The standby reads the store's head, the leader then applies newer events,
        and the standby reads the view's position: past the head it read, yet not
        ahead of the store (which a view restored from another store would be)."""
        with two_systems(database_url) as (leader, standby):
            adopt_departments(leader.app)
            dossier_id = identify(leader.app).id
            leader.engine.catch_up()
            standby.engine.run_once()  # the leader holds every view: nothing to do
            head = standby.app.recorder.max_notification_id
            commands = iter(instruction(date(2025, 2, 1)))
            moves: list[int] = []

            def leader_moves_on() -> int:
                before = head()
                if (command := next(commands, None)) is not None:
                    step(leader.app, dossier_id, command)
                    moves.append(leader.engine.run_once())
                return before

            standby.app.recorder.max_notification_id = leader_moves_on  # type: ignore[method-assign]
            try:
                applied = [standby.engine.run_once() for _ in range(5)]
            finally:
                standby.app.recorder.max_notification_id = head  # type: ignore[method-assign]
            for name in PROJECTION_NAMES:
                generations = standby.engine.registry.all(name)
                assert [(g.generation, g.state) for g in generations] == [(1, ACTIVE)]
            assert applied == [0] * 5
            assert moves == [len(DOSSIER_VIEWS)] * 5  # the leader moved on each time
            assert_views_match_aggregates(leader.app, leader.engine, [dossier_id])

    @pytest.mark.parametrize("start", ["first-build", "new-version"])
    def test_a_standby_that_read_the_registry_before_a_switch_starts_no_rebuild(
        self, database_url: str, start: str
    ) -> None:
        """The standby reads the active generation, the leader builds and switches
        a new one, the standby reads that none is building: what it read of the
        active one is stale, and calls for no new generation."""
        projections = list(PROJECTIONS)
        if start == "new-version":
            system = open_system(database_url)
            adopt_departments(system.app)
            identify(system.app)
            system.engine.catch_up()  # version 1, active
            system.close()
            projections[0] = DossierListV2
        with two_systems(database_url) as (leader, standby):
            adopt_departments(leader.app)
            identify(leader.app)
            engines = [
                ProjectionEngine(s.app, projections, s.engine.datastore, s.engine.locks)
                for s in (leader, standby)
            ]
            find = engines[1].registry.find
            switched: list[int] = []

            def leader_switches_first(name: str, state: str) -> Generation | None:
                if state == BUILDING and not switched:
                    switched.append(engines[0].run_once())
                return find(name, state)

            engines[1].registry.find = leader_switches_first  # type: ignore[method-assign]
            engines[1].run_once()
            del engines[1].registry.find
            assert switched
            assert switched[0] > 0
            generations = engines[1].registry.all("dossier_list")
            expected = (
                [(1, ACTIVE)] if start == "first-build" else [(1, RETIRED), (2, ACTIVE)]
            )
            assert [(g.generation, g.state) for g in generations] == expected
            assert engines[1].registry.find("stage_counts", BUILDING) is None


# ---- row views ----------------------------------------------------------------------

ROW_EXAMPLES = {"sqlite": 100, "postgres": 40}

FOLD = Table("fold", {"k": "text", "label": "text", "n": "int", "m": "int"}, ("k",))


def test_a_batch_writes_what_its_changes_one_by_one_would(
    backend: str, database_url: str
) -> None:
    """Random inserts, updates, increments and deletes on a few rows, cut into
    random batches: each read within a batch, and the rows each commit leaves
    (all, or within a random range), are what applying the changes one at a
    time gives."""
    system = open_system(database_url)
    views = itertools.count(1)

    @settings(max_examples=ROW_EXAMPLES[backend], deadline=None)
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        view = SQLRowView(
            system.engine.datastore, view=f"fold_g{next(views)}", tables=(FOLD,)
        )
        view.create_table()
        model: dict[str, dict[str, Any]] = {}
        small = st.integers(-3, 3)
        try:
            for position in range(1, data.draw(st.integers(1, 4), label="batches") + 1):
                view.begin(after=position - 1)
                for _ in range(data.draw(st.integers(0, 8), label="changes")):
                    key = data.draw(st.sampled_from("abc"), label="row")
                    row = model.get(key)
                    if row is None:
                        row = {"k": key, "label": data.draw(st.sampled_from("xy")),
                               "n": data.draw(small), "m": None}  # fmt: skip
                        view.insert("fold", row)
                        model[key] = dict(row)
                        continue
                    kind = data.draw(
                        st.sampled_from(["update", "increment", "delete"]), label="kind"
                    )
                    if kind == "delete":
                        view.delete("fold", (key,))
                        del model[key]
                    elif kind == "update":
                        columns = data.draw(
                            st.sets(st.sampled_from(["label", "n", "m"]), min_size=1)
                        )
                        changes = {
                            c: "z" if c == "label" else data.draw(small)
                            for c in sorted(columns)
                        }
                        view.update("fold", (key,), changes)
                        row.update(changes)
                    else:
                        columns = data.draw(
                            st.sets(st.sampled_from(["n", "m"]), min_size=1)
                        )
                        deltas = {c: data.draw(small) for c in sorted(columns)}
                        view.increment("fold", (key,), **deltas)
                        for column, delta in deltas.items():
                            row[column] = (row[column] or 0) + delta
                    for each in "abc":
                        assert view.get("fold", (each,)) == model.get(each)
                view.commit(Tracking("Logis", position))
                assert view.select("fold") == (
                    [model[k] for k in sorted(model)],
                    len(model),
                )
                bounds = Between(
                    data.draw(st.none() | small, label="first"),
                    data.draw(st.none() | small, label="last"),
                )
                within = [
                    model[k] for k in sorted(model) if bounds.matches(model[k]["n"])
                ]
                assert view.select("fold", {"n": bounds}) == (within, len(within))
                assert view.max_tracking_id("Logis") == position
        finally:
            view.rollback()
            view.drop_tables()

    try:
        check()
    finally:
        system.close()


# ---- readers during a rebuild -----------------------------------------------------


def test_readers_get_the_complete_view_during_a_rebuild(database_url: str) -> None:
    """A store of 150 dossiers rebuilt 5 events a batch (like `logis rebuild`, in a
    system of its own), while readers keep listing dossiers through the engine and
    through the HTTP API of a running server."""
    rebuilder = open_system(database_url, batch_size=1000)
    try:
        ids = save_driven_dossiers(rebuilder.app, 150)
        rebuilder.engine.catch_up()
        old, snapshot = dump_active(rebuilder.engine, "dossier_list")
        rows = snapshot["dossiers"]
        assert len(rows) == len(ids) == 150
        settings = Settings(
            database_url=database_url,
            log_json=False,
            jwt_secret=TEST_JWT_SECRET,
            **SMALL_POOLS,
        )
        with TestClient(create_app(settings), headers=actor("auditeur")) as client:
            server = client.app.state.system  # type: ignore[attr-defined]

            def listed() -> set[str]:
                answer = client.get("/v1/dossiers", params={"limit": 500})
                assert answer.status_code == 200, answer.text
                body = answer.json()
                assert body["count"] == 150
                return {d["id"] for d in body["data"]}

            expected_ids = {str(i) for i in ids}
            assert listed() == expected_ids
            rebuilder.engine.batch_size = 5
            errors: list[BaseException] = []

            def rebuild() -> None:
                try:
                    rebuilder.engine.rebuild("dossier_list")
                except BaseException as error:
                    errors.append(error)

            thread = threading.Thread(target=rebuild)
            thread.start()
            seen: list[str] = []
            while thread.is_alive():
                view = server.engine.reader("dossier_list")
                assert view is not None
                assert view.select("dossiers") == (rows, 150)
                seen.append(view.view)
                assert listed() == expected_ids
            thread.join()
            assert not errors, errors
            new = server.engine.registry.find("dossier_list", ACTIVE)
            assert new is not None
            assert new.generation > old.generation
            assert seen.count(old.view) >= 2, seen  # read while the rebuild ran
            view = server.engine.reader("dossier_list")
            assert view is not None
            assert view.view == new.view
            assert view.select("dossiers") == (rows, 150)
            assert listed() == expected_ids
    finally:
        rebuilder.close()


def test_a_rebuild_ends_well_when_the_projector_loop_switches_first(
    system: System,
) -> None:
    """In a process that also runs the projector loop (logis serve), the loop may
    take the building generation to the head and switch before the rebuild does."""
    adopt_departments(system.app)
    ids = [identify(system.app).id for _ in range(6)]
    system.engine.catch_up()
    system.engine.batch_size = 2
    before = system.engine.registry.find("dossier_list", ACTIVE)
    loop: list[int] = []

    def projector_loop_runs(position: int, head: int) -> None:
        if not loop:
            loop.append(system.engine.catch_up())

    rebuilt = system.engine.rebuild("dossier_list", projector_loop_runs)
    assert loop
    assert loop[0] > 0
    assert before is not None
    assert rebuilt.generation == before.generation + 1
    generations = system.engine.registry.all("dossier_list")
    assert [(g.generation, g.state) for g in generations] == [
        (before.generation, RETIRED),
        (rebuilt.generation, ACTIVE),
    ]
    assert_views_match_aggregates(system.app, system.engine, ids)


# ---- a new projection version -----------------------------------------------------


def test_a_new_version_is_rebuilt_beside_the_old_one(database_url: str) -> None:
    """The projector restarts with version 2 of dossier_list: a building generation
    appears; readers keep the old one, stale but complete, until the new one has
    caught up; the old tables go at the next switch."""
    old_system = open_system(database_url)
    adopt_departments(old_system.app)
    ids = [identify(old_system.app).id for _ in range(30)]
    for dossier_id in ids[:10]:
        for command in instruction(date(2025, 3, 1))[:3]:
            step(old_system.app, dossier_id, command)
    old_system.engine.catch_up()
    g1, snapshot = dump_active(old_system.engine, "dossier_list")
    counts_before = old_system.engine.registry.find("stage_counts", ACTIVE)
    assert g1.version == V1
    old_system.close()

    system = open_system(database_url)
    engine = ProjectionEngine(
        system.app,
        [DossierListV2, *PROJECTIONS[1:]],
        system.engine.datastore,
        system.engine.locks,
        batch_size=5,
    )
    try:
        engine.run_once(max_batches=1)
        statuses = {s.name: s for s in engine.status()}
        status, counts = statuses["dossier_list"], statuses["stage_counts"]
        assert status.version == V2
        assert status.active == g1
        assert status.building is not None
        assert (status.building.version, status.building.state) == (V2, BUILDING)
        assert 0 < (status.building_position or 0) < status.head
        assert counts.active == counts_before
        assert counts.building is None
        late = identify(system.app).id  # written during the rebuild
        rounds = 0
        while engine.registry.find("dossier_list", ACTIVE) == g1:
            view = engine.reader("dossier_list")
            assert view is not None
            assert view.view == g1.view
            assert dump_view(view) == snapshot  # stale, but complete
            engine.run_once(max_batches=1)
            rounds += 1
        assert rounds > 3
        status = {s.name: s for s in engine.status()}["dossier_list"]
        assert status.active is not None
        assert (status.active.version, status.active.generation) == (
            V2,
            g1.generation + 1,
        )
        assert status.building is None
        assert status.position == status.head
        assert status.lag_events == 0
        listed = {r["id"] for r in dump_active(engine, "dossier_list")[1]["dossiers"]}
        assert listed == {*ids, late}
        retired = [g for g in engine.registry.all("dossier_list") if g.state == RETIRED]
        assert [g.generation for g in retired] == [g1.generation]
        assert f"{g1.view}__dossiers" in physical_tables(engine)
        assert dump_generation(engine, g1) == snapshot

        engine.rebuild("dossier_list")  # one more switch: g1 goes
        generations = engine.registry.all("dossier_list")
        assert [(g.generation, g.state, g.version) for g in generations] == [
            (g1.generation + 1, RETIRED, V2),
            (g1.generation + 2, ACTIVE, V2),
        ]
        assert f"{g1.view}__dossiers" not in physical_tables(engine)
        assert g1.view not in tracked_views(engine)
        assert_views_match_aggregates(system.app, engine, [*ids, late])
    finally:
        engine.close()
        system.close()


# ---- status -------------------------------------------------------------------------


def test_status_tells_the_lag_in_events_and_seconds(system: System) -> None:
    adopt_departments(system.app)
    dossier_id = identify(system.app).id
    system.engine.catch_up()
    for status in system.engine.status():
        assert status.position == status.head > 0
        assert (status.lag_events, status.lag_seconds) == (0, 0.0)
        assert status.leader

    for command in instruction(date(2025, 2, 1))[:3]:
        step(system.app, dossier_id, command)
    identify(system.app)
    adopt_departments(system.app, ["972"])  # not a dossier event: no lag of its own
    time.sleep(0.2)
    for status in system.engine.status():
        if status.name not in DOSSIER_VIEWS:
            continue
        assert status.head > status.position
        assert status.lag_events == 4
        assert 0.2 <= status.lag_seconds < 60

    system.engine.catch_up()
    for status in system.engine.status():
        assert status.position == status.head
        assert (status.lag_events, status.lag_seconds) == (0, 0.0)


def test_an_older_release_leaves_a_newer_view_alone(database_url: str) -> None:
    """A rolling deploy: version 2 is active; a projector still on version 1 neither
    writes it nor rebuilds it back, and abandons nothing it did not start."""
    system = open_system(database_url)
    adopt_departments(system.app)
    ids = [identify(system.app).id for _ in range(5)]
    newer = ProjectionEngine(
        system.app,
        [DossierListV2, *PROJECTIONS[1:]],
        system.engine.datastore,
        system.engine.locks,
    )
    try:
        newer.catch_up()
        v2 = newer.registry.find("dossier_list", ACTIVE)
        assert v2 is not None
        assert v2.version == V2
        newer.close()
        identify(system.app)  # a new event the old release must not apply to v2

        system.engine.run_once()

        generations = system.engine.registry.all("dossier_list")
        assert [(g.generation, g.state, g.version) for g in generations] == [
            (v2.generation, ACTIVE, V2)
        ]
        view = system.engine.reader("dossier_list")
        assert view is not None
        assert {r["id"] for r in dump_view(view)["dossiers"]} == set(ids)
    finally:
        system.close()


def test_a_row_projection_states_its_name() -> None:
    with pytest.raises(TypeError, match="name"):

        class Unnamed(DossierListProjection):
            version = 2


def test_views_caught_up_together_decode_each_stored_event_once(
    system: System,
) -> None:
    """Decoding is most of a batch's cost: the views of one pass share it."""
    adopt_departments(system.app)
    ids = save_driven_dossiers(system.app, 30)
    events = system.app.recorder.max_notification_id() or 0
    mapper = system.app.mapper
    decoded: list[int] = []
    original = mapper.to_domain_event

    def counting(stored: Any) -> Any:
        decoded.append(stored.id)
        return original(stored)

    mapper.to_domain_event = counting  # type: ignore[method-assign]
    try:
        applied = system.engine.catch_up()
    finally:
        del mapper.to_domain_event

    assert applied > 2 * events  # several views applied the dossiers' events
    assert len(decoded) == len(set(decoded)) <= events
    assert_views_match_aggregates(system.app, system.engine, ids)
