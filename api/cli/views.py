"""Opening the store from a `logis` command, and reading its views once this
process has caught the projections up: the answer holds every event written
before it."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infra.bootstrap import System
    from infra.rowviews import SQLRowView
    from infra.settings import Settings


class ViewBeingBuilt(Exception):
    """A view a command reads is still being built: it says so, exit status 1."""


def opened(settings: Settings, *, migrate: bool | None = None) -> closing[System]:
    """The store, its application and projections, closed whatever happens
    (`with opened(settings) as system:`); `migrate` for a one-shot that writes
    a store it may create (`logis demo`, `logis generate`), as `logis setup`;
    None: the store's default (an embedded SQLite store is migrated)."""
    from infra.bootstrap import build_system

    return closing(build_system(settings, migrate=migrate))


def caught_up_views(system: System, *names: str) -> dict[str, SQLRowView]:
    """Catch this process's projections up (as `logis demo` does), then read the
    views: the answer holds every event written before it. ViewBeingBuilt
    names a view still being built."""
    system.catch_up()
    views = {}
    for name in names:
        view = system.engine.reader(name)
        if view is None:
            msg = f"La vue « {name} » est en construction : réessayez."
            raise ViewBeingBuilt(msg)
        views[name] = view
    return views


def caught_up_view(system: System, name: str) -> tuple[SQLRowView, int]:
    """One view, caught up (caught_up_views), and its position."""
    view = caught_up_views(system, name)[name]
    return view, view.max_tracking_id(system.app.name) or 0
