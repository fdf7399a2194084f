"""A department (DOMAIN.md §6): the aggregate that adopts its settings, versioned,
and declares the imports of its past; its time zone, for the day it is there.

Each adoption is an event with the date it takes effect, so a past decision is
judged by the settings in force on the day it happened. The settings themselves
(data, never code) are domain/department_settings.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate

from domain.department_settings import DepartmentSettings
from domain.shared import (
    Actor,
    DomainError,
    Meta,
    NamedTopics,
    RecordedEvent,
    TransitionError,
    check_role,
    fr_day,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

OVERSEAS_TIMEZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "976": "Indian/Mayotte",
}


def local_today(code: str, now: datetime) -> date:
    """The date it is in the department: 22:00 UTC is still the day before in
    Martinique and already the next day in La Réunion."""
    return now.astimezone(ZoneInfo(OVERSEAS_TIMEZONES.get(code, "Europe/Paris"))).date()


class DepartmentNotConfiguredError(DomainError):
    code = "department_not_configured"


@dataclass(frozen=True)
class HistoryImport:
    """A declared import of a department's past (Department.HistoryImported):
    its steps carry `import_correlation(id, …)` as their correlation id."""

    id: UUID
    source: str
    period_start: date
    period_end: date
    declared_by: Actor
    declared_at: datetime  # when the declaration was recorded


IMPORT_PREFIX = "import:"


def import_correlation(import_id: UUID, detail: str = "") -> str:
    """The correlation id of a step of import `import_id` (`detail`: its line)."""
    return f"{IMPORT_PREFIX}{import_id}" + (f":{detail}" if detail else "")


def import_of(correlation_id: str) -> UUID | None:
    """The import a correlation id names, None for an ordinary step."""
    if not correlation_id.startswith(IMPORT_PREFIX):
        return None
    try:
        return UUID(correlation_id[len(IMPORT_PREFIX) :][:36])
    except ValueError:
        return None


def department_id(code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"logis:department:{code}")


ADOPTERS = frozenset({"admin"})


class Department(NamedTopics, Aggregate):
    TOPIC = "logis.department.Department"

    class Event(RecordedEvent):
        """The department registered, its settings adopted, its past imported."""

    class Registered(Event, Aggregate.Created):
        code: str

        def apply(self, department: Department) -> None:
            department.code = self.code
            department.versions = []
            department.imports = {}

    class SettingsAdopted(Event):
        # v2: same fields; settings adopted before SAISIE-TARDIVE existed set no
        # late-entry delay (None), rather than today's default.
        class_version = 2
        version_number: int
        effective_from: date
        settings: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            if isinstance(state.get("settings"), dict):
                state["settings"].setdefault("late_entry_days", None)

        def apply(self, department: Department) -> None:
            # Kept in the order they take effect (a past version imported
            # later goes before those it preceded), adoption order on a tie.
            department.versions.append(
                (self.effective_from, self.version_number, self.settings)
            )
            department.versions.sort(key=lambda v: (v[0], v[1]))

    class HistoryImported(Event):
        """An administrator declares an import of the department's past: the
        steps recorded under `import_id` (their correlation id) come from
        `source` and happened within [period_start, period_end]."""

        import_id: UUID
        source: str
        period_start: date
        period_end: date

        def apply(self, department: Department) -> None:
            department.imports[self.import_id] = HistoryImport(
                self.import_id,
                self.source,
                self.period_start,
                self.period_end,
                self.actor,
                self.timestamp,
            )

    @classmethod
    def register(cls, code: str, meta: Meta) -> Department:
        check_role(meta.actor, ADOPTERS, "enregistrement d'un département")
        return cls._create(
            cls.Registered, id=department_id(code), code=code, **meta.fields()
        )

    def adopt(
        self,
        settings: DepartmentSettings,
        effective_from: date,
        meta: Meta,
        *,
        imported: bool = False,
    ) -> None:
        """A new version. One that takes effect before the last one adopted
        comes only with an import of past years (`imported`: a declared import,
        its source named): it goes in its place in time and judges the steps of
        its own period, until the next version takes effect."""
        check_role(meta.actor, ADOPTERS, "adoption des paramètres départementaux")
        last = max((v[0] for v in self.versions), default=None)
        if last is not None and effective_from < last and not imported:
            msg = (
                "Une nouvelle version des paramètres ne peut prendre effet avant la "
                f"précédente ({fr_day(last)}) ; une version passée s'importe "
                "avec l'historique qu'elle régit (logis import)."
            )
            raise TransitionError(msg)
        self.trigger_event(
            self.SettingsAdopted,
            version_number=len(self.versions) + 1,
            effective_from=effective_from,
            settings=settings.model_dump(mode="json"),
            **meta.fields(),
        )

    def declare_import(
        self,
        import_id: UUID,
        source: str,
        period: tuple[date, date],
        meta: Meta,
    ) -> None:
        """Declare (once) an import of past steps; `logis import` declares it
        under an idempotency key, so that a re-run replays the declaration."""
        check_role(meta.actor, ADOPTERS, "déclaration d'un import d'historique")
        start, end = period
        if start > end or end > meta.occurred_on:
            msg = (
                f"Période d'import invalide : du {fr_day(start)} au {fr_day(end)} "
                "(le début avant la fin, la fin au plus tard aujourd'hui)."
            )
            raise TransitionError(msg, "invalid_period")
        known = self.imports.get(import_id)
        if known is not None:
            msg = (
                f"L'import {import_id} a déjà été déclaré le "
                f"{fr_day(local_today(self.code, known.declared_at))} "
                f"(« {known.source} »)."
            )
            raise TransitionError(msg, "import_already_declared")
        self.trigger_event(
            self.HistoryImported,
            import_id=import_id,
            source=source,
            period_start=start,
            period_end=end,
            **meta.fields(),
        )

    def settings_on(self, day: date) -> tuple[int, DepartmentSettings]:
        """The version in force on `day`: the last adopted that took effect by then."""
        number, data = version_in_force(self.versions, self.code, day)
        return number, DepartmentSettings.model_validate(data)

    def imported(self) -> dict[UUID, HistoryImport]:
        """The declared imports (a department registered before they existed
        has none)."""
        return dict(getattr(self, "imports", {}))


def version_in_force(
    versions: Sequence[tuple[date, int, dict[str, Any]]], department: str, day: date
) -> tuple[int, dict[str, Any]]:
    """Of a department's versions (effective from, number, settings), in the
    order they take effect, the one in force on `day`: its number and data."""
    in_force = [v for v in versions if v[0] <= day]
    if not in_force:
        msg = (
            f"Aucun paramétrage du département {department} n'est en vigueur "
            f"au {fr_day(day)}."
        )
        raise DepartmentNotConfiguredError(msg)
    _, number, data = in_force[-1]
    return number, data
