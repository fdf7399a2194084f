"""`logis demo`: the demonstration's scenario (api/demo/) written to the
store, in Martinique and the Loire, then the views caught up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.cli.output import progress
from api.cli.views import opened
from domain.department import local_today

if TYPE_CHECKING:
    import argparse

    from infra.settings import Settings

DEMO_DEPARTMENT = "972"  # Martinique: infra/departments/972.json
DEMO_LOIRE = "42"  # Loire, for its ASLL measures: infra/departments/42.json


def add_parsers(commands: Any) -> None:
    demo = commands.add_parser("demo", help="charger le scénario de démonstration")
    demo.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    from api.demo import load_demo
    from infra.departments import load_department_settings

    effective_from, department = load_department_settings(DEMO_DEPARTMENT)
    loire = load_department_settings(DEMO_LOIRE)
    with opened(settings, migrate=True) as system:
        with progress("Démonstration") as advance:
            report = load_demo(
                system.app,
                DEMO_DEPARTMENT,
                effective_from,
                department,
                # The demo's earliest department clock (Martinique, UTC−4): no date
                # it writes is in the future for either department.
                local_today(DEMO_DEPARTMENT, datetime.now(UTC)),
                loire,
                advance,
            )
        system.catch_up()
    print(report)
    return 0
