"""One ASLL measure as a plan: the prescriber's request on a co-signed
diagnostic, the CLU's instruction and notification to an association with a
place, the complementary diagnosis, the convention, two meetings a month,
renewals, then the bilan or a rupture."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, uuid5

from api.demo.plan import Order
from api.synthetic.places import day_in
from commands.mesure import (
    BreakOff,
    DecideRenewal,
    Diagnose,
    EndMesure,
    HoldMeeting,
    Instruct,
    MissMeeting,
    Notify,
    RequestMesure,
    RequestRenewal,
    SignConvention,
)
from domain.mesure_steps import MEETING_KINDS

if TYPE_CHECKING:
    from api.demo.plan import Plan
    from api.synthetic.generation import Counts
    from api.synthetic.places import Department
    from commands.base import Command

ORIENTATIONS = {"acces": 84, "maintien": 8, "diagnostic": 8}  # Loire 2006, seed 002
# Assumptions (module docstring of api.synthetic).
DURATIONS = {6: 70, 3: 20, 4: 5, 5: 5}  # months: « en général 6 mois »
REFUSED, REORIENTED, RUPTURE, MISSED = 0.05, 0.08, 0.12, 0.10
RENEWAL_ASKED, RENEWAL_GRANTED, RENEWAL_MONTHS = 0.25, 0.85, 3
# Days after the request.
NOTIFIED, DIAGNOSED, CONVENTION, EVERY = 10, 20, 30, 15
MONTH = 30


def measure(
    rng: random.Random, where: Department, first: date, counts: Counts
) -> Plan | None:
    """A measure whose whole course is drawn first, at an association with a
    place left (ASLL-CAPACITE: the measures still under way on the last day
    keep theirs); None when every place is held."""
    plan = where.plan()
    start = day_in(rng, first, plan.anchor - timedelta(days=1))
    course = _course(rng)
    last = timedelta(days=course[-1][0])
    association = None
    if any(what == "notify" for _, what in course):  # granted: a place taken
        association = where.place(rng)
        if association is None:  # every place held until the end
            return None
        if start + last > plan.anchor:  # still under way: it keeps its place
            where.holding[association] = where.holding.get(association, 0) + 1
    counts.measures += 1
    name = f"m{counts.measures}"
    prescriber = plan.actors["prescripteur"].organisation
    for days, what in course:
        on = start + timedelta(days=days)
        if what == "notify":  # instructed and notified the same day
            notify = Notify(occurred_on=on, association=association or "")
            plan.orders.append(
                Order("clu", on, name, Instruct(occurred_on=on, granted=True))
            )
            plan.orders.append(Order("clu", on, name, notify))
            continue
        actor, command = _order(rng, plan, what, on, association, prescriber)
        plan.orders.append(Order(actor, on, name, command))
    return plan


def _course(rng: random.Random) -> list[tuple[int, str]]:
    """(days after the request, step) from the request to the end."""
    course = [(0, "request")]
    if rng.random() < REFUSED:
        return [*course, (NOTIFIED, "refuse")]
    course += [(NOTIFIED, "notify")]
    if rng.random() < REORIENTED:
        return [*course, (DIAGNOSED, "reorient")]
    months = rng.choices(list(DURATIONS), list(DURATIONS.values()))[0]
    course += [(DIAGNOSED, "diagnose"), (CONVENTION, f"convention:{months}")]
    end = CONVENTION + months * MONTH
    if rng.random() < RENEWAL_ASKED:
        course += [(end - 20, "renewal"), (end - 12, "renewal-decision")]
        if rng.random() < RENEWAL_GRANTED:
            course[-1] = (end - 12, "renewal-granted")
            end += RENEWAL_MONTHS * MONTH
    rupture = rng.random() < RUPTURE
    if rupture:
        end = CONVENTION + rng.randint(1, months) * MONTH
    meetings = [
        (day, "missed" if rng.random() < MISSED else "meeting")
        for day in range(CONVENTION + 5, end - 4, EVERY)
    ]
    course = sorted([*course, *meetings], key=lambda step: step[0])
    course = [step for step in course if step[0] < end]
    return [*course, (end, "rupture" if rupture else "end")]


def _order(
    rng: random.Random,
    plan: Plan,
    what: str,
    on: date,
    association: str | None,
    prescriber: str,
) -> tuple[str, Command]:
    """Who acts, and the command, for a step of the course."""
    settings = plan.settings
    if what == "request":
        n = rng.getrandbits(64)
        return "prescripteur", RequestMesure(
            occurred_on=on,
            kind="individuelle",
            household_id=uuid5(NAMESPACE_URL, f"logis:generate:household:{n}"),
            department=plan.code,
            commune=f"{plan.code}{1 + rng.randrange(40):03d}",
            diagnostic_summary="Diagnostic synthétique co-signé par le ménage.",
            diagnostic_signed_on=on - timedelta(days=3),
            household_signed=True,
        )
    steps: dict[str, tuple[str, Command]] = {
        "refuse": ("clu", Instruct(granted=False, motive="Hors des critères du plan.")),
        "reorient": (association, Diagnose(
            outcome="reoriente", summary="Mesure de protection plus adaptée.",
            reoriented_to="Mesure d'accompagnement social personnalisé")),
        "diagnose": (association, Diagnose(
            outcome="confirme", summary="Projet et objectifs confirmés.")),
        "meeting": (association, HoldMeeting(kind=rng.choice(MEETING_KINDS))),
        "missed": (association, MissMeeting(relaunched=True)),
        "renewal": (association, RequestRenewal(
            months=RENEWAL_MONTHS, reason="Objectifs en cours d'atteinte.")),
        "renewal-decision": ("clu", DecideRenewal(
            granted=False, motive="Objectifs atteints : relais au droit commun.")),
        "renewal-granted": ("clu", DecideRenewal(granted=True)),
        "end": (association, EndMesure(
            bilan="Objectifs atteints.", signed_by=["travailleur_social", "menage"],
            relayed_to=prescriber)),
        "rupture": (association, BreakOff(motive="Le ménage ne répond plus.")),
    }  # fmt: skip
    if what.startswith("convention:"):
        axes = settings.asll_work_axes
        actor, command = (
            association,
            SignConvention(
                orientation=rng.choices(
                    list(ORIENTATIONS), list(ORIENTATIONS.values())
                )[0],  # type: ignore[arg-type]
                axes=rng.sample(list(axes), k=min(3, len(axes))),
                duration_months=int(what.split(":")[1]),
                starts_on=on,
                worker="Travailleur social référent",
                signed_by=["association", "menage", "prescripteur"],
            ),
        )
    else:
        actor, command = steps[what]
    return actor, command.model_copy(update={"occurred_on": on})  # type: ignore[return-value]
