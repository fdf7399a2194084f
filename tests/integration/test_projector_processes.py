"""The projection engine as it runs in production: `logis projector` processes,
killed, doubled, and rebuilt under, on SQLite and on PostgreSQL.

Each test drives real `logis` subprocesses (the venv's executable) over a store
filled in this process through the Logis application. It watches them from here:
positions in `projection_tracking`, the registry `projection_generations`, and
who holds each generation's writer lock (PostgreSQL: `pg_locks` joined with
`pg_stat_activity`, each projector naming its sessions with PGAPPNAME; SQLite:
the kernel's `/proc/locks`, by the lock file's inode). A view built
incrementally, through kills and takeovers, must equal a clean rebuild of it,
and its counters must match what was written.

Test 7 kills the leader and the standby, round after round, during a rebuild.
Tests 4 and 6 replay, deterministically and in one process, two races the
process tests hit now and then (a standby reading the head before the leader's
position; a projector taking the generation a rebuild had just created); test 5
ends the leader's PostgreSQL lock session under it.

Every wait has a deadline; every process started is killed at teardown.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

from domain.department import department_id
from infra.bootstrap import build_system
from infra.locks import lock_number
from infra.settings import Settings
from tests.e2e.support import logis_env, logis_executable
from tests.helpers.backends import EVERY_STORE
from tests.helpers.dossiers import DEPARTMENT
from tests.helpers.stores import (
    COMMUNES,
    CommandWriter,
    active_dumps,
    adopt_department,
    dump_view,
    events_for,
    fill_store,
    stage_of,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from infra.bootstrap import System
    from infra.projector import ProjectionEngine

pytestmark = [EVERY_STORE, pytest.mark.timeout(300)]

WAIT_SECONDS = 90.0  # the longest any single wait may take
POLL = 0.01
# Enough events that a catch-up by batches of 20 takes a few seconds
# (about 10,000 events/s per view on SQLite, 2,000 on PostgreSQL here).
DOSSIERS = {"sqlite": 1500, "postgres": 400}
NAMES = ("dossier_list", "stage_counts")
# Each process opens two pools on PostgreSQL (the events', the views'): small ones,
# so that several processes fit in the server's connections beside other tests.
POOL = {"LOGIS_POOL_SIZE": "2", "LOGIS_POOL_MAX_OVERFLOW": "4"}


# ---- processes -----------------------------------------------------------------------


@dataclass
class Projector:
    """One `logis projector` subprocess, its output in a log file."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no handler runs, no lock is released but by the kernel/server."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM, as an orchestrator does; the exit status."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.name} ignored SIGTERM for 30 s:\n{self.output()}")


@dataclass
class Projectors:
    database_url: str
    workdir: Path
    started: list[Projector] = field(default_factory=list)

    def start(
        self, name: str, batch_size: int = 20, poll_seconds: float = 0.05
    ) -> Projector:
        log = self.workdir / f"{name}.log"
        env = (
            logis_env(self.database_url)
            | POOL
            | {
                "LOGIS_PROJECTOR_BATCH_SIZE": str(batch_size),
                "LOGIS_PROJECTOR_POLL_SECONDS": str(poll_seconds),
                "PGAPPNAME": name,  # names its sessions, the advisory lock's included
            }
        )
        with log.open("wb") as output:
            process = subprocess.Popen(
                [logis_executable(), "projector"],
                env=env,
                cwd=self.workdir,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        projector = Projector(name, process, log)
        self.started.append(projector)
        return projector

    def by_pid(self, pid: int) -> str:
        for projector in self.started:
            if projector.pid == pid:
                return projector.name
        return f"pid {pid}"

    def close(self) -> None:
        for projector in self.started:
            if projector.alive():
                projector.process.kill()
                projector.process.wait(timeout=10)


def run_logis(
    *args: str, database_url: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [logis_executable(), *args],
        env=logis_env(database_url) | POOL | (env or {}),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def settings_for(database_url: str) -> Settings:
    return Settings(
        database_url=database_url, log_json=False, pool_size=2, pool_max_overflow=4
    )


# ---- fixtures ------------------------------------------------------------------------


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work"  # no .env here: the subprocesses read only their env
    path.mkdir()
    return path


@pytest.fixture
def system(database_url: str) -> Iterator[System]:
    """The application and an engine in this process: to write events and to read
    positions, registry and views (this engine never projects unless told to)."""
    system = build_system(settings_for(database_url))
    try:
        yield system
    finally:
        system.close()


@pytest.fixture
def projectors(database_url: str, workdir: Path) -> Iterator[Projectors]:
    group = Projectors(database_url, workdir)
    try:
        yield group
    finally:
        group.close()


# ---- observing the engine from outside -----------------------------------------------


def _column(row: Any, index: int, name: str) -> Any:
    return row[name] if isinstance(row, dict) else row[index]


def tracking(engine: ProjectionEngine) -> dict[str, int]:
    """Every view generation's committed position, e.g. {'dossier_list_g1': 120}."""
    with engine.datastore.transaction(commit=False) as c:
        c.execute("SELECT view, notification_id FROM projection_tracking")
        rows = c.fetchall()
    return {_column(r, 0, "view"): int(_column(r, 1, "notification_id")) for r in rows}


def generations(engine: ProjectionEngine, name: str) -> dict[str, int]:
    """{state: generation} of a projection (the last one of each state)."""
    return {g.state: g.generation for g in engine.registry.all(name)}


def head(system: System) -> int:
    return system.app.recorder.max_notification_id() or 0


def wait_for(
    what: str,
    condition: Callable[[], Any],
    *watched: Projector,
    timeout: float = WAIT_SECONDS,
) -> Any:
    """Poll `condition` until it returns something true; fail after `timeout`, or at
    once if a watched projector died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        for projector in watched:
            if not projector.alive():
                pytest.fail(
                    f"{projector.name} exited ({projector.process.returncode}) "
                    f"while waiting for {what}:\n{projector.output()}"
                )
        time.sleep(POLL)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def caught_up(system: System) -> Callable[[], bool]:
    """Every projection has an active generation at the head of the store."""

    def check() -> bool:
        positions, top = tracking(system.engine), head(system)
        for name in NAMES:
            active = generations(system.engine, name).get("active")
            if active is None or positions.get(f"{name}_g{active}", 0) < top:
                return False
        return True

    return check


def lock_holders(settings: Settings, engine: ProjectionEngine, view: str) -> set[str]:
    """Who holds the writer lock of `view` ('dossier_list_g1'): projector names on
    PostgreSQL (PGAPPNAME), pids on SQLite."""
    key = f"logis:view:{view}"
    if settings.is_postgres:
        number = lock_number(key) & 0xFFFF_FFFF_FFFF_FFFF
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT a.application_name FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                "AND l.database = (SELECT oid FROM pg_database "
                "                  WHERE datname = current_database()) "
                "AND l.classid::bigint = %s AND l.objid::bigint = %s",
                (number >> 32, number & 0xFFFF_FFFF),
            ).fetchall()
        return {row[0] for row in rows}
    lock_file = (
        Path(f"{settings.sqlite_path()}.locks")
        / f"{hashlib.sha256(key.encode()).hexdigest()[:16]}.lock"
    )
    if not lock_file.exists():
        return set()
    inode = lock_file.stat().st_ino
    holders = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 5368 fe:00:2146448 0 EOF" (no "->": not waiting)
        if (
            len(fields) >= 6
            and fields[1] == "FLOCK"
            and fields[5].endswith(f":{inode}")
        ):
            holders.add(fields[4])
    return holders


def holder_names(
    settings: Settings, engine: ProjectionEngine, view: str, group: Projectors
) -> set[str]:
    holders = lock_holders(settings, engine, view)
    if settings.is_postgres:
        return holders
    return {group.by_pid(int(pid)) for pid in holders}


def status_json(database_url: str, cwd: Path) -> dict[str, dict[str, Any]]:
    """`logis projections status --format json`, by view."""
    result = run_logis(
        "projections", "status", "--format", "json", database_url=database_url, cwd=cwd
    )
    assert result.returncode == 0, result.stderr
    return {row["vue"]: row for row in json.loads(result.stdout)}


def expected_counts(numbers: range) -> Counter[tuple[str, str]]:
    """(commune, stage) → dossiers, for dossiers written by `fill_store`."""
    return Counter((COMMUNES[n % len(COMMUNES)], stage_of(n)) for n in numbers)


def counts_in(dump: dict[str, list[dict[str, Any]]]) -> Counter[tuple[str, str]]:
    return Counter(
        {
            (row["commune"], row["stage"]): row["dossiers"]
            for row in dump["stage_counts"]
            if row["dossiers"]
        }
    )


def assert_equals_clean_rebuild(
    system: System, incremental: dict[str, tuple[int, Any]]
) -> None:
    """Rebuild every projection from the first event in this process, and compare
    the new generation with the one built incrementally (kept, retired)."""
    engine = system.engine
    for name, (generation, content) in incremental.items():
        rebuilt = engine.rebuild(name)
        assert rebuilt.generation > generation
        assert generations(engine, name)["retired"] == generation
        assert dump_view(engine, rebuilt) == content, f"{name}: rebuild differs"
        retired = next(
            g for g in engine.registry.all(name) if g.generation == generation
        )
        assert dump_view(engine, retired) == content  # kept for readers mid-query


def assert_counts(dump: dict[str, list[dict[str, Any]]], dossiers: int) -> None:
    totals = sum(row["dossiers"] for row in dump["stage_counts"])
    assert totals == dossiers, f"stage_counts total {totals} for {dossiers} dossiers"
    assert all(row["dossiers"] >= 0 for row in dump["stage_counts"])
    assert len(dump["places"]) == dossiers


# ---- 1. kill -9 in the middle of a catch-up ------------------------------------------


def kill_mid_catch_up(
    system: System,
    projector: Projector,
    floor: dict[str, int],
    top: int,
    views: Callable[[], list[str]],
) -> tuple[dict[str, int], dict[str, int]]:
    """Kill `projector` as soon as one of `views` is strictly between its `floor`
    position and `top`; the positions just before and just after the kill."""

    def in_progress() -> dict[str, int] | None:
        positions = tracking(system.engine)
        moving = [v for v in views() if floor.get(v, 0) < positions.get(v, 0) < top]
        return positions if moving else None

    before = wait_for("a catch-up in progress", in_progress, projector)
    projector.kill()
    after = tracking(system.engine)
    for view, position in before.items():
        assert after.get(view, 0) >= position, f"{view} went back from {position}"
    assert any(after.get(v, 0) < top for v in views()), "caught up before the kill"
    return before, after


def test_kill_9_in_the_middle_of_catch_ups_loses_and_repeats_nothing(
    backend: str,
    database_url: str,
    system: System,
    projectors: Projectors,
    workdir: Path,
) -> None:
    first, second = DOSSIERS[backend], DOSSIERS[backend]
    assert fill_store(system.app, first) == events_for(first)
    top = head(system)

    # Kill 1: during the first build, before any view is active.
    def building_views() -> list[str]:
        return [
            f"{n}_g{g}"
            for n in NAMES
            if (g := generations(system.engine, n).get("building"))
        ]

    _, after = kill_mid_catch_up(
        system, projectors.start("p1"), {}, top, building_views
    )
    status = status_json(database_url, workdir)
    for name in NAMES:
        states = generations(system.engine, name)
        assert "active" not in states, f"{name} switched before it caught up"
        assert status[name]["position"] == 0  # readers have no view yet
        assert status[name]["tete"] == top
        if (building := states.get("building")) is not None:
            position = after.get(f"{name}_g{building}", 0)
            assert status[name]["reconstruction"] == f"g{building} à {position}"

    # Resume: the same generations finish and go live.
    resumed = projectors.start("p2")
    wait_for("the first build to finish", caught_up(system), resumed)
    assert resumed.stop() == 0
    for name in NAMES:
        assert generations(system.engine, name) == {"active": 1}

    # Kills 2 and 3: during the catch-up of the active views with new events.
    fill_store(system.app, second, first=first)
    previous, top = tracking(system.engine), head(system)

    def active_views() -> list[str]:
        return [f"{n}_g1" for n in NAMES]

    for name in ("p3", "p4"):
        _, previous = kill_mid_catch_up(
            system, projectors.start(name), previous, top, active_views
        )
        status = status_json(database_url, workdir)
        for view in NAMES:
            assert status[view]["generation"] == 1
            assert status[view]["position"] == previous[f"{view}_g1"]
            assert status[view]["tete"] == top

    last = projectors.start("p5")
    wait_for("the catch-up to finish", caught_up(system), last)
    assert last.stop() == 0
    for projector in projectors.started:
        assert "batch_already_applied" not in projector.output()

    incremental = active_dumps(system.engine)
    total = first + second
    assert len(incremental["dossier_list"][1]["dossiers"]) == total
    assert_counts(incremental["stage_counts"][1], total)
    assert counts_in(incremental["stage_counts"][1]) == expected_counts(range(total))

    # The same content from a clean rebuild, by the command line.
    rebuild = run_logis(
        "projections", "rebuild", database_url=database_url, cwd=workdir
    )
    assert rebuild.returncode == 0, rebuild.stderr
    for name, (generation, content) in incremental.items():
        assert generations(system.engine, name) == {"retired": generation, "active": 2}
        rebuilt = system.engine.reader(name)
        assert rebuilt is not None
        assert rebuilt.max_tracking_id(system.app.name) == head(system)
        active = system.engine.registry.find(name, "active")
        assert active is not None
        assert dump_view(system.engine, active) == content, f"{name}: rebuild differs"


# ---- 2. two projectors at once -------------------------------------------------------


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


# ---- 3. a rebuild while the projector runs -------------------------------------------


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


# ---- 4. a standby watching the leader move ---------------------------------------


def test_a_standby_does_not_take_the_leaders_progress_for_a_view_ahead_of_the_store(
    database_url: str, system: System
) -> None:
    """The race of test 2, made deterministic in one process: the standby reads the
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


# ---- 5. the leader's lock session dies, the leader does not ------------------------


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


# ---- 6. a rebuild starting while a projector polls --------------------------------


def test_a_rebuild_keeps_the_generation_it_creates_from_a_polling_projector(
    database_url: str, system: System
) -> None:
    """The race of test 3, made deterministic in one process: the projector looks
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


# ---- 7. kill -9 of leader and standby during a rebuild -------------------------------

KILL_ROUNDS = 4


@pytest.mark.parametrize("backend", ["postgres"])
def test_kill_9_of_leader_and_standby_during_a_rebuild_leaves_no_lag(
    database_url: str, system: System, projectors: Projectors, workdir: Path
) -> None:
    """`logis projections rebuild` switches the views one after the other; once
    it has switched the first, commands go on while the leader and the standby
    are killed and restarted, round after round. That view must reach
    the head (lag 0) while the rebuild still works on the next views, and every
    view once it ends: the rebuild lets the projectors follow what it switched."""
    settings = settings_for(database_url)
    engine = system.engine
    fill_store(system.app, 60)
    adopt_department(system.app)
    running = [projectors.start("k0a"), projectors.start("k0b")]
    wait_for("the first build", caught_up(system), *running)
    log = workdir / "rebuild.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [logis_executable(), "projections", "rebuild"],
            # Batches of one: the rebuild of the next views lasts a while.
            env=logis_env(database_url) | POOL | {"LOGIS_PROJECTOR_BATCH_SIZE": "1"},
            cwd=workdir,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    rebuild = Projector("rebuild", process, log)
    projectors.started.append(rebuild)  # killed at teardown if still running
    first, last = NAMES[0], list(engine.projections)[-1]

    def first_switched() -> bool:
        return generations(engine, first).get("active") == 2

    def first_at_head() -> bool:
        position = tracking(engine).get(f"{first}_g2", 0)
        return position >= head(system)

    wait_for(f"the rebuild to switch {first}", first_switched, rebuild)
    writer = CommandWriter(system.app, pause=0.02).start()
    try:
        for round_ in range(1, KILL_ROUNDS + 1):
            leaders = holder_names(settings, engine, f"{first}_g2", projectors)
            for projector in running:  # the leader first, then the standby
                if projector.name in leaders:
                    projector.kill()
            for projector in running:
                if projector.alive():
                    projector.kill()
            running = [projectors.start(f"k{round_}a"), projectors.start(f"k{round_}b")]
            time.sleep(0.2)
    finally:
        writer.stop()
    # `rebuild` watched: its end before the view reaches the head fails the test.
    wait_for(f"{first} at the head during the rebuild", first_at_head, rebuild)
    assert generations(engine, last) == {"active": 1}, "the rebuild ended first"
    rebuild.kill()  # the projectors finish what it left (test 1 kills builders too)

    def no_lag() -> bool:
        return all(s.lag_events == 0 and not s.building for s in engine.status())

    wait_for("lag 0 on every view", no_lag, *running, timeout=30)
