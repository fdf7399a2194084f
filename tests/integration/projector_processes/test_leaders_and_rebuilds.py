"""The projection engine as it runs in production: `logis projector` processes
doubled, taken over, and rebuilt under, on SQLite and on PostgreSQL.

Each test drives real `logis` subprocesses (the venv's executable) over a store
filled in this process through the Logis application, and watches them from
here (tests/helpers/projector_processes.py). A view built incrementally, through
takeovers, must equal a clean rebuild of it, and its counters must match what
was written.

Tests 3 and 5 replay, deterministically and in one process, two races the
process tests hit now and then (a standby reading the head before the leader's
position; a projector taking the generation a rebuild had just created); test 4
ends the leader's PostgreSQL lock session under it. Projectors killed with
SIGKILL: test_kills.py.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

from domain.department import department_id
from infra.bootstrap import build_system
from tests.helpers.backends import EVERY_STORE
from tests.helpers.dossiers import DEPARTMENT
from tests.helpers.projector_processes import (
    DOSSIERS,
    NAMES,
    Projectors,
    assert_counts,
    assert_equals_clean_rebuild,
    caught_up,
    generations,
    head,
    holder_names,
    run_logis,
    settings_for,
    tracking,
    wait_for,
)
from tests.helpers.stores import (
    CommandWriter,
    active_dumps,
    adopt_department,
    fill_store,
)

if TYPE_CHECKING:
    from pathlib import Path

    from infra.bootstrap import System

pytestmark = [EVERY_STORE, pytest.mark.timeout(300)]


# ---- 1. two projectors at once -------------------------------------------------------


@dataclass
class Sample:
    positions: dict[str, int]
    holders: dict[str, set[str]]  # view generation → who holds its lock


def test_two_projectors_at_once_one_writes_the_other_takes_over(
    backend: str, database_url: str, system: System, projectors: Projectors
) -> None:
    settings = settings_for(database_url)
    engine = system.engine
    filled = DOSSIERS[backend] // 2
    fill_store(system.app, filled)
    adopt_department(system.app)
    filled_head = head(system)
    writer = CommandWriter(system.app, pause=0.02).start()
    try:
        a = projectors.start("pa")
        b = projectors.start("pb")

        samples: list[Sample] = []

        def sample() -> Sample:
            views = {
                f"{name}_g{g}"
                for name in NAMES
                for g in generations(engine, name).values()
            }
            taken = Sample(
                tracking(engine),
                {v: holder_names(settings, engine, v, projectors) for v in views},
            )
            samples.append(taken)
            return taken

        def both_views_live_and_written() -> bool:
            taken = sample()
            return writer.dossiers >= 20 and all(
                (g := generations(engine, n).get("active"))
                and taken.positions.get(f"{n}_g{g}", 0) >= filled_head
                for n in NAMES
            )

        wait_for(
            "both views live while commands go on", both_views_live_and_written, a, b
        )
        deadline = time.monotonic() + 2.0  # and a while longer, both running
        while time.monotonic() < deadline:
            sample()
            time.sleep(0.05)

        # One writer per generation; a lock never changed hands while both lived.
        leaders: dict[str, set[str]] = {}
        for taken in samples:
            for view, holders in taken.holders.items():
                assert len(holders) <= 1, f"{view} held by {holders}"
                leaders.setdefault(view, set()).update(holders)
        live = [f"{n}_g{generations(engine, n)['active']}" for n in NAMES]
        for view in live:
            assert len(leaders[view]) == 1, f"{view} changed hands: {leaders[view]}"
            assert leaders[view] <= {"pa", "pb"}
        # Positions only ever move forward.
        for earlier, later in itertools.pairwise(samples):
            for view, position in earlier.positions.items():
                assert later.positions.get(view, 0) >= position, view

        # Kill the leader of the dossier list: the standby takes over, and catches up.
        (leader_name,) = leaders[live[0]]
        leader, standby = (a, b) if leader_name == "pa" else (b, a)
        leader.kill()
        written = writer.dossiers

        def standby_leads() -> bool:
            taken = sample()
            return all(taken.holders[v] == {standby.name} for v in live) and (
                writer.dossiers >= written + 10
            )

        wait_for("the standby to take every view over", standby_leads, standby)
    finally:
        writer.stop()
    wait_for("the standby to catch up", caught_up(system), standby)
    assert standby.stop() == 0

    for projector in projectors.started:
        assert "batch_already_applied" not in projector.output()
        assert "view_ahead_of_store" not in projector.output()
    for name in NAMES:  # built once, never rebuilt for nothing
        assert generations(engine, name) == {"active": 1}, name
    dossiers = filled + writer.dossiers
    incremental = active_dumps(engine)
    assert len(incremental["dossier_list"][1]["dossiers"]) == dossiers
    assert_counts(incremental["stage_counts"][1], dossiers)
    # Each row's version is its dossier's last event: together, every dossier event.
    versions = sum(row["version"] for row in incremental["dossier_list"][1]["dossiers"])
    department = system.app.repository.get(department_id(DEPARTMENT)).version
    assert versions == system.app.store.count_events() - department
    assert_equals_clean_rebuild(system, incremental)


# ---- 2. a rebuild while the projector runs -------------------------------------------


@dataclass
class Reading:
    generation: int
    dossiers: int
    counted: int  # stage_counts total, read right after


def test_rebuild_while_the_projector_runs_readers_always_have_a_whole_view(
    backend: str,
    database_url: str,
    system: System,
    projectors: Projectors,
    workdir: Path,
) -> None:
    settings = settings_for(database_url)
    engine = system.engine
    filled = DOSSIERS[backend]
    fill_store(system.app, filled)
    adopt_department(system.app)
    live = projectors.start("live", batch_size=50)
    wait_for("the first build", caught_up(system), live)

    readings: list[Reading] = []
    failures: list[BaseException] = []
    reading = threading.Event()

    def read_continuously() -> None:
        try:
            while not reading.is_set():
                active = engine.registry.find("dossier_list", "active")
                counts = engine.reader("stage_counts")
                assert active is not None, "the dossier list went missing"
                assert counts is not None, "the stage counts went missing"
                generation = active.generation
                _, total = engine.view(active).select("dossiers", limit=1)
                counted = sum(
                    row["dossiers"] for row in counts.select("stage_counts")[0]
                )
                readings.append(Reading(generation, total, counted))
                time.sleep(0.005)
        except BaseException as error:
            failures.append(error)

    writer = CommandWriter(system.app, pause=0.02).start()
    reader = threading.Thread(target=read_continuously, name="reader")
    reader.start()
    try:
        rebuild = run_logis(
            "projections",
            "rebuild",
            database_url=database_url,
            cwd=workdir,
            env={"LOGIS_PROJECTOR_BATCH_SIZE": "20"},  # slow enough to read during it
        )
        assert rebuild.returncode == 0, rebuild.stderr
        assert "Vue dossier_list reconstruite (génération 2)" in rebuild.stdout
        assert "Vue stage_counts reconstruite (génération 2)" in rebuild.stdout
        during = writer.dossiers
    finally:
        reading.set()
        reader.join(timeout=30)
    assert not failures, failures
    assert live.alive(), live.output()

    # Readers always had a whole view: never empty or partial, through the switch.
    assert {r.generation for r in readings} == {1, 2}, "no reading on both sides"
    assert len(readings) > 20
    for r in readings:
        assert r.dossiers >= filled, f"a partial view: {r}"
        assert r.counted >= filled, f"partial stage counts: {r}"
    for name in NAMES:
        assert generations(engine, name) == {"retired": 1, "active": 2}

    # The live projector goes on with generation 2: new commands appear there.
    try:
        wait_for("more commands", lambda: writer.dossiers >= during + 10, live)
    finally:
        writer.stop()
    wait_for("the live projector to catch up on g2", caught_up(system), live)
    for name in NAMES:
        assert holder_names(settings, engine, f"{name}_g2", projectors) == {"live"}
        assert holder_names(settings, engine, f"{name}_g1", projectors) == set()
    dossiers = filled + writer.dossiers
    view = engine.reader("dossier_list")
    assert view is not None
    assert view.select("dossiers", limit=1)[1] == dossiers
    assert live.stop() == 0
    assert "projection_failed" not in live.output(), live.output()

    incremental = active_dumps(engine)
    assert_counts(incremental["stage_counts"][1], dossiers)
    assert_equals_clean_rebuild(system, incremental)


# ---- 3. a standby watching the leader move ---------------------------------------


def test_a_standby_does_not_take_the_leaders_progress_for_a_view_ahead_of_the_store(
    database_url: str, system: System
) -> None:
    """The race of test 1, made deterministic in one process: the standby reads the
    store's head, then the leader applies newer events before the standby reads the
    view's position. A view ahead of the store means a store replaced or restored
    (rebuild it); a view merely moving means nothing of the kind."""
    leader = system
    fill_store(leader.app, 30)
    leader.engine.catch_up()  # the leader now holds every active generation
    standby = build_system(settings_for(database_url))
    try:
        head_of_store = standby.app.recorder.max_notification_id
        written = itertools.count(30)

        def head_then_the_leader_moves() -> int | None:
            top = head_of_store()
            fill_store(leader.app, 1, first=next(written))
            assert leader.engine.run_once() > 0
            return top

        standby.app.recorder.max_notification_id = head_then_the_leader_moves  # type: ignore[method-assign]
        standby.engine.run_once()
        assert next(written) > 30, "the standby never looked at the head"
    finally:
        standby.close()
    for name in NAMES:
        assert generations(leader.engine, name) == {"active": 1}, name


# ---- 4. the leader's lock session dies, the leader does not ------------------------


@pytest.mark.postgres
def test_a_leader_whose_lock_session_died_does_not_write_beside_the_new_one(
    postgres_database: str, workdir: Path
) -> None:
    """PostgreSQL ends the session holding the advisory lock (a network cut, a
    failover, pg_terminate_backend), not the process. The leader must notice, and
    take the lock anew or stand by: not go on writing as if it still held it while
    the standby, finding the lock free, writes too."""
    settings = settings_for(postgres_database)
    system = build_system(settings)
    projectors = Projectors(postgres_database, workdir)
    try:
        engine = system.engine
        fill_store(system.app, 50)
        adopt_department(system.app)
        a = projectors.start("pa")
        wait_for("pa to build the views", caught_up(system), a)
        b = projectors.start("pb")
        live = [f"{name}_g1" for name in NAMES]
        assert all(
            holder_names(settings, engine, v, projectors) == {"pa"} for v in live
        )
        time.sleep(2.0)  # pb is up and standing by

        with psycopg.connect(postgres_database, autocommit=True) as conn:
            ended = conn.execute(
                "SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a "
                "WHERE a.application_name = 'pa' AND a.datname = current_database() "
                "AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid "
                "            AND l.locktype = 'advisory')"
            ).fetchall()
        assert ended == [(True,)], ended

        writer = CommandWriter(system.app, pause=0.02).start()
        try:
            # Its lock free, one of the two takes it: pb, or pa again, in a new
            # session (pa may well be first). Either way, exactly one.
            wait_for(
                "a leader again",
                lambda: all(
                    len(holder_names(settings, engine, v, projectors)) == 1
                    for v in live
                ),
                a,
                b,
            )
            wait_for("commands while both run", lambda: writer.dossiers >= 40, a, b)
        finally:
            writer.stop()
        wait_for("the views to catch up", caught_up(system), a, b)
        assert a.stop() == 0
        assert b.stop() == 0
        for projector in (a, b):
            # Two writers of one view: one of them meets batches already applied.
            assert "batch_already_applied" not in projector.output(), projector.output()
        incremental = active_dumps(engine)
        assert_counts(incremental["stage_counts"][1], 50 + writer.dossiers)
        assert_equals_clean_rebuild(system, incremental)
    finally:
        projectors.close()
        system.close()


# ---- 5. a rebuild starting while a projector polls --------------------------------


def test_a_rebuild_keeps_the_generation_it_creates_from_a_polling_projector(
    database_url: str, system: System
) -> None:
    """The race of test 2, made deterministic in one process: the projector looks
    at the registry right after `logis projections rebuild` created its new
    generation. The rebuild must still be the one to build it."""
    projector = system
    fill_store(projector.app, 30)
    projector.engine.catch_up()
    cli = build_system(settings_for(database_url))
    try:
        create = cli.engine.registry.create
        polled: list[int] = []

        def create_then_the_projector_polls(name: str, version: int) -> Any:
            created = create(name, version)
            polled.append(projector.engine.run_once())
            return created

        cli.engine.registry.create = create_then_the_projector_polls  # type: ignore[method-assign]
        rebuilt = cli.engine.rebuild("dossier_list")
    finally:
        cli.close()
    assert polled == [0], "the projector built the rebuild's generation itself"
    assert rebuilt.generation == 2
    assert generations(projector.engine, "dossier_list") == {"retired": 1, "active": 2}
