"""Each dossier rule is one rule, whichever side reads it (issue 14): over random
histories of commands, valid or not, a command is refused with rule R exactly
when the legality engine finds R in the history it would have produced.

For each command: refused with R → the event it would have recorded, forced
into the history as an import would store it (the aggregate records it without
the command's checks), makes the engine find R on that event; accepted → the
engine finds none of the rules the command checks on the event it recorded.
A forced event stays in the history (an imported past), and the procedure
goes on from it.

The rules covered are the dossier's own (domain/dossier_rules.py and the
stage checks of the instruction chain); the rules that need other records
(CAL-TROIS, LOGEMENT-UNIQUE, ranked offers) are the commission's and
programme's."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from domain import dossier as d
from domain.department_settings import DepartmentSettings
from domain.dossier import Dossier
from domain.dossier_rules import (
    ATTRIBUTIONS,
    AVIS_ENQUETE,
    AVIS_MAIRIE,
    CAL_DECISIONS,
    DOCUMENT_CHANNELS,
    SOLVENCY_OPINIONS,
)
from domain.dossier_steps import INSTALLATION_OUTCOMES
from domain.legality import check_dossier
from domain.shared import DomainError, Meta, RuleViolation
from tests.helpers.aggregates import given as replayed
from tests.helpers.dossiers import (
    CAL_ID,
    DWELLING,
    NUMERO_UNIQUE,
    ORGANISATIONS,
    PRE_COMMISSION_ID,
    PREFECTORAL_ID,
    REQUIRED_DOCUMENTS,
    ROLE,
    drive_with_history,
    make_meta,
    make_settings,
    perform,
)
from tests.helpers.dossiers import START as READY

SETTINGS = make_settings(social_data_retention_months=24)
CONDITION = "attribution_sous_condition_suspensive"
START = date(2025, 1, 6)


def settings_on(day: date) -> tuple[int, DepartmentSettings]:
    return 1, SETTINGS


Args = dict[str, Any]
Draw = Callable[[st.SearchStrategy[Any]], Any]


@dataclass(frozen=True)
class Step:
    """A dossier command, the rules it refuses, how to draw its arguments
    (valid or not) and the event it records with them, checks bypassed."""

    name: str
    rules: frozenset[str]
    draw: Callable[[Draw, Dossier, date], Args]
    run: Callable[[Dossier, Args, Meta], None]
    event: Callable[[Dossier, Args, Meta], tuple[type[Dossier.Event], Args]]


def _no_args(draw: Draw, dossier: Dossier, day: date) -> Args:
    return {}


def _days(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def _money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Euros in a plausible range, or now and then a value no study can use."""
    plausible = st.integers(low, high).map(Decimal)
    unusable = st.sampled_from([Decimal(-10), Decimal(0)])
    return st.one_of(*[plausible] * 7, unusable)


def _study_inputs(draw: Draw) -> Args:
    """A study's inputs whose taux d'effort spreads from 0 to 60 %, around the
    department's thresholds, or now and then inputs no study can use."""
    resources = draw(_money(600, 2500))
    benefit = draw(_money(0, 450))
    charges = draw(_money(0, 150))
    if resources > 0 and min(benefit, charges) >= 0:
        edge = int(SETTINGS.max_taux_effort * 100)  # half the time near it
        percent = draw(st.one_of(st.integers(0, 60), st.integers(edge - 5, edge + 5)))
        net = (resources * percent / 100).quantize(Decimal(1))
        rent = net + benefit - charges
    else:
        rent = draw(_money(200, 700))
    return {
        "monthly_resources": resources,
        "rent": rent,
        "charges": charges,
        "housing_benefit": benefit,
    }


TEXT = st.sampled_from([None, "", "  ", "Motif écrit"])


def _solvency_event(dossier: Dossier, a: Args, meta: Meta) -> tuple[type, Args]:
    """The study as the ALS would record it: taux d'effort = (loyer + charges
    − APL/AL) ÷ ressources to 0.01 %, reste à vivre per person to the cent
    (DOMAIN.md §8 ALS-SOLVA); zeros where the inputs give none."""
    resources = a["monthly_resources"]
    net = a["rent"] + a["charges"] - a["housing_benefit"]
    zero = Decimal("0")
    taux = reste = per_person = zero
    if resources > 0 and net >= 0:
        taux = (net / resources).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        reste = resources - net
        per_person = (reste / dossier.household_size).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
    return Dossier.SolvencyAssessed, {
        **a,
        "taux_effort": taux,
        "reste_a_vivre": reste,
        "reste_a_vivre_per_person": per_person,
        "max_taux_effort": SETTINGS.max_taux_effort,
        "min_reste_a_vivre_per_person": SETTINGS.min_reste_a_vivre_per_person,
        "thresholds_met": taux <= SETTINGS.max_taux_effort
        and per_person >= SETTINGS.min_reste_a_vivre_per_person,
        "settings_version": 1,
    }


def _resources_event(dossier: Dossier, a: Args, meta: Meta) -> tuple[type, Args]:
    year = meta.occurred_on.year
    ceiling = SETTINGS.ceiling(year, a["household_category"])
    return Dossier.ResourcesChecked, {
        **a,
        "ceiling_year": year,
        "ceiling": ceiling if ceiling is not None else Decimal("0"),
        "eligible": ceiling is None or a["annual_resources"] <= ceiling,
        "settings_version": 1,
    }


def _decision_args(draw: Draw, dossier: Dossier, day: date) -> Args:
    # Mostly attributions, so that most procedures go on to the offer.
    decision = draw(
        st.sampled_from([*ATTRIBUTIONS * 3, *CAL_DECISIONS, "ajournement_tacite"])
    )
    deadline = draw(st.one_of(st.none(), _days(-3, 40)))
    return {
        "commission_id": CAL_ID,
        "landlord": ORGANISATIONS["bailleur"],
        "decision": decision,
        "dwelling_ref": draw(st.sampled_from([DWELLING, DWELLING, None])),
        "rank": draw(st.sampled_from([None, 1])),  # rank 2: the others ahead
        "missing_document": draw(st.sampled_from(["avis_imposition", None])),
        "condition_deadline": None if deadline is None else day + timedelta(deadline),
        "motive": draw(TEXT),
    }


def _answer_day(draw: Draw, dossier: Dossier, day: date) -> Args:
    deadline = dossier.proposal["answer_deadline"]
    return {"on": max(day, deadline + timedelta(draw(_days(-12, 4))))}


def _answer(kind: str, event: type[Dossier.Event]) -> Step:
    command = {"acceptee": "accept_offer", "refusee": "refuse_offer"}.get(
        kind, "lapse_offer"
    )
    return Step(
        command,
        frozenset({"OFFRE-DELAI"}),
        _answer_day,
        lambda x, a, m: (
            x.refuse_offer("Trop loin", m)
            if kind == "refusee"
            else getattr(x, command)(m)
        ),
        lambda x, a, m: (event, {"motive": "Trop loin"} if kind == "refusee" else {}),
    )


ORDER = frozenset({"DOS-ORDRE"})
EXAMINATION = frozenset({"CAL-PREALABLE", "LC-VALIDITE", "SNE-NUMERO"})


def _avis(name: str, avis: list[str], text: Args, event: type[Dossier.Event]) -> Step:
    """The social enquiry's or the mairie's avis (DOS-AVIS): one of `avis`, the
    last of which no settings know, and its written `text` (one field)."""
    [field] = text
    return Step(
        name,
        ORDER | {"DOS-AVIS"},
        lambda draw, x, day: {"avis": draw(st.sampled_from(avis)), **text},
        lambda x, a, m: getattr(x, name)(a["avis"], a[field], m),
        lambda x, a, m: (event, a),
    )


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        _avis(
            "render_social_enquiry",
            [*AVIS_ENQUETE, "tres_favorable"],
            {"summary": "Hébergée chez un tiers."},
            Dossier.SocialEnquiryRendered,
        ),
        _avis(
            "render_mairie_avis",
            [*AVIS_MAIRIE, "prioritaire"],
            {"comment": "Connue du CCAS."},
            Dossier.MairieAvisRendered,
        ),
        Step(
            "complete",
            ORDER | {"DOS-COMPLET"},
            lambda draw, x, day: {
                "documents": sorted(
                    draw(
                        st.sets(
                            st.sampled_from([*REQUIRED_DOCUMENTS, "rib"]),
                            min_size=1,
                        )
                    )
                    | (set(REQUIRED_DOCUMENTS) if draw(st.booleans()) else set())
                )
            },
            lambda x, a, m: x.complete(a["documents"], SETTINGS, m),
            lambda x, a, m: (Dossier.Completed, a),
        ),
        Step(
            "renew_demand",
            frozenset({"SNE-VALIDITE"}),
            lambda draw, x, day: {"numero_unique": NUMERO_UNIQUE},
            lambda x, a, m: x.renew_demand(a["numero_unique"], m),
            lambda x, a, m: (Dossier.DemandRenewed, a),
        ),
        Step(
            "check_resources",
            ORDER | {"DOS-COMPLET", "DEAL-PLAFOND"},
            lambda draw, x, day: {
                "annual_resources": draw(
                    st.sampled_from([Decimal("9000"), Decimal("12000")])
                ),
                "household_category": draw(st.integers(1, 8)),
            },
            lambda x, a, m: x.check_resources(
                a["annual_resources"], a["household_category"], SETTINGS, 1, m
            ),
            _resources_event,
        ),
        Step(
            "start_analysis",
            ORDER | {"DOS-COMPLET"},
            _no_args,
            lambda x, a, m: x.start_analysis(m),
            lambda x, a, m: (Dossier.AnalysisStarted, {}),
        ),
        Step(
            "request_documents",
            frozenset({"ALS-CONTACT"}),
            lambda draw, x, day: {
                "documents": ["attestation_caf"],
                "through_role": draw(st.sampled_from(DOCUMENT_CHANNELS)),
                "through_organisation": "CCAS de Fort-de-France",
            },
            lambda x, a, m: x.request_documents(**a, meta=m),
            lambda x, a, m: (Dossier.DocumentsRequested, a),
        ),
        Step(
            "receive_documents",
            frozenset(),
            lambda draw, x, day: {"documents": list(x.outstanding_documents)},
            lambda x, a, m: x.receive_documents(a["documents"], m),
            lambda x, a, m: (Dossier.DocumentsReceived, a),
        ),
        Step(
            "assess_solvency",
            ORDER | {"ALS-SOLVA"},
            lambda draw, x, day: {
                **_study_inputs(draw),
                "opinion": draw(
                    st.sampled_from(["favorable"] * 3 + [*SOLVENCY_OPINIONS, "mitigé"])
                ),
                "motive": draw(TEXT),
            },
            lambda x, a, m: x.assess_solvency(
                **a, settings=SETTINGS, settings_version=1, meta=m
            ),
            _solvency_event,
        ),
        Step(
            "preselect",
            frozenset(),
            lambda draw, x, day: {"outcome": "prioritaire"},
            lambda x, a, m: x.preselect(PRE_COMMISSION_ID, None, a["outcome"], m),
            lambda x, a, m: (
                Dossier.PreSelected,
                {"commission_id": PRE_COMMISSION_ID, **a},
            ),
        ),
        Step(
            "rank",
            frozenset(),
            lambda draw, x, day: {
                "outcome": draw(st.sampled_from(["rang", "liste_complementaire"]))
            },
            lambda x, a, m: x.rank(
                PREFECTORAL_ID,
                a["outcome"],
                1 if a["outcome"] == "rang" else None,
                None,
                SETTINGS,
                m,
            ),
            lambda x, a, m: (Dossier.Ranked, {}),  # never refused by a rule
        ),
        Step(
            "decide",
            EXAMINATION | {"CAL-DECISION", "CAL-CONDITION", "CAL-MOTIF"},
            _decision_args,
            lambda x, a, m: x.decide(**a, meta=m),
            lambda x, a, m: (Dossier.CALDecided, a),
        ),
        Step(
            "defer",
            EXAMINATION | {"CAL-DECISION"},
            lambda draw, x, day: {
                "commission_id": CAL_ID,
                "motive": draw(st.sampled_from(["", "Pièce à vérifier"])),
                "return_session_on": day + timedelta(draw(_days(-2, 30))),
            },
            lambda x, a, m: x.defer(**a, meta=m),
            lambda x, a, m: (Dossier.Deferred, a),
        ),
        Step(
            "fulfil_condition",
            frozenset({"CAL-CONDITION"}),
            lambda draw, x, day: {
                "on": max(
                    day,
                    x.cal_decision["condition_deadline"]
                    + timedelta(draw(_days(-20, 5))),
                )
            },
            lambda x, a, m: x.fulfil_condition(m),
            lambda x, a, m: (
                Dossier.ConditionFulfilled,
                {"document": x.cal_decision["missing_document"]},
            ),
        ),
        Step(
            "offer",
            frozenset({"OFFRE-DELAI", "CAL-CONDITION"}),
            lambda draw, x, day: {
                "answer_deadline": day + timedelta(draw(_days(0, 20)))
            },
            lambda x, a, m: x.offer(a["answer_deadline"], m),
            lambda x, a, m: (
                Dossier.Offered,
                {**a, "dwelling_ref": x.cal_decision["dwelling_ref"]},
            ),
        ),
        _answer("acceptee", Dossier.OfferAccepted),
        _answer("refusee", Dossier.OfferRefused),
        _answer("caduque", Dossier.OfferLapsed),
        Step(
            "review_installation",
            frozenset({"BILAN-SUITE"}),
            lambda draw, x, day: {
                "outcome": draw(st.sampled_from(INSTALLATION_OUTCOMES)),
                "findings": "Bilan.",
                "support_months": draw(st.one_of(st.none(), st.integers(0, 12))),
            },
            lambda x, a, m: x.review_installation(**a, settings=SETTINGS, meta=m),
            lambda x, a, m: (Dossier.InstallationReviewed, a),
        ),
    )
}
# The steps with no rule of their own, taken with valid values to go on.
PLAIN: dict[str, Callable[[Dossier, Meta], None]] = {
    "sign_lease": lambda x, m: x.sign_lease(
        m.occurred_on, Decimal("350"), Decimal("50"), m
    ),
    "enter": lambda x, m: x.enter(m),
    "attend_information_meeting": lambda x, m: x.attend_information_meeting(
        ["droits_et_devoirs"], m
    ),
}


def _next(dossier: Dossier) -> list[str]:
    """The steps the procedure may take from where the dossier stands."""
    decision = (dossier.cal_decision or {}).get("decision")
    return {
        d.IDENTIFIED: ["render_social_enquiry", "renew_demand"],
        d.ENQUETE: ["render_mairie_avis"],
        d.MAIRIE: ["complete"],
        d.COMPLETED: ["check_resources"],
        d.RESOURCES: ["start_analysis", "renew_demand"],
        d.ANALYSIS: (
            ["receive_documents"]
            if dossier.outstanding_documents
            else ["assess_solvency", "request_documents"]
        ),
        d.SOLVENCY: ["preselect"],
        d.PRESELECTED: ["rank"],
        d.RANKED: ["decide", "defer", "renew_demand"],
        d.DEFERRED: ["decide"],
        d.DECIDED: (
            ["fulfil_condition", "offer"]
            if decision == CONDITION
            and dossier.cal_decision["condition_deadline"]
            and dossier.cal_decision["missing_document"]
            else ["offer"]
            if decision == CONDITION
            else ["offer"]
            if decision in ATTRIBUTIONS
            else []
        ),
        d.CONDITION_MET: ["offer"],
        d.OFFERED: ["accept_offer", "refuse_offer", "lapse_offer"],
        d.ACCEPTED: ["sign_lease"],
        d.LEASE: ["enter"],
        d.ENTERED: ["review_installation", "attend_information_meeting"],
    }.get(dossier.stage, [])


def _found_as(step: str, rule: str, dossier: Dossier) -> str | None:
    """The rule the engine finds for a command's refusal with `rule`: the same,
    but where the two sides still read one situation as two rules, each pinned
    by its own tests (reported in issue 14 (f) for a decision); None: not on
    the event itself."""
    registered = bool(dossier.numero_unique and dossier.sne_valid_from)
    if step in ("decide", "defer") and rule == "SNE-NUMERO" and registered:
        # A CAL examining an expired demand: "sans numéro unique valide" for
        # the command, a demand not renewed in time for the engine.
        return "SNE-VALIDITE"
    if (step, rule) == ("offer", "CAL-CONDITION"):
        # An offer before the condition suspensive is lifted: the command
        # refuses the offer, the engine finds the breach at the lease.
        return None
    return rule


def _on_event(history: list[Any]) -> set[str]:
    """The rules the engine finds on the last event of `history`, as of its day."""
    last = history[-1]
    found = check_dossier(history, settings_on, last.occurred_on)
    return {f.rule for f in found if last.originator_version in f.versions}


def _identify(draw: Draw) -> list[Any]:
    """A repérage, refused or not; the history it leaves (forced if refused)."""
    role = draw(st.sampled_from(["mairie", "ccas", "departement", "prefecture"]))
    registered = draw(st.one_of(st.none(), _days(-420, 5)))
    args: Args = {
        "dossier_id": uuid4(),
        "household_id": uuid4(),
        "applicant_name": "Marie-Josée Lapierre",
        "household_size": draw(st.integers(1, 5)),
        "department": "972",
        "commune": "97209",
        "programme_id": None,
        "numero_unique": draw(st.sampled_from([NUMERO_UNIQUE, NUMERO_UNIQUE, None])),
        "sne_registered_on": (
            None if registered is None else START + timedelta(registered)
        ),
        "dalo": draw(st.booleans()),
    }
    meta = make_meta(role, START)
    rules = {"DOS-ORIGINE", "SNE-NUMERO"}
    refused = _refusal(lambda: Dossier.identify(**args, meta=meta))
    if refused is None:
        dossier = Dossier.identify(**args, meta=meta)
        history = dossier.collect_events()
        assert not _on_event(history) & rules
        return history
    assert refused.code in rules
    event(f"refused: {refused.code}")
    fields = {k: v for k, v in args.items() if k != "dossier_id"}
    dossier = Dossier._create(  # the import: no check
        Dossier.Identified,
        id=args["dossier_id"],
        **fields,
        dalo_appeal_on=None,
        dalo_recognised_on=None,
        **meta.fields(),
    )
    history = dossier.collect_events()
    assert refused.code in _on_event(history), refused.message
    return history


def _refusal(command: Callable[[], object]) -> RuleViolation | None:
    """The rule that refuses `command`, or None when it is accepted (another
    refusal, not a rule's, is raised)."""
    try:
        command()
    except RuleViolation as refused:
        return refused
    return None


class Stopped(Exception):
    """A refusal that is not a rule's (a transition): the procedure stops."""


def _take(history: list[Any], name: str, draw: Draw, day: date) -> list[Any]:
    """`history` with the step `name` taken on `day` (or the day its arguments
    say) with drawn arguments; refused, with its event forced as an import
    would store it; after checking the engine reads the step as it did."""
    dossier = replayed(history)
    step = STEPS[name]
    args = step.draw(draw, dossier, day)
    day = args.pop("on", day)
    meta = make_meta(ROLE.get(name, "als"), day)
    note(f"{name} {day} {args}")
    try:
        refused = _refusal(lambda: step.run(dossier, args, meta))
    except DomainError as stopped:  # not a rule: the procedure stops here
        event(f"stopped at {name}: {stopped.code}")
        raise Stopped from stopped
    if refused is None:
        history = [*history, *dossier.collect_events()]
        assert not _on_event(history) & step.rules, (name, args)
        return history
    event(f"refused: {refused.code}")
    assert refused.code in step.rules, (name, refused.code)
    forced = replayed(history)
    cls, fields = step.event(forced, args, meta)
    forced._record(cls, meta, **fields)  # the import: no check
    history = [*history, *forced.collect_events()]
    expected = _found_as(name, refused.code, dossier)
    if expected is not None:
        found = _on_event(history)
        assert expected in found, (name, refused.message, found)
    return history


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_a_command_is_refused_exactly_when_the_engine_finds_its_rule(
    data: st.DataObject,
) -> None:
    draw = data.draw
    history = _identify(draw)
    day = START
    for _ in range(30):
        dossier = replayed(history)
        steps = _next(dossier)
        if not steps:
            event(f"ended at {dossier.stage}")
            break
        name = draw(st.sampled_from(steps))
        day += timedelta(draw(_days(0, 30)))
        if name in PLAIN:
            PLAIN[name](dossier, make_meta(ROLE.get(name, "als"), day))
            history += dossier.collect_events()
            continue
        try:
            history = _take(history, name, draw, day)
        except Stopped:
            break
        day = history[-1].occurred_on


@cache
def _ready(name: str) -> tuple[Any, ...]:
    """A driven history on which the step `name` may be taken."""
    stage, imposed, first = READY[name]
    dossier, history = drive_with_history(stage, **imposed)
    for prior in first:
        perform(dossier, prior, **imposed)
    return (*history, *dossier.collect_events())


@pytest.mark.parametrize("name", sorted(STEPS))
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_each_step_is_refused_exactly_when_the_engine_finds_its_rule(
    name: str, data: st.DataObject
) -> None:
    """The same, one step at a time from where the procedure takes it: many
    more draws of each step's values, around its thresholds."""
    history = list(_ready(name))
    late = name == "renew_demand"  # a renewal may come after the expiry
    day = history[-1].occurred_on + timedelta(data.draw(_days(0, 400 if late else 30)))
    with contextlib.suppress(Stopped):
        _take(history, name, data.draw, day)
