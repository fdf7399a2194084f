"""Issue 14: an operator imports past years into a configured department
(`logis import FILE`): a settings version that took effect two years ago and a
measure course of last year, recorded through the ordinary commands, then
judged by the legality engine with last year's settings; imported steps are
reported as imported, for information. A refused line stops the import there,
and a re-run writes nothing twice."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers.api import (
    ORGANISATIONS,
    adopt_settings,
    read_json,
    store_position,
    today,
)
from tests.helpers.mesures_http import CLU, asll_settings, convention

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from starlette.testclient import TestClient


LAST_YEAR = today().year - 1
PERIOD = (date(LAST_YEAR - 1, 1, 1), date(LAST_YEAR, 12, 31))
SOURCE = f"Registre des mesures ASLL {LAST_YEAR} (classeur de l'AGASEF)"


def on(month: int, day: int) -> str:
    return date(LAST_YEAR, month, day).isoformat()


def actor(role: str, organisation: str | None = None) -> dict[str, str]:
    return {
        "role": role,
        "organisation": organisation or ORGANISATIONS[role],
        "subject": f"agent.{role}",
    }


def header(**overrides: Any) -> dict[str, Any]:
    return {
        "import": {
            "department": "972",
            "key": f"asll-{LAST_YEAR}",
            "source": SOURCE,
            "from": PERIOD[0].isoformat(),
            "to": PERIOD[1].isoformat(),
            **overrides,
        }
    }


def past_settings() -> dict[str, Any]:
    """Two years ago the department expected four meetings a month."""
    body = asll_settings(
        effective_from=PERIOD[0], meetings_per_month=4, late_entry_days=30
    )
    return {"command": "AdoptSettings", "body": body}


def course() -> list[dict[str, Any]]:
    """A measure asked, granted, notified and under convention from 1 April
    last year, with three meetings in April."""
    association = actor("association", "AGASEF")
    return [
        {
            "command": "RequestMesure",
            "ref": "m1",
            "actor": actor("prescripteur"),
            "body": {
                "occurred_on": on(3, 1),
                "kind": "individuelle",
                "department": "972",
                "commune": "97209",
                "diagnostic_summary": "Dettes de loyer ; budget à reprendre.",
                "diagnostic_signed_on": on(3, 1),
                "household_signed": True,
            },
        },
        {
            "command": "Instruct",
            "target": "m1",
            "actor": actor("commission_logement", CLU),
            "body": {"occurred_on": on(3, 8), "granted": True},
        },
        {
            "command": "Notify",
            "target": "m1",
            "actor": actor("commission_logement", CLU),
            "body": {"occurred_on": on(3, 15), "association": "agasef"},
        },
        {
            "command": "Diagnose",
            "target": "m1",
            "actor": association,
            "body": {
                "occurred_on": on(3, 20),
                "outcome": "confirme",
                "summary": "Projet confirmé.",
            },
        },
        {
            "command": "SignConvention",
            "target": "m1",
            "actor": association,
            "body": {"occurred_on": on(4, 1), **convention(starts_on=on(4, 1))},
        },
        *(
            {
                "command": "HoldMeeting",
                "target": "m1",
                "actor": association,
                "body": {"occurred_on": on(4, day), "kind": "entretien"},
            }
            for day in (5, 12, 19)
        ),
    ]


def write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def run_import(
    logis_streams: Callable[..., tuple[int, str, str]],
) -> Callable[..., tuple[int, str, str]]:
    """`logis import FILE` in this process: (exit status, stdout, stderr)."""

    def run(path: Path, by: str = "operateur.import") -> tuple[int, str, str]:
        return logis_streams("import", str(path), "--by", by)

    return run


@pytest.fixture
def configured(client: TestClient) -> None:
    """Today's settings, in force for a month: two meetings a month."""
    body = asll_settings(
        effective_from=today() - timedelta(days=30), late_entry_days=30
    )
    answer = adopt_settings(client, body=body)
    assert answer.status_code == 201, answer.text


def mesure_ids(client: TestClient) -> list[str]:
    position = store_position(client)
    answer = client.get("/v1/mesures", params={"min_position": position})
    assert answer.status_code == 200, answer.text
    return [row["id"] for row in answer.json()["data"]]


def legality(client: TestClient, mesure_id: str) -> dict[str, Any]:
    return read_json(client, f"/v1/legality/mesures/{mesure_id}")


@pytest.mark.usefixtures("configured")
def test_a_past_year_is_judged_by_its_own_settings(
    client: TestClient, run_import: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    path = write(tmp_path / "asll.jsonl", [header(), past_settings(), *course()])

    status, out, err = run_import(path)

    assert status == 0, err
    assert "9 ligne(s) écrite(s)" in out
    versions = client.get("/v1/departments/972/settings").json()["versions"]
    assert [(v["version_number"], v["effective_from"]) for v in versions] == [
        (2, PERIOD[0].isoformat()),
        (1, (today() - timedelta(days=30)).isoformat()),
    ]
    [mesure_id] = mesure_ids(client)
    findings = legality(client, mesure_id)["findings"]
    april = next(f for f in findings if f["rule"] == "ASLL-RYTHME")
    assert april["settings_version"] == 2  # last year's: four meetings a month
    assert "3 rencontre(s)" in april["message"]
    assert "pour 4 attendues" in april["message"]
    [imported] = [f for f in findings if f["rule"] == "SAISIE-TARDIVE"]
    assert imported["severity"] == "information"
    assert imported["versions"] == list(range(1, 9))
    assert SOURCE in imported["message"]
    assert "operateur.import" in imported["message"]
    assert f"{date(LAST_YEAR, 3, 1):%d/%m/%Y}" in imported["message"]


@pytest.mark.usefixtures("configured")
def test_a_re_run_writes_nothing_twice(
    client: TestClient, run_import: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    path = write(tmp_path / "asll.jsonl", [header(), past_settings(), *course()])
    assert run_import(path)[0] == 0
    position = store_position(client)

    status, out, _ = run_import(path, by="autre.operateur")  # whoever runs it

    assert status == 0
    assert "0 ligne(s) écrite(s), 9 déjà écrite(s)" in out
    assert store_position(client) == position
    assert len(mesure_ids(client)) == 1


@pytest.mark.usefixtures("configured")
def test_a_refused_line_stops_the_import_with_its_number(
    client: TestClient, run_import: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    steps = course()
    steps[2]["body"]["association"] = "inconnue"  # line 5: no such association
    path = write(tmp_path / "asll.jsonl", [header(), past_settings(), *steps])

    status, _, err = run_import(path)

    assert status == 1
    assert "Ligne 5 refusée" in err
    assert "Import arrêté" in err
    [mesure_id] = mesure_ids(client)
    history = client.get(f"/v1/mesures/{mesure_id}/history").json()["events"]
    assert len(history) == 2  # lines 3 and 4; nothing from line 5 on

    steps[2]["body"]["association"] = "agasef"  # corrected, then run again
    status, out, err = run_import(
        write(tmp_path / "asll.jsonl", [header(), past_settings(), *steps])
    )
    assert status == 0, err
    assert "6 ligne(s) écrite(s), 3 déjà écrite(s)" in out
    assert mesure_ids(client) == [mesure_id]


@pytest.mark.usefixtures("configured")
def test_a_step_outside_the_declared_period_is_refused_before_anything_is_written(
    client: TestClient, run_import: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    steps = course()
    steps[-1]["body"]["occurred_on"] = today().isoformat()  # line 10
    position = store_position(client)

    status, _, err = run_import(
        write(tmp_path / "asll.jsonl", [header(), past_settings(), *steps])
    )

    assert status == 1
    assert "Ligne 10 refusée (outside_import_period)" in err
    assert store_position(client) == position


def test_a_malformed_line_is_named(
    run_import: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(header()) + "\n{pas du json\n", encoding="utf-8")

    status, _, err = run_import(path)

    assert status == 1
    assert "Ligne 2 refusée (malformed_json)" in err


@pytest.mark.usefixtures("configured")
def test_a_line_changed_after_it_was_written_is_refused(
    client: TestClient, run_import: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    lines = [header(), past_settings(), *course()]
    assert run_import(write(tmp_path / "asll.jsonl", lines))[0] == 0
    position = store_position(client)
    lines[3]["body"]["granted"] = False  # line 4, the instruction, rewritten

    status, _, err = run_import(write(tmp_path / "asll.jsonl", lines))

    assert status == 1
    assert "Ligne 4 refusée (idempotency_key_reused)" in err
    assert "ne se réécrit pas" in err
    assert store_position(client) == position
