"""Commands on department settings (DOMAIN.md §6)."""

from __future__ import annotations

from datetime import date

from commands.base import Command
from domain.department import DepartmentSettings


class AdoptSettings(Command):
    """Adopt a new version of a department's settings, in force from a date."""

    effective_from: date
    settings: DepartmentSettings
