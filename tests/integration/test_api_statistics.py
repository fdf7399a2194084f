"""The yearly statistics reproduce the seeds' own figures from histories
recorded in Logis, read through the API (JSON and CSV):

- ALS 2016 [seed 001]: "l'ALS a traité 1093 demandes de logement social et elle
  a accompagné 846 locataires en 2016";
- Loire 2006 [seed 002]: 733 ASLL measures, accès 619 (84 %), maintien 57
  (8 %), diagnostic 57 (8 %); baux glissants 47 % of the suivis.

The bulk is recorded through the application's commands in this process
(tests/helpers/llts_years.py: the same handlers, rules, scopes and
transactions as the API, without HTTP): 7,000 commands for the ALS's demands,
4,700 for its tenants, 3,700 for the Loire. The households whose story tests a
definition's edge, and a few of every kind, are recorded through the API. A
measure in maintien (five steps) takes about 17 ms in process and 180 ms over
HTTP here (the tenants' test prints both): the bulk over HTTP would take
minutes. The ALS's year is told in two histories (demands, tenants) so that
each test stays near 30 s. SQLite only, in memory-backed storage where the
machine has it: what is tested is the counting, not the store
(test_api_workload runs the ASLL figures on both stores).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient

from api.main import create_app
from commands.department import AdoptSettings
from infra.bootstrap import build_system
from infra.settings import Settings
from tests.helpers.api import (
    TEST_JWT_SECRET,
    actor,
    adopt_settings,
    assert_error,
    identification,
    identify,
    main_line,
    record,
    settings_body,
    take,
    today,
)
from tests.helpers.llts_years import BulkYear, Timeline
from tests.helpers.mesure_courses import HttpCourse, headers

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

SHM = Path("/dev/shm")
LLTS_972 = "/v1/departments/972/statistics/llts"
MARTINIQUE, LOIRE = "972", "42"
ALS_SECTORS = tuple((f"als{n:02d}", f"ALS Martinique secteur {n}") for n in range(12))
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


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Its own SQLite store, memory-backed when /dev/shm exists (thousands of
    commits)."""
    where = tempfile.mkdtemp(dir=SHM) if SHM.is_dir() else str(tmp_path)
    return Settings(
        database_url=f"sqlite:///{where}/logis.sqlite3",
        log_json=False,
        jwt_secret=TEST_JWT_SECRET,
        read_wait_seconds=60,  # the views' first build follows the bulk
    )


@contextmanager
def in_process(settings: Settings, **bulk: Any) -> Iterator[BulkYear]:
    """The application on the test's store, without the API and before it
    starts: its projector then catches up in batches of a thousand events."""
    system = build_system(settings)
    try:
        yield BulkYear(system.app, **bulk)
    finally:
        system.close()


@contextmanager
def serving(settings: Settings) -> Iterator[TestClient]:
    """The API on the same store, called by an auditor unless told otherwise."""
    with TestClient(create_app(settings), headers=actor("auditeur")) as client:
        yield client


def associations(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"code": c, "name": n, "monthly_capacity": 400} for c, n in pairs]


def adopt(year: BulkYear, since: date, **settings: Any) -> None:
    years = tuple(range(since.year, since.year + 3))
    body = settings_body(effective_from=since, years=years, **settings)
    year.app.adopt_settings(
        year.department, AdoptSettings.model_validate(body), year.ctx("admin")
    )


def head(client: TestClient) -> int:
    return int(client.app.state.system.app.recorder.max_notification_id() or 0)  # type: ignore[attr-defined]


def read(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    answer = client.get(path, params={"min_position": head(client), **params})
    assert answer.status_code == 200, answer.text
    figures: dict[str, Any] = answer.json()
    return figures


def whole_percent(share: float) -> int:
    """A share rounded as the seed rounds it (84.4 → 84, 7.8 → 8)."""
    return int(Decimal(str(share)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ---- one dossier over the API, each step on its own day ------------------------

STEPS = {step.slug: step for step in main_line()}


def walk(
    client: TestClient,
    dossier_id: str,
    days: dict[str, date],
    **bodies: dict[str, Any],
) -> None:
    """Take the main line's steps named in `days`, in order, each on its day;
    `bodies` overrides fields, by slug (underscores for dashes)."""
    for slug, on in days.items():
        step = STEPS[slug]
        body = {**step.body(on), **bodies.get(slug.replace("-", "_"), {})}
        answer = take(client, dossier_id, step, body)
        assert answer.status_code == 200, f"{slug}: {answer.text}"


def identified(client: TestClient, on: date) -> str:
    answer = identify(client, identification(on))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def path_days(**days: date) -> dict[str, date]:
    """The main line up to entry: `first` for the dossier's first steps, then
    each named step (underscores for dashes)."""
    first = days.pop("first")
    firsts = ("social-enquiry", "mairie-avis", "completion", "resources-check")
    return {
        **dict.fromkeys(firsts, first),
        **{k.replace("_", "-"): v for k, v in days.items()},
    }


def mesure_step(
    client: TestClient,
    mesure_id: str,
    slug: str,
    on: date,
    body: dict[str, Any],
    role: str,
    organisation: str | None = None,
) -> None:
    answer = client.post(
        f"/v1/mesures/{mesure_id}/{slug}",
        json={**body, "occurred_on": on.isoformat()},
        headers=headers(role, organisation),
    )
    assert answer.status_code == 200, f"{slug}: {answer.text}"


def run_support(
    client: TestClient,
    mesure_id: str,
    notified_on: date,
    starts_on: date,
    association: tuple[str, str] = ALS_SECTORS[0],
    months: int = 6,
) -> None:
    """Instructed, notified and diagnosed on one day; a convention from another."""
    code, name = association
    clu = "commission_logement"
    mesure_step(client, mesure_id, "instruction", notified_on, {"granted": True}, clu)
    mesure_step(
        client, mesure_id, "notification", notified_on, {"association": code}, clu
    )
    mesure_step(
        client,
        mesure_id,
        "complementary-diagnosis",
        notified_on,
        {"outcome": "confirme", "summary": "Projet confirmé."},
        "association",
        name,
    )
    mesure_step(
        client,
        mesure_id,
        "convention",
        starts_on,
        {
            "orientation": "acces",
            "axes": ["projet_logement"],
            "duration_months": months,
            "starts_on": starts_on.isoformat(),
            "worker": "Claire Joseph",
            "signed_by": ["association", "menage", "prescripteur"],
        },
        "association",
        name,
    )


def asked_by(client: TestClient, answer: Any) -> str:
    """The measure a bilan d'installation asked for, saved with it."""
    store = client.app.state.system.app.recorder  # type: ignore[attr-defined]
    position = answer.json()["position"]
    for n in store.select_notifications(start=position - 3, limit=4):
        if n.topic == "logis.mesure.Requested":
            return str(n.originator_id)
    raise AssertionError(answer.text)


# ---- ALS 2016 ----------------------------------------------------------------------


class TestAls2016:
    """The ALS's year, in two histories each under the time a test may take:
    1093 demands processed (1051 dossiers analysed and 40 households taken to
    entry and support in bulk; over the API, two households at the
    definitions' edges), then 846 tenants supported (795 in maintien and the
    same 40 households in bulk; over the API, one household entered in 2015
    and ten tenants in maintien)."""

    def test_1093_demands_processed(self, settings: Settings) -> None:
        started = time.perf_counter()
        with in_process(settings, associations=ALS_SECTORS) as year:
            als_settings(year)
            year.processed(1051)
            year.entered_and_supported(40)
        with serving(settings) as client:
            h2_and_h3(client)
            figures = read(client, LLTS_972, year=2016)
            assert figures["demands_processed"] == 1093  # 1051 + 40 + H2 + H3
            assert figures["demands_identified"] == 1092  # not H2 (2015)
            assert figures["attributions"] == 42  # 40 + H2 + H3
            assert figures["by_decision"][0] == {
                "decision": "attribution",
                "count": 42,
                "share_percent": 100.0,
            }
            assert (figures["leases_signed"], figures["households_entered"]) == (
                42,
                42,
            )
            # H2's bilan found nothing; H3's measure ended before its entry
            assert figures["households_supported_after_entry"] == 40
            assert (
                figures["supported_after_llts_entry"],
                figures["supported_in_maintien"],
            ) == (40, 0)
            assert set(figures["definitions"]) >= {
                "demands_processed",
                "households_supported_after_entry",
            }
            assert any("1093" in text for text in figures["assumptions"])
            assert figures["position"] >= head(client) - 1
            as_csv = client.get(LLTS_972, params={"year": 2016, "format": "csv"})
        assert as_csv.status_code == 200, as_csv.text
        assert as_csv.headers["content-type"].startswith("text/csv")
        rows = {r["figure"]: r for r in csv.DictReader(io.StringIO(as_csv.text))}
        assert rows["demands_processed"]["value"] == "1093"
        assert rows["by_decision.attribution"]["share_percent"] == "100.0"
        assert {r["department"] for r in rows.values()} == {MARTINIQUE}
        print(
            f"\nALS 2016, demands: {year.commands} commands in process; "
            f"test {time.perf_counter() - started:.1f} s"
        )

    def test_846_tenants_supported(self, settings: Settings) -> None:
        started = time.perf_counter()
        with in_process(settings, associations=ALS_SECTORS) as year:
            als_settings(year)
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
        with serving(settings) as client:
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
        rows = {r["figure"]: r for r in csv.DictReader(io.StringIO(as_csv.text))}
        assert rows["households_supported_after_entry"]["value"] == "846"
        print(
            f"\nALS 2016, tenants: {year.commands} commands in process; a maintien "
            f"measure {http_seconds * 1000:.0f} ms over HTTP, "
            f"{bulk_seconds * 1000:.0f} ms in process; test "
            f"{time.perf_counter() - started:.1f} s"
        )


def als_settings(year: BulkYear) -> None:
    adopt(
        year,
        date(2015, 1, 1),
        associations=associations(*ALS_SECTORS),
        prescriber_roles=["prescripteur", "als", "departement"],
    )


def h1(client: TestClient) -> None:
    """H1: entered in 2015, its bilan's support runs from November 2015 into
    2016: supported in 2016, neither processed nor entered then."""
    dossier = identified(client, date(2015, 3, 2))
    walk(
        client,
        dossier,
        path_days(
            first=date(2015, 3, 2),
            analysis=date(2015, 3, 9),
            solvency=date(2015, 3, 16),
            pre_selection=date(2015, 4, 1),
            ranking=date(2015, 4, 15),
            cal_decision=date(2015, 5, 5),
            offer=date(2015, 5, 6),
            offer_answer=date(2015, 5, 8),
            lease=date(2015, 6, 1),
            entry=date(2015, 6, 1),
        ),
        cal_decision={"dwelling_ref": "FDF-H1"},
    )
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


def h2_and_h3(client: TestClient) -> None:
    """Two households at the edges of a demand processed, entered, supported."""
    # H2: identified in December 2015, analysed in January: processed in
    # 2016; entered in 2016, its bilan ok: not supported.
    h2 = identified(client, date(2015, 12, 1))
    walk(
        client,
        h2,
        path_days(
            first=date(2015, 12, 1),
            analysis=date(2016, 1, 5),
            solvency=date(2016, 1, 12),
            pre_selection=date(2016, 2, 1),
            ranking=date(2016, 2, 15),
            cal_decision=date(2016, 3, 1),
            offer=date(2016, 3, 2),
            offer_answer=date(2016, 3, 4),
            lease=date(2016, 3, 14),
            entry=date(2016, 3, 14),
            installation_review=date(2016, 4, 1),
        ),
        cal_decision={"dwelling_ref": "FDF-H2"},
    )
    # H3: an accès measure asked by the Département, ended in April, before
    # the household entered in May: supported, but not after its entry.
    h3 = identified(client, date(2016, 1, 4))
    household = client.get(f"/v1/dossiers/{h3}").json()["household_id"]
    asked = client.post(
        "/v1/mesures",
        json={
            "kind": "individuelle",
            "household_id": household,
            "department": MARTINIQUE,
            "commune": "97209",
            "diagnostic_summary": "Recherche d'un logement adapté.",
            "diagnostic_signed_on": "2016-01-11",
            "household_signed": True,
            "occurred_on": "2016-01-11",
        },
        headers=actor("departement", department=MARTINIQUE),
    )
    assert asked.status_code == 201, asked.text
    access_id = asked.json()["id"]
    run_support(client, access_id, date(2016, 1, 12), date(2016, 1, 15), months=3)
    mesure_step(
        client,
        access_id,
        "end",
        date(2016, 4, 15),
        {
            "bilan": "Logement trouvé.",
            "signed_by": ["travailleur_social", "menage"],
            "relayed_to": "Collectivite territoriale de Martinique",
        },
        "association",
        ALS_SECTORS[0][1],
    )
    walk(
        client,
        h3,
        path_days(
            first=date(2016, 1, 4),
            analysis=date(2016, 2, 1),
            solvency=date(2016, 2, 10),
            pre_selection=date(2016, 3, 1),
            ranking=date(2016, 3, 15),
            cal_decision=date(2016, 4, 5),
            offer=date(2016, 4, 6),
            offer_answer=date(2016, 4, 7),
            lease=date(2016, 5, 2),
            entry=date(2016, 5, 2),
            installation_review=date(2016, 6, 1),
        ),
        cal_decision={"dwelling_ref": "FDF-H3"},
    )


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


# ---- Loire 2006 --------------------------------------------------------------------

LOIRE_2006 = Timeline(notified_on=date(2006, 3, 1), convention_on=date(2006, 3, 15))


class TestLoire2006:
    """733 conventions signed in 2006 by ten associations: 345 baux glissants
    (three associations), 388 individual measures; accès 619, maintien 57,
    diagnostic 57. Three of them over the API, the others in bulk; beside
    them, measures of 2005 and 2007 and a request never signed."""

    def test_the_loire_table_of_2006(self, settings: Settings) -> None:
        started = time.perf_counter()
        every = (*LOIRE_ASSOCIATIONS, *LOIRE_BAUX_GLISSANTS)
        where = {"department": LOIRE, "commune": "42218"}
        with in_process(settings, associations=LOIRE_ASSOCIATIONS, **where) as year:
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
        with serving(settings) as client:
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
    walk(client, dossier, path_days(first=on, analysis=on))
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
                assert role in error["message"], error
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
