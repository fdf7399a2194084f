"""The generation's loop: the departments' settings, then one record after
another (a programme, a measure, a referral) drawn by the seed's generator,
each carried out through the application's commands (api/demo/loading.py),
until the store holds the events or dossiers asked for."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from api.demo.loading import carry_out, declare_import
from api.demo.plan import Order, Plan
from api.synthetic.asll import measure
from api.synthetic.ccapex import referral
from api.synthetic.llts import programme
from api.synthetic.places import Department, department
from commands.department import AdoptSettings

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from commands.application import Logis
    from domain.department_settings import DepartmentSettings

# The Loire's settings take effect on 1 January 2025 and give ceilings for 2025
# and 2026 (infra/departments/42.json): every synthetic date falls in between.
EFFECTIVE_FROM = date(2025, 1, 1)
FIRST_DAY = date(2025, 1, 15)
LAST_DAY = date(2026, 12, 31)
# A department's year (seeds 001, 002): LLTS demands, ASLL measures; and the
# CCAPEX referrals (assumption).
DOSSIERS_PER_YEAR, MEASURES_PER_YEAR, REFERRALS_PER_YEAR = 1093, 733, 300
DOSSIERS_PER_PROGRAMME = 12  # 3 a dwelling, 2 to 6 dwellings
EVENTS_PER_DOSSIER = 24  # all kinds together, measured on generated stores
SOURCE = "Données synthétiques de Logis (logis generate)"


@dataclass(frozen=True)
class Options:
    seed: int = 1
    events: int | None = None  # stop once the store holds this many events
    dossiers: int | None = None  # or this many LLTS dossiers
    departments: int = 3
    today: date | None = None
    marks: tuple[int, ...] = ()  # store sizes (events) where `checkpoint` runs


@dataclass
class Counts:
    """What the generation carried out, by kind of record."""

    commands: int = 0
    programmes: int = 0
    dossiers: int = 0
    commissions: int = 0
    measures: int = 0
    referrals: int = 0
    events: int = 0  # the store's last notification id at the end


def generate(
    app: Logis,
    base: DepartmentSettings,
    options: Options,
    progress: Callable[[int, int | None], None] | None = None,
    checkpoint: Callable[[int], None] | None = None,
) -> Counts:
    """Carry out synthetic records until the target is reached; `base` is the
    settings every department takes (the Loire's), with associations of its
    own. `progress(done, target)` after each record; `checkpoint(events)`
    once the store holds each of `options.marks` events, with the events it
    holds (the benchmarks measure there, then the generation goes on)."""
    if options.events is None and options.dossiers is None:
        msg = "Options: events or dossiers"
        raise ValueError(msg)
    rng = random.Random(options.seed)  # noqa: S311 (reproducible, not secret)
    today = min(options.today or date.today(), LAST_DAY)
    expected = options.dossiers or math.ceil(options.events / EVENTS_PER_DOSSIER)  # type: ignore[operator]
    per_department = math.ceil(expected * MEASURES_PER_YEAR / DOSSIERS_PER_YEAR)
    departments = [
        department(n, base, per_department / options.departments, today)
        for n in range(options.departments)
    ]
    counts = Counts()
    marks = sorted(options.marks)
    keys = _Keys(options.seed)
    imports = {d.code: _configure(app, d, keys, counts) for d in departments}
    weights = (
        DOSSIERS_PER_YEAR / DOSSIERS_PER_PROGRAMME,
        MEASURES_PER_YEAR,
        REFERRALS_PER_YEAR,
    )
    while not _reached(app, options, counts):
        where = departments[rng.randrange(len(departments))]
        kind = rng.choices(("programme", "measure", "referral"), weights)[0]
        if kind == "programme":
            plan = programme(rng, where, FIRST_DAY, counts)
        elif kind == "measure":
            plan = measure(rng, where, FIRST_DAY, counts)
        else:
            plan = referral(rng, where, FIRST_DAY, counts)
        if plan is not None:
            _carry_out(app, plan, keys, imports[where.code], counts)
        if progress is not None:
            done = counts.dossiers if options.dossiers else _events(app)
            progress(done, options.dossiers or options.events)
        if marks and _events(app) >= marks[0] and checkpoint is not None:
            checkpoint(_events(app))
        while marks and _events(app) >= marks[0]:
            marks.pop(0)
    counts.events = _events(app)
    return counts


class _Keys:
    """The idempotency keys, numbered in the order of the commands: running
    the same seed again on the same store replays instead of writing twice."""

    def __init__(self, seed: int) -> None:
        self.seed, self.number = seed, 0

    def next(self) -> str:
        self.number += 1
        return f"generate:{self.seed}:{self.number}"


def _configure(app: Logis, where: Department, keys: _Keys, counts: Counts) -> UUID:
    """The department's settings adopted, and its synthetic history declared
    as an import (SAISIE-TARDIVE reports its steps as imported)."""
    plan = where.plan()
    adopt = AdoptSettings(effective_from=EFFECTIVE_FROM, settings=where.settings)
    import_id = declare_import(
        app, plan, SOURCE, keys.next(), f"generate:{keys.seed}:{where.code}"
    )
    _carry_out(
        app,
        _single(plan, Order("admin", EFFECTIVE_FROM, "parametres", adopt)),
        keys,
        import_id,
        counts,
    )
    return import_id


def _single(plan: Plan, order: Order) -> Plan:
    plan.orders.append(order)
    return plan


def _carry_out(
    app: Logis, plan: Plan, keys: _Keys, import_id: UUID, counts: Counts
) -> None:
    """The plan's orders up to its last day, in date order (a stable sort: the
    orders of one day keep the order they were written in)."""
    ids: dict = {}
    plan.orders.sort(key=lambda order: order.on)
    for order in plan.orders:
        if order.on > plan.anchor:
            break  # still to come: the record is under way
        result = carry_out(app, plan, keys.next(), order, ids, import_id)
        ids.setdefault(order.name, result.id)
        counts.commands += 1


def _events(app: Logis) -> int:
    return app.recorder.max_notification_id() or 0


def _reached(app: Logis, options: Options, counts: Counts) -> bool:
    if options.dossiers is not None:
        return counts.dossiers >= options.dossiers
    return _events(app) >= options.events  # type: ignore[operator]
