"""The yearly statistics reproduce the seeds' own figures from histories
recorded in Logis, read through the API (JSON and CSV): Loire 2006 [seed 002],
733 ASLL measures, accès 619 (84 %), maintien 57 (8 %), diagnostic 57 (8 %);
baux glissants 47 % of the suivis. The bulk (3,700 commands) is recorded
through the application's commands in this process (tests/helpers/
llts_years.py), the measures whose story tests a definition's edge through the
API. Then a small year: who reads the figures, what is refused, and
`logis statistics`. The ALS's 2016 year [seed 001]: test_api_statistics_als_
demands.py and test_api_statistics_als_tenants.py (one file each, so that
parallel workers take the three bulk years apart). SQLite only: what is tested
is the counting, not the store (test_api_workload runs the ASLL figures on
both stores).
"""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient

from domain.shared import role_label
from infra.settings import Settings
from tests.helpers.api import (
    actor,
    adopt_settings,
    assert_error,
    settings_body,
    today,
)
from tests.helpers.llts_years import Timeline
from tests.helpers.mesure_courses import HttpCourse
from tests.helpers.statistics_years import (
    LLTS_972,
    LOIRE,
    MARTINIQUE,
    adopt,
    associations,
    head,
    identified,
    in_process,
    path_days,
    read,
    serving,
    walk,
    whole_percent,
)

if TYPE_CHECKING:
    from collections.abc import Callable


# The Loire's ten associations of 2006 [seed 002], three of them for baux
# glissants; capacities are the test's, large enough for a year's measures.
LOIRE_ASSOCIATIONS = (
    ("agasef", "AGASEF"),
    ("adsea42_plaines_vallees", "ADSEA 42 Plaines et Vallées"),
    ("adsea42_roanne", "ADSEA 42 Roanne"),
    ("entraide_pierre_valdo", "Entraide Pierre Valdo"),
    ("renaitre", "Renaître"),
    ("ariv", "ARIV"),
    ("aralis", "ARALIS"),
)
LOIRE_BAUX_GLISSANTS = (
    ("call_pact_st_etienne", "CALL-PACT St Etienne"),
    ("cal_pact_roanne", "CAL-PACT Roanne"),
    ("anef", "ANEF"),
)


# ---- Loire 2006 --------------------------------------------------------------------

LOIRE_2006 = Timeline(notified_on=date(2006, 3, 1), convention_on=date(2006, 3, 15))


class TestLoire2006:
    """733 conventions signed in 2006 by ten associations: 345 baux glissants
    (three associations), 388 individual measures; accès 619, maintien 57,
    diagnostic 57. Three of them over the API, the others in bulk; beside
    them, measures of 2005 and 2007 and a request never signed."""

    def test_the_loire_table_of_2006(self, statistics_store: Settings) -> None:
        started = time.perf_counter()
        every = (*LOIRE_ASSOCIATIONS, *LOIRE_BAUX_GLISSANTS)
        where = {"department": LOIRE, "commune": "42218"}
        with in_process(
            statistics_store, associations=LOIRE_ASSOCIATIONS, **where
        ) as year:
            adopt(year, date(2005, 1, 1), associations=associations(*every))
            for n in range(344):
                bail = year.request(date(2006, 2, 1), kind="bail_glissant")
                association = LOIRE_BAUX_GLISSANTS[n % 3]
                year.support(bail, LOIRE_2006, association=association)
            for orientation, count in (
                ("acces", 274),
                ("maintien", 56),
                ("diagnostic", 56),
            ):
                for n in range(count):
                    association = LOIRE_ASSOCIATIONS[n % len(LOIRE_ASSOCIATIONS)]
                    year.support(
                        year.request(date(2006, 2, 1)),
                        LOIRE_2006,
                        association=association,
                        orientation=orientation,
                    )
            # Not 2006's: signed in 2005 (ended in 2006), in 2007, or never.
            old = Timeline(
                notified_on=date(2005, 9, 1), convention_on=date(2005, 9, 15)
            )
            year.end(
                year.support(year.request(date(2005, 9, 1)), old), date(2006, 3, 1)
            )
            late = Timeline(
                notified_on=date(2006, 12, 1), convention_on=date(2007, 1, 8)
            )
            year.support(year.request(date(2006, 12, 1)), late)
            year.request(date(2006, 11, 2))
        with serving(statistics_store) as client:
            for kind, orientation in (
                ("bail_glissant", "acces"),
                ("individuelle", "maintien"),
                ("individuelle", "diagnostic"),
            ):
                HttpCourse(
                    client,
                    date(2006, 2, 1),
                    kind=kind,
                    department=LOIRE,
                    commune="42218",
                ).up_to_convention(date(2006, 3, 15), orientation=orientation)
            figures = read(client, "/v1/statistics", department=LOIRE, year=2006)
            as_csv = client.get(
                "/v1/statistics",
                params={"department": LOIRE, "year": 2006, "format": "csv"},
            )
        assert figures["conventions"] == 733
        table = {o["orientation"]: o for o in figures["by_orientation"]}
        assert {k: o["count"] for k, o in table.items()} == {
            "acces": 619,
            "maintien": 57,
            "diagnostic": 57,
        }
        assert {k: o["share_percent"] for k, o in table.items()} == {
            "acces": 84.4,
            "maintien": 7.8,
            "diagnostic": 7.8,
        }
        # As the seed rounds them: 84 %, 8 %, 8 %.
        assert [whole_percent(o["share_percent"]) for o in table.values()] == [84, 8, 8]
        kinds = {k["kind"]: k["count"] for k in figures["by_kind"]}
        assert kinds == {
            "individuelle": 388,
            "bail_glissant": 345,
            "action_specifique": 0,
        }
        assert figures["baux_glissants_share_percent"] == 47.1
        assert whole_percent(figures["baux_glissants_share_percent"]) == 47
        assert any("47 %" in text for text in figures["assumptions"])
        assert figures["requested"] == 733 + 2  # and the request never signed, 2007's
        assert figures["ended"] == 1  # 2005's measure
        assert as_csv.status_code == 200, as_csv.text
        rows = {r["figure"]: r for r in csv.DictReader(io.StringIO(as_csv.text))}
        assert rows["conventions"]["value"] == "733"
        assert rows["by_orientation.acces"]["share_percent"] == "84.4"
        assert rows["by_kind.bail_glissant"]["value"] == "345"
        assert rows["baux_glissants_share_percent"]["value"] == "47.1"
        print(
            f"\nLoire 2006: {year.commands} commands in process; test "
            f"{time.perf_counter() - started:.1f} s"
        )


# ---- a small year: who reads, what is refused, the command line -------------------


@pytest.fixture
def small_year(client: TestClient) -> dict[str, Any]:
    """Department 972 this year: one dossier analysed by the ALS, one tenant in
    maintien, over the API. Returns the LLTS figures read by the auditor."""
    body = settings_body(associations=associations(("agasef", "AGASEF")))
    answer = adopt_settings(client, MARTINIQUE, body)
    assert answer.status_code == 201, answer.text
    on = today()
    dossier = identified(client, on)
    walk(client, dossier, path_days(on, on))
    HttpCourse(client, on).up_to_convention(on, orientation="maintien")
    return read(client, f"/v1/departments/{MARTINIQUE}/statistics/llts")


READERS = (
    "auditeur",
    "als",
    "prefecture",
    "deal",
    "departement",
    "commission_logement",
)
REFUSED: tuple[tuple[str, dict[str, Any]], ...] = (
    ("mairie", {}),
    ("ccas", {}),
    ("bailleur", {}),
    ("association", {}),
    ("prescripteur", {}),
    ("ccapex", {}),
    ("caf", {}),
    ("admin", {}),
    ("prefecture", {"department": "971"}),  # another department's
    ("departement", {"unclaimed": True}),  # no department claimed
)
BAD_INPUT: tuple[tuple[str, dict[str, Any], int, str], ...] = (
    (LLTS_972, {"year": 1999}, 422, "invalid_input"),
    (LLTS_972, {"year": 2101}, 422, "invalid_input"),
    (LLTS_972, {"year": "an"}, 422, "invalid_input"),
    (LLTS_972, {"format": "xls"}, 422, "invalid_input"),
    (LLTS_972, {"min_position": -1}, 422, "invalid_input"),
    (LLTS_972, {"year": today().year + 1}, 422, "year_in_future"),
    ("/v1/departments/9720/statistics/llts", {}, 422, "invalid_input"),
    ("/v1/departments/974/statistics/llts", {}, 404, "department_not_found"),
)


class TestWhoReads:
    def test_the_copilots_and_the_departments_services_read_them(
        self, client: TestClient, small_year: dict[str, Any]
    ) -> None:
        assert small_year["demands_processed"] == 1
        assert small_year["supported_in_maintien"] == 1
        assert small_year["year"] == today().year
        for role in READERS:
            for path in (LLTS_972, "/v1/statistics"):
                answer = client.get(
                    path, params={"department": MARTINIQUE}, headers=actor(role)
                )
                assert answer.status_code == 200, (role, path, answer.text)

    def test_others_are_refused_and_nothing_is_written(
        self, client: TestClient, small_year: dict[str, Any]
    ) -> None:
        before = head(client)
        for role, where in REFUSED:
            for path in (LLTS_972, "/v1/statistics"):
                answer = client.get(
                    path,
                    params={"department": MARTINIQUE},
                    headers=actor(role, **where),
                )
                error = assert_error(answer, 403, "forbidden")
                assert f"« {role_label(role)} »" in error["message"], error
        for path, params, status, code in BAD_INPUT:
            answer = client.get(path, params=params)
            assert_error(answer, status, code)
        assert head(client) == before


class TestCommandLine:
    def test_prints_the_figures_as_the_api_gives_them(
        self,
        small_year: dict[str, Any],
        logis: Callable[..., tuple[int, str]],
    ) -> None:
        status, out = logis(
            "statistics", "llts", "--department", "972", "--format", "json"
        )
        assert status == 0, out
        printed = json.loads(out)
        assert {k: v for k, v in printed.items() if k != "position"} == {
            k: v for k, v in small_year.items() if k != "position"
        }
        status, out = logis(
            "statistics", "llts", "--department", "972", "--format", "csv"
        )
        assert status == 0, out
        rows = {r["figure"]: r for r in csv.DictReader(io.StringIO(out))}
        assert rows["demands_processed"]["value"] == "1"
        status, out = logis("statistics", "llts", "--department", MARTINIQUE)
        assert status == 0, out
        assert "Statistiques LLTS — département 972" in out
        assert "Demandes traitées (analyse ALS commencée)" in out
        assert "Hypothèse : " in out
        # A table in words: no field or decision code.
        assert out.splitlines()[1].split() == ["indicateur", "nombre", "part"]
        assert "dont décision : attribution par classement" in out
        assert "by_" not in out
        assert "_par_" not in out
        status, out = logis("statistics", "asll", "--department", "972")
        assert status == 0, out
        assert "Part des baux glissants (%)" in out
        assert "conventions" in out.lower()

    def test_refuses_an_unknown_department_and_bad_years(
        self,
        small_year: dict[str, Any],
        logis: Callable[..., tuple[int, str]],
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        status, out = logis("statistics", "llts", "--department", "974")
        assert (status, out) == (1, "")  # "Erreur (department_not_found)" on stderr
        for year in ("1999", "an", str(today().year + 1)):
            with pytest.raises(SystemExit) as exit_:
                logis("statistics", "llts", "--department", "972", "--year", year)
            assert exit_.value.code == 2
            assert "année" in capsys.readouterr().err
