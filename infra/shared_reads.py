"""What the projections of one pass of the projector (infra/projector.py) read
alike: the same stored events, selected once and decoded once for every view
that reads them, instead of once a view (decoding is most of a batch's cost).
Kept for one pass only: an erasure between passes is never served from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.application import Application
    from eventsourcing.persistence import Notification


class SharedReads:
    """What the projections of one pass read alike: the same select of stored
    events, each event decoded (`keep`: how many stay; 0, none)."""

    def __init__(self, app: Application, keep: int) -> None:
        self.app = app
        self.keep = keep
        self.selects: dict[tuple[Any, ...], Sequence[Notification]] = {}
        self.events: dict[int, Any] = {}  # decrypted
        self.sealed: dict[int, Any] = {}  # personal values left sealed
        # A store without household keys (in memory) seals nothing.
        mapper = app.mapper
        self.seal_kept = getattr(mapper, "to_sealed_event", mapper.to_domain_event)

    def select(
        self, start: int, limit: int, stop: int, topics: Sequence[str]
    ) -> Sequence[Notification]:
        """The stored events after `start`, up to `stop`, `limit` of them."""
        key = (start, limit, stop, tuple(topics))
        found = self.selects.get(key)
        if found is None:
            found = self.app.recorder.select_notifications(
                start=start,
                limit=limit,
                stop=stop,
                topics=topics,
                inclusive_of_start=False,
            )
            if self.keep:
                if len(self.selects) >= 4:
                    self.selects.clear()
                self.selects[key] = found
        return found

    def decoded_all(
        self, notifications: Sequence[Notification], personal: bool = True
    ) -> list[Any]:
        """`decoded` of each; those decrypted anew are decoded together, their
        households' keys read in one query (infra/personal_mapper.py)."""
        many = getattr(self.app.mapper, "to_domain_events", None)
        missing = [n for n in notifications if n.id not in self.events]
        if personal and many is not None and len(missing) > 1:
            for n, event in zip(missing, many(missing), strict=True):
                self._kept(self.events, n.id, event)
        return [self.decoded(n, personal) for n in notifications]

    def decoded(self, notification: Notification, personal: bool = True) -> Any:
        """The stored event as a domain event; `personal` False: its personal
        values may be left sealed (a decrypted one is served if kept)."""
        event = self.events.get(notification.id)
        if event is not None:
            return event
        if not personal:
            event = self.sealed.get(notification.id)
            if event is None:
                event = self.seal_kept(notification)
                self._kept(self.sealed, notification.id, event)
            return event
        event = self.app.mapper.to_domain_event(notification)
        self._kept(self.events, notification.id, event)
        return event

    def _kept(self, cache: dict[int, Any], position: int, event: Any) -> None:
        if self.keep:
            if len(cache) >= self.keep:  # the oldest half goes
                for old in list(cache)[: len(cache) // 2]:
                    del cache[old]
            cache[position] = event
