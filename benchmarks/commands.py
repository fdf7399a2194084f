"""Command throughput against a raw baseline, measured in the same run.

For each backend: N dossiers driven through the first steps of the procedure by
the Logis application (load → check rules → save, with an idempotency key), against
the library's bare recorder appending the same stored events one transaction each.
Also: replaying one dossier's state as of a moment (`as_of`) against loading it.

    python -m benchmarks.commands [--dossiers 200] [--postgres URL]
"""

from __future__ import annotations

import argparse
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from benchmarks.backends import POSTGRES_ADMIN, on_each_backend
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


def run_commands(settings: Settings, dossiers: int) -> tuple[float, int, list]:
    system = build_system(settings)
    app = system.app
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
            ),
        ),
        ctx("admin"),
    )
    commands = 0
    ids = []
    started = time.perf_counter()
    for n in range(dossiers):
        result = app.create(
            "dossier",
            IdentifyDossier(
                applicant_name=f"Ménage {n}",
                household_size=3,
                department="972",
                commune="97213",
            ),
            ctx("mairie", f"bench:{n}"),
        )
        ids.append(result.id)
        commands += 1
        for i, (role, step) in enumerate(STEPS):
            app.step("dossier", result.id, step, ctx(role, f"bench:{n}:{i}"))
            commands += 1
    elapsed = time.perf_counter() - started
    stored = app.recorder.select_notifications(start=1, limit=commands + 10)
    replay = time_replays(app, ids[:50])
    system.close()
    return elapsed, commands, [stored, replay]


def time_replays(app, ids) -> tuple[float, float]:
    started = time.perf_counter()
    for dossier_id in ids:
        app.get_dossier(dossier_id)
    load = (time.perf_counter() - started) / len(ids)
    moment = datetime.now(UTC)
    started = time.perf_counter()
    for dossier_id in ids:
        app.get_as_of("dossier", dossier_id, moment)
    as_of = (time.perf_counter() - started) / len(ids)
    return load, as_of


def run_raw(settings: Settings, stored) -> float:
    """The bare library recorder appending the same events, one transaction each."""
    from eventsourcing.persistence import InfrastructureFactory, StoredEvent
    from eventsourcing.utils import Environment

    env = dict(settings.eventsourcing_env())
    env.pop("APPLICATION_RECORDER_TOPIC")
    factory = InfrastructureFactory.construct(Environment(name="Raw", env=env))
    recorder = factory.application_recorder()
    events = [StoredEvent(uuid.uuid4(), 1, n.topic, n.state) for n in stored]
    started = time.perf_counter()
    for event in events:
        recorder.insert_events([event])
    elapsed = time.perf_counter() - started
    factory.close()
    return elapsed


def bench(label: str, make_settings, dossiers: int) -> None:
    settings = make_settings("app")
    elapsed, commands, (stored, (load, as_of)) = run_commands(settings, dossiers)
    raw = run_raw(make_settings("raw"), stored)
    per_s = commands / elapsed
    raw_per_s = len(stored) / raw
    print(f"\n== {label}: {dossiers} dossiers, {commands} commands")
    print(f"  commands (load, rules, save, idempotency): {per_s:10.0f} /s")
    print(f"  raw recorder append, 1 event per txn:     {raw_per_s:10.0f} /s")
    print(f"  ratio command / raw append:                {per_s / raw_per_s:10.2f}")
    print(f"  load current state: {load * 1e3:6.2f} ms", end="")
    print(f"   as_of replay: {as_of * 1e3:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--postgres", default=POSTGRES_ADMIN)
    args = parser.parse_args()
    on_each_backend(
        args.postgres,
        lambda label, settings_for: bench(label, settings_for, args.dossiers),
    )


if __name__ == "__main__":
    main()
