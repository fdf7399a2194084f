"""The department settings an association's workload is measured against, for
`GET /v1/dashboards/workload` and `logis dashboard` alike."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from commands.errors import NotFoundError
from projections.mesures import RulesOn, settings_in_force

if TYPE_CHECKING:
    from datetime import date

    from infra.bootstrap import System


def department_rules(system: System) -> RulesOn:
    """The settings in force in a department on a day (None without any)."""

    @cache
    def versions(department: str) -> list[tuple[date, int, dict[str, object]]]:
        try:
            return system.app.department_versions(department)
        except NotFoundError:
            return []

    return lambda department, day: settings_in_force(versions(department), day)
