"""Loading the demonstration through the application's public commands.

Every command carries a deterministic Idempotency-Key (`demo:<n>`, the Loire's
numbered after Martinique's): loading twice writes nothing the second time, and
an interrupted load resumes where it stopped. Martinique's dates run over the
eight months before `today`, the Loire's over fourteen (its CCAPEX referrals
over the last seven), in procedure order; each
commission's attendance and decisions are dated the day of its session.

Told today with past dates, the demo is loaded as an import of past years: each
plan is declared on its department (`Department.HistoryImported`) and its steps
carry that import's correlation id, so SAISIE-TARDIVE reports them as imported,
for information, rather than as late entries.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from api.demo.ccapex import ccapex_scenario
from api.demo.loire import loire_scenario
from api.demo.martinique import martinique_scenario
from api.demo.plan import ACTORS, Ids, Order, Plan, key
from api.demo.report import (
    already_loaded,
    ccapex_lines,
    loire_lines,
    martinique_report,
)
from commands.application import Logis
from commands.context import CommandResult, Context
from commands.department import DeclareImport
from commands.dispatch import dispatch
from commands.errors import InvalidCommandError
from commands.idempotency import fingerprint
from domain.department import import_correlation
from domain.department_settings import DepartmentSettings

if TYPE_CHECKING:
    from collections.abc import Callable


def load_demo(
    app: Logis,
    code: str,
    effective_from: date,
    settings: DepartmentSettings,
    today: date,
    loire: tuple[date, DepartmentSettings] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> str:
    """Load the scenario (once) and return a French report of what it holds.
    `loire`: the Loire's settings and the day they take effect, for its ASLL
    measures (infra/departments/42.json); without them, Martinique only.
    `progress(done, total)` after each order carried out."""
    plans = [martinique_scenario(code, effective_from, settings, today)]
    if loire is not None:
        plans.append(loire_scenario(*loire, today))
        plans.append(ccapex_scenario(loire[1], today))
    numbered = _numbered(plans)
    first = app.store.find_idempotency(key(0))
    if first is not None and app.store.find_idempotency(key(len(numbered) - 1)):
        return already_loaded(app, plans)
    imports = [
        declare_import(app, plan, SOURCE, f"demo:import:{index}", index)
        for index, plan in enumerate(plans)
    ]
    ids: list[Ids] = [{} for _ in plans]
    written = [len(p.orders) for p in plans]
    for number, index, order in numbered:
        result = carry_out(
            app, plans[index], key(number), order, ids[index], imports[index]
        )
        written[index] -= result.replayed
        ids[index].setdefault(order.name, result.id)
        if progress is not None:
            progress(number + 1, len(numbered))
    resumed = first is not None
    report = martinique_report(
        app, plans[0], effective_from, ids[0], written[0], resumed
    )
    if loire is None:
        return report
    lines = loire_lines(app, plans[1], loire[0], ids[1], written[1])
    lines += ["", *ccapex_lines(app, plans[2], ids[2], written[2])]
    return "\n".join([report, "", *lines])


def _numbered(plans: list[Plan]) -> list[tuple[int, int, Order]]:
    """Every order with its number (its key: `demo:<n>`) and its plan's index:
    Martinique's first, then the Loire's."""
    orders = [(index, order) for index, p in enumerate(plans) for order in p.orders]
    return [(number, index, order) for number, (index, order) in enumerate(orders)]


# Its old folder, kept: the source is in the fingerprint of the import declared,
# so a load begun before the demo moved to api/demo/ can still be resumed.
SOURCE = "Scénario de démonstration de Logis (commands/demo), chargé par logis demo"


def declare_import(
    app: Logis, plan: Plan, source: str, idempotency_key: str, index: int | str
) -> UUID:
    """The demo is a history told today with past dates, as an import of past
    years is: declared as one (SAISIE-TARDIVE reports its steps as imported,
    for information), under its own idempotency key. `logis generate` declares
    its synthetic histories the same way."""
    import_id = uuid5(NAMESPACE_URL, f"logis:demo:import:{plan.code}:{index}")
    command = DeclareImport(
        import_id=import_id,
        source=source,
        period_start=min((o.on for o in plan.orders), default=plan.today),
        period_end=plan.today,
        occurred_on=plan.today,
    )
    ctx = Context(
        actor=ACTORS["admin"],
        correlation_id=import_correlation(import_id, "demo"),
        now=datetime.combine(plan.today, time(12), tzinfo=UTC),
        idempotency_key=idempotency_key,
        fingerprint=fingerprint(idempotency_key, command.model_dump(mode="json")),
        import_id=import_id,
    )
    try:
        app.declare_import(plan.code, command, ctx)
    except InvalidCommandError as error:
        if error.code != "idempotency_key_reused":
            raise
        raise InvalidCommandError(PARTLY_LOADED, error.code) from None
    return import_id


PARTLY_LOADED = (
    "La démonstration a été chargée en partie avec d'autres dates ou une "
    "autre version du scénario : repartez d'une base vide pour la recharger."
)


def carry_out(
    app: Logis,
    plan: Plan,
    idempotency_key: str,
    order: Order,
    ids: Ids,
    import_id: UUID,
) -> CommandResult:
    """One order of a plan, through the application's entry point for its
    command, under its idempotency key, as part of the declared import."""
    actor = plan.actors[order.actor]
    command = order.build(ids)
    target = ids.get(order.name)
    ctx = Context(
        actor=actor,
        department=plan.code,
        commune=plan.communes.get(order.actor),
        correlation_id=import_correlation(import_id, f"demo:{order.name}"),
        now=datetime.combine(plan.today, time(12), tzinfo=UTC),
        import_id=import_id,
        idempotency_key=idempotency_key,
        fingerprint=fingerprint(
            actor.__dict__,
            idempotency_key,
            type(command).__name__,
            str(target),
            command.model_dump(mode="json"),
        ),
    )
    try:
        return dispatch(app, plan.code, command, target, ctx)
    except InvalidCommandError as error:
        if error.code != "idempotency_key_reused":
            raise
        raise InvalidCommandError(PARTLY_LOADED, error.code) from None
