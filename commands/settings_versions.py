"""Each version of a department's settings validated once, for every command
that reads it: validating the stored document (pydantic and domain/text.py's
checks of every text) was half a command's time (issue 18); and the
department's versions read once per version of its aggregate (a command reads
only the number of its last event, not the documents).

A version never changes once adopted, and DepartmentSettings is immutable
(frozen, its mappings read-only), so one object is shared by all. The cache
lives as long as the application, which reads one store; a document that
differs from the one cached under its key is read again all the same.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from domain.department import (
    Department,
    DepartmentNotConfiguredError,
    version_in_force,
)
from domain.department_settings import DepartmentSettings

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date

    Versions = Sequence[tuple[date, int, dict[str, Any]]]

CACHED = 1000  # versions kept validated (every one, in practice)


class SettingsVersions:
    def __init__(self) -> None:
        # (department, version number) -> (its document, validated)
        self._known: dict[tuple[str, int], tuple[dict[str, Any], DepartmentSettings]]
        self._known = {}
        # (department, its aggregate's version) -> its versions then
        self._histories: dict[tuple[str, int], Versions] = {}

    def in_force(
        self, department: str, day: date, version: int, read: Callable[[], Any]
    ) -> tuple[int, DepartmentSettings]:
        """The number and settings of the version in force on `day`, the
        department's aggregate being at `version` (`read()`: it, loaded only
        for a version not seen yet)."""
        versions = self.history(department, version, read)
        if versions is None:
            msg = (
                f"Le département {department} n'a aucun paramétrage : "
                "un administrateur doit l'adopter."
            )
            raise DepartmentNotConfiguredError(msg)
        number, data = version_in_force(versions, department, day)
        return number, self.get(department, number, data)

    def history(
        self, department: str, version: int, read: Callable[[], Any]
    ) -> Versions | None:
        """The department's versions (effective from, number, document) when
        its aggregate is at `version`; `read()`: the aggregate, loaded only
        for a version not seen yet. None for a department never registered."""
        known = self._histories.get((department, version))
        if known is not None:
            return known
        found = read()
        if not isinstance(found, Department):
            return None
        if len(self._histories) >= CACHED:
            self._histories.clear()
        versions = tuple(copy.deepcopy(found.versions))
        self._histories[department, found.version] = versions
        return versions

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
