"""SAISIE-TARDIVE as a pure function of a history: a step recorded more than
the delay after it happened is found, one of a declared import is reported for
information, and one that only claims an import is judged like any other."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from domain.department import HistoryImport, import_correlation, local_today
from domain.legality import check_late_entries
from domain.records import kind
from domain.shared import Actor
from tests.helpers.dossiers import history_to, make_settings

if TYPE_CHECKING:
    from domain.department_settings import DepartmentSettings


def today() -> date:
    """Martinique's day, read when a test runs: a module-level value read at
    collection goes stale when the suite crosses local midnight."""
    return local_today("972", datetime.now(UTC))


IMPORTER = Actor("operateur.import", "admin", "Logis (administration)")


def settings_on(settings: DepartmentSettings) -> Any:
    return lambda day: (1, settings)


def history(correlation: str | None = None) -> list[Any]:
    """A dossier identified and enquired in 2025, recorded today."""
    events = history_to("enquete_sociale_rendue")
    if correlation is None:
        return events
    return [replace(e, correlation_id=correlation) for e in events]


def declared(start: date = date(2025, 1, 1), end: date | None = None) -> HistoryImport:
    return HistoryImport(
        uuid4(), "Registre 2025", start, end or today(), IMPORTER, datetime.now(UTC)
    )


def test_each_step_recorded_late_is_found_with_both_days_and_the_delay() -> None:
    events = history()
    day = today()

    found = check_late_entries(events, settings_on(make_settings()), day)

    assert [f.versions for f in found] == [(e.originator_version,) for e in events]
    first = found[0]
    assert first.severity == "alerte"
    assert first.breached_on == day
    assert f"{events[0].occurred_on:%d/%m/%Y}" in first.message
    assert f"{day:%d/%m/%Y}" in first.message
    assert "délai de 30 jours" in first.message


def test_steps_of_a_declared_import_are_reported_for_information() -> None:
    imported = declared()
    events = [
        replace(e, timestamp=datetime.now(UTC))
        for e in history(import_correlation(imported.id, "l2"))
    ]

    [found] = check_late_entries(
        events, settings_on(make_settings()), today(), {imported.id: imported}
    )

    assert found.severity == "information"
    assert found.versions == tuple(e.originator_version for e in events)
    assert "Registre 2025" in found.message
    assert "operateur.import" in found.message


def test_a_step_that_only_claims_an_import_is_judged_like_any_other() -> None:
    elsewhere = declared(start=date(2020, 1, 1), end=date(2020, 12, 31))
    unknown = history(import_correlation(uuid4(), "l2"))
    outside = history(import_correlation(elsewhere.id, "l2"))

    for events in (unknown, outside):
        found = check_late_entries(
            events, settings_on(make_settings()), today(), {elsewhere.id: elsewhere}
        )
        assert {f.severity for f in found} == {"alerte"}


def test_settings_without_a_delay_judge_nothing() -> None:
    """A version adopted before the rule existed (late_entry_days: None)."""
    found = check_late_entries(
        history(), settings_on(make_settings(late_entry_days=None)), today()
    )

    assert found == []


def test_a_step_recorded_after_the_day_judged_is_not_yet_late() -> None:
    events = history()
    before = today() - timedelta(days=1)

    found = check_late_entries(events, settings_on(make_settings()), before)

    assert found == []


def test_the_record_check_reports_its_late_entries() -> None:
    found = kind("dossier").check(history(), settings_on(make_settings()), today())

    assert "SAISIE-TARDIVE" in {f.rule for f in found}
