"""Running `logis projector` processes from a test, and watching them from
outside: positions in `projection_tracking`, the registry `projection_generations`,
and who holds each generation's writer lock (PostgreSQL: `pg_locks` joined with
`pg_stat_activity`, each projector naming its sessions with PGAPPNAME; SQLite:
the kernel's `/proc/locks`, by the lock file's inode). For the
tests in tests/integration/projector_processes/ (their fixtures: conftest.py
there).

    fill_store(system.app, DOSSIERS[backend])
    projector = projectors.start("p1", batch_size=5)
    wait_for("the first build", caught_up(system), projector)
    assert projector.stop() == 0

Every wait has a deadline; every process started is killed at teardown.
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

from infra.locks import lock_number
from infra.settings import Settings
from tests.e2e.support import logis_env, logis_executable
from tests.helpers.stores import COMMUNES, dump_view, stage_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from infra.bootstrap import System
    from infra.projector import ProjectionEngine

WAIT_SECONDS = 90.0  # the longest any single wait may take
POLL = 0.01
# The store each test fills (about 1,700 events on SQLite, 870 on PostgreSQL):
# a catch-up in small batches over it lasts long enough to be killed in its
# middle (CATCH_UP_BATCH in test_projector_kills.py).
DOSSIERS = {"sqlite": 200, "postgres": 100}
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
