"""One CCAPEX referral as a plan (seed 004): signalled by the landlord or the
CAF, registered, enquiry asked of the operator and returned, orientation,
examination, avis, follow-up, closure."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, uuid5

from api.demo.plan import Order
from api.synthetic.places import day_in
from commands.saisine import (
    CloseSaisine,
    ExamineSaisine,
    IssueAvis,
    OrientSaisine,
    RecordFollowUp,
    RegisterSaisine,
    RequestEnquiry,
    ReturnEnquiry,
    SignalSaisine,
)

if TYPE_CHECKING:
    from api.demo.plan import Plan
    from api.synthetic.generation import Counts
    from api.synthetic.places import Department

# Assumptions (module docstring of api.synthetic): drawn evenly.
SOURCES = {"saisine_bailleur": "bailleur", "impayes_caf": "caf"}
TOWARDS = ("fsl", "services_sociaux", "surendettement", "bailleur")
OUTCOMES = ("dette_soldee", "relogement", "abandon")


def referral(
    rng: random.Random, where: Department, first: date, counts: Counts
) -> Plan:
    plan = where.plan()
    start = day_in(rng, first, plan.anchor)
    counts.referrals += 1
    name = f"r{counts.referrals}"
    source = rng.choice(list(SOURCES))
    operator = plan.actors["operateur"].organisation
    course = [
        (SOURCES[source], 0, SignalSaisine(
            source=source,  # type: ignore[arg-type]
            household_id=uuid5(NAMESPACE_URL, f"logis:generate:{rng.getrandbits(64)}"),
            department=plan.code,
            commune=where.commune(rng),
            landlord=plan.actors["bailleur"].organisation,
            landlord_is_legal_entity=True,
            arrears=Decimal(rng.randrange(300, 6000)),
        )),
        ("ccapex", 3, RegisterSaisine()),
        ("ccapex", 5, RequestEnquiry(operator=operator, operator_role="association")),
        ("operateur", 30, ReturnEnquiry(summary="Enquête sociale synthétique.")),
        ("ccapex", 35, OrientSaisine(towards=rng.choice(TOWARDS), note="Orientation.")),
        ("ccapex", 50, "examine"),
        ("ccapex", 50, IssueAvis(recommendations=["Plan d'apurement"])),
        ("ccapex", 80, RecordFollowUp(note="Échéances tenues.")),
        ("ccapex", 150, CloseSaisine(outcome=rng.choice(OUTCOMES))),
    ]  # fmt: skip
    for actor, days, command in course:
        on = start + timedelta(days=days)
        if command == "examine":
            command = ExamineSaisine(session_on=on)
        plan.orders.append(
            Order(actor, on, name, command.model_copy(update={"occurred_on": on}))  # type: ignore[union-attr]
        )
    return plan
