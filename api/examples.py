"""Request examples for /docs, taken from the demonstration (api/demo): the
first command of each kind its scenarios give, as the API would receive it,
dated from today as the demo is. The ids the scenario would only know once a
record exists are stable stand-ins (`uuid5`). The few commands the demo never
gives are written here, in its shapes (its places, its dossiers)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from api.demo.ccapex import ccapex_scenario
from api.demo.loire import loire_scenario
from api.demo.martinique import martinique_scenario
from api.demo.plan import BELLEVUE_T3
from commands.dispatch import COMMANDS
from commands.dossier import (
    DeclareInadmissible,
    ExpireFromList,
    FulfilCondition,
    Radiate,
    RenewDemand,
)
from commands.programme import ProposeCandidates, VacateDwelling
from infra.departments import load_department_settings

if TYPE_CHECKING:
    from datetime import date

    from commands.base import Command

MARTINIQUE, LOIRE = "972", "42"


class _StandIns(dict[str, UUID]):
    """The ids of the records a scenario creates, before they exist."""

    def __missing__(self, name: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"logis:example:{name}")


def _not_in_demo(today: date) -> list[Command]:
    """What the demo never does, in its shapes."""
    return [
        RenewDemand(numero_unique="972240001234"),
        FulfilCondition(occurred_on=today - timedelta(days=20)),
        DeclareInadmissible(
            reason="Ressources au-dessus du plafond LLTS de la catégorie 3."
        ),
        Radiate(reason="Demande non renouvelée à son échéance."),
        ExpireFromList(),
        VacateDwelling(ref=BELLEVUE_T3, vacated_on=today - timedelta(days=45)),
        ProposeCandidates(ref=BELLEVUE_T3),
    ]


@cache
def command_examples(today: date) -> dict[type[Command], dict[str, Any]]:
    """One example per command class, as JSON: the demo's first of its kind."""
    effective_from, martinique = load_department_settings(MARTINIQUE)
    loire = load_department_settings(LOIRE)
    plans = [
        martinique_scenario(MARTINIQUE, effective_from, martinique, today),
        loire_scenario(*loire, today),
        ccapex_scenario(loire[1], today),
    ]
    ids = _StandIns()
    commands = [order.build(ids) for plan in plans for order in plan.orders]
    examples: dict[type[Command], dict[str, Any]] = {}
    for command in [*commands, *_not_in_demo(today)]:
        examples.setdefault(type(command), _as_json(command))
    return examples


def _as_json(command: Command) -> dict[str, Any]:
    return command.model_dump(mode="json", exclude_none=True)


def example_for(body: type, today: date | None = None) -> dict[str, Any] | None:
    """The example of a request body: its command's, or, for a body that is
    part of a command (the dwelling named by the URL), that command's fields
    the body has."""
    examples = command_examples(today or datetime.now(UTC).date())
    if body in examples:
        return examples[body]
    for command in COMMANDS.values():
        if issubclass(command, body) and command in examples:
            fields = body.model_fields  # type: ignore[attr-defined]
            return {k: v for k, v in examples[command].items() if k in fields}
    return None
