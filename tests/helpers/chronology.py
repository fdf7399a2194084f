"""A step dated before the last recorded one is refused, one dated the same day
accepted, and a step's day kept in order, for any aggregate with a
`last_occurred_on`.

    refused_the_day_before(programme, lambda x, on: perform(x, step, on=on))

Both checks for each step of an aggregate, as a test class (ChronologyTests).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from tests.helpers.aggregates import then_error, then_event, when

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import date

    import pytest

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


class ChronologyTests:
    """Each step of an aggregate dated the day before its last recorded one is
    refused, and dated that same day accepted. A subclass names the `event` each
    step records (its keys are the steps), the steps taken `before` each, and the
    functions that build the aggregate `after` steps and `take` a step on a day:

        class TestChronology(ChronologyTests):
            event, before = EVENT, BEFORE
            after = staticmethod(programme_after)
            take = staticmethod(perform_on_programme)
    """

    event: ClassVar[Mapping[str, type]]
    before: ClassVar[Mapping[str, tuple[str, ...]]]
    after: Callable[..., Any]
    take: Callable[..., None]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        metafunc.parametrize("step", list(self.event))

    def ready_for(self, step: str) -> Any:
        return self.after(*self.before[step])

    def on_a_day(self, step: str) -> Dated:
        return lambda x, on: self.take(x, step, on=on)

    def test_step_dated_before_the_previous_one_is_refused(self, step: str) -> None:
        refused_the_day_before(self.ready_for(step), self.on_a_day(step))

    def test_step_dated_the_same_day_as_the_previous_one_is_accepted(
        self, step: str
    ) -> None:
        accepted_the_same_day(
            self.ready_for(step), self.on_a_day(step), self.event[step]
        )
