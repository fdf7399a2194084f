"""The department legality report (issue 14) as the API and `logis legality
report` give it: the answer (JSON), its CSV (one row per finding) and its
printable page (api/templates/legality_report.html, HTML or PDF); the records
found in the audit trail's view; the chain of events verified at edition time.

A chain that does not verify does not stop the report: it is still answered
(HTTP 200; the CLI exits 3) with `chain.verified: false`, a banner on the page
in place of the signature block, so that the reader sees both the findings
and that the store was altered: refusing the report (409) would hide the
evidence from the very authority that must act on it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.documents import csv_text, moment, render_html
from api.legality import FindingSeverity, RuleNotChecked, Severity, rule_texts
from api.schemas.common import ReadOff, read_off
from domain.legality import RULES_BY_ID
from domain.places import commune_label
from domain.records import KIND_LABELS
from domain.shared import fr_day
from infra.ledger import ledger_of, verify_store
from projections.audit_trail import select_records

if TYPE_CHECKING:
    from uuid import UUID as UUIDType

    from commands.application import Logis
    from commands.legality_report import (
        DepartmentReport,
        ReportedRecord,
    )
    from domain.legality import Finding
    from projections.rows import RowView

FORMATS = ("json", "csv", "html", "pdf")
Format = Literal["json", "csv", "html", "pdf"]
PAGE = 500


def report_ids(
    view: RowView, department: str, commune: str | None
) -> list[tuple[str, UUIDType]]:
    """(kind, id) of every record of the department (or commune), every page."""
    found: list[tuple[str, UUIDType]] = []
    while True:
        rows, total = select_records(view, department, commune, PAGE, len(found))
        found += [(row.kind, row.id) for row in rows]
        if not rows or len(found) >= total:
            return found


# ---- the chain verified ------------------------------------------------------------


class ChainPublic(BaseModel):
    verified: bool = Field(description="Chaîne des événements recalculée et conforme")
    events: int = Field(description="Événements vérifiés (jusqu'au premier écart)")
    position: int = Field(description="Position du dernier événement vérifié")
    head: str = Field(description="Tête de la chaîne vérifiée (SHA-256, hexadécimal)")
    mismatch: str | None = Field(description="Le premier écart trouvé, en français")
    verified_at: datetime


def verify_chain(app: Logis, now: datetime) -> ChainPublic:
    """Recompute every event's hash and every link of the store's chain."""
    result = verify_store(ledger_of(app))
    return ChainPublic(
        verified=result.verified,
        events=result.events,
        position=result.position,
        head=result.head,
        mismatch=None if result.mismatch is None else result.mismatch.message,
        verified_at=now,
    )


# ---- the answer ----------------------------------------------------------------------


class ReportEventPublic(ReadOff):
    version: int
    label: str
    occurred_on: date
    recorded_at: datetime


class ReportFindingPublic(BaseModel):
    rule: str
    title: str
    source: str
    severity: FindingSeverity
    message: str
    breached_on: date = Field(description="Jour où le manquement est né")
    settings_version: int | None
    assumptions: list[str]
    record_kind: str
    record_id: UUID
    record_label: str
    commune: str
    events: list[ReportEventPublic] = Field(description="Événements en cause")
    links: dict[str, str] = Field(description="Chemins d'API : piste d'audit, légalité")

    @classmethod
    def of(cls, record: ReportedRecord, f: Finding) -> ReportFindingPublic:
        events = [record.events[v] for v in f.versions if v in record.events]
        return read_off(
            cls,
            f,
            **rule_texts(f.rule),
            record_kind=record.kind,
            record_id=record.id,
            record_label=record.label,
            commune=record.commune,
            events=[ReportEventPublic.of(e) for e in events],
            links=links(record.kind, record.id),
        )


def links(kind: str, record_id: UUID) -> dict[str, str]:
    return {
        "record": f"/v1/{kind}s/{record_id}",
        "audit": f"/v1/{kind}s/{record_id}/audit",
        "legality": f"/v1/legality/{kind}s/{record_id}",
    }


class RuleCountPublic(BaseModel):
    rule: str
    title: str
    severity: Severity
    count: int


class SettingsVersionPublic(ReadOff):
    number: int
    effective_from: date
    used: bool = Field(description="Au moins un manquement jugé selon elle")
    assumptions: list[str]


class AssumptionPublic(BaseModel):
    text: str
    rules: list[str] = Field(description="Règles dont un manquement la porte")


class ReportRecordPublic(BaseModel):
    kind: str
    id: UUID
    label: str
    commune: str
    count: int
    links: dict[str, str]


class DepartmentReportPublic(BaseModel):
    department: str
    commune: str | None
    from_: date | None = Field(alias="from", serialization_alias="from")
    to: date
    as_of: date = Field(description="Historiques lus tels qu'à la fin de ce jour")
    edited_at: datetime
    kinds: list[str] = Field(description="Enregistrements que le lecteur voit")
    checked: dict[str, int] = Field(description="Enregistrements lus, par nature")
    blocking: bool
    count: int
    by_rule: dict[str, int]
    by_severity: dict[str, int]
    rules: list[RuleCountPublic] = Field(description="Par règle : titre, gravité")
    findings: list[ReportFindingPublic]
    records: list[ReportRecordPublic] = Field(
        description="Les enregistrements ayant un manquement dans la période"
    )
    settings_versions: list[SettingsVersionPublic]
    assumptions: list[AssumptionPublic]
    chain: ChainPublic
    rules_checked: list[str]
    rules_not_checked: list[RuleNotChecked]

    model_config = {"populate_by_name": True}

    @classmethod
    def of(
        cls, report: DepartmentReport, chain: ChainPublic, now: datetime
    ) -> DepartmentReportPublic:
        findings = [ReportFindingPublic.of(r, f) for r, f in report.findings]
        findings.sort(key=lambda f: (f.rule, f.breached_on, str(f.record_id)))
        carried: dict[str, set[str]] = {}
        for f in findings:
            for text in f.assumptions:
                carried.setdefault(text, set()).add(f.rule)
        return read_off(
            cls,
            report,
            from_=report.start,
            to=report.end,
            edited_at=now,
            kinds=list(report.kinds),
            count=len(findings),
            rules=[
                RuleCountPublic(
                    rule=rule,
                    title=RULES_BY_ID[rule].title,
                    severity=RULES_BY_ID[rule].severity,
                    count=n,
                )
                for rule, n in report.by_rule.items()
            ],
            findings=findings,
            records=[
                read_off(
                    ReportRecordPublic,
                    r,
                    count=len(r.findings),
                    links=links(r.kind, r.id),
                )
                for r in report.records
            ],
            settings_versions=[SettingsVersionPublic.of(v) for v in report.settings],
            assumptions=[
                AssumptionPublic(text=text, rules=sorted(rules))
                for text, rules in sorted(carried.items())
            ],
            chain=chain,
            rules_checked=[r.id for r in report.rules_checked],
            rules_not_checked=[
                RuleNotChecked(id=r.id, title=r.title, reason=why)
                for r, why in report.rules_not_checked
            ],
        )

    @property
    def filename(self) -> str:
        place = self.commune or self.department
        start = self.from_.isoformat() if self.from_ else "origine"
        return f"rapport-legalite-{place}-{start}-{self.to.isoformat()}"


# ---- CSV: one row per finding ---------------------------------------------------

CSV_HEADER = (
    "règle",
    "intitulé",
    "gravité",
    "né le",
    "enregistrement",
    "identifiant",
    "libellé",
    "commune",
    "événements (versions)",
    "message",
    "paramètres (version)",
    "hypothèses",
    "piste d'audit",
)


def as_csv(report: DepartmentReportPublic) -> str:
    return csv_text(
        CSV_HEADER,
        (
            (
                f.rule,
                f.title,
                f.severity,
                f.breached_on.isoformat(),
                f.record_kind,
                f.record_id,
                f.record_label,
                f.commune,
                " ".join(str(e.version) for e in f.events),
                f.message,
                f.settings_version or "",
                " | ".join(f.assumptions),
                f.links["audit"],
            )
            for f in report.findings
        ),
    )


# ---- the printable page ----------------------------------------------------------


def period_words(report: DepartmentReportPublic) -> str:
    """The report's period, for people: « du … au … », « jusqu'au … »."""
    if report.from_:
        return f"du {fr_day(report.from_)} au {fr_day(report.to)}"
    return f"jusqu'au {fr_day(report.to)}"


def place_words(report: DepartmentReportPublic) -> str:
    """The report's territory, for people: « département 972, commune … »."""
    commune = f", commune {commune_label(report.commune)}" if report.commune else ""
    return f"département {report.department}{commune}"


def as_html(report: DepartmentReportPublic) -> str:
    place, period = place_words(report), period_words(report)
    facts = [
        ("Territoire", place),
        ("Période", f"manquements nés {period}"),
        ("Historiques lus au", fr_day(report.as_of)),
        (
            "Enregistrements lus",
            ", ".join(f"{KIND_LABELS[k]} : {n}" for k, n in report.checked.items()),
        ),
        ("Édité le", moment(report.edited_at, report.department)),
    ]
    by_rule: dict[str, list[ReportFindingPublic]] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule, []).append(f)
    return render_html(
        "legality_report.html",
        title=f"Rapport de légalité — {place}, {period}",
        heading="Rapport de légalité",
        short_title=f"rapport de légalité {report.department}",
        orientation="landscape",
        facts=facts,
        report=report,
        by_rule=by_rule,
        kind_labels=KIND_LABELS,
        severities=("bloquant", "alerte"),
        generated_at=report.edited_at,
        signed_by_label="Vu et arrêté par",
    )


def now() -> datetime:
    return datetime.now(UTC)
