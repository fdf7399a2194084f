"""Each version of a department's settings validated once, for every command
that reads it: validating the stored document (pydantic and domain/text.py's
checks of every text) was half a command's time (issue 18).

A version never changes once adopted, and DepartmentSettings is immutable
(frozen, its mappings read-only), so one object is shared by all. The cache
lives as long as the application, which reads one store; a document that
differs from the one cached under its key is read again all the same.
"""

from __future__ import annotations

import copy
from typing import Any

from domain.department_settings import DepartmentSettings

CACHED = 1000  # versions kept validated (every one, in practice)


class SettingsVersions:
    def __init__(self) -> None:
        # (department, version number) -> (its document, validated)
        self._known: dict[tuple[str, int], tuple[dict[str, Any], DepartmentSettings]]
        self._known = {}

    def get(
        self, department: str, number: int, data: dict[str, Any]
    ) -> DepartmentSettings:
        """Version `number` of the department's settings, stored as `data`."""
        known = self._known.get((department, number))
        if known is not None and known[0] == data:
            return known[1]
        settings = DepartmentSettings.model_validate(data)
        if len(self._known) >= CACHED:
            self._known.clear()
        self._known[department, number] = (copy.deepcopy(data), settings)
        return settings
