"""Department settings: versioned, each version judged from the day it takes effect."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources

import pytest
from pydantic import ValidationError

from domain.department import (
    Department,
    DepartmentNotConfiguredError,
    department_id,
    local_today,
)
from domain.department_settings import ASLL_WORK_AXES, CeilingTable, DepartmentSettings
from domain.shared import ROLES, DomainError
from infra.departments import load_department_settings
from tests.helpers.aggregates import given, then_error, then_event, when
from tests.helpers.dossiers import ceiling_table, make_meta, make_settings

JANUARY = date(2025, 1, 1)
JULY = date(2025, 7, 1)
PACKAGED = sorted(
    entry.name.removesuffix(".json")
    for entry in resources.files("infra").joinpath("departments").iterdir()
    if entry.name.endswith(".json")
)


ADMIN = make_meta("admin", date(2024, 12, 1))


def registered(code: str = "972") -> Department:
    return given(Department.register(code, ADMIN).collect_events())


def with_versions(*adoptions: tuple[date, DepartmentSettings]) -> Department:
    department = Department.register("972", ADMIN)
    for effective_from, settings in adoptions:
        department.adopt(settings, effective_from, make_meta("admin", effective_from))
    return given(department.collect_events())


class TestRegister:
    def test_department_is_registered_under_its_code(self) -> None:
        events = when(None, lambda _: Department.register("972", ADMIN))
        then_event(
            events,
            Department.Registered,
            ADMIN,
            code="972",
            originator_id=department_id("972"),
        )
        department = given(events)
        assert (department.code, department.versions) == ("972", [])

    def test_only_an_administrator_registers_a_department(self) -> None:
        with pytest.raises(DomainError) as caught:
            Department.register("972", make_meta("prefecture", date(2024, 12, 1)))
        assert caught.value.code == "role_not_allowed"

    def test_department_id_is_stable_and_distinct_per_code(self) -> None:
        assert department_id("972") == department_id("972")
        assert department_id("972") != department_id("42")


class TestAdopt:
    def test_admin_adopts_settings_from_a_date(self) -> None:
        department = registered()
        settings = make_settings(liste_complementaire_validity_months=4)
        meta = make_meta("admin", date(2024, 12, 15))
        events = when(department, lambda x: x.adopt(settings, JANUARY, meta))
        then_event(
            events,
            Department.SettingsAdopted,
            meta,
            version_number=1,
            effective_from=JANUARY,
            settings=settings.model_dump(mode="json"),
        )
        assert department.versions == [(JANUARY, 1, settings.model_dump(mode="json"))]

    def test_versions_are_numbered_in_order(self) -> None:
        department = with_versions((JANUARY, make_settings()))
        meta = make_meta("admin", JULY)
        events = when(department, lambda x: x.adopt(make_settings(), JULY, meta))
        then_event(events, Department.SettingsAdopted, version_number=2)

    def test_new_version_may_take_effect_the_same_day_as_the_last(self) -> None:
        department = with_versions((JULY, make_settings()))
        meta = make_meta("admin", JULY)
        events = when(department, lambda x: x.adopt(make_settings(), JULY, meta))
        then_event(events, Department.SettingsAdopted, version_number=2)

    def test_a_past_version_goes_in_its_place_and_judges_its_own_period(
        self,
    ) -> None:
        """Importing past years: a version that took effect before the one in
        force is adopted later, and judges the days until the next one only."""
        department = with_versions((JULY, make_settings(dossiers_per_dwelling=3)))
        meta = make_meta("admin", JULY)
        past = make_settings(dossiers_per_dwelling=5)
        when(
            department,
            lambda x: x.adopt(past, date(2023, 1, 1), meta, imported=True),
        )

        assert [v[:2] for v in department.versions] == [
            (date(2023, 1, 1), 2),
            (JULY, 1),
        ]
        assert department.settings_on(date(2024, 6, 1))[0] == 2
        assert department.settings_on(date(2024, 6, 1))[1].dossiers_per_dwelling == 5
        assert department.settings_on(JULY)[0] == 1

    def test_a_past_version_comes_only_with_an_import(self) -> None:
        department = with_versions((JULY, make_settings()))
        meta = make_meta("admin", JULY)
        then_error(
            department,
            lambda x: x.adopt(make_settings(), date(2025, 6, 30), meta),
            "invalid_transition",
        )

    def test_settings_adopted_before_the_late_entry_rule_set_no_delay(self) -> None:
        """SettingsAdopted v1 (before SAISIE-TARDIVE) reads with no delay: a
        store written then is not judged for late entries."""
        state = {"settings": make_settings().model_dump(mode="json")}
        del state["settings"]["late_entry_days"]

        Department.SettingsAdopted.upcast_v1_v2(state)

        settings = DepartmentSettings.model_validate(state["settings"])
        assert settings.late_entry_days is None
        assert make_settings().late_entry_days == 30

    @pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"])
    def test_only_an_administrator_adopts_settings(self, role: str) -> None:
        department = registered()
        meta = make_meta(role, JANUARY)
        then_error(
            department,
            lambda x: x.adopt(make_settings(), JANUARY, meta),
            "role_not_allowed",
        )


class TestSettingsOn:
    def test_no_settings_adopted_means_not_configured(self) -> None:
        with pytest.raises(DepartmentNotConfiguredError) as caught:
            registered().settings_on(JULY)
        assert caught.value.code == "department_not_configured"

    def test_day_before_the_first_version_is_not_configured(self) -> None:
        department = with_versions((JANUARY, make_settings()))
        with pytest.raises(DepartmentNotConfiguredError) as caught:
            department.settings_on(date(2024, 12, 31))
        assert caught.value.code == "department_not_configured"

    @pytest.mark.parametrize(
        ("day", "version", "months"),
        [
            (JANUARY, 1, 6),
            (date(2025, 6, 30), 1, 6),
            (JULY, 2, 4),
            (date(2030, 1, 1), 2, 4),
        ],
    )
    def test_version_in_force_on_the_day_is_picked(
        self, day: date, version: int, months: int
    ) -> None:
        department = with_versions(
            (JANUARY, make_settings()),
            (JULY, make_settings(liste_complementaire_validity_months=4)),
        )
        number, settings = department.settings_on(day)
        assert (number, settings.liste_complementaire_validity_months) == (
            version,
            months,
        )

    def test_last_adopted_of_versions_taking_effect_the_same_day_wins(self) -> None:
        department = with_versions(
            (JULY, make_settings(dossiers_per_dwelling=3)),
            (JULY, make_settings(dossiers_per_dwelling=4)),
        )
        number, settings = department.settings_on(JULY)
        assert (number, settings.dossiers_per_dwelling) == (2, 4)

    def test_settings_come_back_as_adopted(self) -> None:
        adopted = make_settings(
            max_taux_effort=Decimal("0.33"),
            min_reste_a_vivre_per_person=Decimal("312.50"),
            resource_ceilings=(
                ceiling_table(2024, {1: Decimal("10800.50")}),
                ceiling_table(2025),
            ),
            rda_priority_criteria=("dalo", "sans_logement", "handicap"),
        )
        department = with_versions((JANUARY, adopted))
        _, settings = department.settings_on(JULY)
        assert settings == adopted
        assert settings.ceiling(2024, 1) == Decimal("10800.50")
        assert settings.max_taux_effort == Decimal("0.33")


class TestDepartmentSettings:
    def test_ceiling_is_looked_up_by_year_and_category(self) -> None:
        settings = make_settings(
            resource_ceilings=(ceiling_table(2025, {1: Decimal("11000")}),)
        )
        assert settings.ceiling(2025, 1) == Decimal("11000")
        assert settings.ceiling(2025, 2) is None
        assert settings.ceiling(2026, 1) is None

    @pytest.mark.parametrize(
        "by_category", [{}, {0: Decimal(1)}, {7: Decimal(1)}, {1: Decimal(0)}]
    )
    def test_ceiling_table_covers_categories_one_to_six_with_positive_amounts(
        self, by_category: dict[int, Decimal]
    ) -> None:
        with pytest.raises(ValidationError):
            CeilingTable(year=2025, by_category=by_category, source="test")

    def test_settings_name_at_least_one_required_document(self) -> None:
        with pytest.raises(ValidationError):
            make_settings(required_documents=())


class TestLocalToday:
    @pytest.mark.parametrize(
        ("code", "utc", "expected"),
        [
            ("972", datetime(2026, 3, 1, 2, 30, tzinfo=UTC), date(2026, 2, 28)),
            ("972", datetime(2026, 3, 1, 4, 30, tzinfo=UTC), date(2026, 3, 1)),
            ("974", datetime(2026, 2, 28, 21, 0, tzinfo=UTC), date(2026, 3, 1)),
            ("42", datetime(2026, 7, 14, 22, 30, tzinfo=UTC), date(2026, 7, 15)),
            ("42", datetime(2026, 1, 14, 22, 30, tzinfo=UTC), date(2026, 1, 14)),
        ],
    )
    def test_today_is_the_date_in_the_department(
        self, code: str, utc: datetime, expected: date
    ) -> None:
        assert local_today(code, utc) == expected


class TestPackagedSettings:
    """infra/departments/<code>.json: the settings `logis demo` and an
    administrator adopt as they are."""

    def test_the_seeded_departments_are_packaged(self) -> None:
        assert {"972", "42", "24"} <= set(PACKAGED)

    @pytest.mark.parametrize("code", PACKAGED)
    def test_every_packaged_file_validates(self, code: str) -> None:
        effective_from, settings = load_department_settings(code)
        raw = json.loads(
            resources.files("infra")
            .joinpath("departments", f"{code}.json")
            .read_text(encoding="utf-8")
        )
        assert raw["name"]
        assert raw["notes"]
        assert effective_from <= date(2025, 1, 1)
        assert set(settings.prescriber_roles) <= set(ROLES)
        assert set(settings.asll_work_axes) <= set(ASLL_WORK_AXES)
        assert settings.asll_min_months <= settings.asll_max_months
        codes = [a.code for a in settings.associations]
        assert len(codes) == len(set(codes))
        for association in settings.associations:
            assert association.monthly_capacity > 0
            assert association.renforce_capacity <= association.monthly_capacity
        assert settings.resource_ceilings
        # What was adopted comes back the same from the stored event.
        stored = settings.model_dump(mode="json")
        assert DepartmentSettings.model_validate(stored) == settings

    def test_the_loire_associations_are_those_of_its_plan(self) -> None:
        _, loire = load_department_settings("42")
        capacities = {
            a.code: (a.monthly_capacity, a.renforce_capacity, a.direct)
            for a in loire.associations
        }
        assert capacities == {
            "agasef": (30, 0, False),
            "adsea42_plaines_vallees": (28, 4, False),
            "adsea42_roanne": (12, 2, False),
            "entraide_pierre_valdo": (15, 0, False),
            "call_pact_st_etienne": (30, 0, False),  # 60 baux glissants a year
            "cal_pact_roanne": (7, 0, False),
            "renaitre": (8, 0, False),
            "anef": (50, 13, False),
            "ariv": (25, 0, True),  # 50 households a year, asked directly
            "aralis": (17, 0, True),  # 34 a year
        }
        assert set(loire.prescriber_roles) == {
            "prescripteur",
            "departement",
            "bailleur",
            "association",
        }
        assert (loire.asll_max_months, loire.meetings_per_month) == (6, 2)
        assert loire.asll_renewals_allowed >= 1

    def test_the_dordogne_runs_three_to_six_months_renewable_once(self) -> None:
        _, dordogne = load_department_settings("24")
        assert (
            dordogne.asll_min_months,
            dordogne.asll_max_months,
            dordogne.asll_renewals_allowed,
        ) == (3, 6, 1)
        assert dordogne.prescriber_roles == ("prescripteur",)
        assert dordogne.asll_work_axes == ASLL_WORK_AXES[:7]
        assert [a.name for a in dordogne.associations] == ["UDAF de la Dordogne"]

    def test_in_martinique_the_als_asks_for_support(self) -> None:
        _, martinique = load_department_settings("972")
        assert "als" in martinique.prescriber_roles
        assert martinique.association("als") is not None

    def test_a_department_without_a_file_is_not_configured(self) -> None:
        with pytest.raises(DepartmentNotConfiguredError):
            load_department_settings("971")
