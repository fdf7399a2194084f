"""The ASLL dashboards over the API, on each store: measures driven step by step
over HTTP, then the measure list, the associations' workload on a day and a
department's figures for a year, each equal to a count made by hand from the
steps taken, and to what the measures themselves say (GET /v1/mesures/{id})."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from domain import mesure_steps as m
from tests.helpers.api import (
    adopt_settings,
    assert_error,
    read_json,
    settings_body,
    today,
)
from tests.helpers.mesure_courses import (
    DEPARTMENT,
    WORKER,
    HttpCourse,
    associations_body,
)

if TYPE_CHECKING:
    from starlette.testclient import TestClient

YEAR = today().year - 1  # every step in the past; settings in force since YEAR - 1
ASKED = date(YEAR, 6, 30)
REQUESTED = date(YEAR, 1, 6)
PAUL = "Paul Rose"


def on(month: int, day: int, year: int = YEAR) -> date:
    return date(year, month, day)


@pytest.fixture
def department(client: TestClient) -> str:
    body = settings_body(
        associations=associations_body(), prescriber_roles=["prescripteur"]
    )
    for code in (DEPARTMENT, "971"):
        answer = adopt_settings(client, code, body)
        assert answer.status_code == 201, answer.text
    return DEPARTMENT


@pytest.fixture
def team(client: TestClient, department: str) -> dict[str, HttpCourse]:
    """Twelve measures; the comments say what each is on 30 June of last year."""

    def course(requested_on: date = REQUESTED, **kwargs: Any) -> HttpCourse:
        return HttpCourse(client, requested_on, **kwargs)

    return {
        # AGASEF: en cours until 1 Sept, two meetings in June
        "A": course().up_to_convention(on(3, 1)).meet(on(6, 1)).meet(on(6, 15)),
        # ends on 30 June itself; one meeting in June, one missed
        "B": course()
        .up_to_convention(on(1, 31), months=5)
        .meet(on(5, 31))
        .meet(on(6, 10))
        .meet(on(6, 12), held=False),
        # its last day was 29 June, no bilan: overdue; no meeting
        "C": course().up_to_convention(on(3, 29), months=3),
        # renewal asked on 20 June, not decided
        "F": course()
        .up_to_convention(on(3, 15))
        .meet(on(6, 5))
        .ask_renewal(on(6, 20))
        .meet(on(6, 25)),
        # notified, no convention yet
        "J": course().instruct(REQUESTED).notify(REQUESTED),
        # ended on 15 June
        "K": course().up_to_convention(on(2, 1)).end(on(6, 15)),
        # ADSEA 42: a suivi renforcé, a bail glissant ended on 1 October
        "M": course()
        .up_to_convention(
            on(3, 1),
            association="adsea42",
            renforce=True,
            worker=PAUL,
            orientation="diagnostic",
        )
        .meet(on(6, 8))
        .meet(on(6, 22)),
        "S": course(kind="bail_glissant")
        .up_to_convention(
            on(2, 1), association="adsea42", worker=PAUL, orientation="maintien"
        )
        .head_lease(on(2, 5))
        .sublease(on(2, 10))
        .slide(on(9, 1))
        .end(on(10, 1)),
        # the year before: broken off on 1 February
        "T": course(on(11, 2, YEAR - 1))
        .up_to_convention(
            on(12, 1, YEAR - 1),
            association="adsea42",
            worker=PAUL,
            orientation="diagnostic",
        )
        .break_off(on(2, 1)),
        # never held a place: refused, reoriented
        "Q": course().instruct(REQUESTED, granted=False),
        "R": course()
        .instruct(REQUESTED)
        .notify(REQUESTED)
        .diagnose(on(1, 7), reorient=True),
        # another department
        "Z": course(department="971", commune="97101").up_to_convention(on(3, 1)),
    }


def last_position(team: dict[str, HttpCourse]) -> int:
    return max(c.position for c in team.values())


def ids(team: dict[str, HttpCourse], names: str) -> list[str]:
    return sorted(str(team[n].id) for n in names)


def workload(client: TestClient, **query: Any) -> dict[str, Any]:
    return read_json(client, "/v1/dashboards/workload", **query)


def caught_up(
    client: TestClient, team: dict[str, HttpCourse], path: str, **query: Any
) -> dict[str, Any]:
    """GET `path` once the views hold every write of `team` (`min_position`)."""
    return read_json(client, path, min_position=last_position(team), **query)


class TestWorkload:
    def test_a_day_last_year_equals_a_count_by_hand(
        self, client: TestClient, team: dict[str, HttpCourse]
    ) -> None:
        page = caught_up(
            client,
            team,
            "/v1/dashboards/workload",
            department=DEPARTMENT,
            as_of=ASKED.isoformat(),
        )
        assert page["as_of"] == ASKED.isoformat()
        assert page["position"] >= last_position(team)
        by_code = {a["association"]: a for a in page["associations"]}
        assert list(by_code) == ["adsea42", "agasef"]
        agasef, adsea = by_code["agasef"], by_code["adsea42"]
        expected_agasef = {
            "department": DEPARTMENT,
            "association": "agasef",
            "name": "AGASEF",
            "as_of": ASKED.isoformat(),
            "capacity": 30,
            "active": 5,  # A, B, C, F, J
            "renforce_capacity": 0,
            "renforces": 0,
            "awaiting_convention": 1,  # J
            "ending_soon": ids(team, "BF"),
            "overdue_bilans": ids(team, "C"),
            "few_meetings": ids(team, "BC"),
            "meetings_per_month": 2,
        }
        assert agasef == expected_agasef
        assert (adsea["active"], adsea["capacity"]) == (2, 28)  # M, S
        assert (adsea["renforces"], adsea["renforce_capacity"]) == (1, 4)  # M
        assert adsea["ending_soon"] == adsea["overdue_bilans"] == []
        assert adsea["few_meetings"] == ids(team, "S")
        workers = [
            (w["association"], w["worker"], w["active"], w["renforces"])
            for w in page["workers"]
        ]
        assert workers == [("adsea42", PAUL, 2, 1), ("agasef", WORKER, 4, 0)]
        one = workload(
            client,
            department=DEPARTMENT,
            association="adsea42",
            as_of=ASKED.isoformat(),
        )
        assert one["associations"] == [adsea]
        assert [w["worker"] for w in one["workers"]] == [PAUL]

    def test_today_equals_what_the_measures_say(
        self, client: TestClient, team: dict[str, HttpCourse]
    ) -> None:
        page = caught_up(client, team, "/v1/dashboards/workload")
        day = today()
        assert page["as_of"] is None
        measures = [client.get(f"/v1/mesures/{c.id}").json() for c in team.values()]
        expected: dict[tuple[str, str], dict[str, Any]] = {}
        for a in ("agasef", "adsea42"):
            for department in (DEPARTMENT, "971"):
                expected[(department, a)] = {
                    "active": 0,
                    "renforces": 0,
                    "ending_soon": [],
                    "overdue_bilans": [],
                    "few_meetings": [],
                }
        window = day - timedelta(days=29)
        for mesure in measures:
            if mesure["stage"] not in m.HOLDS_A_PLACE:
                continue
            row = expected[(mesure["department"], mesure["association"])]
            row["active"] += 1
            row["renforces"] += mesure["renforce"]
            if mesure["stage"] not in m.UNDER_CONVENTION:
                continue
            ends_on = date.fromisoformat(mesure["ends_on"])
            if mesure["stage"] == m.RENEWAL_ASKED or (
                day <= ends_on <= day + timedelta(days=30)
            ):
                row["ending_soon"].append(mesure["id"])
            if ends_on < day:
                row["overdue_bilans"].append(mesure["id"])
            held = [
                meeting
                for meeting in mesure["meetings"]
                if meeting["held"] and date.fromisoformat(meeting["on"]) >= window
            ]
            starts_on = date.fromisoformat(mesure["convention"]["starts_on"])
            if starts_on <= window and len(held) < 2:
                row["few_meetings"].append(mesure["id"])
        actual = {
            (a["department"], a["association"]): {
                key: sorted(a[key]) if isinstance(a[key], list) else a[key]
                for key in expected[(a["department"], a["association"])]
            }
            for a in page["associations"]
        }
        assert actual == {
            key: {k: sorted(v) if isinstance(v, list) else v for k, v in row.items()}
            for key, row in expected.items()
        }
        assert {a["as_of"] for a in page["associations"]} == {day.isoformat()}


class TestStatistics:
    def test_last_year_equals_a_count_by_hand(
        self, client: TestClient, team: dict[str, HttpCourse]
    ) -> None:
        stats = caught_up(
            client, team, "/v1/statistics", department=DEPARTMENT, year=YEAR
        )
        assert (stats["department"], stats["year"]) == (DEPARTMENT, YEAR)
        assert stats["requested"] == 10  # all but T and Z
        assert (stats["instructed"], stats["granted"], stats["refused"]) == (10, 9, 1)
        assert stats["demands_processed"] == 10
        assert stats["notified"] == 9  # all but Q
        assert stats["conventions"] == 7  # A, B, C, F, K, M, S
        assert stats["by_orientation"] == [
            {"orientation": "acces", "count": 5, "share_percent": 71.4},
            {"orientation": "maintien", "count": 1, "share_percent": 14.3},
            {"orientation": "diagnostic", "count": 1, "share_percent": 14.3},
        ]
        assert stats["by_kind"] == [
            {"kind": "individuelle", "count": 6, "share_percent": 85.7},
            {"kind": "bail_glissant", "count": 1, "share_percent": 14.3},
            {"kind": "action_specifique", "count": 0, "share_percent": 0.0},
        ]
        assert stats["baux_glissants_share_percent"] == 14.3
        assert (stats["reoriented"], stats["ended"], stats["broken_off"]) == (1, 2, 1)
        assert (stats["baux_glissants_started"], stats["baux_glissants_slid"]) == (
            1,
            1,
        )
        assert stats["households_supported"] == 8  # A, B, C, F, K, M, S, T
        assert stats["mandats_de_gestion"] is None
        assert stats["notes"]
        assert stats["position"] >= last_position(team)

        before = client.get(
            "/v1/statistics", params={"department": DEPARTMENT, "year": YEAR - 1}
        ).json()
        assert (before["requested"], before["conventions"]) == (1, 1)
        assert before["by_orientation"][2] == {
            "orientation": "diagnostic",
            "count": 1,
            "share_percent": 100.0,
        }
        assert before["households_supported"] == 1
        other = client.get(
            "/v1/statistics", params={"department": "971", "year": YEAR}
        ).json()
        assert (other["requested"], other["conventions"]) == (1, 1)
        this_year = client.get(
            "/v1/statistics", params={"department": DEPARTMENT}
        ).json()
        assert this_year["year"] == today().year


class TestList:
    def test_rows_are_the_measures_and_filters_select_them(
        self, client: TestClient, team: dict[str, HttpCourse]
    ) -> None:
        page = caught_up(client, team, "/v1/mesures", department=DEPARTMENT)
        assert page["count"] == len(team) - 1  # Z is in 971
        for row in page["data"]:
            mesure = client.get(f"/v1/mesures/{row['id']}").json()
            convention = mesure["convention"] or {}
            assert (
                row["stage"],
                row["version"],
                row["association"],
                row["renforce"],
                row["household_id"],
                row["ends_on"],
                row["worker"],
                row["orientation"],
                row["renewals"],
                row["meetings_held"] + row["meetings_missed"],
            ) == (
                mesure["stage"],
                mesure["version"],
                mesure["association"],
                mesure["renforce"],
                mesure["household_id"],
                mesure["ends_on"],
                convention.get("worker"),
                convention.get("orientation"),
                mesure["renewals"],
                len(mesure["meetings"]),
            )
        slid = next(r for r in page["data"] if r["id"] == str(team["S"].id))
        assert (slid["bail_status"], slid["slid_on"]) == (
            m.SLID,
            on(9, 1).isoformat(),
        )

        def listed(**query: Any) -> list[str]:
            return sorted(
                r["id"] for r in read_json(client, "/v1/mesures", **query)["data"]
            )

        assert listed(association="agasef") == ids(team, "ABCFJKRZ")
        assert listed(association="agasef", department="971") == ids(team, "Z")
        assert listed(stage=m.RUNNING, department=DEPARTMENT) == ids(team, "ABCM")
        assert listed(stage=m.RUNNING) == ids(team, "ABCMZ")
        assert listed(kind="bail_glissant") == ids(team, "S")
        assert listed(worker=PAUL) == ids(team, "MST")
        assert listed(commune="97101") == ids(team, "Z")
        first = client.get("/v1/mesures", params={"limit": 2, "offset": 1}).json()
        assert first["count"] == len(team)
        assert len(first["data"]) == 2
        stages = Counter(r["stage"] for r in page["data"])
        assert stages[m.ENDED] == 2  # K, S


class TestBadInput:
    @pytest.mark.parametrize(
        ("path", "query", "code"),
        [
            ("/v1/dashboards/workload", {"department": "99"}, "invalid_input"),
            ("/v1/dashboards/workload", {"as_of": "2025-13-01"}, "invalid_input"),
            ("/v1/dashboards/workload", {"as_of": "1999-12-31"}, "invalid_input"),
            ("/v1/dashboards/workload", {"association": "Bad!"}, "invalid_input"),
            (
                "/v1/dashboards/workload",
                {"department": DEPARTMENT, "association": "inconnue"},
                "unknown_association",
            ),
            ("/v1/dashboards/workload", {"min_position": "-1"}, "invalid_input"),
            ("/v1/statistics", {}, "invalid_input"),
            ("/v1/statistics", {"department": "972", "year": "1999"}, "invalid_input"),
            ("/v1/statistics", {"department": "972", "year": "an"}, "invalid_input"),
            ("/v1/statistics", {"department": "9720"}, "invalid_input"),
            ("/v1/statistics", {"department": "972", "format": "xls"}, "invalid_input"),
            ("/v1/mesures", {"stage": "inconnu"}, "invalid_input"),
            ("/v1/mesures", {"kind": "collective"}, "invalid_input"),
            ("/v1/mesures", {"limit": "0"}, "invalid_input"),
            ("/v1/mesures", {"department": "99"}, "invalid_input"),
            ("/v1/mesures", {"worker": ""}, "invalid_input"),
        ],
    )
    def test_is_refused_with_a_french_message(
        self,
        client: TestClient,
        department: str,
        path: str,
        query: dict[str, str],
        code: str,
    ) -> None:
        error = assert_error(client.get(path, params=query), 422, code)
        assert any(
            word in error["message"] for word in ("invalide", "inconnu", "hors bornes")
        ), error

    def test_statistics_of_an_unknown_department_or_a_year_to_come(
        self, client: TestClient, department: str
    ) -> None:
        unknown = client.get("/v1/statistics", params={"department": "974"})
        assert "974" in assert_error(unknown, 404, "department_not_found")["message"]
        later = {"department": DEPARTMENT, "year": today().year + 1}
        error = assert_error(
            client.get("/v1/statistics", params=later), 422, "year_in_future"
        )
        assert "à venir" in error["message"]

    def test_one_association_and_a_department_without_settings(
        self, client: TestClient, department: str
    ) -> None:
        course = HttpCourse(client, REQUESTED).up_to_convention(
            on(3, 1), association="adsea42"
        )
        page = workload(
            client,
            department=DEPARTMENT,
            association="adsea42",
            min_position=course.position,
        )
        assert [a["active"] for a in page["associations"]] == [1]
        empty = workload(client, department="974")
        assert empty == {
            "as_of": None,
            "associations": [],
            "workers": [],
            "position": empty["position"],
        }
