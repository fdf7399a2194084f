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


def _signal(
    plan: Plan, name: str, days_ago: int, source: str, **fields: str
) -> SignalSaisine:
    """A legal-entity landlord's tenant, signalled `days_ago`."""
    return SignalSaisine(
        occurred_on=plan.ago(days_ago),
        source=source,  # type: ignore[arg-type]
        household_id=uuid5(NAMESPACE_URL, f"logis:demo:household:{name}"),
        department=LOIRE,
        commune=fields["commune"],
        landlord=fields["landlord"],
        landlord_is_legal_entity=True,
        arrears=Decimal(fields["arrears"]),
    )


def _enquiry(plan: Plan, name: str, days_ago: int) -> None:
    plan.add("ccapex", days_ago, name, RegisterSaisine(occurred_on=plan.ago(days_ago)))
    plan.add(
        "ccapex",
        days_ago - 2,
        name,
        RequestEnquiry(
            occurred_on=plan.ago(days_ago - 2),
            operator=UDAF,
            operator_role="association",
        ),
    )


def _paid_off(plan: Plan) -> None:
    name = "ccapex-dette-soldee"
    signal = _signal(
        plan, name, 200, "saisine_bailleur",
        commune=RIVE_DE_GIER, landlord="Loire Habitat", arrears="2140.00",
    )  # fmt: skip
    plan.add("loire-habitat", 200, name, signal)
    _enquiry(plan, name, 197)
    steps = [
        ("udaf", 170, ReturnEnquiry, {"summary": "Dette née d'une baisse de "
         "revenus après une séparation ; le ménage accepte un plan d'apurement."}),
        ("ccapex", 165, OrientSaisine, {"towards": "fsl", "note": "Demande d'aide "
         "FSL maintien pour la dette."}),
        ("ccapex", 150, ExamineSaisine, {"session_on": plan.ago(150)}),
        ("ccapex", 150, IssueAvis, {"recommendations": [
            "Aide FSL maintien", "Plan d'apurement sur 18 mois avec le bailleur"]}),
        ("ccapex", 120, RecordFollowUp, {"note": "FSL accordé ; plan signé, "
         "échéances tenues depuis deux mois."}),
        ("prefecture", 110, RecordCourtDates, {"summons_on": plan.ago(115),
         "hearing_on": plan.ago(60)}),
        ("ccapex", 40, CloseSaisine, {"outcome": "dette_soldee"}),
    ]  # fmt: skip
    for actor, days_ago, step, fields in steps:
        command = step(occurred_on=plan.ago(days_ago), **fields)
        plan.add(actor, days_ago, name, command)
    plan.names[name] = HOUSEHOLDS[name]


def _enquiry_awaited(plan: Plan) -> None:
    name = "ccapex-enquete"
    signal = _signal(
        plan, name, 30, "impayes_caf",
        commune=SAINT_ETIENNE, landlord="Métropole Habitat Saint-Étienne",
        arrears="980.00",
    )  # fmt: skip
    plan.add("caf", 30, name, signal)
    _enquiry(plan, name, 27)
    plan.names[name] = HOUSEHOLDS[name]


def _late_referral(plan: Plan) -> None:
    name = "ccapex-assignation-tardive"
    signal = _signal(
        plan, name, 75, "saisine_bailleur",
        commune=SAINT_ETIENNE, landlord="Métropole Habitat Saint-Étienne",
        arrears="3310.00",
    )  # fmt: skip
    plan.add("metropole-habitat", 75, name, signal)
    _enquiry(plan, name, 72)
    plan.add(
        "prefecture",
        50,
        name,
        RecordCourtDates(occurred_on=plan.ago(50), summons_on=plan.ago(54)),
    )
    plan.names[name] = HOUSEHOLDS[name]


def ccapex_scenario(settings: DepartmentSettings, today: date) -> Plan:
    """The Loire's referrals, on its settings (adopted by the Loire's plan)."""
    plan = Plan(LOIRE, today, today, settings, actors=CCAPEX_ACTORS)
    for scene in (_paid_off, _enquiry_awaited, _late_referral):
        scene(plan)
    plan.orders.sort(key=lambda order: order.on)
    return plan
