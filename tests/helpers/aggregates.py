"""Given events / when command / then events or error, for any aggregate.

dossier = given(history)                       # replayed, nothing pending
[event] = when(dossier, lambda d: d.start_analysis(meta=...))
then_error(dossier, lambda d: d.start_analysis(meta=...), "DOS-ORDRE")
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper

from domain.shared import DomainError, Meta
from infra.store import LogisTranscoder

A = TypeVar("A", bound=Aggregate)
Command = Callable[[Any], object]


def given(events: Iterable[Any]) -> Any:
    """The aggregate rebuilt from its past events, as the repository loads it."""
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    assert aggregate is not None, "given() needs at least the creation event"
    return aggregate


def when(aggregate: Aggregate | None, command: Command) -> Sequence[Any]:
    """Run `command(aggregate)` and return the events it triggered.

    With `aggregate=None` the command creates the aggregate and returns it."""
    if aggregate is not None:
        assert not aggregate.pending_events, "the given aggregate has pending events"
    result = command(aggregate)
    target = result if isinstance(result, Aggregate) else aggregate
    assert target is not None, "the command created nothing"
    return target.collect_events()


def then_error(aggregate: Aggregate | None, command: Command, code: str) -> DomainError:
    """The command is refused with `code`, and the aggregate is left untouched:
    no pending event (the store would get nothing), same version, same state."""
    if aggregate is None:
        with pytest.raises(DomainError) as caught:
            command(None)
        assert caught.value.code == code, caught.value.message
        return caught.value
    assert not aggregate.pending_events, "the given aggregate has pending events"
    version, stage = aggregate.version, getattr(aggregate, "stage", None)
    state = copy.deepcopy(aggregate.__dict__)
    with pytest.raises(DomainError) as caught:
        command(aggregate)
    assert caught.value.code == code, caught.value.message
    assert aggregate.collect_events() == []
    assert aggregate.version == version
    assert getattr(aggregate, "stage", None) == stage
    assert aggregate.__dict__ == state
    return caught.value


def then_event(
    events: Sequence[Any], event_class: type, meta: Meta | None = None, **fields: Any
) -> Any:
    """Exactly one event, of exactly `event_class`, carrying `fields` (and `meta`)."""
    assert [type(e) for e in events] == [event_class]
    [event] = events
    expected = {**(meta.fields() if meta else {}), **fields}
    actual = {name: getattr(event, name) for name in expected}
    assert actual == expected
    return event


def read_back(events: Iterable[Any]) -> list[Any]:
    """`events` as the store keeps them (JSON through Logis' transcoder), read back."""
    mapper = Mapper(transcoder=LogisTranscoder())
    return [mapper.to_domain_event(mapper.to_stored_event(e)) for e in events]
