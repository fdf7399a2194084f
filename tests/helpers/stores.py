"""Stores with many events, written fast through the Logis application, and what
the projection engine made of them.

- `fill_store`: dossiers driven by the domain's command methods to every stage
  of the procedure (tests/helpers/dossiers.py), saved by `app.save` a chunk at a
  time: thousands of events a second, for catch-ups that take a while.
- `CommandWriter`: a thread carrying out real commands (`create`,
  `step` with a `Context`) while projectors run, one transaction each.
- `dump_view`: every row of every table of one view generation, for comparing an
  incrementally built view with a clean rebuild.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from benchmarks.commands import DOCS, STEPS
from commands.context import Context
from commands.department import AdoptSettings
from commands.dossier_identification import IdentifyDossier
from domain.department_settings import CeilingTable, DepartmentSettings
from domain.dossier import Dossier
from domain.shared import Actor
from tests.helpers.dossiers import (
    DEPARTMENT,
    PATH_OPTIONS,
    PATHS,
    Procedure,
    identify_dossier,
    make_meta,
    perform,
)

if TYPE_CHECKING:
    from commands.application import Logis
    from infra.generations import Generation
    from infra.projector import ProjectionEngine

# A few communes of Martinique (codes INSEE), so the stage counters have several keys.
COMMUNES = ("97209", "97213", "97229", "97222", "97224")
# Every stage a dossier can be driven to, longest paths first (17 events down to 2).
STAGES_BY_LENGTH = tuple(sorted(PATHS, key=lambda s: -len(PATHS[s])))


def stage_of(n: int) -> str:
    return STAGES_BY_LENGTH[n % len(STAGES_BY_LENGTH)]


def driven_dossier(n: int) -> Dossier:
    """Dossier number `n`, driven to `stage_of(n)` in commune `COMMUNES[n % 5]`,
    its events pending (not saved)."""
    stage = stage_of(n)
    procedure = replace(Procedure(), **PATH_OPTIONS.get(stage, {}))
    # The procedure's department, and no programme nor DALO, on every path.
    dossier = identify_dossier(
        procedure,
        make_meta("mairie", date(2025, 1, 6)),
        applicant_name=f"Ménage {n}",
        commune=COMMUNES[n % len(COMMUNES)],
    )
    for step in PATHS[stage][1:]:
        perform(dossier, step, procedure=procedure)
    assert dossier.stage == stage
    return dossier


def fill_store(app: Logis, dossiers: int, *, first: int = 0, chunk: int = 20) -> int:
    """Save `dossiers` driven dossiers, `chunk` per transaction; how many events."""
    events = 0
    numbers = iter(range(first, first + dossiers))
    while batch := list(itertools.islice(numbers, chunk)):
        aggregates = [driven_dossier(n) for n in batch]
        events += sum(len(a.pending_events) for a in aggregates)
        app.save(*aggregates)
    return events


def events_for(dossiers: int, *, first: int = 0) -> int:
    """How many events `fill_store` writes for these dossiers."""
    return sum(len(PATHS[stage_of(n)]) for n in range(first, first + dossiers))


# ---- real commands, one transaction each ----------------------------------------

# The benchmark's commands (benchmarks/commands.py): a dossier's steps up to its
# solvency, each with the role that records it, and the documents they need.
DOCUMENTS, COMMAND_STEPS = DOCS, STEPS


def context(role: str, commune: str | None = None) -> Context:
    """An agent of `role` acting in DEPARTMENT (and `commune`, for a Mairie or
    a CCAS: the dossier's)."""
    return Context(
        Actor(f"agent.{role}", role, f"org-{role}"),
        "tests",
        datetime.now(UTC),
        department=DEPARTMENT,
        commune=commune,
    )


def adopt_department(app: Logis) -> None:
    """Settings for DEPARTMENT in force today, so commands may run."""
    year = datetime.now(UTC).year
    ceilings = {c: Decimal(10000 + 3000 * c) for c in range(1, 7)}
    app.adopt_settings(
        DEPARTMENT,
        AdoptSettings(
            effective_from=date(2000, 1, 1),
            settings=DepartmentSettings(
                required_documents=DOCUMENTS,
                resource_ceilings=tuple(
                    CeilingTable(year=y, by_category=ceilings, source="tests")
                    for y in (year - 1, year, year + 1)
                ),
            ),
        ),
        context("admin"),
    )


def command_dossier(app: Logis, n: int) -> int:
    """Identify dossier `n` and take it through `n % 7` steps, a command each;
    how many events that appended."""
    commune = COMMUNES[n % len(COMMUNES)]
    result = app.create(
        "dossier",
        IdentifyDossier(
            applicant_name=f"Ménage en direct {n}",
            household_size=2,
            department=DEPARTMENT,
            commune=commune,
        ),
        context("mairie", commune),
    )
    events = result.events
    for role, step in COMMAND_STEPS[: n % (len(COMMAND_STEPS) + 1)]:
        events += app.step("dossier", result.id, step, context(role, commune)).events
    return events


@dataclass
class CommandWriter:
    """Writes dossiers by commands on a thread until stopped (or `limit` reached)."""

    app: Logis
    first: int = 0
    limit: int | None = None
    pause: float = 0.0
    dossiers: int = 0
    events: int = 0
    error: BaseException | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def start(self) -> CommandWriter:
        self.thread = threading.Thread(target=self._run, name="command-writer")
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self.stopping.is_set() and (
                self.limit is None or self.dossiers < self.limit
            ):
                self.events += command_dossier(self.app, self.first + self.dossiers)
                self.dossiers += 1
                if self.pause:
                    self.stopping.wait(self.pause)
        except BaseException as error:  # reported by stop()
            self.error = error

    def stop(self, timeout: float = 60.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)
            assert not self.thread.is_alive(), "the command writer did not stop"
        if self.error is not None:
            raise AssertionError(f"the command writer failed: {self.error!r}")


# ---- what the engine made of them --------------------------------------------------

Dump = dict[str, list[dict[str, Any]]]


def dump_view(engine: ProjectionEngine, generation: Generation) -> Dump:
    """Every row of every table of `generation`, in key order."""
    view = engine.view(generation)
    return {table.name: view.select(table.name)[0] for table in view.tables}


def active_dumps(engine: ProjectionEngine) -> dict[str, tuple[int, Dump]]:
    """Each projection's active generation number and content."""
    dumps = {}
    for name in engine.projections:
        active = engine.registry.find(name, "active")
        assert active is not None, f"{name}: no active generation"
        dumps[name] = (active.generation, dump_view(engine, active))
    return dumps
