"""Issue 14, holes 2 and 3, on imported histories: the legality engine finds a
withdrawal recorded by a landlord or without the household's expression, an
inadmissibility recorded by the ALS or before the DEAL's control, a radiation
recorded by the ALS (DOS-RETRAIT, DOS-IRRECEVABILITE, SNE-VALIDITE)."""

from __future__ import annotations

from datetime import date

import pytest

from domain import dossier as d
from domain.dossier import Dossier
from domain.dossier_steps import RADIATION_ROLES
from tests.helpers.dossiers import DAY, history_to, imported
from tests.unit.test_legality import findings, rules_of

ON = DAY["withdraw"]


def ended(stage: str, cls: type[Dossier.Event], role: str, **fields: object) -> list:
    return imported(history_to(stage), cls, role, ON, reason="…", **fields)


def withdrawn(role: str, expressed_on: date | None, expressed_by: str | None) -> list:
    """An identified dossier withdrawn by `role`, with the household's expression."""
    return ended(
        d.IDENTIFIED,
        Dossier.Withdrawn,
        role,
        expressed_on=expressed_on,
        expressed_by=expressed_by,
    )


class TestWithdrawal:
    def test_a_landlords_withdrawal_is_found(self) -> None:
        events = withdrawn("bailleur", ON, "courrier")
        [finding] = [f for f in findings(events) if f.rule == "DOS-RETRAIT"]
        assert "bailleur" in finding.message
        assert finding.versions == (events[-1].originator_version,)

    @pytest.mark.parametrize(
        ("expressed_on", "expressed_by"),
        [(None, None), (ON, None), (None, "courriel"), (date(2099, 1, 1), "courriel")],
    )
    def test_a_withdrawal_without_the_households_expression_is_found(
        self, expressed_on: date | None, expressed_by: str | None
    ) -> None:
        events = withdrawn("ccas", expressed_on, expressed_by)
        assert "DOS-RETRAIT" in rules_of(findings(events))

    def test_the_households_withdrawal_through_a_partner_is_legal(self) -> None:
        events = withdrawn("ccas", ON, "telephone")
        assert "DOS-RETRAIT" not in rules_of(findings(events))


class TestInadmissibility:
    @pytest.mark.parametrize("role", ["als", "prefecture"])
    def test_inadmissibility_recorded_by_another_than_the_deal_is_found(
        self, role: str
    ) -> None:
        events = ended(d.ANALYSIS, Dossier.DeclaredInadmissible, role)
        assert "DOS-IRRECEVABILITE" in rules_of(findings(events))

    def test_inadmissibility_before_the_deals_control_is_found(self) -> None:
        events = ended(d.COMPLETED, Dossier.DeclaredInadmissible, "deal")
        assert "DOS-IRRECEVABILITE" in rules_of(findings(events))

    def test_the_deals_inadmissibility_after_its_control_is_legal(self) -> None:
        events = ended(d.RESOURCES, Dossier.DeclaredInadmissible, "deal")
        assert "DOS-IRRECEVABILITE" not in rules_of(findings(events))


class TestRadiation:
    def test_a_radiation_by_the_als_is_found(self) -> None:
        events = ended(d.IDENTIFIED, Dossier.Radiated, "als")
        [finding] = [f for f in findings(events) if f.rule == "SNE-VALIDITE"]
        assert "R441-2-8" in finding.message

    @pytest.mark.parametrize("role", sorted(RADIATION_ROLES))
    def test_a_radiation_by_a_registering_service_is_legal(self, role: str) -> None:
        events = ended(d.IDENTIFIED, Dossier.Radiated, role)
        assert not [
            f
            for f in findings(events)
            if f.rule == "SNE-VALIDITE" and "R441-2-8" in f.message
        ]
