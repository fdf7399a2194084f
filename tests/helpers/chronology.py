"""A step dated before the last recorded one is refused, one dated the same day
accepted, and a step's day kept in order, for any aggregate with a
`last_occurred_on`.

    refused_the_day_before(programme, lambda x, on: perform(x, step, on=on))
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tests.helpers.aggregates import then_error, then_event, when

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from domain.shared import DomainError

    Dated = Callable[[Any, date], object]  # a step taken on a given day


def on_or_after(aggregate: Any, day: date) -> date:
    """`day` (a step's usual day), or the aggregate's last recorded day if that is
    later."""
    return max(day, aggregate.last_occurred_on)


def refused_the_day_before(aggregate: Any, step: Dated) -> DomainError:
    """`step` dated the day before the aggregate's last recorded day is refused."""
    day_before = aggregate.last_occurred_on - timedelta(days=1)
    return then_error(
        aggregate, lambda x: step(x, day_before), "occurred_on_out_of_order"
    )


def accepted_the_same_day(aggregate: Any, step: Dated, event_class: type) -> Any:
    """`step` dated the aggregate's last recorded day is accepted: one
    `event_class` event of that day."""
    same_day = aggregate.last_occurred_on
    events = when(aggregate, lambda x: step(x, same_day))
    return then_event(events, event_class, occurred_on=same_day)
