"""A commission's session as orders of a plan: convened, then on its day the
attendance, the decisions and the minutes. The demonstration's commissions
(api/demo/martinique.py) and the synthetic programmes' (api/synthetic/llts.py)
are held through it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api.demo.plan import Order
from commands import commission

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from datetime import date

    from api.demo.plan import Ids, Plan
    from domain.shared import Actor

    Decided = Callable[[Ids], commission.CandidateDecisionIn]


@dataclass(frozen=True)
class Ranked:
    """A dossier the commission préfectorale ranks or lists, by its name."""

    name: str
    criteria: tuple[str, ...] = ()  # the RDA criteria it meets
    motive: str | None = None  # when it passes a household the RDA puts first

    def entry(self, ids: Ids) -> commission.RankingEntryIn:
        return commission.RankingEntryIn(
            dossier_id=ids[self.name], criteria=list(self.criteria), motive=self.motive
        )


@dataclass(frozen=True)
class Session:
    """A convened commission's session: what it records on `held_on`."""

    plan: Plan
    name: str  # the scenario's name of the commission
    host: str  # key of the plan's actors
    held_on: date

    def record(self, build: Callable[[Ids, date], commission.CommissionStep]) -> None:
        on = self.held_on
        order = Order(self.host, on, self.name, lambda ids: build(ids, on))
        self.plan.orders.append(order)

    def attend(
        self,
        attendees: list[commission.AttendeeIn],
        presided_by: commission.AttendeeIn | None = None,
    ) -> None:
        self.record(
            lambda _, on: commission.RecordAttendance(
                occurred_on=on, attendees=attendees, presided_by=presided_by
            )
        )

    def preselect(self, outcomes: Iterable[tuple[str, str]]) -> None:
        """The pré-commission's outcome for each dossier, by its name."""
        chosen = list(outcomes)
        self.record(
            lambda ids, on: commission.PreSelect(
                occurred_on=on,
                decisions=[
                    commission.PreSelectionIn(dossier_id=ids[name], outcome=outcome)  # type: ignore[arg-type]
                    for name, outcome in chosen
                ],
            )
        )

    def rank(self, ranked: Sequence[Ranked], listed: Sequence[Ranked]) -> None:
        """The commission préfectorale's ranking, and the dossiers it puts on
        the commune's liste complémentaire."""
        self.record(
            lambda ids, on: commission.RankDossiers(
                occurred_on=on,
                ranked=[r.entry(ids) for r in ranked],
                liste_complementaire=[r.entry(ids) for r in listed],
            )
        )

    def decide(self, dwelling_ref: str, *decisions: Decided, **fields: Any) -> None:
        """The CAL's decisions on the candidates for one of its dwellings."""
        self.record(
            lambda ids, on: commission.DecideOnDwelling(
                occurred_on=on,
                dwelling_ref=dwelling_ref,
                candidates=[decided(ids) for decided in decisions],
                **fields,
            )
        )

    def close(self, summary: str) -> None:
        self.record(
            lambda _, on: commission.CloseMinutes(occurred_on=on, summary=summary)
        )


def convene(
    plan: Plan,
    name: str,
    host: str,
    kind: str,
    *,
    on: date,
    held_on: date,
    commune: str,
    programme: str,
    dwelling_refs: Sequence[str] = (),
) -> Session:
    """A session of the commune's commission for one of its programmes,
    convened `on` that day."""
    plan.orders.append(
        Order(
            host,
            on,
            name,
            lambda ids: commission.ConveneCommission(
                occurred_on=on,
                kind=kind,  # type: ignore[arg-type]
                held_on=held_on,
                department=plan.code,
                commune=commune,
                programme_id=ids[programme],
                dwelling_refs=list(dwelling_refs),
            ),
        )
    )
    return Session(plan, name, host, held_on)


def attendee(who: Actor, function: str) -> commission.AttendeeIn:
    return commission.AttendeeIn(
        organisation=who.organisation,
        role=who.role,  # type: ignore[arg-type]
        function=function,
    )


def decision(name: str, decision: str, **fields: Any) -> Decided:
    """The CAL's decision on the dossier `name`, whose id is known once created."""
    return lambda ids: commission.CandidateDecisionIn(
        dossier_id=ids[name],
        decision=decision,  # type: ignore[arg-type]
        **fields,
    )
