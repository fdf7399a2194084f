"""What the unit tests read off the domain's tables: the pairs a table of what is
allowed leaves out (the cases a rule refuses), and the events an aggregate
declares (each to have its French label)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping


def outside(
    allowed: Mapping[str, Collection[str]], every: Iterable[str]
) -> list[tuple[str, str]]:
    """Each pair (key, one of `every`) that `allowed[key]` leaves out: the cases
    a rule refuses, in the order of `allowed`, then of `every`."""
    values = list(every)
    return [(key, v) for key, kept in allowed.items() for v in values if v not in kept]


def declared_events(aggregate: Any) -> set[type]:
    """The event classes `aggregate` declares (its own or inherited), without
    its bases Event and Created."""
    declared = [getattr(aggregate, name) for name in dir(aggregate)]
    classes = {v for v in declared if isinstance(v, type)}
    events = {cls for cls in classes if issubclass(cls, aggregate.Event)}
    return events - {aggregate.Event, aggregate.Created}
