"""The topics a projection reads, from the event classes its handlers are
registered for: listed once, they cannot drift apart from the handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from functools import singledispatchmethod


def handled_topics(process_event: singledispatchmethod[Any]) -> tuple[str, ...]:
    """The stored topics of the event classes `process_event` has a handler for,
    in the order they were registered (its fallback, for any object, aside)."""
    registry = process_event.dispatcher.registry
    return tuple(cls.TOPIC for cls in registry if cls is not object)
