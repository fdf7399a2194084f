"""Builders for LLTS dossier tests: metadata, department settings, and a dossier
driven through the procedure (public command methods only) up to any stage.

The procedure follows a fixed 2025 calendar (`DAY`), one date per step, so every
step of a driven dossier is later than the one before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from domain import dossier as d
from domain.department_settings import CeilingTable, DepartmentSettings
from domain.dossier import Dossier
from domain.dossier_rules import ATTRIBUTIONS
from domain.shared import Actor, Meta
from tests.helpers.aggregates import given

TEST_YEAR = 2025
DEPARTMENT = "972"
COMMUNE = "97209"  # Fort-de-France (code INSEE)
NUMERO_UNIQUE = "0972250100042A"
DWELLING = "SIMAR-FDF-BAT-B-12"
REQUIRED_DOCUMENTS = (
    "piece_identite",
    "avis_imposition",
    "justificatif_ressources",
    "composition_familiale",
)
# Annual LLTS ceilings by household category: test values, not an arrêté's.
CEILINGS = {
    1: Decimal("11000"),
    2: Decimal("14700"),
    3: Decimal("17700"),
    4: Decimal("19700"),
    5: Decimal("23000"),
    6: Decimal("25900"),
}

ORGANISATIONS = {
    "als": "ALS Martinique",
    "bailleur": "SIMAR",
    "prefecture": "Préfecture de la Martinique",
    "deal": "DEAL Martinique",
    "mairie": "Mairie de Fort-de-France",
    "ccas": "CCAS de Fort-de-France",
    "departement": "Collectivité territoriale de Martinique",
    "caf": "CAF de la Martinique",
    "prescripteur": "Mission Locale Centre",
    "commission_logement": "CLU Loire",
    "association": "AGASEF",
    "ccapex": "CCAPEX 972",
    "auditeur": "Cour des comptes",
    "admin": "Logis",
}


def make_meta(
    role: str,
    on: date,
    *,
    organisation: str | None = None,
    subject: str | None = None,
    command_id: UUID | None = None,
    correlation_id: str | None = None,
) -> Meta:
    return Meta(
        actor=Actor(
            subject=subject or f"agent.{role}",
            role=role,
            organisation=organisation or ORGANISATIONS.get(role, role),
        ),
        occurred_on=on,
        command_id=command_id or uuid4(),
        correlation_id=correlation_id or f"corr-{uuid4().hex[:12]}",
    )


def imported(
    history: list[Any], cls: type, role: str, on: date, **fields: Any
) -> list[Any]:
    """`history` (any record's) plus a `cls` event built directly, by a `role`
    agent on `on`, as an import would store it."""
    last = history[-1]
    event = cls(
        originator_id=last.originator_id,
        originator_version=last.originator_version + 1,
        timestamp=datetime.now(UTC),
        **make_meta(role, on).fields(),
        **fields,
    )
    return [*history, event]


def ceiling_table(
    year: int = TEST_YEAR, by_category: dict[int, Decimal] | None = None
) -> CeilingTable:
    return CeilingTable(
        year=year,
        by_category=dict(CEILINGS if by_category is None else by_category),
        source=f"Plafonds de test {year}",
    )


def make_settings(**overrides: Any) -> DepartmentSettings:
    values: dict[str, Any] = {
        "required_documents": REQUIRED_DOCUMENTS,
        "resource_ceilings": (ceiling_table(),),
    }
    values.update(overrides)
    return DepartmentSettings(**values)


# ---- the procedure -----------------------------------------------------------

DAY: dict[str, date] = {
    "identify": date(2025, 1, 6),
    "renew_demand": date(2025, 1, 13),
    "withdraw": date(2025, 1, 20),
    "radiate": date(2025, 1, 20),
    "render_social_enquiry": date(2025, 1, 20),
    "render_mairie_avis": date(2025, 2, 3),
    "complete": date(2025, 2, 17),
    "check_resources": date(2025, 3, 3),
    "declare_inadmissible": date(2025, 3, 5),
    "start_analysis": date(2025, 3, 10),
    "request_documents": date(2025, 3, 12),
    "receive_documents": date(2025, 3, 20),
    "assess_solvency": date(2025, 3, 24),
    "preselect": date(2025, 4, 7),
    "rank": date(2025, 4, 22),
    "decide": date(2025, 5, 6),
    "defer": date(2025, 5, 6),
    "fulfil_condition": date(2025, 5, 20),
    "offer": date(2025, 5, 26),
    "accept_offer": date(2025, 6, 2),
    "refuse_offer": date(2025, 6, 2),
    "lapse_offer": date(2025, 6, 10),  # the day after the answer deadline
    "sign_lease": date(2025, 6, 10),
    "enter": date(2025, 6, 16),
    "attend_information_meeting": date(2025, 6, 20),
    "review_installation": date(2025, 8, 4),
    "close": date(2025, 8, 11),
    "expire_from_list": date(2025, 10, 23),  # liste valid until 22 Oct 2025
}
SNE_REGISTERED_ON = date(2025, 1, 2)
SNE_EXPIRED_REGISTRATION = date(2024, 1, 2)  # valid until 2 Jan 2025
CONDITION_DEADLINE = date(2025, 6, 5)
RETURN_SESSION_ON = date(2025, 6, 3)
# The commissions that decide on a driven dossier: its pré-commission, the
# commission préfectorale that ranks it, and the landlord's CAL.
PRE_COMMISSION_ID, PREFECTORAL_ID, CAL_ID = uuid4(), uuid4(), uuid4()
ANSWER_DEADLINE = date(2025, 6, 9)  # offer + 14 days
LEASE_START = date(2025, 6, 15)
RENT, CHARGES = Decimal("350.00"), Decimal("50.00")
MEETING_TOPICS = ["droits_et_devoirs", "vivre_ensemble", "eau_electricite"]
REQUESTED_DOCUMENTS = ["attestation_caf", "bulletins_salaire"]

# The role that records each step when none is given (STEP_ROLES allows it).
ROLE: dict[str, str] = {
    "identify": "mairie",
    "render_social_enquiry": "departement",
    "render_mairie_avis": "mairie",
    "complete": "ccas",
    "renew_demand": "ccas",
    "check_resources": "deal",
    "start_analysis": "als",
    "request_documents": "als",
    "receive_documents": "ccas",
    "assess_solvency": "als",
    "preselect": "als",
    "rank": "prefecture",
    "decide": "bailleur",
    "defer": "bailleur",
    "fulfil_condition": "bailleur",
    "offer": "bailleur",
    "accept_offer": "bailleur",
    "refuse_offer": "bailleur",
    "lapse_offer": "bailleur",
    "sign_lease": "bailleur",
    "enter": "bailleur",
    "attend_information_meeting": "als",
    "review_installation": "als",
    "withdraw": "ccas",
    "declare_inadmissible": "deal",
    "radiate": "prefecture",
    "expire_from_list": "prefecture",
    "close": "als",
}


@dataclass(frozen=True)
class Procedure:
    """The choices made along the way; each stage's path may impose some."""

    dalo: bool = False
    programme_id: UUID | None = None  # the dossier's, and its pré-commission's
    household_size: int = 2
    numero_unique: str | None = NUMERO_UNIQUE
    sne_registered_on: date | None = SNE_REGISTERED_ON
    avis: str = "favorable"
    annual_resources: Decimal = Decimal("11500")
    household_category: int = 2
    documents_round: bool = False
    preselection: str = "prioritaire"
    ranking: str = "rang"
    decision: str = "attribution"
    installation: str = "ok"
    settings: DepartmentSettings = field(default_factory=make_settings)
    department: str = DEPARTMENT
    commune: str = COMMUNE
    landlord: str = ORGANISATIONS["bailleur"]  # its CAL's: records the bailleur steps


def decision_args(
    decision: str,
    on: date = DAY["decide"],
    landlord: str = ORGANISATIONS["bailleur"],
) -> dict[str, Any]:
    """Valid arguments of `Dossier.decide` for each kind of CAL decision, by the
    CAL of `landlord`."""
    condition = decision == "attribution_sous_condition_suspensive"
    return {
        "commission_id": CAL_ID,
        "landlord": landlord,
        "decision": decision,
        "dwelling_ref": DWELLING if decision in ATTRIBUTIONS else None,
        "rank": 1 if decision == "attribution_par_classement" else None,
        "missing_document": "avis_imposition_2024" if condition else None,
        "condition_deadline": on + timedelta(days=30) if condition else None,
        "motive": None if decision in ATTRIBUTIONS else "Ressources insuffisantes",
    }


def identify_dossier(p: Procedure, meta: Meta, **overrides: Any) -> Dossier:
    """A dossier identified with `p`'s choices (`overrides`: any argument of
    Dossier.identify)."""
    arguments: dict[str, Any] = {
        "dossier_id": uuid4(),
        "household_id": uuid4(),
        "applicant_name": "Marie-Josée Lapierre",
        "household_size": p.household_size,
        "department": p.department,
        "commune": p.commune,
        "programme_id": p.programme_id,
        "numero_unique": p.numero_unique,
        "sne_registered_on": p.sne_registered_on,
        "dalo": p.dalo,
        **overrides,
    }
    return Dossier.identify(**arguments, meta=meta)


_STEPS: dict[str, Callable[[Dossier, Procedure, Meta], None]] = {
    "render_social_enquiry": lambda x, p, m: x.render_social_enquiry(
        p.avis, "Ménage hébergé chez un tiers avec deux enfants.", m
    ),
    "render_mairie_avis": lambda x, p, m: x.render_mairie_avis(
        "favorable", "Famille connue du CCAS.", m
    ),
    "complete": lambda x, p, m: x.complete(
        list(p.settings.required_documents), p.settings, m
    ),
    "renew_demand": lambda x, p, m: x.renew_demand(NUMERO_UNIQUE, m),
    "check_resources": lambda x, p, m: x.check_resources(
        p.annual_resources, p.household_category, p.settings, 1, m
    ),
    "start_analysis": lambda x, p, m: x.start_analysis(m),
    "request_documents": lambda x, p, m: x.request_documents(
        REQUESTED_DOCUMENTS, "ccas", ORGANISATIONS["ccas"], m
    ),
    "receive_documents": lambda x, p, m: x.receive_documents(REQUESTED_DOCUMENTS, m),
    "assess_solvency": lambda x, p, m: x.assess_solvency(
        monthly_resources=Decimal("1200.00"),
        rent=RENT,
        charges=CHARGES,
        housing_benefit=Decimal("200.00"),
        opinion="favorable",
        motive=None,
        settings=p.settings,
        settings_version=1,
        meta=m,
    ),
    "preselect": lambda x, p, m: x.preselect(
        PRE_COMMISSION_ID, p.programme_id, p.preselection, m
    ),
    "rank": lambda x, p, m: x.rank(
        PREFECTORAL_ID,
        p.ranking,
        1 if p.ranking == "rang" else None,
        None,
        p.settings,
        m,
    ),
    "decide": lambda x, p, m: x.decide(
        **decision_args(p.decision, m.occurred_on, p.landlord), meta=m
    ),
    "defer": lambda x, p, m: x.defer(
        CAL_ID, "Pièce d'état civil à vérifier", RETURN_SESSION_ON, m
    ),
    "fulfil_condition": lambda x, p, m: x.fulfil_condition(m),
    "offer": lambda x, p, m: x.offer(ANSWER_DEADLINE, m),
    "accept_offer": lambda x, p, m: x.accept_offer(m),
    "refuse_offer": lambda x, p, m: x.refuse_offer("Trop loin de l'école", m),
    "lapse_offer": lambda x, p, m: x.lapse_offer(m),
    "sign_lease": lambda x, p, m: x.sign_lease(LEASE_START, RENT, CHARGES, m),
    "enter": lambda x, p, m: x.enter(m),
    "attend_information_meeting": lambda x, p, m: x.attend_information_meeting(
        MEETING_TOPICS, m
    ),
    "review_installation": lambda x, p, m: x.review_installation(
        p.installation,
        "Installation sans difficulté." if p.installation == "ok" else "Impayés.",
        None if p.installation == "ok" else 6,
        p.settings,
        m,
    ),
    "withdraw": lambda x, p, m: x.withdraw(
        "Relogé dans le parc privé",
        m,
        expressed_on=m.occurred_on,
        expressed_by="courrier",
    ),
    "declare_inadmissible": lambda x, p, m: x.declare_inadmissible(
        "Propriétaire d'un logement adapté", m
    ),
    "radiate": lambda x, p, m: x.radiate("demande_non_renouvelee", m),
    "expire_from_list": lambda x, p, m: x.expire_from_list(m),
    "close": lambda x, p, m: x.close("procedure_terminee", m),
}
STEPS = ("identify", *_STEPS)

EVENT: dict[str, type[Dossier.Event]] = {
    "identify": Dossier.Identified,
    "render_social_enquiry": Dossier.SocialEnquiryRendered,
    "render_mairie_avis": Dossier.MairieAvisRendered,
    "complete": Dossier.Completed,
    "renew_demand": Dossier.DemandRenewed,
    "check_resources": Dossier.ResourcesChecked,
    "start_analysis": Dossier.AnalysisStarted,
    "request_documents": Dossier.DocumentsRequested,
    "receive_documents": Dossier.DocumentsReceived,
    "assess_solvency": Dossier.SolvencyAssessed,
    "preselect": Dossier.PreSelected,
    "rank": Dossier.Ranked,
    "decide": Dossier.CALDecided,
    "defer": Dossier.Deferred,
    "fulfil_condition": Dossier.ConditionFulfilled,
    "offer": Dossier.Offered,
    "accept_offer": Dossier.OfferAccepted,
    "refuse_offer": Dossier.OfferRefused,
    "lapse_offer": Dossier.OfferLapsed,
    "sign_lease": Dossier.LeaseSigned,
    "enter": Dossier.Entered,
    "attend_information_meeting": Dossier.InformationMeetingAttended,
    "review_installation": Dossier.InstallationReviewed,
    "withdraw": Dossier.Withdrawn,
    "declare_inadmissible": Dossier.DeclaredInadmissible,
    "radiate": Dossier.Radiated,
    "expire_from_list": Dossier.ListExpired,
    "close": Dossier.Closed,
}

_MAIN = (
    ("identify", d.IDENTIFIED),
    ("render_social_enquiry", d.ENQUETE),
    ("render_mairie_avis", d.MAIRIE),
    ("complete", d.COMPLETED),
    ("check_resources", d.RESOURCES),
    ("start_analysis", d.ANALYSIS),
    ("assess_solvency", d.SOLVENCY),
    ("preselect", d.PRESELECTED),
    ("rank", d.RANKED),
    ("decide", d.DECIDED),
    ("offer", d.OFFERED),
    ("accept_offer", d.ACCEPTED),
    ("sign_lease", d.LEASE),
    ("enter", d.ENTERED),
    ("review_installation", d.REVIEWED),
    ("close", d.CLOSED),
)
PATHS: dict[str, tuple[str, ...]] = {
    stage: tuple(step for step, _ in _MAIN[: i + 1])
    for i, (_, stage) in enumerate(_MAIN)
}
# The information meeting changes no stage; it belongs to a full history.
for _stage in (d.REVIEWED, d.CLOSED):
    _steps = list(PATHS[_stage])
    _steps.insert(_steps.index("review_installation"), "attend_information_meeting")
    PATHS[_stage] = tuple(_steps)
PATHS |= {
    d.DEFERRED: (*PATHS[d.RANKED], "defer"),
    d.CONDITION_MET: (*PATHS[d.DECIDED], "fulfil_condition"),
    d.REFUSED: (*PATHS[d.OFFERED], "refuse_offer"),
    d.LAPSED: (*PATHS[d.OFFERED], "lapse_offer"),
    d.INADMISSIBLE: PATHS[d.RESOURCES],
    d.WITHDRAWN: ("identify", "withdraw"),
    d.RADIATED: ("identify", "radiate"),
    d.LIST_EXPIRED: (*PATHS[d.RANKED], "expire_from_list"),
}
# What a path imposes (an explicit option of the caller still wins).
PATH_OPTIONS: dict[str, dict[str, Any]] = {
    d.CONDITION_MET: {"decision": "attribution_sous_condition_suspensive"},
    d.INADMISSIBLE: {"annual_resources": Decimal("20000")},
    d.RADIATED: {"sne_registered_on": SNE_EXPIRED_REGISTRATION},
    d.LIST_EXPIRED: {"ranking": "liste_complementaire"},
}

# Where each step can be taken: (stage, options, steps to take first).
START: dict[str, tuple[str, dict[str, Any], tuple[str, ...]]] = {
    step: (stage, {}, ())
    for (step, _), (_, stage) in zip(_MAIN[1:], _MAIN, strict=False)
}
START |= {
    "renew_demand": (d.IDENTIFIED, {}, ()),
    "withdraw": (d.IDENTIFIED, {}, ()),
    "radiate": (d.IDENTIFIED, PATH_OPTIONS[d.RADIATED], ()),
    "declare_inadmissible": (d.RESOURCES, {}, ()),
    "request_documents": (d.ANALYSIS, {}, ()),
    "receive_documents": (d.ANALYSIS, {}, ("request_documents",)),
    "defer": (d.RANKED, {}, ()),
    "fulfil_condition": (d.DECIDED, PATH_OPTIONS[d.CONDITION_MET], ()),
    "refuse_offer": (d.OFFERED, {}, ()),
    "lapse_offer": (d.OFFERED, {}, ()),
    "attend_information_meeting": (d.ENTERED, {}, ()),
    "expire_from_list": (d.RANKED, PATH_OPTIONS[d.LIST_EXPIRED], ()),
}


def perform(
    dossier: Dossier | None,
    step: str,
    *,
    role: str | None = None,
    on: date | None = None,
    organisation: str | None = None,
    procedure: Procedure | None = None,
    **options: Any,
) -> Dossier | None:
    """Run one step with valid arguments, as `role` on day `on` (defaults: ROLE, DAY),
    for `organisation` (default: the role's; a landlord's agent, the landlord's
    whose CAL decides).

    `identify` takes `dossier=None` and returns the new dossier."""
    p = replace(procedure or Procedure(), **options)
    role = role or _default_role(step, p)
    if organisation is None and role == "bailleur":
        organisation = p.landlord
    meta = make_meta(role, on or DAY[step], organisation=organisation)
    if step == "identify":
        return identify_dossier(p, meta)
    assert dossier is not None
    _STEPS[step](dossier, p, meta)
    return None


def _default_role(step: str, p: Procedure) -> str:
    return "prefecture" if step == "identify" and p.dalo else ROLE[step]


def drive_with_history(stage: str, **options: Any) -> tuple[Dossier, list[Any]]:
    """Drive a new dossier to `stage` with commands; return it and its events."""
    p = replace(Procedure(), **{**PATH_OPTIONS.get(stage, {}), **options})
    steps = list(PATHS[stage])
    if p.documents_round and "assess_solvency" in steps:
        at = steps.index("assess_solvency")
        steps[at:at] = ["request_documents", "receive_documents"]
    dossier = perform(None, "identify", procedure=p)
    assert dossier is not None
    for step in steps[1:]:
        perform(dossier, step, procedure=p)
    assert dossier.stage == stage
    return dossier, list(dossier.collect_events())


def history_to(stage: str, **options: Any) -> list[Any]:
    return drive_with_history(stage, **options)[1]


def drive_to(stage: str, **options: Any) -> Dossier:
    """A dossier at `stage`, as the repository would load it (nothing pending)."""
    return given(history_to(stage, **options))


def ready_for(step: str, **options: Any) -> Dossier:
    """A dossier on which `step` may be taken (as ROLE[step], on DAY[step])."""
    stage, imposed, first = START[step]
    dossier = drive_to(stage, **{**imposed, **options})
    for prior in first:
        perform(dossier, prior, **{**imposed, **options})
    dossier.collect_events()
    return dossier
