"""A department's report shows an imported step recorded late (SAISIE-TARDIVE,
for information) as the dossier's own report does, instead of failing on it."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from api.legality_report import ReportFindingPublic
from commands.legality_report import ReportedRecord
from domain.legality import Finding


def test_an_information_finding_is_reported_as_information() -> None:
    finding = Finding(
        "SAISIE-TARDIVE",
        "Étape importée, saisie après coup.",
        (),
        date(2026, 5, 4),
        information=True,
    )
    record = ReportedRecord("dossier", uuid4(), "97209", "Dossier", [finding], {})
    assert ReportFindingPublic.of(record, finding).severity == "information"
