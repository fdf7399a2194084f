"""Reading the views from a `logis` command, once this process has caught the
projections up: the answer holds every event written before it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infra.bootstrap import System
    from infra.rowviews import SQLRowView


def caught_up_views(system: System, *names: str) -> dict[str, SQLRowView] | None:
    """Catch this process's projections up (as `logis demo` does), then read the
    views: the answer holds every event written before it. None once it has said
    which view is still being built."""
    system.catch_up()
    views = {}
    for name in names:
        view = system.engine.reader(name)
        if view is None:
            print(
                f"La vue « {name} » est en construction : réessayez.", file=sys.stderr
            )
            return None
        views[name] = view
    return views
