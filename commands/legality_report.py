"""The department legality report a Préfecture signs (issue 14): every finding
of a period across the department's records (dossiers, programmes,
commissions, ASLL measures, CCAPEX referrals; a commune's only, if asked), by
rule and by severity, each with its record and the events it concerns, and the
settings versions in force during the period with the assumptions they rest
on. Read only.

The period: a finding is in [start, end] when the day it was born
(`breached_on`) is: the day the step it judges happened (`occurred_on`), or,
for a step that did not happen in time, the first day past its deadline. Each
record is judged on its history as of `as_of` (by default the department's
today at edition time), so a step recorded after the period about a day within
it is judged too.

The API and the CLI pass the records' ids (found in the audit trail's view):
commands/ does not read the views."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from commands.errors import NotFoundError
from commands.legality import department_imports, report_totals, settings_history
from domain.clocks import Clocks
from domain.department_settings import DepartmentSettings
from domain.records import BY_SCHEME, KINDS, kind_of

if TYPE_CHECKING:
    from collections.abc import Iterable
    from uuid import UUID

    from commands.application import Logis
    from domain.legality import Finding, Rule

REPORT_KINDS = BY_SCHEME  # the LLTS procedure's kinds, then ASLL's, then CCAPEX's
LABELS = {kind.name: kind.labels for kind in KINDS}


@dataclass(frozen=True)
class EventRef:
    """An event a finding concerns, as a reader finds it in the audit trail."""

    version: int
    label: str
    occurred_on: date
    recorded_at: datetime


@dataclass(frozen=True)
class ReportedRecord:
    kind: str
    id: UUID
    commune: str
    label: str  # names the household only when the reader may read its identity
    findings: list[Finding]
    events: dict[int, EventRef]  # the events the findings name, by version


@dataclass(frozen=True)
class SettingsVersion:
    """A settings version in force during the period (some day of it)."""

    number: int
    effective_from: date
    used: bool  # a finding of the report was judged by it
    assumptions: tuple[str, ...]  # its values resting on no text


@dataclass(frozen=True)
class DepartmentReport:
    department: str
    commune: str | None
    start: date | None
    end: date
    as_of: date
    kinds: tuple[str, ...]
    records: list[ReportedRecord]  # those with a finding in the period
    checked: dict[str, int]  # records read, by kind
    by_rule: dict[str, int]
    by_severity: dict[str, int]
    settings: list[SettingsVersion]
    rules_checked: list[Rule] = field(default_factory=list)
    rules_not_checked: list[tuple[Rule, str]] = field(default_factory=list)

    @property
    def findings(self) -> list[tuple[ReportedRecord, Finding]]:
        return [(r, f) for r in self.records for f in r.findings]

    @property
    def blocking(self) -> bool:
        return self.by_severity.get("bloquant", 0) > 0


def in_period(finding: Finding, start: date | None, end: date) -> bool:
    return (
        start is None or finding.breached_on >= start
    ) and finding.breached_on <= end


def department_report(
    app: Logis,
    department: str,
    commune: str | None,
    ids: Iterable[tuple[str, UUID]],
    start: date | None,
    end: date,
    as_of: date,
    *,
    kinds: Iterable[str] = REPORT_KINDS,
    name_households: bool = False,
    known_at: datetime | None = None,
) -> DepartmentReport:
    """The records `ids` ((kind, id) pairs) of the kinds asked, each judged as
    of `as_of`, and their findings born between `start` and `end` (included).
    `name_households`: a dossier's label gives its applicant's name. With
    `known_at`, as the store knew them then (events and settings versions)."""
    wanted = tuple(k for k in REPORT_KINDS if k in set(kinds))
    settings_on = settings_history(app, department, known_at)
    imports = department_imports(app, department)  # their steps: information
    clocks = Clocks(as_of, known_at)
    records: list[ReportedRecord] = []
    checked = Counter[str]()
    for kind, record_id in ids:
        if kind not in wanted:
            continue
        events = clocks.known(list(app.events.get(record_id)))
        found = kind_of(events[0]) if events else None
        if found is None or found.name != kind:
            continue  # in the view, not (yet) in this store: nothing to check
        checked[kind] += 1
        within = [
            f
            for f in found.check(events, settings_on, as_of, imports=imports)
            if in_period(f, start, end)
        ]
        if not within:
            continue
        named = {v for f in within for v in f.versions}
        records.append(
            ReportedRecord(
                kind,
                record_id,
                events[0].commune,
                found.title(events[0], name_households=name_households),
                within,
                {
                    e.originator_version: EventRef(
                        e.originator_version,
                        LABELS[kind].get(type(e), type(e).__name__),
                        e.occurred_on,
                        e.timestamp,
                    )
                    for e in events
                    if e.originator_version in named
                },
            )
        )
    versions = {f.settings_version for r in records for f in r.findings}
    return DepartmentReport(
        department=department,
        commune=commune,
        start=start,
        end=end,
        as_of=as_of,
        kinds=wanted,
        records=records,
        settings=settings_in_period(app, department, start, end, versions),
        **report_totals(records, wanted, checked),
    )


def settings_in_period(
    app: Logis,
    department: str,
    start: date | None,
    end: date,
    used: set[int | None],
) -> list[SettingsVersion]:
    """The department's settings versions in force some day of [start, end]
    (the one in force on `start` and those taking effect after it), with the
    assumptions under their values; and any other a finding was judged by."""
    try:
        versions = sorted(app.department_versions(department), key=lambda v: v[:2])
    except NotFoundError:
        return []
    found = []
    for at, (since, number, data) in enumerate(versions):
        until = versions[at + 1][0] if at + 1 < len(versions) else None
        in_force = until is None or until > since  # not replaced on its first day
        overlaps = (
            in_force
            and since <= end
            and (start is None or until is None or until > start)
        )
        if overlaps or number in used:
            settings = DepartmentSettings.model_validate(data)
            found.append(
                SettingsVersion(number, since, number in used, assumptions_of(settings))
            )
    return found


def assumptions_of(settings: DepartmentSettings) -> tuple[str, ...]:
    """Every value of a settings version that rests on an assumption, in French."""
    found = [
        f"{name} : {entry.assumption}"
        for name, entry in settings.provenance.items()
        if entry.assumption
    ]
    found += [
        f"plafonds {table.year} : {table.assumption}"
        for table in settings.resource_ceilings
        if table.assumption
    ]
    return tuple(found)
