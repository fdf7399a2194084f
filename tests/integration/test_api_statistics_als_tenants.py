"""The ALS's 2016 tenants [seed 001]: "elle a accompagné 846 locataires en
2016", reproduced from histories recorded in Logis and read through the API
(JSON and CSV).

The bulk is recorded through the application's commands in this process
(tests/helpers/llts_years.py: the same handlers, rules, scopes and
transactions as the API, without HTTP): 4,700 commands for the ALS's tenants.
A measure in maintien (five steps) takes about 17 ms in process and 180 ms
over HTTP here (this test prints both): the bulk over HTTP would take minutes.
The demands of the same year: test_api_statistics_als_demands.py. SQLite
only: what is tested is the counting, not the store.
"""

from __future__ import annotations

import time
from datetime import date

from starlette.testclient import TestClient

from infra.settings import Settings
from tests.helpers.api import record
from tests.helpers.llts_years import Timeline
from tests.helpers.mesure_courses import HttpCourse
from tests.helpers.statistics_years import (
    ALS_SECTORS,
    LLTS_972,
    als_year,
    asked_by,
    csv_rows,
    entered,
    mesure_step,
    read,
    run_support,
    serving,
)


class TestAls2016:
    """846 tenants supported: 795 in maintien and 40 households taken to entry
    and support in bulk; over the API, one household entered in 2015 and ten
    tenants in maintien."""

    def test_846_tenants_supported(self, statistics_store: Settings) -> None:
        started = time.perf_counter()
        with als_year(statistics_store) as year:
            bulk_started = time.perf_counter()
            year.in_maintien(10)
            bulk_seconds = (time.perf_counter() - bulk_started) / 10
            year.entered_and_supported(40)
            year.in_maintien(785)
            # Outside 2016: a maintien ended in 2015, a convention signed in 2017.
            early = Timeline(
                notified_on=date(2015, 2, 2), convention_on=date(2015, 2, 9)
            )
            year.end(year.in_maintien(1, early)[0], date(2015, 12, 30))
            late = Timeline(
                notified_on=date(2016, 12, 20), convention_on=date(2017, 1, 2)
            )
            year.in_maintien(1, late)
        with serving(statistics_store) as client:
            h1(client)
            http_seconds = ten_in_maintien(client)
            figures = read(client, LLTS_972, year=2016)
            assert figures["households_supported_after_entry"] == 846
            assert figures["supported_after_llts_entry"] == 41  # 40 + H1
            assert figures["supported_in_maintien"] == 805  # 10 + 10 + 785
            assert figures["demands_processed"] == 40  # not H1 (2015)
            assert figures["households_entered"] == 40
            before = read(client, LLTS_972, year=2015)
            assert before["demands_processed"] == before["households_entered"] == 1
            # H1 from November; the maintien ended on 30 December 2015
            assert before["households_supported_after_entry"] == 2
            as_csv = client.get(LLTS_972, params={"year": 2016, "format": "csv"})
        rows = csv_rows(as_csv.text)
        assert rows["households_supported_after_entry"]["value"] == "846"
        print(
            f"\nALS 2016, tenants: {year.commands} commands in process; a maintien "
            f"measure {http_seconds * 1000:.0f} ms over HTTP, "
            f"{bulk_seconds * 1000:.0f} ms in process; test "
            f"{time.perf_counter() - started:.1f} s"
        )


def h1(client: TestClient) -> None:
    """H1: entered in 2015, its bilan's support runs from November 2015 into
    2016: supported in 2016, neither processed nor entered then."""
    dossier = entered(client, date(2015, 3, 2), date(2015, 3, 9), date(2015, 6, 1))
    problems = {
        "outcome": "problemes",
        "findings": "Impayés de loyer dès le deuxième mois.",
        "support_months": 6,
        "adhesion_signed_on": "2015-07-01",
    }
    reviewed = record(
        client,
        dossier,
        "installation-review",
        {**problems, "occurred_on": "2015-07-01"},
        role="als",
    )
    assert reviewed.status_code == 200, reviewed.text
    run_support(client, asked_by(client, reviewed), date(2015, 7, 6), date(2015, 11, 2))


def ten_in_maintien(client: TestClient) -> float:
    """Ten tenants in maintien over the API: the seconds one takes."""
    http_started = time.perf_counter()
    for n in range(10):
        course = HttpCourse(client, date(2016, 6, 6))
        sector = ALS_SECTORS[n % len(ALS_SECTORS)]
        course.association = sector[0]
        course.instruct(date(2016, 6, 6))
        run_maintien = {"association": sector, "months": 6}
        _finish_maintien(client, course, **run_maintien)
    return (time.perf_counter() - http_started) / 10


def _finish_maintien(
    client: TestClient, course: HttpCourse, association: tuple[str, str], months: int
) -> None:
    code, name = association
    on = date(2016, 6, 6)
    mesure_step(
        client,
        str(course.id),
        "notification",
        on,
        {"association": code},
        "commission_logement",
    )
    mesure_step(
        client,
        str(course.id),
        "complementary-diagnosis",
        on,
        {"outcome": "confirme", "summary": "Projet confirmé."},
        "association",
        name,
    )
    starts = date(2016, 6, 15)
    mesure_step(
        client,
        str(course.id),
        "convention",
        starts,
        {
            "orientation": "maintien",
            "axes": ["gestion_budgetaire"],
            "duration_months": months,
            "starts_on": starts.isoformat(),
            "worker": "Claire Joseph",
            "signed_by": ["association", "menage", "prescripteur"],
        },
        "association",
        name,
    )
