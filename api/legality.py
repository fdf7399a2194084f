"""What the legality routes and `logis legality` share: the answers (a record's
findings, a commune's report, the rules catalogue) and where a commune's
records are found (the read models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas.common import read_off
from domain.legality import RULES_BY_ID
from domain.legality.rules import cited
from projections.commissions import CommissionFilter, select_commissions
from projections.dossier_list import DossierFilter, select_dossiers
from projections.lists import Counted
from projections.programmes import ProgrammeFilter, select_programmes

if TYPE_CHECKING:
    from collections.abc import Callable

    from commands.legality import CommuneReport, RecordFindings
    from domain.legality import Finding, Rule
    from projections.rows import RowView

Severity = Literal["bloquant", "alerte"]
# A finding may also be reported for information only (SAISIE-TARDIVE: an
# imported step), never a breach.
FindingSeverity = Literal["bloquant", "alerte", "information"]


class RulePublic(BaseModel):
    id: str
    title: str = Field(description="Intitulé en français")
    source: str = Field(description="Source juridique ou seed")
    source_text: str = Field(
        description="La source telle qu'on la lit : chaque document source "
        "(« seed 000 ») cité par son titre"
    )
    severity: Severity
    applies_to: list[str] = Field(
        description="Enregistrements dont l'historique est lu"
    )
    when: str = Field(description="cmd, hist ou les deux (DOMAIN §8)")
    enforced: str = Field(
        description="Où le code l'applique : both (refus d'une commande et "
        "constat sur l'historique, un même contrôle), refused ou found"
    )
    checked: bool = Field(description="Vérifiée sur l'historique")
    not_checkable: str | None = Field(
        default=None, description="Pourquoi l'historique ne permet pas de la vérifier"
    )

    @classmethod
    def of(cls, rule: Rule) -> RulePublic:
        return read_off(cls, rule, source_text=cited(rule.source))


class RulesPublic(BaseModel):
    data: list[RulePublic]
    count: int


class FindingPublic(BaseModel):
    rule: str
    title: str
    source: str
    severity: FindingSeverity
    message: str
    versions: list[int] = Field(description="Versions des événements en cause")
    breached_on: date = Field(description="Jour où le manquement est né")
    settings_version: int | None = Field(
        description="Version des paramètres départementaux appliquée"
    )
    assumptions: list[str] = Field(
        default_factory=list,
        description="Hypothèses sur lesquelles reposent les paramètres appliqués "
        "(valeurs qu'aucun texte ne fixe)",
    )

    @classmethod
    def of(cls, finding: Finding) -> FindingPublic:
        return read_off(cls, finding, **rule_texts(finding.rule))


def rule_texts(rule_id: str) -> dict[str, str]:
    """What a finding says of its rule: its title and its source."""
    rule = RULES_BY_ID[rule_id]
    return {"title": rule.title, "source": rule.source}


class LegalityPublic(BaseModel):
    kind: str = Field(description="dossier, commission, programme, mesure, saisine")
    id: UUID
    department: str
    commune: str
    as_of: date = Field(
        description="Jour jugé : les étapes survenues au plus tard ce jour"
    )
    known_at: datetime | None = Field(
        None,
        description="L'historique tel que le registre le connaissait à cet "
        "instant ; null : tel qu'il le connaît maintenant",
    )
    blocking: bool = Field(description="Au moins un manquement bloquant")
    findings: list[FindingPublic]
    count: int

    @classmethod
    def of(cls, record: RecordFindings) -> LegalityPublic:
        findings = [FindingPublic.of(f) for f in record.findings]
        return read_off(cls, record, findings=findings, count=len(findings))


class RuleNotChecked(BaseModel):
    id: str
    title: str
    reason: str


class LegalityReportPublic(BaseModel):
    commune: str
    from_: date | None = Field(alias="from", serialization_alias="from")
    to: date
    as_of: date
    checked: dict[str, int] = Field(description="Enregistrements lus, par nature")
    blocking: bool
    by_rule: dict[str, int]
    by_severity: dict[str, int]
    records: list[LegalityPublic] = Field(
        description="Les enregistrements ayant un manquement dans la période"
    )
    rules_checked: list[str]
    rules_not_checked: list[RuleNotChecked]

    model_config = {"populate_by_name": True}

    @classmethod
    def of(cls, report: CommuneReport) -> LegalityReportPublic:
        return read_off(
            cls,
            report,
            from_=report.start,
            to=report.end,
            records=[LegalityPublic.of(r) for r in report.records],
            rules_checked=[r.id for r in report.rules_checked],
            rules_not_checked=[
                RuleNotChecked(id=r.id, title=r.title, reason=why)
                for r, why in report.rules_not_checked
            ],
        )


PAGE = 500
VIEWS = {
    "dossier": "dossier_list",
    "commission": "commissions",
    "programme": "programmes",
}


def commune_ids(
    reader: Callable[[str], RowView], commune: str
) -> dict[str, list[UUID]]:
    """The ids of the commune's dossiers, commissions and programmes, read in
    their views (`reader(view name)`), every page."""

    def every(select: Callable[[int], tuple[list[Any], Counted]]) -> list[UUID]:
        ids: list[UUID] = []
        while True:
            rows, total = select(len(ids))
            ids += [row.id for row in rows]
            if not rows or not total.more_than(len(ids)):
                return ids

    dossiers, commissions, programmes = (reader(VIEWS[k]) for k in VIEWS)
    return {
        "dossier": every(
            lambda at: select_dossiers(
                dossiers, DossierFilter(commune=commune, limit=PAGE, offset=at)
            )
        ),
        "commission": every(
            lambda at: select_commissions(
                commissions, CommissionFilter(commune=commune, limit=PAGE, offset=at)
            )
        ),
        "programme": every(
            lambda at: select_programmes(
                programmes, ProgrammeFilter(commune=commune, limit=PAGE, offset=at)
            )
        ),
    }
