"""SAISIE-TARDIVE (issue 14): a step recorded long after the day it happened is
a finding of its own, so that a step dated to fit a deadline shows.

Each event carries both clocks: `occurred_on` (the day it happened, given by
the caller) and `timestamp` (when the store recorded it, UTC), read here as a
day in the record's department. A step is late when it was recorded more than
`late_entry_days` after it happened, that delay read in the settings version in
force on the day it happened; a version adopted before the rule existed sets
none (None) and judges nothing, so a store written before it keeps its findings.

Steps of a declared import of past years (`Department.HistoryImported`: who
imported, from which source document, for which period) are recorded late by
nature: they are reported, grouped per import, for information, never hidden.
A step that only claims an import (an unknown id, a day outside the declared
period, recorded before the declaration) is judged like any other.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from domain.department import import_of, local_today
from domain.legality.reading import finding_on
from domain.legality.rules import Finding, in_force
from domain.shared import fr_day, role_label

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from datetime import date
    from typing import Any
    from uuid import UUID

    from domain.department import HistoryImport
    from domain.legality.rules import SettingsOn

RULE = "SAISIE-TARDIVE"


def _label(event: Any) -> str:
    # On use: the registry composes each kind's check with this module's.
    from domain.records import kind_of

    kind = kind_of(event)
    label = kind.labels.get(type(event)) if kind is not None else None
    return label or type(event).__name__


def _declared(
    event: Any, imports: Mapping[UUID, HistoryImport]
) -> HistoryImport | None:
    """The declared import the step belongs to, if it really does."""
    import_id = import_of(event.correlation_id)
    declared = imports.get(import_id) if import_id is not None else None
    if declared is None:
        return None
    within = declared.period_start <= event.occurred_on <= declared.period_end
    return declared if within and event.timestamp >= declared.declared_at else None


def check_late_entries(
    events: Sequence[Any],
    settings_on: SettingsOn,
    as_of: date,
    imports: Mapping[UUID, HistoryImport] | None = None,
) -> list[Finding]:
    """The steps of one record (any kind) recorded late, as of the end of
    `as_of`: a step counts once it happened and was recorded by then."""
    if not events:
        return []
    department = events[0].department
    imports = imports or {}
    findings: list[Finding] = []
    grouped: dict[tuple[UUID, int], list[tuple[Any, date, int]]] = defaultdict(list)
    for event in sorted(events, key=lambda e: e.originator_version):
        recorded_on = local_today(department, event.timestamp)
        if event.occurred_on > as_of or recorded_on > as_of:
            continue
        rules = in_force(settings_on, event.occurred_on)
        if rules is None or rules[1].late_entry_days is None:
            continue
        version, delay = rules[0], rules[1].late_entry_days
        if (recorded_on - event.occurred_on).days <= delay:
            continue
        declared = _declared(event, imports)
        if declared is not None:
            grouped[declared.id, version].append((event, recorded_on, delay))
            continue
        findings.append(
            finding_on(
                RULE,
                f"« {_label(event)} » (v{event.originator_version}) a eu lieu le "
                f"{fr_day(event.occurred_on)} et n'a été enregistrée que le "
                f"{fr_day(recorded_on)}, {(recorded_on - event.occurred_on).days} "
                f"jours après, au-delà du délai de {delay} jours.",
                [event],
                version,
                on=recorded_on,
            )
        )
    for (import_id, version), steps in grouped.items():
        declared = imports[import_id]
        who = declared.declared_by
        listed = " ; ".join(
            f"« {_label(e)} » (v{e.originator_version}) du {fr_day(e.occurred_on)}, "
            f"enregistrée le {fr_day(recorded)}"
            for e, recorded, _ in steps
        )
        findings.append(
            Finding(
                RULE,
                f"Historique importé ({len(steps)} étape(s) enregistrée(s) au-delà "
                f"du délai de {steps[0][2]} jours) : import déclaré le "
                f"{fr_day(local_today(department, declared.declared_at))} par "
                f"{who.subject} ({role_label(who.role)}, {who.organisation}), source « "
                f"{declared.source} », période du {fr_day(declared.period_start)} "
                f"au {fr_day(declared.period_end)} : {listed}.",
                tuple(e.originator_version for e, _, _ in steps),
                min(recorded for _, recorded, _ in steps),
                version,
                information=True,
            )
        )
    return findings


def with_late_entries(
    check: Callable[..., list[Finding]],
) -> Callable[..., list[Finding]]:
    """A record check that also reports its late entries, in the same order
    (day, rule id, versions)."""

    def checked(
        events: Iterable[Any],
        settings_on: SettingsOn,
        as_of: date,
        imports: Mapping[UUID, HistoryImport] | None = None,
    ) -> list[Finding]:
        events = list(events)
        found = check(events, settings_on, as_of)
        found += check_late_entries(events, settings_on, as_of, imports)
        return sorted(found, key=lambda f: (f.breached_on, f.rule, f.versions))

    checked.__doc__ = check.__doc__
    return checked
