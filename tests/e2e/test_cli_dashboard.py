"""`logis dashboard`, the real executable, on a store written through the API
with no projector running: the command catches the views up itself, then prints
each association's workload on the day asked and each référent's caseload, in
French, or as JSON. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pytest

from tests.e2e.support import (
    WrittenStore,
    api_without_projector,
    parse_refusal,
    store_fixture,
)
from tests.helpers.api import (
    adopt_settings,
    settings_body,
    today,
)
from tests.helpers.mesure_courses import WORKER, HttpCourse, associations_body

if TYPE_CHECKING:
    from pathlib import Path


YEAR = today().year - 1
ASKED = date(YEAR, 6, 30)
PAUL = "Paul Rose"


@dataclass(frozen=True)
class Store(WrittenStore):
    ids: dict[str, str]


def write_measures(database_url: str, workdir: Path) -> Store:
    """Through the API, no projector: on 30 June of last year AGASEF runs four
    measures (one ending that day, one overdue, one waiting for its convention)
    and ADSEA 42 one suivi renforcé."""
    start = date(YEAR, 1, 6)
    with api_without_projector(database_url) as client:
        body = settings_body(associations=associations_body())
        assert adopt_settings(client, body=body).status_code == 201
        courses = {
            "A": HttpCourse(client, start)
            .up_to_convention(date(YEAR, 3, 1))
            .meet(date(YEAR, 6, 2))
            .meet(date(YEAR, 6, 16)),
            "B": HttpCourse(client, start).up_to_convention(
                date(YEAR, 1, 31), months=5
            ),
            "C": HttpCourse(client, start).up_to_convention(
                date(YEAR, 3, 29), months=3
            ),
            "J": HttpCourse(client, start).instruct(start).notify(start),
            "M": HttpCourse(client, start)
            .up_to_convention(
                date(YEAR, 3, 1), association="adsea42", renforce=True, worker=PAUL
            )
            .meet(date(YEAR, 6, 8))
            .meet(date(YEAR, 6, 22)),
        }
    return Store(database_url, workdir, {k: str(c.id) for k, c in courses.items()})


store = store_fixture("logis-cli-dashboard", write_measures)


class TestDashboard:
    def test_prints_the_workload_in_french(self, store: Store) -> None:
        result = store.logis("dashboard", "--as-of", ASKED.isoformat())
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == (
            f"Charge des associations ASLL — 2 association(s), au 30/06/{YEAR}"
        )
        for header in (
            "actifs/capacité",
            "renforcés/capacité",
            "à renouveler ≤30 j",
            "bilans en retard",
            "moins de 2 rencontres",
        ):
            assert header in lines[1]
        # dépt, name, actifs/capacité, renforcés/capacité, à renouveler,
        # en retard, moins de 2 rencontres
        assert lines[3].split() == ["972", "ADSEA", "42", "1/28", "1/4", "0", "0", "0"]
        # A, B, C, J: B ends on the day, C overdue; B and C without meetings
        assert lines[4].split() == ["972", "AGASEF", "4/30", "0/0", "1", "1", "2"]
        assert lines[6] == "Référents — 2 référent(s)"
        assert lines[9].split() == ["972", "ADSEA", "42", "Paul", "Rose", "1", "1"]
        assert lines[10].split() == ["972", "AGASEF", *WORKER.split(), "3", "0"]

    def test_as_json_the_api_answer(self, store: Store) -> None:
        result = store.logis(
            "dashboard",
            "--department",
            "972",
            "--association",
            "agasef",
            "--as-of",
            ASKED.isoformat(),
            "--format",
            "json",
        )
        assert result.returncode == 0, result.stderr
        page = json.loads(result.stdout)
        assert page["as_of"] == ASKED.isoformat()
        [agasef] = page["associations"]
        assert (agasef["active"], agasef["capacity"]) == (4, 30)
        assert agasef["awaiting_convention"] == 1
        assert agasef["ending_soon"] == [store.ids["B"]]
        assert agasef["overdue_bilans"] == [store.ids["C"]]
        assert agasef["few_meetings"] == sorted([store.ids["B"], store.ids["C"]])
        assert page["workers"] == [
            {
                "department": "972",
                "association": "agasef",
                "worker": WORKER,
                "active": 3,
                "renforces": 0,
            }
        ]
        assert page["position"] > 0

    def test_today_by_default(self, store: Store) -> None:
        result = store.logis("dashboard", "--format", "json")
        assert result.returncode == 0, result.stderr
        page = json.loads(result.stdout)
        assert page["as_of"] is None
        assert {a["as_of"] for a in page["associations"]} == {today().isoformat()}
        table = store.logis("dashboard")
        assert table.returncode == 0, table.stderr
        assert f"au {today():%d/%m/%Y}" in table.stdout.splitlines()[0]

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("--as-of", "2025-13-01"), "date AAAA-MM-JJ attendue"),
            (("--as-of", "1999-12-31"), "date hors bornes"),
            (("--department", "99"), "code de département invalide"),
            (("--association", "Bad!"), "code d'association invalide"),
        ],
    )
    def test_refuses_bad_arguments_in_french(
        self, tmp_path: Path, args: tuple[str, ...], message: str
    ) -> None:
        result = parse_refusal("dashboard", *args, cwd=tmp_path)
        assert result.returncode == 2
        assert "erreur" in result.stderr
        assert message in result.stderr

    def test_an_unknown_association_fails_in_french(self, store: Store) -> None:
        result = store.logis(
            "dashboard", "--department", "972", "--association", "inconnue"
        )
        assert result.returncode == 1
        assert "Association inconnue inconnue du département 972." in result.stderr
