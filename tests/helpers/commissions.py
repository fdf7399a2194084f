"""Builders for programme and commission tests: a programme of three dwellings,
the three commissions of the LLTS procedure, and valid arguments for each step.

The commissions sit on the days the dossier builders use (`DAY`), so a dossier
driven by tests.helpers.dossiers can record the commission's decisions too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from domain import commission_steps as c
from domain.commission import Commission
from domain.commission_values import (
    Attendee,
    CALExamination,
    PriorRanking,
    RankingEntry,
)
from domain.liste import ListedCandidate
from domain.programme import Dwelling, Partner, Programme
from domain.programme_steps import CONCERTATION_PARTNERS
from domain.shared import Meta
from tests.helpers.aggregates import given
from tests.helpers.dossiers import (
    COMMUNE,
    DAY,
    DEPARTMENT,
    ORGANISATIONS,
    PREFECTORAL_ID,
    make_meta,
    make_settings,
)

LANDLORD = ORGANISATIONS["bailleur"]
OTHER_LANDLORD = "SMHLM"
OTHER_COMMUNE = "97213"  # Le Lamentin
RDA = ("dalo", "handicap", "sans_logement", "insalubre")


def rda_settings(**overrides: Any) -> Any:
    return make_settings(**{"rda_priority_criteria": RDA, **overrides})


# ---- the programme -------------------------------------------------------------

DWELLINGS = (
    Dwelling("SIMAR-FDF-BAT-B-11", "T2", Decimal("310.00"), Decimal("40.00")),
    Dwelling("SIMAR-FDF-BAT-B-12", "T3", Decimal("350.00"), Decimal("50.00")),
    Dwelling("SIMAR-FDF-BAT-B-13", "T4", Decimal("395.50"), Decimal("55.00")),
)
REFS = tuple(dwelling.ref for dwelling in DWELLINGS)
PARTNERS = tuple(Partner(ORGANISATIONS[role], role) for role in CONCERTATION_PARTNERS)
HOSTS = (Partner(LANDLORD, "bailleur"), Partner(ORGANISATIONS["als"], "als"))
CANDIDATE_PROFILE = "Familles monoparentales hébergées chez un tiers, revenus < 60 %."
LEASE_START = date(2025, 6, 15)
VACATED_ON = date(2026, 3, 31)
RELET_ON = date(2026, 4, 15)

PROGRAMME_DAY: dict[str, date] = {
    "announce": date(2024, 11, 4),
    "hold_concertation": date(2024, 11, 18),
    "let_dwelling": date(2025, 6, 10),
    "vacate_dwelling": date(2026, 3, 2),
    "propose_candidates": date(2026, 3, 2),  # with the vacancy
    "relet_dwelling": date(2026, 4, 10),
}
PROGRAMME_ROLE = {
    "announce": "bailleur",
    "hold_concertation": "als",
    "let_dwelling": "bailleur",
    "vacate_dwelling": "bailleur",
    "propose_candidates": "bailleur",
    "relet_dwelling": "bailleur",
}


def announce_command(meta: Meta, **overrides: Any) -> Callable[[Any], Programme]:
    fields: dict[str, Any] = {
        "programme_id": uuid4(),
        "kind": "livraison",
        "landlord": LANDLORD,
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "name": "Résidence Les Flamboyants",
        "dwellings": DWELLINGS,
        **overrides,
    }
    return lambda _: Programme.announce(**fields, meta=meta)


def concertation_args(**overrides: Any) -> dict[str, Any]:
    return {
        "invited": PARTNERS,
        "present": (*HOSTS, *PARTNERS[:4]),
        "programme_presented": True,
        "candidate_profile": CANDIDATE_PROFILE,
        "settings": make_settings(),
        "settings_version": 1,
        **overrides,
    }


HOUSEHOLD = uuid4()  # the household of the first letting
NEXT_HOUSEHOLD = uuid4()  # and of the letting after the vacancy
# The next households of a liste complémentaire valid on the vacancy's day.
LISTE_ID = uuid4()
LISTE_VALID_UNTIL = date(2026, 8, 16)  # commission of 16 February 2026
PROPOSED = tuple(
    ListedCandidate(uuid4(), LISTE_ID, position, LISTE_VALID_UNTIL)
    for position in (1, 2, 3)
)

_PROGRAMME_STEPS: dict[str, Callable[[Programme, Meta], None]] = {
    "hold_concertation": lambda x, m: x.hold_concertation(
        **concertation_args(), meta=m
    ),
    "let_dwelling": lambda x, m: x.let_dwelling(REFS[0], HOUSEHOLD, LEASE_START, m),
    "vacate_dwelling": lambda x, m: x.vacate_dwelling(REFS[0], VACATED_ON, m),
    "propose_candidates": lambda x, m: x.propose_candidates(REFS[0], PROPOSED, m),
    "relet_dwelling": lambda x, m: x.let_dwelling(REFS[0], NEXT_HOUSEHOLD, RELET_ON, m),
}
# The household each letting step lets to: its CAL attributed it the dwelling
# first (LOGEMENT-UNIQUE), as part of the programme's history.
LET_TO = {"let_dwelling": HOUSEHOLD, "relet_dwelling": NEXT_HOUSEHOLD}
# Steps of a history only (programme_after): the attribution before each letting.
ATTRIBUTED = {"attributed": HOUSEHOLD, "attributed_again": NEXT_HOUSEHOLD}


def attribute(
    programme: Programme, dossier_id: UUID, ref: str = REFS[0], **meta_args: Any
) -> None:
    """Its landlord's CAL attributes the dwelling to the household, on the day
    of the programme's last step unless told (LOGEMENT-UNIQUE)."""
    on = meta_args.pop("on", programme.last_occurred_on)
    meta = make_meta("bailleur", on, organisation=programme.landlord, **meta_args)
    programme.attribute_dwelling(ref, uuid4(), [dossier_id], [], meta)


PROGRAMME_STEPS = tuple(_PROGRAMME_STEPS)


def perform_on_programme(
    programme: Programme,
    step: str,
    *,
    role: str | None = None,
    on: date | None = None,
    organisation: str | None = None,
) -> None:
    """Run one step with valid arguments, as `role` of `organisation` (default: the
    role's; a landlord's agent, the programme's landlord's)."""
    role = role or PROGRAMME_ROLE[step]
    if organisation is None and role == "bailleur":
        organisation = programme.landlord
    meta = make_meta(role, on or PROGRAMME_DAY[step], organisation=organisation)
    _PROGRAMME_STEPS[step](programme, meta)


def _attributed(programme: Programme, dossier_id: UUID) -> bool:
    held = programme.dwellings[REFS[0]]["attribution"] or {}
    return dossier_id in held.get("dossier_ids", ())


def programme_with_history(
    *steps: str, kind: str = "livraison", **announced: Any
) -> tuple[Programme, list[Any]]:
    """A new programme (`announced` overrides its announcement) announced by its
    landlord, taken through `steps` (in order) with commands."""
    landlord = announced.get("landlord") or LANDLORD
    meta = make_meta("bailleur", PROGRAMME_DAY["announce"], organisation=landlord)
    programme = announce_command(meta, kind=kind, **announced)(None)
    for step in steps:
        if step in ATTRIBUTED:  # a given only: the CAL's decision, saved
            attribute(programme, ATTRIBUTED[step])
            continue
        if step in LET_TO and not _attributed(programme, LET_TO[step]):
            attribute(programme, LET_TO[step])  # the CAL's attribution first
        perform_on_programme(programme, step)
    return programme, list(programme.collect_events())


def programme_after(
    *steps: str, kind: str = "livraison", **announced: Any
) -> Programme:
    """The programme as the repository would load it (nothing pending)."""
    return given(programme_with_history(*steps, kind=kind, **announced)[1])


# ---- the commissions --------------------------------------------------------------

SESSION: dict[str, date] = {
    c.PRE_COMMISSION: DAY["preselect"],
    c.COMMISSION_PREFECTORALE: DAY["rank"],
    c.CAL: DAY["decide"],
}
HOST: dict[str, str] = {
    c.PRE_COMMISSION: "als",
    c.COMMISSION_PREFECTORALE: "prefecture",
    c.CAL: "bailleur",
}
PREFET = Attendee(ORGANISATIONS["prefecture"], "prefecture", "sous_prefet")
PREFECTURE = Attendee(ORGANISATIONS["prefecture"], "prefecture", "charge_de_mission")
DEAL = Attendee(ORGANISATIONS["deal"], "deal", "chef_du_service_habitat")
ALS = Attendee(ORGANISATIONS["als"], "als", "conseillere_sociale")
MAIRIE = Attendee(ORGANISATIONS["mairie"], "mairie", "adjointe_au_logement")
CAL_CHAIR = Attendee(LANDLORD, "bailleur", "president_de_la_cal")
CAL_MEMBER = Attendee(LANDLORD, "bailleur", "administrateur")
ATTENDEES: dict[str, tuple[Attendee, ...]] = {
    c.PRE_COMMISSION: (ALS, PREFECTURE, DEAL, MAIRIE),
    c.COMMISSION_PREFECTORALE: (PREFET, DEAL, ALS, MAIRIE),
    c.CAL: (CAL_CHAIR, CAL_MEMBER, MAIRIE, PREFECTURE),
}
CHAIR: dict[str, Attendee | None] = {
    c.PRE_COMMISSION: None,
    c.COMMISSION_PREFECTORALE: PREFET,
    c.CAL: CAL_CHAIR,
}
# PREFECTORAL_ID: the commission préfectorale the CAL's candidates come from, the
# one that ranked the dossiers tests.helpers.dossiers drives.
LIST_VALID_UNTIL = date(2025, 10, 22)  # 22 April 2025 + 6 months
RETURN_SESSION_ON = date(2025, 6, 3)
CONDITION_DEADLINE = date(2025, 6, 5)


PROGRAMME = programme_after()  # LANDLORD's, in COMMUNE, of the dwellings REFS


def programme_for(landlord: str | None = None) -> Programme:
    """The programme a commission of the default place sits for: PROGRAMME, or
    the same dwellings of another landlord for that landlord's CAL."""
    if not (landlord or "").strip() or landlord == LANDLORD:
        return PROGRAMME
    return programme_after(landlord=landlord)


def convene_command(
    kind: str, meta: Meta | None = None, **overrides: Any
) -> Callable[[Any], Commission]:
    """Convene with valid arguments. Unless `programme` is given, a commission
    sitting in COMMUNE sits for PROGRAMME (or its landlord's, for the CAL of
    another landlord), one sitting elsewhere for no programme."""
    fields: dict[str, Any] = {
        "commission_id": uuid4(),
        "kind": kind,
        "held_on": SESSION.get(kind, DAY["decide"]),
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "landlord": LANDLORD if kind == c.CAL else None,
        "dwelling_refs": REFS if kind == c.CAL else (),
        **overrides,
    }
    if "programme" not in fields:
        at_home = (fields["department"], fields["commune"]) == (DEPARTMENT, COMMUNE)
        fields["programme"] = programme_for(fields["landlord"]) if at_home else None
    meta = meta or session_meta(
        kind,
        on=fields["held_on"] - timedelta(days=14),
        organisation=fields["landlord"] if kind == c.CAL else None,
    )
    return lambda _: Commission.convene(**fields, meta=meta)


def session_meta(
    kind: str,
    role: str | None = None,
    on: date | None = None,
    *,
    organisation: str | None = None,
) -> Meta:
    """As `role` (default: the host) of `organisation` (default: the role's)."""
    return make_meta(role or HOST[kind], on or SESSION[kind], organisation=organisation)


def organisation_at(commission: Commission, role: str | None = None) -> str | None:
    """Whom a `role` agent (default: the host) acts for at the commission: a
    landlord's agent at a CAL, for the CAL's landlord; others, for their own
    organisation (None)."""
    if (role or HOST[commission.kind]) == "bailleur":
        landlord: str | None = commission.landlord
        return landlord
    return None


def convened(kind: str, **overrides: Any) -> Commission:
    return given(convene_command(kind, **overrides)(None).collect_events())


def in_session(
    kind: str,
    *acts: Callable[[Commission], object],
    attendees: tuple[Attendee, ...] | None = None,
    presided_by: Attendee | None = None,
    **overrides: Any,
) -> Commission:
    """A commission whose attendance is recorded, then `acts` taken on it, as the
    repository would load it (nothing pending)."""
    commission = convene_command(kind, **overrides)(None)
    chair = presided_by if attendees is not None else CHAIR[kind]
    commission.record_attendance(
        ATTENDEES[kind] if attendees is None else attendees,
        chair,
        session_meta(
            kind,
            on=overrides.get("held_on"),
            organisation=organisation_at(commission),
        ),
    )
    for act in acts:
        act(commission)
    return given(commission.collect_events())


def prior(
    outcome: str | None = "rang",
    rank: int | None = 1,
    *,
    commission_id: UUID = PREFECTORAL_ID,
    commune: str = COMMUNE,
    valid_until: date | None = None,
    programme_id: UUID | None = None,
) -> PriorRanking:
    if outcome == "liste_complementaire" and valid_until is None:
        valid_until = LIST_VALID_UNTIL
    return PriorRanking(
        commission_id, commune, outcome, rank, valid_until, programme_id
    )


def examination(
    decision: str = "attribution",
    prior_rank: int = 1,
    **overrides: Any,
) -> CALExamination:
    """A candidate and a valid decision of that type (motive, condition, rank…)."""
    fields: dict[str, Any] = {
        "dossier_id": uuid4(),
        "prior": prior("rang", prior_rank),
        "decision": decision,
        "rank": prior_rank if decision == "attribution_par_classement" else None,
        "missing_document": None,
        "condition_deadline": None,
        "motive": None,
        "return_session_on": None,
    }
    if decision == "attribution_sous_condition_suspensive":
        fields["missing_document"] = "avis_imposition_2024"
        fields["condition_deadline"] = CONDITION_DEADLINE
    if decision in ("non_attribution", "rejet_irrecevabilite", c.ADJOURNMENT):
        fields["motive"] = "Ressources insuffisantes pour ce loyer"
    if decision == c.ADJOURNMENT:
        fields["return_session_on"] = RETURN_SESSION_ON
    fields.update(overrides)
    return CALExamination(**fields)


def candidates(*decisions: str) -> list[CALExamination]:
    """One candidate per decision, ranked 1, 2, 3… by the commission préfectorale."""
    return [examination(decision, i) for i, decision in enumerate(decisions, 1)]


THREE = ("attribution", "non_attribution", "non_attribution")


def entry(*criteria: str, motive: str | None = None) -> RankingEntry:
    return RankingEntry(uuid4(), tuple(criteria), motive)


def ranking_args(**overrides: Any) -> dict[str, Any]:
    return {
        "ranked": [entry("dalo"), entry("handicap"), entry("sans_logement")],
        "liste_complementaire": [entry("sans_logement"), entry("insalubre")],
        "non_retenus": [entry()],
        "settings": rda_settings(),
        "settings_version": 1,
        **overrides,
    }


# Valid arguments for each step on a convened commission, by name.
_STEPS: dict[str, Callable[[Commission, Meta], None]] = {
    "record_attendance": lambda x, m: x.record_attendance(
        ATTENDEES[x.kind], CHAIR[x.kind], m
    ),
    "preselect": lambda x, m: x.preselect(uuid4(), "prioritaire", m),
    "rank": lambda x, m: x.rank(**ranking_args(), meta=m),
    "examine_dwelling": lambda x, m: x.examine_dwelling(REFS[0], candidates(*THREE), m),
    "close_minutes": lambda x, m: x.close_minutes("Séance close sans incident.", m),
}
STEPS = tuple(_STEPS)
DECISION_STEP = {
    c.PRE_COMMISSION: "preselect",
    c.COMMISSION_PREFECTORALE: "rank",
    c.CAL: "examine_dwelling",
}


def perform(
    commission: Commission,
    step: str,
    *,
    role: str | None = None,
    on: date | None = None,
    organisation: str | None = None,
) -> None:
    """Run one step with valid arguments, as the host (or `role`) on the session's
    day, for `organisation` (default: organisation_at)."""
    kind = commission.kind
    default_day = SESSION[kind] + timedelta(days=7 if step == "close_minutes" else 0)
    organisation = organisation or organisation_at(commission, role)
    meta = session_meta(kind, role, on or default_day, organisation=organisation)
    _STEPS[step](commission, meta)


def ready_for(kind: str, step: str, **overrides: Any) -> Commission:
    """A commission of `kind` (`overrides` its convocation) on which `step` may be
    taken."""
    if step == "record_attendance":
        return convened(kind, **overrides)
    return in_session(kind, **overrides)


def session_history(kind: str) -> tuple[Commission, list[Any]]:
    """A whole session: convened, attendance, decisions, minutes closed."""
    commission = convene_command(kind)(None)
    perform(commission, "record_attendance")
    perform(commission, DECISION_STEP[kind])
    meta = session_meta(kind)
    if kind == c.PRE_COMMISSION:
        commission.preselect(uuid4(), "liste_complementaire", meta)
    if kind == c.CAL:
        dalo = examination("attribution", 4, dalo_designated=True, dalo_recognised=True)
        commission.examine_dwelling(REFS[1], [dalo], meta)
    perform(commission, "close_minutes")
    return commission, list(commission.collect_events())
