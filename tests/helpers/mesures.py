"""Builders for ASLL measure tests: department settings with their associations,
and a measure driven through its course (public command methods only) up to any
stage, as an individual measure, a bail glissant or an association's own action.

The course follows a fixed 2025 calendar (`DAY`), one date per step, in the
order of the course, so every step of a driven measure is later than the one
before it. Each step is recorded by an agent allowed to take it (`actor_for`):
the prescriber asks, the CLU (individual measures) or the CLT (baux glissants)
instructs and notifies, the association's agents run the measure, the
head-lease landlord lets the lease slide. An association's own action is asked,
instructed and notified by that association.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from domain import mesure_steps as m
from domain.department_settings import (
    ASLL_WORK_AXES,
    AssociationSettings,
    DepartmentSettings,
)
from domain.mesure import Mesure
from domain.shared import Meta
from tests.helpers.aggregates import given
from tests.helpers.dossiers import ORGANISATIONS, make_meta, make_settings

DEPARTMENT = "24"
COMMUNE = "24322"  # Périgueux (code INSEE)
HOUSEHOLD = uuid4()

AGASEF = AssociationSettings(
    code="agasef", name="AGASEF", sectors=("perigueux",), monthly_capacity=30
)
ADSEA = AssociationSettings(
    code="adsea_42",
    name="ADSEA 42",
    sectors=("saint_etienne",),
    monthly_capacity=28,
    renforce_capacity=4,
)
ARIV = AssociationSettings(
    code="ariv", name="ARIV", sectors=(), monthly_capacity=10, direct=True
)
ASSOCIATIONS = (AGASEF, ADSEA, ARIV)
BY_CODE = {a.code: a for a in ASSOCIATIONS}
OTHER_ASSOCIATION = "ANEF"  # an association agent who does not run the measure

# The work axes of seed 004 (Dordogne); the Loire (seed 002) adds three: the
# domain's list, in that order (tests/unit/test_department.py checks it).
DORDOGNE_AXES = ASLL_WORK_AXES[:7]
LOIRE_ONLY_AXES = ASLL_WORK_AXES[7:]
AXES = ["gestion_budgetaire", "appropriation_et_usage_du_logement"]


def asll_settings(**overrides: Any) -> DepartmentSettings:
    """A department running ASLL: 3 to 6 months, `overrides` on top."""
    return make_settings(**{"associations": ASSOCIATIONS, **overrides})


# Dordogne: 3 to 6 months, renewable once; Loire: renewable twice, on conditions.
DORDOGNE = asll_settings(asll_renewals_allowed=1, asll_work_axes=DORDOGNE_AXES)
LOIRE = asll_settings(
    asll_renewals_allowed=2,
    prescriber_roles=("prescripteur", "bailleur", "association", "departement"),
)

# ---- the course ------------------------------------------------------------------

DAY: dict[str, date] = {
    "request": date(2025, 3, 3),
    "instruct": date(2025, 3, 10),
    "notify": date(2025, 3, 17),
    "sign_head_lease": date(2025, 3, 19),
    "sign_sublease": date(2025, 3, 21),
    "diagnose": date(2025, 3, 24),
    "sign_convention": date(2025, 4, 1),
    "hold_meeting": date(2025, 4, 8),
    "miss_meeting": date(2025, 4, 15),
    "review_sublease": date(2025, 6, 30),
    "slide_lease": date(2025, 9, 1),
    "end_sublease": date(2025, 9, 1),
    "request_renewal": date(2025, 9, 15),
    "decide_renewal": date(2025, 9, 22),
    "break_off": date(2025, 12, 1),
    "end": date(2025, 12, 15),
}
DIAGNOSTIC_SIGNED_ON = date(2025, 2, 24)
CONVENTION_START = DAY["sign_convention"]
HEAD_LEASE_START = date(2025, 3, 20)
SUBLEASE_START = date(2025, 3, 22)
LANDLORD = ORGANISATIONS["bailleur"]
OTHER_LANDLORD = "SMHLM"
DWELLING = "SIMAR-PGX-12"
RELAYED_TO = ORGANISATIONS["prescripteur"]
CLU, CLT = "CLU Dordogne", "CLT Perigord vert"


@dataclass(frozen=True)
class Course:
    """The choices made along the way."""

    kind: str = "individuelle"
    settings: DepartmentSettings = field(default=DORDOGNE)
    association: str = "agasef"  # its code; the direct action's default: ARIV
    renforce: bool = False
    household_id: UUID = HOUSEHOLD
    min_months: int | None = None
    origin_dossier_id: UUID | None = None
    previous: Mesure | None = None
    granted: bool = True  # the instruction
    diagnosis: str = "confirme"
    duration_months: int = 6
    renewal_months: int = 3
    renewal_granted: bool = True

    @property
    def runner(self) -> AssociationSettings:
        """The association that runs the measure."""
        return BY_CODE[self.association]


def course(**options: Any) -> Course:
    """A course; a direct action is run by ARIV unless told otherwise."""
    if options.get("kind") == "action_specifique":
        options.setdefault("association", "ariv")
    return replace(Course(), **options)


# The role that records each step when none is given (STEP_ROLES allows it).
ROLE: dict[str, str] = {
    "request": "prescripteur",
    "instruct": "commission_logement",
    "notify": "commission_logement",
    "diagnose": "association",
    "sign_convention": "association",
    "hold_meeting": "association",
    "miss_meeting": "association",
    "request_renewal": "association",
    "decide_renewal": "commission_logement",
    "end": "association",
    "break_off": "association",
    "sign_head_lease": "association",
    "sign_sublease": "association",
    "review_sublease": "association",
    "slide_lease": "bailleur",
    "end_sublease": "association",
}
# The steps the CLU, the CLT, or the association for its own actions, take.
CHANNEL_STEPS = frozenset({"instruct", "notify", "decide_renewal"})


def actor_for(step: str, c: Course) -> tuple[str, str]:
    """(role, organisation) of the agent who records `step` on a measure of `c`."""
    if c.kind == "action_specifique" and (step in CHANNEL_STEPS or step == "request"):
        return "association", c.runner.name
    role = ROLE[step]
    if role == "association":
        return role, c.runner.name
    if role == "commission_logement":
        return role, CLT if c.kind == "bail_glissant" else CLU
    return role, ORGANISATIONS[role]


def request_args(c: Course, **overrides: Any) -> dict[str, Any]:
    """Valid arguments of `Mesure.request` (without `meta`)."""
    return {
        "mesure_id": uuid4(),
        "kind": c.kind,
        "household_id": c.household_id,
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "diagnostic_summary": "Dettes de loyer, budget à reprendre, projet d'accès.",
        "diagnostic_signed_on": DIAGNOSTIC_SIGNED_ON,
        "household_signed": True,
        "settings": c.settings,
        "min_months": c.min_months,
        "origin_dossier_id": c.origin_dossier_id,
        "previous": c.previous,
        "association": c.runner if c.kind == "action_specifique" else None,
        **overrides,
    }


def convention_args(c: Course | None = None, **overrides: Any) -> dict[str, Any]:
    """Valid arguments of `Mesure.sign_convention` (without `meta`)."""
    c = c or Course()
    return {
        "orientation": "acces",
        "axes": AXES,
        "duration_months": c.duration_months,
        "starts_on": CONVENTION_START,
        "worker": "Claire Vidal, conseillère ESF",
        "signed_by": list(m.SIGNATORIES),
        "settings": c.settings,
        **overrides,
    }


_STEPS: dict[str, Callable[[Mesure, Course, Meta], None]] = {
    "instruct": lambda x, c, meta: x.instruct(
        c.granted, None if c.granted else "Relève du droit commun", meta
    ),
    "notify": lambda x, c, meta: x.notify(c.runner, c.renforce, meta),
    "diagnose": lambda x, c, meta: x.diagnose(
        c.diagnosis,
        "Projet confirmé : accès à un T2, budget à stabiliser.",
        "CCAS de Périgueux" if c.diagnosis == "reoriente" else None,
        meta,
    ),
    "sign_convention": lambda x, c, meta: x.sign_convention(
        **convention_args(c), meta=meta
    ),
    "hold_meeting": lambda x, c, meta: x.hold_meeting("visite_a_domicile", meta),
    "miss_meeting": lambda x, c, meta: x.miss_meeting(True, meta),
    "request_renewal": lambda x, c, meta: x.request_renewal(
        c.renewal_months, "Budget pas encore stabilisé.", c.settings, meta
    ),
    "decide_renewal": lambda x, c, meta: x.decide_renewal(
        c.renewal_granted,
        None if c.renewal_granted else "Objectifs atteints",
        c.settings,
        meta,
    ),
    "end": lambda x, c, meta: x.end(
        "Objectifs atteints : loyer payé, droits ouverts.",
        ["travailleur_social", "menage"],
        RELAYED_TO,
        meta,
    ),
    "break_off": lambda x, c, meta: x.break_off("Le ménage ne répond plus.", meta),
    "sign_head_lease": lambda x, c, meta: x.sign_head_lease(
        LANDLORD, DWELLING, HEAD_LEASE_START, meta
    ),
    "sign_sublease": lambda x, c, meta: x.sign_sublease(SUBLEASE_START, meta),
    "review_sublease": lambda x, c, meta: x.review_sublease(
        "Loyer payé, logement entretenu.", meta
    ),
    "slide_lease": lambda x, c, meta: x.slide_lease(meta),
    "end_sublease": lambda x, c, meta: x.end_sublease(
        "Le ménage quitte le logement.", meta
    ),
}

EVENT: dict[str, type[Mesure.Event]] = {
    "request": Mesure.Requested,
    "instruct": Mesure.Instructed,
    "notify": Mesure.Notified,
    "diagnose": Mesure.ComplementaryDiagnosisDone,
    "sign_convention": Mesure.ConventionSigned,
    "hold_meeting": Mesure.MeetingHeld,
    "miss_meeting": Mesure.MeetingMissed,
    "request_renewal": Mesure.RenewalRequested,
    "decide_renewal": Mesure.Renewed,
    "end": Mesure.Ended,
    "break_off": Mesure.BrokenOff,
    "sign_head_lease": Mesure.HeadLeaseSigned,
    "sign_sublease": Mesure.SubleaseSigned,
    "review_sublease": Mesure.SubleaseReviewed,
    "slide_lease": Mesure.LeaseSlid,
    "end_sublease": Mesure.SubleaseEnded,
}

_MAIN = ("request", "instruct", "notify", "diagnose", "sign_convention")
PATHS: dict[str, tuple[str, ...]] = {
    m.REQUESTED: _MAIN[:1],
    m.INSTRUCTED: _MAIN[:2],
    m.NOTIFIED: _MAIN[:3],
    m.DIAGNOSED: _MAIN[:4],
    m.RUNNING: _MAIN,
    m.RENEWAL_ASKED: (*_MAIN, "request_renewal"),
    m.ENDED: (*_MAIN, "end"),
    m.BROKEN_OFF: (*_MAIN, "break_off"),
    m.REFUSED: _MAIN[:2],
    m.REORIENTED: _MAIN[:4],
}
# What a path imposes (an explicit option of the caller still wins).
PATH_OPTIONS: dict[str, dict[str, Any]] = {
    m.REFUSED: {"granted": False},
    m.REORIENTED: {"diagnosis": "reoriente"},
}
# The bail glissant's own course, after the notification.
BAIL_PATHS: dict[str, tuple[str, ...]] = {
    m.HEAD_LEASE: (*_MAIN[:3], "sign_head_lease"),
    m.SUBLET: (*_MAIN[:3], "sign_head_lease", "sign_sublease"),
    m.SLID: (
        *_MAIN[:3],
        "sign_head_lease",
        "sign_sublease",
        "diagnose",
        "sign_convention",
        "review_sublease",
        "slide_lease",
    ),
    m.SUBLEASE_ENDED: (
        *_MAIN[:3],
        "sign_head_lease",
        "sign_sublease",
        "diagnose",
        "sign_convention",
        "end_sublease",
    ),
}
# The steps taken before each step, on a measure of the kind that allows it.
BEFORE: dict[str, tuple[str, ...]] = {
    "instruct": PATHS[m.REQUESTED],
    "notify": PATHS[m.INSTRUCTED],
    "diagnose": PATHS[m.NOTIFIED],
    "sign_convention": PATHS[m.DIAGNOSED],
    "hold_meeting": PATHS[m.RUNNING],
    "miss_meeting": PATHS[m.RUNNING],
    "request_renewal": PATHS[m.RUNNING],
    "decide_renewal": PATHS[m.RENEWAL_ASKED],
    "end": PATHS[m.RUNNING],
    "break_off": PATHS[m.RUNNING],
    "sign_head_lease": PATHS[m.NOTIFIED],
    "sign_sublease": BAIL_PATHS[m.HEAD_LEASE],
    "review_sublease": BAIL_PATHS[m.SUBLET],
    "slide_lease": BAIL_PATHS[m.SUBLET],
    "end_sublease": BAIL_PATHS[m.SUBLET],
}
BAIL_STEPS = frozenset(
    {"sign_head_lease", "sign_sublease", "review_sublease", "slide_lease"}
    | {"end_sublease"}
)


def kind_for(step: str) -> str:
    """The kind of measure on which `step` may be taken."""
    return "bail_glissant" if step in BAIL_STEPS else "individuelle"


def perform(
    mesure: Mesure | None,
    step: str,
    *,
    role: str | None = None,
    organisation: str | None = None,
    on: date | None = None,
    c: Course | None = None,
    **options: Any,
) -> Mesure | None:
    """Run one step with valid arguments, as `role` of `organisation` on day `on`
    (defaults: `actor_for`, DAY). `request` takes `mesure=None` and returns the
    new measure."""
    c = replace(c, **options) if c is not None else course(**options)
    default_role, default_organisation = actor_for(step, c)
    if role is not None and role != default_role and organisation is None:
        organisation = ORGANISATIONS.get(role, role)
    meta = make_meta(
        role or default_role,
        on or DAY[step],
        organisation=organisation or default_organisation,
    )
    if step == "request":
        return Mesure.request(**request_args(c), meta=meta)
    assert mesure is not None
    _STEPS[step](mesure, c, meta)
    return None


def history_after(*steps: str, **options: Any) -> tuple[Mesure, list[Any]]:
    """A new measure of the course `options`, taken through `steps` (the first is
    `request`) with commands: it and its events."""
    c = course(**options)
    assert steps[0] == "request", steps
    mesure = perform(None, "request", c=c)
    assert mesure is not None
    for step in steps[1:]:
        perform(mesure, step, c=c)
    return mesure, list(mesure.collect_events())


def mesure_after(*steps: str, **options: Any) -> Mesure:
    """The measure as the repository would load it (nothing pending)."""
    return given(history_after(*steps, **options)[1])


def drive_with_history(stage: str, **options: Any) -> tuple[Mesure, list[Any]]:
    mesure, events = history_after(
        *PATHS[stage], **{**PATH_OPTIONS.get(stage, {}), **options}
    )
    assert mesure.stage == stage, (mesure.stage, stage)
    return mesure, events


def drive_to(stage: str, **options: Any) -> Mesure:
    """A measure at `stage`, as the repository would load it."""
    return given(drive_with_history(stage, **options)[1])


def ready_for(step: str, **options: Any) -> Mesure:
    """A measure on which `step` may be taken (as `actor_for`, on DAY[step])."""
    options.setdefault("kind", kind_for(step))
    return mesure_after(*BEFORE[step], **options)
