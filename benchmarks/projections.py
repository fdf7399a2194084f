"""Projection throughput against a raw baseline, measured in the same run.

For each backend: a store of N dossiers driven through the procedure (1 to 17
steps each, so about 9 events a dossier), then, for each projection, a full
rebuild by the engine with its default batch size (one view transaction per 1000
events), against the bare database inserting plain rows 100 per transaction into
the same database (the views' one: `<store>-views.sqlite3` on SQLite), measured
again just before each figure. The goal is a ratio of at least 0.5. Before the
rebuilds: every view caught up from the start, as `logis projector` does after a
restore (the views of one pass decode each event once, together).

The dossiers are driven in memory by the command models' own `apply` (the rules
of the domain run) and saved by the application a few dossiers per transaction:
only the projections are measured here (benchmarks/commands.py measures commands).

    python -m benchmarks.projections [--dossiers 2400] [--postgres URL]
"""

from __future__ import annotations

import time
import uuid
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from benchmarks.commands import DOCS, STEPS
from benchmarks.table import RATE, Row, standalone
from commands.dossier import (
    AnswerOffer,
    AttendInformationMeeting,
    CloseDossier,
    Enter,
    MakeOffer,
    ReviewInstallation,
    SignLease,
)
from commands.dossier_identification import IdentifyDossier
from domain.department_settings import CeilingTable, DepartmentSettings
from domain.dossier import Dossier
from domain.shared import Actor, Meta
from infra.bootstrap import build_system
from infra.logging import configure_logging

if TYPE_CHECKING:
    from commands.application import Logis
    from commands.dossier import Step
    from infra.bootstrap import System

DEPARTMENT = "972"
PRE_COMMISSION, COMMISSION_PREFECTORALE, CAL = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
COMMUNES = ("97209", "97213", "97229", "97222", "97224", "97230")
YEAR = 2025
RULES = DepartmentSettings(
    required_documents=DOCS,
    resource_ceilings=(
        CeilingTable(
            year=YEAR,
            by_category={c: Decimal(10000 + 3000 * c) for c in range(1, 7)},
            source="bench",
        ),
    ),
)
# The days of the steps up to the solvency study (those benchmarks/commands
# drives).
FIRST_DAYS = (
    date(YEAR, 1, 20),
    date(YEAR, 2, 3),
    date(YEAR, 2, 17),
    date(YEAR, 3, 3),
    date(YEAR, 3, 10),
    date(YEAR, 3, 24),
)
# The whole procedure, one date per step, from the repérage to the closure.
PROCEDURE: tuple[tuple[str, date, Step | str], ...] = (
    *((role, on, step) for (role, step), on in zip(STEPS, FIRST_DAYS, strict=True)),
    # The commissions' decisions, as each records them on the dossier.
    ("als", date(YEAR, 4, 7), "preselect"),
    ("prefecture", date(YEAR, 4, 22), "rank"),
    ("bailleur", date(YEAR, 5, 6), "decide"),
    ("bailleur", date(YEAR, 5, 26), MakeOffer(answer_deadline=date(YEAR, 6, 9))),
    ("bailleur", date(YEAR, 6, 2), AnswerOffer(answer="acceptee")),
    (
        "bailleur",
        date(YEAR, 6, 10),
        SignLease(
            lease_start=date(YEAR, 6, 15), rent=Decimal(420), charges=Decimal(60)
        ),
    ),
    ("bailleur", date(YEAR, 6, 16), Enter()),
    (
        "als",
        date(YEAR, 6, 20),
        AttendInformationMeeting(topics=["droits_et_devoirs", "vivre_ensemble"]),
    ),
    (
        "als",
        date(YEAR, 8, 4),
        ReviewInstallation(outcome="ok", findings="Installation sans difficulté."),
    ),
    ("als", date(YEAR, 8, 11), CloseDossier(reason="procedure_terminee")),
)


def meta(role: str, on: date) -> Meta:
    return Meta(Actor(f"bench.{role}", role, f"org-{role}"), on, uuid.uuid4(), "bench")


def driven(n: int) -> Dossier:
    """Dossier `n`, taken through the first `n % 17` steps after its repérage."""
    dossier = IdentifyDossier(
        applicant_name=f"Ménage {n}",
        household_size=2,
        department=DEPARTMENT,
        commune=COMMUNES[n % len(COMMUNES)],
        numero_unique=f"0972{YEAR % 100}{n:07d}A",
        sne_registered_on=date(YEAR, 1, 2),
    ).create(meta("mairie", date(YEAR, 1, 6)))
    for role, on, step in PROCEDURE[: n % (len(PROCEDURE) + 1)]:
        if isinstance(step, str):
            decide(dossier, step, meta(role, on))
        else:
            step.apply(dossier, meta(role, on), Rules())
    return dossier


class Rules:
    """The lookup a dossier step reads: the bench's rules, no one ranked ahead."""

    def rules(self) -> tuple[int, DepartmentSettings]:
        return 1, RULES

    def ranked_ahead(self, dossier: Dossier) -> list[Dossier]:
        return []


def decide(dossier: Dossier, what: str, on: Meta) -> None:
    """A commission's decision as record_on_dossiers records it on the dossier."""
    if what == "preselect":
        dossier.preselect(PRE_COMMISSION, None, "prioritaire", on)
    elif what == "rank":
        dossier.rank(COMMISSION_PREFECTORALE, "rang", 1, None, RULES, on)
    else:
        dossier.decide(
            commission_id=CAL,
            landlord="org-bailleur",
            decision="attribution",
            dwelling_ref="BENCH-A-01-T3",
            rank=None,
            missing_document=None,
            condition_deadline=None,
            motive=None,
            meta=on,
        )


def fill(app: Logis, dossiers: int, chunk: int = 25) -> tuple[int, float]:
    """Save the driven dossiers, `chunk` per transaction: (events, seconds)."""
    started = time.perf_counter()
    events = 0
    for first in range(0, dossiers, chunk):
        batch = [driven(n) for n in range(first, min(first + chunk, dossiers))]
        events += sum(len(d.pending_events) for d in batch)
        app.save(*batch)
    return events, time.perf_counter() - started


def raw_inserts(system: System, rows: int, per_transaction: int = 100) -> float:
    """Plain rows into a plain table of the views' database, `per_transaction`
    rows per transaction (executemany): rows per second."""
    engine = system.engine
    postgres = system.settings.is_postgres
    mark = "%s" if postgres else "?"
    table = f"bench_raw_{uuid.uuid4().hex[:8]}"
    with engine.datastore.transaction(commit=True) as c:
        c.execute(
            f"CREATE TABLE {table} (id {'uuid' if postgres else 'TEXT'} PRIMARY KEY, "
            "commune TEXT, stage TEXT, version INTEGER, updated_at TEXT)"
        )
    values = [
        (
            uuid.uuid4() if postgres else str(uuid.uuid4()),
            COMMUNES[n % len(COMMUNES)],
            "identifie",
            n % 17 + 1,
            f"2025-01-06T10:00:{n % 60:02d}+00:00",
        )
        for n in range(rows)
    ]
    statement = (
        f"INSERT INTO {table} (id, commune, stage, version, updated_at) "
        f"VALUES ({', '.join([mark] * 5)})"
    )
    started = time.perf_counter()
    for first in range(0, rows, per_transaction):
        with engine.datastore.transaction(commit=True) as c:
            c.executemany(statement, values[first : first + per_transaction])
    elapsed = time.perf_counter() - started
    with engine.datastore.transaction(commit=True) as c:
        c.execute(f"DROP TABLE {table}")
    return rows / elapsed


def events_of(system: System, name: str) -> int:
    """How many stored events the projection reads."""
    head = system.app.recorder.max_notification_id() or 0
    topics = system.engine.projections[name].topics
    return system.app.store.count_events_between(0, head, topics)


def rebuild_rate(system: System, name: str) -> tuple[int, float]:
    """A full rebuild by the engine as configured: (events applied, events/s)."""
    engine = system.engine
    events = events_of(system, name)
    started = time.perf_counter()
    engine.rebuild(name)
    return events, events / (time.perf_counter() - started)


def rows(label: str, make_settings, dossiers: int) -> list[Row]:
    """Each figure against raw inserts measured just before it: on a machine
    shared with other jobs, the disk's speed moves within a run."""
    system = build_system(make_settings("bench"))
    try:
        events, _ = fill(system.app, dossiers)
        raw = raw_inserts(system, events)
        baseline = "pilote de la base des vues, 100 lignes par transaction"
        started = time.perf_counter()
        applied = system.catch_up()
        found = [
            Row(label, f"rattrapage de toutes les vues ({events} év.)",
                applied / (time.perf_counter() - started), RATE, baseline, raw)
        ]  # fmt: skip
        for name in system.engine.projections:
            if not events_of(system, name):
                continue  # the bench writes dossiers only
            raw = raw_inserts(system, events)
            count, rate = rebuild_rate(system, name)
            measure = f"reconstruction {name} ({count} év.)"
            found.append(Row(label, measure, rate, RATE, baseline, raw))
        return found
    finally:
        system.close()


def main() -> None:
    configure_logging("WARNING", json=False)  # not the engine's info lines
    standalone(rows, __doc__, "dossiers", 2400)


if __name__ == "__main__":
    main()
