"""`logis access-log`, the real executable, on a store whose dossiers were read
through the API: the reads it lists, filtered, as a French table or the API's
JSON. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from domain.clocks import zone
from tests.e2e.support import (
    WrittenStore,
    api_without_projector,
    parse_refusal,
    store_fixture,
)
from tests.helpers.api import (
    DEPARTMENT,
    actor,
    adopt_settings,
    identification,
    identify,
)

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Store(WrittenStore):
    read_twice: str  # read by id, then its history, by the controller
    read_once: str  # read by id by the inspector


def write_reads(database_url: str, workdir: Path) -> Store:
    controller = actor("auditeur", subject="controleur.martin")
    inspector = actor("auditeur", subject="inspectrice.durand", organisation="IGAS")
    with api_without_projector(database_url, controller) as client:
        assert adopt_settings(client).status_code == 201
        ids = []
        for name in ("Marie-Josée Lordinot", "Jean Valère"):
            answer = identify(client, identification(applicant_name=name))
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
        first, second = ids
        assert client.get(f"/v1/dossiers/{first}").status_code == 200
        assert client.get(f"/v1/dossiers/{first}/history").status_code == 200
        answer = client.get(f"/v1/dossiers/{second}", headers=inspector)
        assert answer.status_code == 200
    return Store(database_url, workdir, first, second)


store = store_fixture("logis-cli-access-log", write_reads)


def test_table_lists_the_reads_newest_first(store: Store) -> None:
    result = store.logis("access-log")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Journal des accès — lectures 1 à 3 sur 3")
    for column in ("lu le (heure locale)", "agent", "rôle", "enregistrement"):
        assert column in lines[1]
    rows = lines[3:]
    assert len(rows) == 3
    assert "inspectrice.durand" in rows[0]
    assert f"Dossier LLTS {store.read_once}" in rows[0]
    assert "GET /v1/dossiers/{dossier_id}/history" in rows[1]
    # categories and roles as people say them, not as codes
    assert "identité, ressources, enquête sociale, décisions" in rows[2]
    assert "Id, Res" not in result.stdout
    assert "Auditeur" in rows[1]
    assert "auditeur" not in result.stdout
    # dd/mm/yyyy HH:MM in the dossier's department's zone, not UTC
    newest = json.loads(store.logis("access-log", "--format", "json").stdout)
    read_at = datetime.fromisoformat(newest["data"][0]["at"])
    local = read_at.astimezone(zone(DEPARTMENT))
    assert local.utcoffset() != timedelta(0)
    assert rows[0].startswith(f"{local:%d/%m/%Y %H:%M}  ")


def test_json_is_the_apis_page_filtered(store: Store) -> None:
    result = store.logis("access-log", "--record", store.read_twice, "--format", "json")
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)
    assert page["count"] == 2
    assert [e["endpoint"] for e in page["data"]] == [
        "GET /v1/dossiers/{dossier_id}/history",
        "GET /v1/dossiers/{dossier_id}",
    ]
    assert {e["subject"] for e in page["data"]} == {"controleur.martin"}
    assert {e["record_id"] for e in page["data"]} == {store.read_twice}


def test_filters_by_subject_period_and_limit(store: Store) -> None:
    today = datetime.now(UTC).date()
    by_subject = store.logis(
        "access-log", "--subject", "inspectrice.durand", "--format", "json"
    )
    assert json.loads(by_subject.stdout)["count"] == 1
    period = store.logis(
        "access-log", "--from", today.isoformat(), "--to", today.isoformat(),
        "--limit", "1", "--format", "json",
    )  # fmt: skip
    assert period.returncode == 0, period.stderr
    page = json.loads(period.stdout)
    assert (page["count"], len(page["data"])) == (3, 1)
    yesterday = (today - timedelta(days=1)).isoformat()
    before = store.logis("access-log", "--to", yesterday)
    assert before.returncode == 0, before.stderr
    assert "aucune lecture" in before.stdout


def test_bad_arguments_are_refused_in_french(tmp_path: Path) -> None:
    result = parse_refusal("access-log", "--record", "pas-un-uuid", cwd=tmp_path)
    assert result.returncode == 2
    assert "identifiant invalide" in result.stderr
    result = parse_refusal("access-log", "--from", "hier", cwd=tmp_path)
    assert result.returncode == 2
    assert "date AAAA-MM-JJ" in result.stderr
