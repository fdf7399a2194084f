"""Commands on department settings (DOMAIN.md §6)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import Field

from commands.base import Command, Text
from domain.department_settings import DepartmentSettings


class AdoptSettings(Command):
    """Adopt a new version of a department's settings, in force from a date."""

    effective_from: date
    settings: DepartmentSettings


class DeclareImport(Command):
    """Declare an import of a department's past: the steps recorded under
    `import_id` come from `source` and happened within the period."""

    import_id: UUID
    source: Text = Field(max_length=500)
    period_start: date
    period_end: date
