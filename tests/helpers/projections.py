"""Builders for the projection engine's integration tests: systems on a store,
generation dumps, random valid histories driven through the application, and
what the aggregates say the read models must hold.

    system = open_system(url, batch_size=3)
    adopt_departments(system.app)
    history = RandomHistory(system.app, data.draw)      # hypothesis `st.data()`
    history.next_command()                               # identify or a step
    before = dump_active(system.engine, "dossier_list")[1]
    system.engine.rebuild("dossier_list")
    assert dump_active(system.engine, "dossier_list")[1] == before
"""

from __future__ import annotations

import itertools
from collections import Counter
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.sqlite import SQLiteDatastore
from hypothesis import strategies as st

from commands.commission import (
    AttendeeIn,
    CandidateDecisionIn,
    CommissionStep,
    ConveneCommission,
    DecideOnDwelling,
    PreSelect,
    PreSelectionIn,
    RankDossiers,
    RankingEntryIn,
    RecordAttendance,
)
from commands.context import Context
from commands.department import AdoptSettings
from commands.dossier import (
    STEPS,
    AnswerOffer,
    AssessSolvency,
    AttendInformationMeeting,
    CheckResources,
    CloseDossier,
    CompleteDossier,
    DeclareInadmissible,
    Enter,
    ExpireFromList,
    FulfilCondition,
    MakeOffer,
    Radiate,
    ReceiveDocuments,
    RenderMairieAvis,
    RenderSocialEnquiry,
    RenewDemand,
    RequestDocuments,
    ReviewInstallation,
    SignLease,
    StartAnalysis,
    Step,
    Withdraw,
)
from commands.dossier_identification import IdentifyDossier
from commands.programme import AnnounceProgramme, DwellingIn
from domain import dossier as d
from domain.dossier import Dossier
from domain.dossier_rules import (
    ATTRIBUTIONS,
    AVIS_ENQUETE,
    AVIS_MAIRIE,
    CAL_DECISIONS,
    SOLVENCY_OPINIONS,
)
from domain.dossier_steps import (
    INSTALLATION_OUTCOMES,
    PARTNER_ROLES,
    PRESELECTION_OUTCOMES,
    RANKING_OUTCOMES,
    TERMINAL,
)
from domain.shared import Actor, DomainError
from infra.bootstrap import PROJECTIONS, build_system
from infra.departments import load_department_settings
from infra.generations import ACTIVE
from infra.settings import Settings
from tests.helpers.dossiers import (
    PATH_OPTIONS,
    PATHS,
    ROLE,
    Procedure,
    perform,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from commands.application import Logis
    from commands.context import CommandResult
    from infra.bootstrap import System
    from infra.generations import Generation
    from infra.projector import ProjectionEngine
    from projections.rows import Row, RowView

# The commands' "now": fixed, so histories do not depend on the day the tests run
# (the packaged 972 settings hold the ceilings of 2025 and 2026).
NOW = datetime(2026, 12, 31, 12, tzinfo=UTC)
FIRST_DAY = date(2025, 1, 1)
# Two departments (the 972 settings adopted for both), a few communes each, so
# the stage counters have several keys.
COMMUNES = {"972": ("97209", "97213", "97229"), "971": ("97101", "97120")}
PROGRAMMES_PER_DEPARTMENT = 2  # announced by each RandomHistory, before any dossier

Dump = dict[str, list["Row"]]
SMALL_POOLS = {"pool_size": 2, "pool_max_overflow": 4}


# ---- systems ----------------------------------------------------------------------


@contextmanager
def two_systems(url: str) -> Iterator[tuple[System, System]]:
    """Two systems on one store (two engines, a leader and a standby), closed
    at the end."""
    with closing(open_system(url)) as first, closing(open_system(url)) as second:
        yield first, second


def open_system(url: str, batch_size: int = 1000) -> System:
    """A system on `url`, with small connection pools (PostgreSQL opens each
    pool's connections at once): tests open two or three systems at a time,
    beside other workers, within the server's 100 connections."""
    return build_system(
        Settings(
            database_url=url,
            log_json=False,
            projector_batch_size=batch_size,
            **SMALL_POOLS,
        )
    )


class GrantAllLocks:
    """Locks that never refuse: two engines then both write the same generation,
    as they would if a lock were lost (the store alone must keep exactly-once)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def acquire(self, key: str) -> bool:
        self.keys.add(key)
        return True

    def release(self, key: str) -> None:
        self.keys.discard(key)

    def held(self) -> set[str]:
        return set(self.keys)

    def close(self) -> None:
        self.keys.clear()


def physical_tables(engine: ProjectionEngine) -> set[str]:
    """The tables of the views' database."""
    if isinstance(engine.datastore, SQLiteDatastore):
        statement = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        statement = (
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
    with engine.datastore.transaction(commit=False) as c:
        c.execute(statement)
        return {row[0] if not isinstance(row, dict) else row["tablename"]
                for row in c.fetchall()}  # fmt: skip


def tracked_views(engine: ProjectionEngine) -> set[str]:
    with engine.datastore.transaction(commit=False) as c:
        c.execute("SELECT view FROM projection_tracking")
        return {row[0] if not isinstance(row, dict) else row["view"]
                for row in c.fetchall()}  # fmt: skip


# ---- dumps ------------------------------------------------------------------------


def dump_view(view: RowView) -> Dump:
    """Every row of every table of the view, in key order."""
    return {table.name: view.select(table.name)[0] for table in view.tables}


def dump_generation(engine: ProjectionEngine, generation: Generation) -> Dump:
    return dump_view(engine.view(generation))


def dump_active(engine: ProjectionEngine, name: str) -> tuple[Generation, Dump]:
    active = engine.registry.find(name, ACTIVE)
    assert active is not None, f"{name} has no active generation"
    return active, dump_generation(engine, active)


def rebuild_and_compare(engine: ProjectionEngine, name: str) -> None:
    """Rebuild `name` from the first event into a new generation: its rows must be
    the incrementally built ones, which stay readable in the retired generation."""
    before, incremental = dump_active(engine, name)
    position = engine.position(before)
    engine.rebuild(name)
    after, rebuilt = dump_active(engine, name)
    assert after.generation > before.generation
    assert engine.position(after) >= position
    assert rebuilt == incremental
    retired = [
        g for g in engine.registry.all(name) if g.generation == before.generation
    ]
    assert [g.state for g in retired] == ["retired"]
    assert dump_generation(engine, retired[0]) == incremental


def rebuild_all_and_compare(engine: ProjectionEngine) -> None:
    for projection in PROJECTIONS:
        rebuild_and_compare(engine, projection.name)


# ---- what the aggregates say ------------------------------------------------------


def assert_views_match_aggregates(
    app: Logis, engine: ProjectionEngine, ids: Iterable[UUID]
) -> None:
    """dossier_list holds each dossier as the aggregate stands (stage, version,
    last step's date, numéro unique, an offer's answer deadline while it awaits
    its answer, the documents asked and not received, since the request that
    found none awaited); stage_counts counts each dossier once, at its stage (a counter
    fed an event twice would differ, or go negative)."""
    dossiers = [app.get_dossier(i) for i in ids]
    _, listed = dump_active(engine, "dossier_list")
    columns = ("stage", "version", "last_occurred_on", "numero_unique")
    derived = ("answer_deadline", "outstanding_documents", "documents_requested_on")
    assert {
        r["id"]: (*(r[c] for c in columns), *(r[c] for c in derived))
        for r in listed["dossiers"]
    } == {
        x.id: (
            *(getattr(x, c) for c in columns),
            _answer_deadline(x),
            x.outstanding_documents,
            _documents_requested_on(app, x),
        )
        for x in dossiers
    }
    _, counts = dump_active(engine, "stage_counts")
    counters = {
        (r["department"], r["commune"], r["stage"]): r["dossiers"]
        for r in counts["stage_counts"]
    }
    assert all(n >= 0 for n in counters.values()), counters
    assert sum(counters.values()) == len(dossiers)
    census = Counter((x.department, x.commune, x.stage) for x in dossiers)
    assert {k: n for k, n in counters.items() if n} == dict(census)
    assert {r["id"]: r["stage"] for r in counts["places"]} == {
        x.id: x.stage for x in dossiers
    }


def _answer_deadline(dossier: Dossier) -> date | None:
    awaiting = dossier.stage == d.OFFERED
    return dossier.proposal["answer_deadline"] if awaiting else None


def _documents_requested_on(app: Logis, dossier: Dossier) -> date | None:
    """From the dossier's events: the day of the request that found no
    document awaited, while some still are."""
    since, awaited = None, set[str]()
    for event in app.events.get(dossier.id):
        if isinstance(event, Dossier.DocumentsRequested):
            since = since if awaited else event.occurred_on
            awaited |= set(event.documents)
        elif isinstance(event, Dossier.DocumentsReceived):
            awaited -= set(event.documents)
    return since if awaited else None


# ---- commands ---------------------------------------------------------------------


def context(
    role: str,
    now: datetime = NOW,
    *,
    department: str | None = None,
    commune: str | None = None,
) -> Context:
    """An agent of `role`, claiming `department` and `commune` (where a
    territorial role must act: the record's)."""
    actor = Actor(f"agent.{role}", role, f"org-{role}")
    return Context(actor, "tests", now, department=department, commune=commune)


def context_at(role: str, dossier: Any) -> Context:
    """An agent of `role` acting where `dossier` (or its command) sits."""
    return context(role, department=dossier.department, commune=dossier.commune)


def adopt_departments(app: Logis, codes: Iterable[str] = ("972", "971")) -> None:
    """The packaged 972 settings, adopted for each department."""
    effective_from, settings = load_department_settings("972")
    for code in codes:
        app.adopt_settings(
            code,
            AdoptSettings(effective_from=effective_from, settings=settings),
            context("admin"),
        )


def identify(
    app: Logis, on: date = FIRST_DAY, department: str = "972", commune: str = "97209"
) -> CommandResult:
    command = IdentifyDossier(
        occurred_on=on,
        applicant_name="Ménage de test",
        household_size=3,
        department=department,
        commune=commune,
    )
    return app.create("dossier", command, context_at("mairie", command))


def step(app: Logis, dossier_id: UUID, command: Step) -> CommandResult:
    dossier = app.get_dossier(dossier_id)
    return app.step(
        "dossier", dossier_id, command, context_at(ROLE[command.action], dossier)
    )


# The main line up to the ALS's analysis, as commands (dated by the caller).
def instruction(on: date) -> list[Step]:
    _, settings = load_department_settings("972")
    return [
        RenderSocialEnquiry(occurred_on=on, avis="favorable", summary="Hébergés."),
        RenderMairieAvis(occurred_on=on, avis="favorable"),
        CompleteDossier(occurred_on=on, documents=list(settings.required_documents)),
        CheckResources(
            occurred_on=on, annual_resources=Decimal(9000), household_category=2
        ),
        StartAnalysis(occurred_on=on),
    ]


def save_driven_dossiers(app: Logis, count: int, chunk: int = 50) -> list[UUID]:
    """`count` dossiers driven by the domain to every stage in turn, saved a chunk
    per transaction (fast); their ids."""
    stages = itertools.cycle(sorted(PATHS))
    ids: list[UUID] = []
    pending: list[Dossier] = []
    for n in range(count):
        stage = next(stages)
        procedure = replace(Procedure(), **PATH_OPTIONS.get(stage, {}))
        dossier = perform(None, "identify", procedure=procedure)
        assert dossier is not None
        for name in PATHS[stage][1:]:
            perform(dossier, name, procedure=procedure)
        pending.append(dossier)
        ids.append(dossier.id)
        if len(pending) == chunk or n == count - 1:
            app.save(*pending)
            pending = []
    return ids


class Interleaved:
    """The application, running the engine for one batch every `every` commands:
    what `load_demo` writes is projected while it is written."""

    def __init__(self, app: Logis, engine: ProjectionEngine, every: int) -> None:
        self._app, self._engine, self._every = app, engine, every
        self.commands = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)

    def _tick(self, result: CommandResult) -> CommandResult:
        self.commands += 1
        if self.commands % self._every == 0:
            self._engine.run_once(max_batches=1)
        return result

    def adopt_settings(self, *args: Any) -> CommandResult:
        return self._tick(self._app.adopt_settings(*args))

    def create(self, *args: Any) -> CommandResult:
        return self._tick(self._app.create(*args))

    def step(self, *args: Any) -> CommandResult:
        return self._tick(self._app.step(*args))


# ---- random valid histories ------------------------------------------------------

TEXT = "Motif consigné au dossier."
DWELLING = "FLAMB-A-01-T2"

# Per stage, the steps that take the procedure further. Any step may still be
# drawn, one time in five: mostly refused, sometimes an ending (withdrawal...),
# kept away from the ends of the list, which hypothesis draws more often.
# Pré-selection, ranking and the CAL's decisions are taken by commissions
# (COMMISSION_STEPS), each held for the one dossier.
_ENDINGS = ("withdrawal", "inadmissibility", "radiation", "list-expiry", "closure")
_COMMISSION_SLUGS = ("pre-selection", "ranking", "cal-decision", "cal-deferral")
_OTHERS = [
    slug for slug in sorted({*STEPS, *_COMMISSION_SLUGS}) if slug not in _ENDINGS
]
ANY_STEP = (*_OTHERS[:10], *_ENDINGS, *_OTHERS[10:])
LIKELY: dict[str, tuple[str, ...]] = {
    d.IDENTIFIED: ("social-enquiry", "social-enquiry", "demand-renewal"),
    d.ENQUETE: ("mairie-avis",),
    d.MAIRIE: ("completion",),
    d.COMPLETED: ("resources-check",),
    d.RESOURCES: ("analysis",),
    d.ANALYSIS: ("solvency", "solvency", "documents-request", "documents-receipt"),
    d.SOLVENCY: ("pre-selection",),
    d.PRESELECTED: ("ranking", "closure"),
    # The CAL needs a valid numéro unique: renewing the demand may come first.
    d.RANKED: ("cal-decision", "cal-decision", "cal-deferral", "demand-renewal"),
    d.DEFERRED: ("cal-decision", "list-expiry", "demand-renewal"),
    d.DECIDED: ("offer", "condition-fulfilment", "closure", "information-meeting"),
    d.CONDITION_MET: ("offer",),
    d.OFFERED: ("offer-answer", "information-meeting"),
    d.ACCEPTED: ("lease",),
    d.REFUSED: ("closure",),
    d.LAPSED: ("closure",),
    d.LEASE: ("entry", "information-meeting"),
    d.ENTERED: ("installation-review", "information-meeting"),
    d.REVIEWED: ("closure", "information-meeting"),
}


def _numero(draw: Any) -> str:
    return f"0972{draw(st.integers(10_000_000, 99_999_999))}A"


def _decision(draw: Any, on: date) -> DecideOnDwelling:
    decision = draw(st.sampled_from(CAL_DECISIONS))
    attribution = decision in ATTRIBUTIONS
    condition = decision == "attribution_sous_condition_suspensive"
    candidate = CandidateDecisionIn(
        dossier_id=UUID(int=0),  # the dossier's, set by _commission_step
        decision=decision,
        rank=1 if decision == "attribution_par_classement" else None,
        missing_document="avis_imposition" if condition else None,
        condition_deadline=(
            on + timedelta(days=draw(st.integers(1, 40))) if condition else None
        ),
        motive=None if attribution else TEXT,
    )
    return _alone_at_the_cal(on, candidate)


def _deferral(draw: Any, on: date) -> DecideOnDwelling:
    candidate = CandidateDecisionIn(
        dossier_id=UUID(int=0),
        decision="ajournement",
        motive=TEXT,
        return_session_on=on + timedelta(days=14),
    )
    return _alone_at_the_cal(on, candidate)


def _alone_at_the_cal(on: date, candidate: CandidateDecisionIn) -> DecideOnDwelling:
    """CAL-TROIS: a single candidate, with the shortfall motive recorded."""
    return DecideOnDwelling(
        occurred_on=on,
        dwelling_ref=DWELLING,
        candidates=[candidate],
        shortfall_motive=TEXT,
    )


def _ranking(draw: Any, on: date) -> RankDossiers:
    outcome = draw(st.sampled_from(RANKING_OUTCOMES))
    entries = [RankingEntryIn(dossier_id=UUID(int=0), motive=TEXT)]
    if outcome == "rang":
        return RankDossiers(occurred_on=on, ranked=entries)
    if outcome == "liste_complementaire":
        return RankDossiers(occurred_on=on, liste_complementaire=entries)
    return RankDossiers(occurred_on=on, non_retenus=entries)


def _preselection(draw: Any, on: date) -> PreSelect:
    outcome = draw(st.sampled_from(PRESELECTION_OUTCOMES))
    return PreSelect(
        occurred_on=on,
        decisions=[PreSelectionIn(dossier_id=UUID(int=0), outcome=outcome)],
    )


def _review(draw: Any, on: date) -> ReviewInstallation:
    outcome = draw(st.sampled_from(INSTALLATION_OUTCOMES))
    return ReviewInstallation(
        occurred_on=on,
        outcome=outcome,
        findings=TEXT,
        support_months=6 if outcome == "problemes" else None,
    )


_REQUIRED = tuple(load_department_settings("972")[1].required_documents)
_EXTRA = ["bulletins_salaire"]
COMMANDS: dict[str, Callable[[Any, date], Step]] = {
    "social-enquiry": lambda draw, on: RenderSocialEnquiry(
        occurred_on=on, avis=draw(st.sampled_from(AVIS_ENQUETE)), summary=TEXT
    ),
    "mairie-avis": lambda draw, on: RenderMairieAvis(
        occurred_on=on, avis=draw(st.sampled_from(AVIS_MAIRIE))
    ),
    "completion": lambda draw, on: CompleteDossier(
        occurred_on=on, documents=list(_REQUIRED)
    ),
    "demand-renewal": lambda draw, on: RenewDemand(
        occurred_on=on, numero_unique=_numero(draw)
    ),
    "resources-check": lambda draw, on: CheckResources(
        occurred_on=on,
        annual_resources=draw(st.sampled_from([Decimal(9000)] * 5 + [Decimal(40000)])),
        household_category=draw(st.integers(1, 6)),
    ),
    "analysis": lambda draw, on: StartAnalysis(occurred_on=on),
    "documents-request": lambda draw, on: RequestDocuments(
        occurred_on=on,
        documents=_EXTRA,
        through_role="ccas",
        through_organisation="CCAS",
    ),
    "documents-receipt": lambda draw, on: ReceiveDocuments(
        occurred_on=on, documents=_EXTRA
    ),
    "solvency": lambda draw, on: AssessSolvency(
        occurred_on=on,
        monthly_resources=draw(st.sampled_from([Decimal(800), Decimal(2500)])),
        rent=Decimal(350),
        charges=Decimal(50),
        housing_benefit=Decimal(100),
        opinion=draw(st.sampled_from(SOLVENCY_OPINIONS)),
        motive=TEXT,
    ),
    "condition-fulfilment": lambda draw, on: FulfilCondition(occurred_on=on),
    "offer": lambda draw, on: MakeOffer(
        occurred_on=on, answer_deadline=on + timedelta(days=draw(st.integers(10, 20)))
    ),
    "offer-answer": lambda draw, on: AnswerOffer(
        occurred_on=on,
        answer=draw(st.sampled_from(["acceptee", "refusee", "caduque"])),
        motive=TEXT,
    ),
    "lease": lambda draw, on: SignLease(
        occurred_on=on, lease_start=on, rent=Decimal(350), charges=Decimal(50)
    ),
    "entry": lambda draw, on: Enter(occurred_on=on),
    "information-meeting": lambda draw, on: AttendInformationMeeting(
        occurred_on=on, topics=["droits et devoirs du locataire"]
    ),
    "installation-review": _review,
    "withdrawal": lambda draw, on: Withdraw(
        occurred_on=on, reason=TEXT, expressed_on=on, expressed_by="courriel"
    ),
    "inadmissibility": lambda draw, on: DeclareInadmissible(
        occurred_on=on, reason=TEXT
    ),
    "radiation": lambda draw, on: Radiate(occurred_on=on, reason=TEXT),
    "list-expiry": lambda draw, on: ExpireFromList(occurred_on=on),
    "closure": lambda draw, on: CloseDossier(occurred_on=on, reason=TEXT),
}
assert set(COMMANDS) == set(STEPS)

# The steps commissions take: which commission, and its decision on the dossier
# (the dossier id placeholder UUID(int=0) replaced by the dossier's).
COMMISSION_STEPS: dict[str, tuple[str, Callable[[Any, date], CommissionStep]]] = {
    "pre-selection": ("pre_commission", _preselection),
    "ranking": ("commission_prefectorale", _ranking),
    "cal-decision": ("cal", _decision),
    "cal-deferral": ("cal", _deferral),
}
HOSTS = {
    "pre_commission": "als",
    "commission_prefectorale": "prefecture",
    "cal": "bailleur",
}


def _attendance(kind: str, on: date) -> RecordAttendance:
    """Legal attendance: Préfecture and DEAL at the pré-commission, the préfet
    presiding the commission préfectorale with the DEAL, the landlord's CAL."""

    def present(role: str, function: str = "agent") -> AttendeeIn:
        return AttendeeIn(organisation=f"org-{role}", role=role, function=function)

    prefet = present("prefecture", "prefet")
    attendees = {
        "pre_commission": [present("als"), present("prefecture"), present("deal")],
        "commission_prefectorale": [prefet, present("deal")],
        "cal": [present("bailleur", "president_cal")],
    }[kind]
    presided_by = prefet if kind == "commission_prefectorale" else None
    return RecordAttendance(
        occurred_on=on, attendees=attendees, presided_by=presided_by
    )


def commission_step(
    app: Logis, dossier_id: UUID, kind: str, decision: CommissionStep
) -> CommandResult:
    """A session of `kind` held for the one dossier on the decision's day, in its
    department and commune, legally attended, which takes `decision` on it."""
    dossier = app.get_dossier(dossier_id)
    on = decision.occurred_on
    ctx = context_at(HOSTS[kind], dossier)
    convened = app.create(
        "commission",
        ConveneCommission(
            occurred_on=on,
            kind=kind,
            held_on=on,
            department=dossier.department,
            commune=dossier.commune,
            dwelling_refs=[DWELLING] if kind == "cal" else [],
        ),
        ctx,
    )
    app.step("commission", convened.id, _attendance(kind, on or NOW.date()), ctx)
    named = _named(decision, dossier_id)
    return app.step("commission", convened.id, named, ctx)


def _named(decision: CommissionStep, dossier_id: UUID) -> CommissionStep:
    """The decision with the placeholder dossier id replaced."""
    body = decision.model_dump()
    for field in ("decisions", "ranked", "liste_complementaire", "non_retenus",
                  "candidates"):  # fmt: skip
        for item in body.get(field) or []:
            item["dossier_id"] = dossier_id
    return type(decision).model_validate(body)


@dataclass
class Walk:
    """One dossier's random walk: where it stands, and the date of its last step."""

    id: UUID
    stage: str
    on: date


class RandomHistory:
    """Commands drawn one at a time (hypothesis `data.draw`): an identification,
    or a step on an open dossier dated on or after its previous one. A step the
    application refuses stores nothing and is skipped."""

    def __init__(self, app: Logis, draw: Any, max_dossiers: int = 3) -> None:
        self.app, self.draw, self.max_dossiers = app, draw, max_dossiers
        self.walks: list[Walk] = []
        self.accepted = 0
        self.refused = 0
        # A dossier is gathered for a programme of its department, or none.
        self.programmes: dict[str, list[UUID | None]] = {
            department: [None, *self._announce(department, communes[0])]
            for department, communes in COMMUNES.items()
        }

    def _announce(self, department: str, commune: str) -> list[UUID]:
        ctx = context("bailleur", department=department, commune=commune)
        return [
            self.app.create(
                "programme",
                AnnounceProgramme(
                    occurred_on=FIRST_DAY,
                    kind="livraison",
                    name=f"Programme {n}",
                    department=department,
                    commune=commune,
                    dwellings=[
                        DwellingIn(
                            ref="A1",
                            typology="T3",
                            rent=Decimal(400),
                            charges=Decimal(50),
                        )
                    ],
                ),
                ctx,
            ).id
            for n in range(PROGRAMMES_PER_DEPARTMENT)
        ]

    @property
    def ids(self) -> list[UUID]:
        return [walk.id for walk in self.walks]

    def next_command(self) -> None:
        """A step on a dossier still open, or a new dossier (while fewer than
        `max_dossiers` are open, and twice as many in all)."""
        live = [w for w in self.walks if w.stage not in TERMINAL]
        room = len(live) < self.max_dossiers and len(self.walks) < 2 * self.max_dossiers
        if not live and not room:
            return
        index = self.draw(st.integers(0, len(live) - (not room)), label="dossier")
        if index == len(live):
            self._identify()
        else:
            self._step(live[index])

    def _identify(self) -> None:
        draw = self.draw
        on = FIRST_DAY + timedelta(days=draw(st.integers(0, 400), label="day"))
        department = draw(st.sampled_from(sorted(COMMUNES)))
        dalo = draw(st.booleans(), label="dalo")
        registered = draw(
            st.one_of(st.none(), st.integers(0, 30), st.integers(0, 400)),
            label="registered days before",
        )
        command = IdentifyDossier(
            occurred_on=on,
            applicant_name=draw(
                st.sampled_from(["Mme Rose", "M. Jean", "Famille Noël"])
            ),
            household_size=draw(st.integers(1, 8)),
            department=department,
            commune=draw(st.sampled_from(COMMUNES[department])),
            programme_id=draw(st.sampled_from(self.programmes[department])),
            numero_unique=None if registered is None else _numero(draw),
            sne_registered_on=(
                None if registered is None else on - timedelta(days=registered)
            ),
            dalo=dalo,
        )
        role = "prefecture" if dalo else draw(st.sampled_from(sorted(PARTNER_ROLES)))
        result = self.app.create("dossier", command, context_at(role, command))
        self.walks.append(Walk(result.id, result.stage, on))
        self.accepted += 1

    def _step(self, walk: Walk) -> None:
        draw = self.draw
        likely = LIKELY.get(walk.stage, ("closure",))
        likely_step = draw(st.integers(0, 9), label="likely step") < 8
        slug = draw(st.sampled_from(likely if likely_step else ANY_STEP), label="step")
        days = draw(st.sampled_from([0, 1, 7, 15, 40, 400]), label="days later")
        on = min(walk.on + timedelta(days=days), NOW.date())
        try:
            if slug in COMMISSION_STEPS:
                kind, decision = COMMISSION_STEPS[slug]
                commission_step(self.app, walk.id, kind, decision(draw, on))
                stage = self.app.get_dossier(walk.id).stage
            else:
                stage = step(self.app, walk.id, COMMANDS[slug](draw, on)).stage
        except DomainError:
            self.refused += 1
            return
        walk.stage, walk.on = stage, on
        self.accepted += 1
