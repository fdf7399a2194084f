"""Command throughput against raw baselines, measured in the same run.

For each backend: N dossiers driven through the first steps of the procedure by
the Logis application (load → check rules → save, with an idempotency key),
against the library's bare recorder appending the same stored events one
transaction each, and against the database driver inserting the same rows one
transaction each (benchmarks/raw.py). Then, on a store of its own, each
dossier's enquête sociale recorded from 16 threads at once (on PostgreSQL their
appends share transactions: group commit), against the driver inserting the
same rows one a transaction from one connection and from 16. Loads are
measured by benchmarks/scaling.py, on stores of growing size.

    python -m benchmarks.commands [--dossiers 200] [--postgres URL]
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from benchmarks.raw import (
    concurrent_inserts,
    concurrently,
    insert_rate,
    recorder_seconds,
    shaped,
    timed,
)
from benchmarks.table import RATE, Row, standalone
from commands.context import Context
from commands.department import AdoptSettings
from commands.dossier import (
    AssessSolvency,
    CheckResources,
    CompleteDossier,
    RenderMairieAvis,
    RenderSocialEnquiry,
    StartAnalysis,
)
from commands.dossier_identification import IdentifyDossier
from domain.department import local_today
from domain.department_settings import CeilingTable, DepartmentSettings
from domain.shared import Actor
from infra.bootstrap import build_system
from infra.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from commands.application import Logis

THREADS = 16  # as the HTTP benchmark's most clients (benchmarks/http.py)
# The department's today: the server judges dates in Martinique time (UTC−4).
TODAY = local_today("972", datetime.now(UTC))
DOCS = ("piece_identite", "avis_imposition")
STEPS = (
    ("departement", RenderSocialEnquiry(avis="favorable", summary="Situation stable")),
    ("mairie", RenderMairieAvis(avis="favorable")),
    ("ccas", CompleteDossier(documents=list(DOCS))),
    ("deal", CheckResources(annual_resources=Decimal(12000), household_category=2)),
    ("als", StartAnalysis()),
    (
        "als",
        AssessSolvency(
            monthly_resources=Decimal(1100),
            rent=Decimal(420),
            charges=Decimal(60),
            housing_benefit=Decimal(280),
            opinion="favorable",
        ),
    ),
)


def ctx(role: str, key: str | None = None, commune: str = "97213") -> Context:
    """An agent acting where the benchmark's dossiers sit (Le Lamentin)."""
    actor = Actor("bench", role, f"org-{role}")
    return Context(
        actor,
        "bench",
        datetime.now(UTC),
        idempotency_key=key,
        fingerprint=key or "",
        department="972",
        commune=commune,
    )


def adopt_settings(app: Logis, commune: str = "97213", **settings: Any) -> None:
    """Martinique's documents and this year's ceilings (and `settings`), in
    force since 2000, so that the benchmark's commands may run."""
    ceilings = {c: Decimal(10000 + 3000 * c) for c in range(1, 7)}
    app.adopt_settings(
        "972",
        AdoptSettings(
            effective_from=date(2000, 1, 1),
            settings=DepartmentSettings(
                required_documents=DOCS,
                resource_ceilings=(
                    CeilingTable(year=TODAY.year, by_category=ceilings, source="bench"),
                ),
                **settings,
            ),
        ),
        ctx("admin", commune=commune),
    )


def identify(
    app: Logis, n: int, commune: str = "97213", key: str | None = None, **fields: Any
) -> UUID:
    """Dossier `n`'s repérage by the mairie of `commune` (and `fields`)."""
    command = IdentifyDossier(
        applicant_name=f"Ménage {n}",
        household_size=3,
        department="972",
        commune=commune,
        **fields,
    )
    return app.create("dossier", command, ctx("mairie", key, commune)).id


def run_commands(settings: Settings, dossiers: int) -> tuple[float, int, list]:
    """The dossiers driven by the application: (seconds, commands, the stored
    events they appended)."""
    system = build_system(settings)
    app = system.app
    adopt_settings(app)
    commands = 0
    started = time.perf_counter()
    for n in range(dossiers):
        dossier_id = identify(app, n, key=f"bench:{n}")
        commands += 1
        for i, (role, step) in enumerate(STEPS):
            app.step("dossier", dossier_id, step, ctx(role, f"bench:{n}:{i}"))
            commands += 1
    elapsed = time.perf_counter() - started
    stored = [
        n
        for n in app.recorder.select_notifications(start=1, limit=commands * 3 + 10)
        if n.topic.startswith("logis.dossier.")
    ]
    system.close()
    return elapsed, commands, stored


def run_concurrent(settings: Settings, dossiers: int, threads: int) -> float:
    """The dossiers' enquête sociale recorded from `threads` threads at once
    (each on dossiers of its own), through the application: commands a
    second. On PostgreSQL their appends share transactions (group commit)."""
    system = build_system(settings)
    app = system.app
    adopt_settings(app, commune="97213")
    created = [identify(app, n, key=f"concurrent:{n}") for n in range(dossiers)]
    role, enquiry = STEPS[0]

    def share(index: int, ready: Callable[[], object]) -> list[float]:
        ready()
        return timed(
            lambda dossier_id=dossier_id: app.step(
                "dossier", dossier_id, enquiry, ctx(role, f"enquiry:{dossier_id}")
            )
            for dossier_id in created[index::threads]
        )

    elapsed, _ = concurrently(threads, share)
    system.close()
    return dossiers / elapsed


def rows(label: str, make_settings, dossiers: int) -> list[Row]:
    settings = make_settings("app")
    elapsed, commands, stored = run_commands(settings, dossiers)
    one_each = [[n] for n in stored]
    recorder = len(stored) / recorder_seconds(make_settings("raw"), one_each)
    driver = insert_rate(settings, shaped(stored))
    measure = f"commandes ({commands} à la suite)"
    together = run_concurrent(make_settings("concurrent"), dossiers, THREADS)
    parallel, _ = concurrent_inserts(settings, shaped(stored), THREADS)
    at_once = f"commandes ({dossiers}, {THREADS} fils à la fois)"
    return [
        Row(label, measure, commands / elapsed, RATE,
            "enregistreur nu, 1 événement par transaction", recorder),
        Row(label, measure, commands / elapsed, RATE,
            "pilote SQL, 1 ligne par transaction", driver),
        Row(label, at_once, together, RATE,
            "pilote SQL, 1 ligne par transaction, 1 connexion", driver),
        Row(label, at_once, together, RATE,
            f"pilote SQL, 1 ligne par transaction, {THREADS} connexions", parallel),
    ]  # fmt: skip


def main() -> None:
    standalone(rows, __doc__, "dossiers", 200)


if __name__ == "__main__":
    main()
