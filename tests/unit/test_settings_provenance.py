"""Hole 8 of issue 14: every packaged settings value carries its legal source,
values resting on an assumption say so, Martinique's ceilings are the overseas
LLTS ones (arrêté du 14 mars 2011 modifié), and a finding judged by an
assumption states it — here on imported histories."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from domain import dossier as d
from domain.department_settings import DepartmentSettings
from domain.dossier import Dossier
from domain.legality import RULES_BY_ID
from domain.legality.assumptions import RULE_SETTINGS
from domain.records import kind
from infra.departments import load_department_settings
from tests.helpers.dossiers import history_to, imported, make_settings

PACKAGED = ("972", "42", "24")
SETTING_NAMES = set(DepartmentSettings.model_fields) - {"provenance"}
# PLUS « autres régions » at 1 January 2024 (arrêté du 29 juillet 1987, annexe I).
PLUS_2024 = (22642, 30238, 36362, 43899, 51641, 58200)
MAINLAND_PLAI_2025_CAT_1 = Decimal(12759)


@pytest.mark.parametrize("code", PACKAGED)
def test_every_packaged_value_carries_its_source(code: str) -> None:
    _, settings = load_department_settings(code)

    assert set(settings.provenance) == SETTING_NAMES
    assert all(table.source for table in settings.resource_ceilings)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("972", "rda_priority_criteria"),
        ("972", "associations"),
        ("972", "meetings_per_month"),
        ("42", "asll_renewals_allowed"),
        ("42", "associations"),
        ("42", "meetings_per_month"),
        ("24", "associations"),
    ],
)
def test_values_without_a_text_are_marked_as_assumptions(code: str, name: str) -> None:
    _, settings = load_department_settings(code)

    assert settings.provenance[name].assumption


def test_martinique_ceilings_are_the_overseas_llts_ones() -> None:
    _, settings = load_department_settings("972")

    for category, plus in enumerate(PLUS_2024, start=1):
        expected = (Decimal(plus) * Decimal("0.675")).quantize(Decimal(1))
        assert abs(settings.ceiling(2024, category) - expected) <= 1
    assert settings.ceiling(2025, 1) > MAINLAND_PLAI_2025_CAT_1
    # The figures computed rather than read say so.
    assert all(t.assumption for t in settings.resource_ceilings)


def test_provenance_of_an_unknown_setting_is_refused() -> None:
    with pytest.raises(ValidationError, match="quota_magique"):
        make_settings(provenance={"quota_magique": {"source": "x"}})


def test_settings_stored_before_provenance_stay_readable() -> None:
    stored = make_settings().model_dump(mode="json")
    del stored["provenance"]
    for table in stored["resource_ceilings"]:
        table.pop("assumption", None)

    assert DepartmentSettings.model_validate(stored).provenance == {}


def test_rule_settings_name_rules_and_settings() -> None:
    assert set(RULE_SETTINGS) <= set(RULES_BY_ID)
    assert {n for names in RULE_SETTINGS.values() for n in names} <= SETTING_NAMES


def _resources_checked(
    annual_resources: Decimal, ceiling: Decimal, *, eligible: bool
) -> list[Any]:
    """A completed dossier plus the DEAL's control of a person alone on 3 March
    2025, built directly, as an import stores it."""
    return imported(
        history_to(d.COMPLETED),
        Dossier.ResourcesChecked,
        "deal",
        date(2025, 3, 3),
        annual_resources=annual_resources,
        household_category=1,
        ceiling_year=2025,
        ceiling=ceiling,
        eligible=eligible,
        settings_version=1,
    )


def _martinique(day: date) -> tuple[int, DepartmentSettings]:
    return 1, load_department_settings("972")[1]


def test_household_under_the_llts_ceiling_declared_ineligible_is_found() -> None:
    """The mainland PLAI figure (12,759 €) made this household inadmissible:
    under the overseas LLTS ceiling, that is a DEAL-PLAFOND finding, and the
    finding says which assumptions the ceiling rests on."""
    events = _resources_checked(
        Decimal(15600), MAINLAND_PLAI_2025_CAT_1, eligible=False
    )

    found = [
        f
        for f in kind("dossier").check(events, _martinique, date(2025, 6, 30))
        if f.rule == "DEAL-PLAFOND"
    ]

    [finding] = found
    assert "inéligible" in finding.message
    assert any(a.startswith("resource_ceilings : ") for a in finding.assumptions)
    assert any(a.startswith("plafonds 2025 : ") for a in finding.assumptions)


def test_a_finding_on_a_sourced_value_states_no_assumption() -> None:
    events = _resources_checked(Decimal(30000), Decimal(30000), eligible=True)
    sourced = make_settings(provenance={"resource_ceilings": {"source": "arrêté test"}})

    [finding] = [
        f
        for f in kind("dossier").check(
            events, lambda day: (1, sourced), date(2025, 6, 30)
        )
        if f.rule == "DEAL-PLAFOND"
    ]

    assert finding.assumptions == ()
