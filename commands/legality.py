"""The legality engine run on stored records (issue 6): load a record's events
and its department's settings history, run the check of its kind as of a day,
and gather a commune's report. Read only: nothing is written.

The API and the CLI find a commune's dossiers, commissions and programmes in
the read models and pass their ids: commands/ does not read the views.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from commands.errors import NotFoundError
from domain.clocks import Clocks
from domain.department import department_id, local_today, version_in_force
from domain.department_settings import DepartmentSettings
from domain.legality import RULES
from domain.records import KIND_LABELS, kind_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from uuid import UUID

    from commands.application import Logis
    from domain.department import HistoryImport
    from domain.legality import Finding, Rule
    from domain.legality.rules import SettingsOn


COMMUNE_KINDS = ("dossier", "commission", "programme")  # what a commune report reads


@dataclass(frozen=True)
class RecordFindings:
    kind: str
    id: UUID
    department: str
    commune: str
    as_of: date
    findings: list[Finding]
    known_at: datetime | None = None  # None: as the store knows it now

    @property
    def blocking(self) -> bool:
        return any(f.severity == "bloquant" for f in self.findings)


@dataclass(frozen=True)
class CommuneReport:
    commune: str
    start: date | None
    end: date
    as_of: date
    records: list[RecordFindings]  # those with a finding in the period
    checked: dict[str, int]  # records read, by kind
    by_rule: dict[str, int]
    by_severity: dict[str, int]
    rules_checked: list[Rule] = field(default_factory=list)
    rules_not_checked: list[tuple[Rule, str]] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return self.by_severity.get("bloquant", 0) > 0


def settings_history(
    app: Logis, department: str, known_at: datetime | None = None
) -> SettingsOn:
    """The department's settings history as `settings_on(day)`: the version in
    force on a day (DepartmentNotConfiguredError before the first), each
    version validated once (commands/settings_versions.py); with `known_at`,
    only the versions adopted (recorded) by then: a decision is judged by the
    settings the store knew."""
    try:
        versions = app.department_versions(department)
    except NotFoundError:
        versions = []
    if known_at is not None:
        known = Clocks(known_at=known_at).known(
            app.events.get(department_id(department))
        )
        state: Any = None
        for event in known:
            state = event.mutate(state)
        versions = list(state.versions) if state is not None else []

    def on(day: date) -> tuple[int, DepartmentSettings]:
        number, data = version_in_force(versions, department, day)
        return number, app.settings_versions.get(department, number, data)

    return on


def department_imports(app: Logis, department: str) -> dict[UUID, HistoryImport]:
    """The department's declared imports of past years (SAISIE-TARDIVE)."""
    return app.department_imports(department)


def check_record(
    app: Logis,
    kind: str,
    record_id: UUID,
    as_of: date | datetime,
    settings_on: SettingsOn | None = None,
    imports: dict[UUID, HistoryImport] | None = None,
    *,
    known_at: datetime | None = None,
) -> RecordFindings:
    """The findings of one record of `kind` as of the end of `as_of` (a day;
    given a moment, the day it is then in the record's department), judging
    the events that had happened by then among those the store held at
    `known_at` (default: now), with the settings it held then. 404
    (`<kind>_not_found`) when there is no such record, `<kind>_not_known_at`
    or `<kind>_not_found_at_date` when it did not exist yet by either clock;
    422 for clocks in the future."""
    events = list(app.events.get(record_id))
    found = kind_of(events[0]) if events else None
    if found is None or found.name != kind:
        msg = f"{KIND_LABELS[kind]} {record_id} introuvable."
        raise NotFoundError(msg, f"{kind}_not_found")
    first = events[0]
    day = local_today(first.department, as_of) if isinstance(as_of, datetime) else as_of
    clocks = Clocks(day, known_at)
    app.check_clocks(clocks, first.department)
    absent = clocks.absent(KIND_LABELS[kind], record_id, events)
    if absent is not None:
        message, code = absent
        raise NotFoundError(message, f"{kind}_{code}")
    rules = settings_on or settings_history(app, first.department, known_at)
    if imports is None:
        imports = department_imports(app, first.department)
    return RecordFindings(
        kind,
        record_id,
        first.department,
        first.commune,
        day,
        # The checks judge each event by its `occurred_on` against `day`
        # themselves; they read only what the store held at `known_at`.
        found.check(clocks.known(events), rules, day, imports=imports),
        known_at,
    )


def report_totals(
    records: Sequence[Any], kinds: Sequence[str], checked: Mapping[str, int]
) -> dict[str, Any]:
    """What a report counts: the records checked of each kind, the findings by
    rule and by severity, and the rules checked for those kinds or not."""
    everything = [f for r in records for f in r.findings]
    rules_checked, rules_not_checked = rules_for(kinds)
    return {
        "checked": {kind: checked[kind] for kind in kinds},
        "by_rule": dict(sorted(Counter(f.rule for f in everything).items())),
        "by_severity": dict(sorted(Counter(f.severity for f in everything).items())),
        "rules_checked": rules_checked,
        "rules_not_checked": rules_not_checked,
    }


def rules_for(kinds: Iterable[str]) -> tuple[list[Rule], list[tuple[Rule, str]]]:
    """The rules the engine checks on records of `kinds`, and those it does not,
    with why (not visible in a history, or about other records)."""
    wanted = set(kinds)
    checked, not_checked = [], []
    for rule in RULES:
        if not wanted & set(rule.applies_to):
            kinds_named = ", ".join(rule.applies_to)
            not_checked.append(
                (rule, f"porte sur d'autres enregistrements ({kinds_named})")
            )
        elif rule.not_checkable:
            not_checked.append((rule, rule.not_checkable))
        else:
            checked.append(rule)
    return checked, not_checked


def commune_report(
    app: Logis,
    commune: str,
    department: str,
    ids: dict[str, Iterable[UUID]],
    start: date | None,
    end: date,
    as_of: date,
    known_at: datetime | None = None,
) -> CommuneReport:
    """Every record of the commune (`ids` by kind: dossier, commission,
    programme) checked as of `as_of`; the findings that arose between `start`
    and `end` (both included), with their totals by rule and severity. With
    `known_at`, as the store knew them then: a record recorded later, or
    whose first step happened after `as_of`, is not checked."""
    settings_on = settings_history(app, department, known_at)
    imports = department_imports(app, department)
    records, checked = [], Counter[str]()
    for kind in COMMUNE_KINDS:
        for record_id in ids.get(kind, ()):
            try:
                found = check_record(
                    app, kind, record_id, as_of, settings_on, imports, known_at=known_at
                )
            except NotFoundError:
                continue  # not in this store, or not yet by the clocks

            checked[kind] += 1
            within = [
                f
                for f in found.findings
                if (start is None or f.breached_on >= start) and f.breached_on <= end
            ]
            if within:
                records.append(
                    RecordFindings(
                        kind,
                        record_id,
                        found.department,
                        found.commune,
                        as_of,
                        within,
                        known_at,
                    )
                )
    return CommuneReport(
        commune=commune,
        start=start,
        end=end,
        as_of=as_of,
        records=records,
        **report_totals(records, COMMUNE_KINDS, checked),
    )
