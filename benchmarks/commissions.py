"""Commission decisions against a raw baseline, measured in the same run.

A commission decision is one command that loads the commission and every dossier
it names, checks the rules on each, and saves them all in one transaction. For
each backend, N dossiers are prepared up to the solvency study (not timed), then
timed: a pré-commission selecting all N in one command, a commission
préfectorale ranking them (10 ranked, the rest on the liste complémentaire), and
a vacance programme of 20 dwellings whose candidates come from that list. The
baseline: the library's bare recorder inserting the same stored events, one
transaction per command, as the commands did.

    python -m benchmarks.commissions [--dossiers 300] [--postgres URL]
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from benchmarks.commands import STEPS, adopt_settings, ctx, identify
from benchmarks.raw import recorder_seconds
from benchmarks.table import DURATION, Row, standalone
from commands.commission import (
    AttendeeIn,
    ConveneCommission,
    PreSelect,
    PreSelectionIn,
    RankDossiers,
    RankingEntryIn,
    RecordAttendance,
)
from commands.context import Context
from commands.programme import AnnounceProgramme, DwellingIn
from domain.commune import commune_listes_id
from domain.department import local_today
from domain.shared import Actor
from infra.bootstrap import build_system
from infra.settings import Settings

# The department's today: the server judges dates in Martinique time (UTC−4).
TODAY = local_today("972", datetime.now(UTC))
COMMUNE = "97209"
RANKED = 10
DWELLINGS = 20


def as_org(role: str, organisation: str) -> Context:
    """An agent acting in Fort-de-France, where the benchmark's records sit."""
    actor = Actor("bench", role, organisation)
    return Context(actor, "bench", datetime.now(UTC), department="972", commune=COMMUNE)


def prepare(app, dossiers: int) -> list[uuid.UUID]:
    adopt_settings(app, COMMUNE, rda_priority_criteria=("dalo", "sans_logement"))
    ids = []
    for n in range(dossiers):
        dossier_id = identify(
            app, n, COMMUNE, numero_unique=f"0972{n:010d}", sne_registered_on=TODAY
        )
        for role, step in STEPS:
            app.step("dossier", dossier_id, step, ctx(role, commune=COMMUNE))
        ids.append(dossier_id)
    return ids


def session(
    app, kind: str, role: str, attendees: list[AttendeeIn], **chair
) -> uuid.UUID:
    convened = app.create(
        "commission",
        ConveneCommission(kind=kind, held_on=TODAY, department="972", commune=COMMUNE),
        ctx(role, commune=COMMUNE),
    )
    app.step(
        "commission",
        convened.id,
        RecordAttendance(attendees=attendees, **chair),
        ctx(role, commune=COMMUNE),
    )
    return convened.id


def timed(app, what: str, act, timings: list, reads: list[uuid.UUID]) -> None:
    """Run one command; keep (what, seconds, the events it appended, the
    aggregates it reads)."""
    before = app.recorder.max_notification_id() or 0
    started = time.perf_counter()
    result = act()
    seconds = time.perf_counter() - started
    stored = app.recorder.select_notifications(start=before + 1, limit=100_000)
    assert len(stored) == result.events
    timings.append((what, seconds, stored, reads))


def decide(app, ids: list[uuid.UUID]) -> list[tuple]:
    """The timed commands: (what, seconds, stored events, aggregates read)."""
    timings: list[tuple] = []
    pre = session(
        app,
        "pre_commission",
        "als",
        [
            AttendeeIn(organisation=f"org-{r}", role=r, function="agent")
            for r in ("als", "prefecture", "deal")
        ],
    )
    command = PreSelect(
        decisions=[PreSelectionIn(dossier_id=i, outcome="prioritaire") for i in ids]
    )
    timed(
        app,
        "pré-sélection",
        lambda: app.step("commission", pre, command, ctx("als", commune=COMMUNE)),
        timings,
        [pre, *ids],
    )

    prefet = AttendeeIn(
        organisation="org-prefecture", role="prefecture", function="prefet"
    )
    deal = AttendeeIn(organisation="org-deal", role="deal", function="directeur")
    pref = session(
        app, "commission_prefectorale", "prefecture", [prefet, deal], presided_by=prefet
    )
    ranking = RankDossiers(
        ranked=[RankingEntryIn(dossier_id=i) for i in ids[:RANKED]],
        liste_complementaire=[RankingEntryIn(dossier_id=i) for i in ids[RANKED:]],
    )
    timed(
        app,
        "classement",
        lambda: app.step(
            "commission", pref, ranking, ctx("prefecture", commune=COMMUNE)
        ),
        timings,
        [pref, *ids],
    )

    vacancy = AnnounceProgramme(
        kind="vacance",
        name="Vacances",
        department="972",
        commune=COMMUNE,
        dwellings=[
            DwellingIn(
                ref=f"V{n}", typology="T3", rent=Decimal(350), charges=Decimal(50)
            )
            for n in range(DWELLINGS)
        ],
    )
    timed(
        app,
        "vacance (candidats)",
        lambda: app.create("programme", vacancy, as_org("bailleur", "OZANAM")),
        timings,
        [commune_listes_id(COMMUNE), *ids[RANKED:]],
    )
    return timings


def raw_reads(recorder, timings: list[tuple]) -> float:
    """The aggregates each command reads, one select each, as the repository does."""
    started = time.perf_counter()
    for _, _, _, reads in timings:
        for aggregate_id in reads:
            recorder.select_events(aggregate_id)
    return time.perf_counter() - started


def raw_inserts(settings: Settings, timings: list[tuple]) -> float:
    """The same stored events inserted one transaction per command."""
    return recorder_seconds(settings, [stored for _, _, stored, _ in timings])


def rows(label: str, make_settings, dossiers: int) -> list[Row]:
    system = build_system(make_settings("app"))
    app = system.app
    ids = prepare(app, dossiers)
    timings = decide(app, ids)
    reads = raw_reads(app.recorder, timings)
    system.close()
    inserts = raw_inserts(make_settings("raw"), timings)
    total = sum(seconds for _, seconds, _, _ in timings)
    measure = f"décisions de commission ({dossiers} dossiers, 3)"
    baseline = "mêmes lectures et insertions, enregistreur nu"
    return [
        Row(label, measure, total * 1e3, DURATION, baseline, (reads + inserts) * 1e3)
    ]


def main() -> None:
    standalone(rows, __doc__, "dossiers", 300)


if __name__ == "__main__":
    main()
