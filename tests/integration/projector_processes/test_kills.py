"""`logis projector` processes killed (SIGKILL: no handler runs, no lock is
released but by the kernel or the server) in the middle of their work, on SQLite
and on PostgreSQL: in the middle of catch-ups, where nothing may be lost or
applied twice, and during a rebuild, where the projectors restarted must follow
the views it switched. Each test drives real `logis` subprocesses over a store
filled in this process (tests/helpers/projector_processes.py watches them); the
views built through the kills must equal a clean rebuild of them.

The two-projector, takeover and rebuild races are in test_leaders_and_rebuilds.py.
"""

from __future__ import annotations

import subprocess
import time
from typing import TYPE_CHECKING

import pytest

from tests.e2e.support import logis_env, logis_executable
from tests.helpers.backends import EVERY_STORE
from tests.helpers.projector_processes import (
    DOSSIERS,
    NAMES,
    POOL,
    Projector,
    Projectors,
    assert_counts,
    caught_up,
    counts_in,
    expected_counts,
    generations,
    head,
    holder_names,
    run_logis,
    settings_for,
    status_json,
    tracking,
    wait_for,
)
from tests.helpers.stores import (
    CommandWriter,
    active_dumps,
    adopt_department,
    dump_view,
    events_for,
    fill_store,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from infra.bootstrap import System

pytestmark = [EVERY_STORE, pytest.mark.timeout(300)]

# Small batches, so that a catch-up takes many commits (what a batch costs is
# mostly its transaction, not its events): a kill lands in its middle.
CATCH_UP_BATCH = {"sqlite": 5, "postgres": 10}
RESUME_BATCH = 50  # a projector left to finish: no kill to wait for


# ---- kill -9 in the middle of a catch-up ------------------------------------------


def settled_tracking(system: System, quiet: float = 0.3) -> dict[str, int]:
    """The positions once they stop moving: a COMMIT the killed process sent
    just before SIGKILL still completes on the server after the process is
    gone (PostgreSQL), and must be counted among what it did."""
    deadline = time.monotonic() + 10
    last = tracking(system.engine)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = tracking(system.engine)
        if now == last:
            return now
        last = now
    return last


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
    after = settled_tracking(system)
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

    batch = CATCH_UP_BATCH[backend]
    _, after = kill_mid_catch_up(
        system, projectors.start("p1", batch), {}, top, building_views
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
    resumed = projectors.start("p2", RESUME_BATCH)  # not killed: larger batches
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
            system, projectors.start(name, batch), previous, top, active_views
        )
        status = status_json(database_url, workdir)
        for view in NAMES:
            assert status[view]["generation"] == 1
            assert status[view]["position"] == previous[f"{view}_g1"]
            assert status[view]["tete"] == top

    last = projectors.start("p5", RESUME_BATCH)
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


# ---- kill -9 of leader and standby during a rebuild -------------------------------

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
    rebuild.kill()  # the projectors finish what it left (as in the test above)

    def no_lag() -> bool:
        return all(s.lag_events == 0 and not s.building for s in engine.status())

    wait_for("lag 0 on every view", no_lag, *running, timeout=30)
