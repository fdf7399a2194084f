"""The Loire's CCAPEX, loaded after its ASLL measures: three referrals of
households at risk of expulsion, told as a plan of its own (numbered after the
Loire's orders, so their idempotency keys do not move):
- Loire Habitat refers its tenant in time; enquiry, orientation to the FSL,
  examination, avis, follow-up, the court dates learnt later, and the debt paid
  off: closed;
- the CAF signals unpaid rent; the enquiry asked of the UDAF is still awaited;
- Métropole Habitat has its tenant summoned three weeks after referring him:
  accepted as recorded, and a CCAPEX-SAISINE finding (less than two months).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from api.demo.loire import LOIRE, RIVE_DE_GIER, SAINT_ETIENNE
from api.demo.plan import ACTORS, Plan
from commands.saisine import (
    CloseSaisine,
    ExamineSaisine,
    IssueAvis,
    OrientSaisine,
    RecordCourtDates,
    RecordFollowUp,
    RegisterSaisine,
    RequestEnquiry,
    ReturnEnquiry,
    SignalSaisine,
)
from domain.department_settings import DepartmentSettings
from domain.shared import Actor

UDAF = "UDAF 42 (MOUS prévention des expulsions)"
CCAPEX_ACTORS = {
    "admin": ACTORS["admin"],
    "ccapex": Actor("secretariat-ccapex", "ccapex", "CCAPEX de la Loire"),
    "udaf": Actor("enqueteur-social", "association", UDAF),
    "prefecture": Actor("bureau-expulsions", "prefecture", "Préfecture de la Loire"),
    "caf": Actor("service-impayes", "caf", "CAF de la Loire"),
    "loire-habitat": Actor("contentieux", "bailleur", "Loire Habitat"),
    "metropole-habitat": Actor(
        "contentieux", "bailleur", "Métropole Habitat Saint-Étienne"
    ),
}
# Referral name → the household, for the report.
HOUSEHOLDS = {
    "ccapex-dette-soldee": "Ménage Perrin (Rive-de-Gier)",
    "ccapex-enquete": "Ménage Said (Saint-Étienne)",
    "ccapex-assignation-tardive": "Ménage Colombet (Saint-Étienne)",
}


def _referral(
    plan: Plan,
    name: str,
    by: tuple[str, int, str],
    commune: str,
    landlord: str,
    arrears: str,
) -> None:
    """A legal-entity landlord's tenant, signalled by the actor `by` names,
    that many days ago, from that source; registered by the CCAPEX three days
    later, which asks the UDAF for its enquiry two days after."""
    actor, days_ago, source = by
    signal = SignalSaisine(
        occurred_on=plan.ago(days_ago),
        source=source,  # type: ignore[arg-type]
        household_id=uuid5(NAMESPACE_URL, f"logis:demo:household:{name}"),
        department=LOIRE,
        commune=commune,
        landlord=landlord,
        landlord_is_legal_entity=True,
        arrears=Decimal(arrears),
    )
    plan.add(actor, days_ago, name, signal)
    registered = days_ago - 3
    plan.add(
        "ccapex", registered, name, RegisterSaisine(occurred_on=plan.ago(registered))
    )
    plan.add(
        "ccapex",
        registered - 2,
        name,
        RequestEnquiry(
            occurred_on=plan.ago(registered - 2),
            operator=UDAF,
            operator_role="association",
        ),
    )
    plan.names[name] = HOUSEHOLDS[name]


def _referrals(plan: Plan) -> list[tuple[Any, ...]]:
    """Each referral: its name, who signals it (actor, days ago, source), the
    commune, the landlord, the arrears, and its steps after the enquiry was
    asked (actor, days ago, command, its fields)."""
    return [
        ("ccapex-dette-soldee", ("loire-habitat", 200, "saisine_bailleur"),
         RIVE_DE_GIER, "Loire Habitat", "2140.00", [
            ("udaf", 170, ReturnEnquiry, {"summary": "Dette née d'une baisse de "
             "revenus après une séparation ; le ménage accepte un plan "
             "d'apurement."}),
            ("ccapex", 165, OrientSaisine, {"towards": "fsl", "note": "Demande "
             "d'aide FSL maintien pour la dette."}),
            ("ccapex", 150, ExamineSaisine, {"session_on": plan.ago(150)}),
            ("ccapex", 150, IssueAvis, {"recommendations": [
                "Aide FSL maintien",
                "Plan d'apurement sur 18 mois avec le bailleur"]}),
            ("ccapex", 120, RecordFollowUp, {"note": "FSL accordé ; plan signé, "
             "échéances tenues depuis deux mois."}),
            ("prefecture", 110, RecordCourtDates, {"summons_on": plan.ago(115),
             "hearing_on": plan.ago(60)}),
            ("ccapex", 40, CloseSaisine, {"outcome": "dette_soldee"}),
        ]),
        ("ccapex-enquete", ("caf", 30, "impayes_caf"),
         SAINT_ETIENNE, "Métropole Habitat Saint-Étienne", "980.00", []),
        ("ccapex-assignation-tardive", ("metropole-habitat", 75, "saisine_bailleur"),
         SAINT_ETIENNE, "Métropole Habitat Saint-Étienne", "3310.00", [
            ("prefecture", 50, RecordCourtDates, {"summons_on": plan.ago(54)}),
        ]),
    ]  # fmt: skip


def ccapex_scenario(settings: DepartmentSettings, today: date) -> Plan:
    """The Loire's referrals, on its settings (adopted by the Loire's plan)."""
    plan = Plan(LOIRE, today, today, settings, actors=CCAPEX_ACTORS)
    for name, by, commune, landlord, arrears, steps in _referrals(plan):
        _referral(plan, name, by, commune, landlord, arrears)
        for actor, days_ago, step, fields in steps:
            command = step(occurred_on=plan.ago(days_ago), **fields)
            plan.add(actor, days_ago, name, command)
    plan.orders.sort(key=lambda order: order.on)
    return plan
