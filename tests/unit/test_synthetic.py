"""The generator's plans (api/synthetic/), before any command runs: an ASLL
measure is notified only to an association with a place left (ASLL-CAPACITE),
whether it is over by the last day or still under way."""

from __future__ import annotations

import random
from datetime import date

from api.synthetic.asll import measure
from api.synthetic.generation import FIRST_DAY, Counts
from api.synthetic.places import department
from commands.mesure import Notify
from domain.department_settings import DepartmentSettings
from infra.departments import load_department_settings


def test_a_measure_goes_to_an_association_with_a_place_left() -> None:
    _, base = load_department_settings("42")
    where = department(0, base, 0, date(2026, 6, 30))  # three associations
    capacity = {a.code: a.monthly_capacity for a in where.settings.associations}
    rng, counts = random.Random(3), Counts()
    notified = skipped = 0
    for _ in range(1500):  # far more than the places
        held = dict(where.holding)
        plan = measure(rng, where, FIRST_DAY, counts)
        if plan is None:
            skipped += 1
            continue
        for order in plan.orders:
            if isinstance(order.command, Notify):
                notified += 1
                assert (
                    held.get(order.command.association, 0)
                    < capacity[order.command.association]
                )
    assert all(where.holding[code] <= capacity[code] for code in where.holding)
    assert notified > 100
    assert skipped > 0  # every place held: no more measures


def test_a_large_stores_department_lists_no_more_associations_than_allowed() -> None:
    _, base = load_department_settings("42")
    # 10⁶ events over three departments: measures enough for ~4,000 places.
    where = department(0, base, 20_000, date(2026, 6, 30))
    assert len(where.settings.associations) == 200  # the settings' maximum
    DepartmentSettings.model_validate(where.settings.model_dump())
