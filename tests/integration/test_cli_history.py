"""`logis history` for people (issue 14): French labels, both dates of every
event (the day it happened; the moment it was recorded, in the department's
local time with its offset), the records it links to named rather than
numbered, no Python repr anywhere; `--format json` keeps every full id; the
two clocks `--as-of DAY` and `--known-at MOMENT`. Through the CLI, on the
store the API wrote. Both stores."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from api import cli
from tests.helpers.api import CAL_DECISION, drive_dossier, today
from tests.helpers.backends import EVERY_STORE

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from infra.settings import Settings

pytestmark = [EVERY_STORE, pytest.mark.usefixtures("department")]

REPR = re.compile(r"Decimal\(|UUID\(|datetime\.|date\(|\{'|<[A-Za-z_.]+: ")
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
LOCAL_MOMENT = re.compile(
    r"enregistré le \d{2}/\d{2}/\d{4} à \d{2}:\d{2}:\d{2} \(UTC−04:00\)"
)


OTHERS = ("audit", "legality")  # besides `logis history`, the other clocked reads


@pytest.fixture
def history(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> object:
    """`logis history <args>` (or `logis audit|legality <args>`): (exit
    status, stdout, stderr)."""
    monkeypatch.setenv("LOGIS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LOGIS_LOG_JSON", "false")

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            status = cli.main(list(args) if args[0] in OTHERS else ["history", *args])
        except SystemExit as exit_:  # argparse refusals
            status = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    return run


def decided_dossier(client: TestClient) -> tuple[str, str]:
    """A dossier through its CAL forty days ago, recorded now; its commission."""
    day = today() - timedelta(days=40)
    dossier_id = drive_dossier(client, to=CAL_DECISION.stage, on=day)
    events = client.get(f"/v1/dossiers/{dossier_id}/history").json()["events"]
    (commission_id,) = {
        e["data"]["commission_id"] for e in events if e["type"] == "CALDecided"
    }
    return dossier_id, commission_id


def household_ids(client: TestClient, dossier_id: str) -> set[str]:
    events = client.get(f"/v1/dossiers/{dossier_id}/history").json()["events"]
    return {e["data"]["household_id"] for e in events if "household_id" in e["data"]}


def test_the_timeline_reads_without_a_developer(client: TestClient, history) -> None:  # type: ignore[no-untyped-def]
    dossier_id, commission_id = decided_dossier(client)
    for args in ((), ("--details",)):
        status, out, err = history(dossier_id, *args)
        assert status == 0, err
        assert not REPR.search(out), REPR.search(out)
        lines = out.splitlines()
        assert lines[0].startswith(f"Dossier LLTS {dossier_id} — ")
        assert "Ménage repéré, dossier LLTS ouvert" in out
        assert "Décision de la commission d'attribution" in out
        day = (today() - timedelta(days=40)).strftime("%d/%m/%Y")
        events = [line for line in lines if line.strip().startswith("survenu le")]
        assert events, out
        for line in events:  # both dates on every event, the local time zone
            assert line.strip().startswith(f"survenu le {day} — ")
            assert LOCAL_MOMENT.search(line), line
        # The commission is named, not numbered; only the record's own id shows.
        assert commission_id not in out
        assert "CAL du " in out
        # A household has no name of its own: its full id, in the details only.
        allowed = {dossier_id, *(household_ids(client, dossier_id) if args else ())}
        assert set(UUID_TEXT.findall(out)) <= allowed, UUID_TEXT.findall(out)

    status, out, err = history(dossier_id, "--format", "json")
    assert status == 0, err
    events = json.loads(out)
    assert any(e["data"].get("commission_id") == commission_id for e in events)
    assert all(e["occurred_on"] and e["recorded_at"] for e in events)


def test_the_two_clocks_on_the_command_line(client: TestClient, history) -> None:  # type: ignore[no-untyped-def]
    before = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    dossier_id, _ = decided_dossier(client)
    day = today() - timedelta(days=40)

    status, out, err = history(dossier_id, "--as-of", day.isoformat())
    assert status == 0, err
    assert f"survenu au {day:%d/%m/%Y}" in out.splitlines()[0]
    assert "Décision de la commission d'attribution" in out

    status, _, err = history(dossier_id, "--as-of", str(day - timedelta(days=1)))
    assert status == 1
    assert "dossier_not_found_at_date" in err
    assert "as_of" in err

    status, _, err = history(dossier_id, "--as-of", str(day), "--known-at", before)
    assert status == 1
    assert "dossier_not_known_at" in err
    assert "known_at" in err

    status, out, err = history(dossier_id, "--as-of", before)  # the former meaning
    assert status == 1
    assert "dossier_not_known_at" in err


@pytest.mark.parametrize(
    "args",
    [
        ("--as-of", "hier"),
        ("--as-of", "2026-02-30"),
        ("--known-at", "demain"),
    ],
)
def test_bad_clocks_are_refused_in_french(
    client: TestClient,
    history,  # type: ignore[no-untyped-def]
    args: tuple[str, str],
) -> None:
    dossier_id = drive_dossier(client, to="complet")
    status, out, err = history(dossier_id, *args)
    assert status == 2
    assert "erreur" in err
    assert out == ""


def test_a_moment_to_come_is_refused(client: TestClient, history) -> None:  # type: ignore[no-untyped-def]
    dossier_id = drive_dossier(client, to="complet")
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    status, _, err = history(dossier_id, "--known-at", later)
    assert status == 1
    assert "known_at_in_future" in err
    status, _, err = history(dossier_id, "--as-of", str(today() + timedelta(2)))
    assert status == 0, err  # a day to come: what is recorded, judged then


def test_the_audit_trail_and_legality_read_both_clocks(
    client: TestClient,
    history,  # type: ignore[no-untyped-def]
) -> None:
    before = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    dossier_id, _ = decided_dossier(client)
    day = today() - timedelta(days=40)

    status, out, err = history("audit", dossier_id, "--as-of", day.isoformat())
    assert status == 0, err
    assert f"survenu au {day:%d/%m/%Y}" in out
    assert "(UTC−04:00)" in out  # recorded: Martinique's local time
    status, _, err = history("audit", dossier_id, "--as-of", str(day - timedelta(1)))
    assert status == 1
    assert "dossier_not_found_at_date" in err
    status, _, err = history("audit", dossier_id, "--known-at", before)
    assert status == 1
    assert "dossier_not_known_at" in err

    status, out, err = history("legality", "--dossier", dossier_id, "--as-of", str(day))
    assert status == 0, err
    assert f"au {day:%d/%m/%Y} : 0 manquement(s)" in out
    status, _, err = history(
        "legality", "--dossier", dossier_id, "--as-of", str(day), "--known-at", before
    )
    assert status == 2
    assert "dossier_not_known_at" in err
