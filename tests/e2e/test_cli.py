"""The `logis` command line against the store `logis serve` runs on: the French
timeline of a dossier, its JSON form, refusals, and a demo that loads only once:
Martinique's LLTS procedure, the ASLL measure its bilan asked for, and the
Loire's measures across its associations."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from typing import TYPE_CHECKING

from domain.dossier_steps import STAGE_LABELS
from infra.departments import load_department_settings
from tests.e2e.support import (
    DEMO_MESURE_STAGES,
    DEMO_STAGES,
    bilan_mesure_id,
    demo_dossiers,
    demo_mesures,
)

if TYPE_CHECKING:
    import httpx

    from tests.e2e.support import Server

FRENCH_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# In the demo's report: "  <id>  <dd/mm/yyyy>  <session>" and "GET /v1/programmes/<id>".
COMMISSION_LINE = re.compile(rf"^  ({UUID_PATTERN})  \d{{2}}/\d{{2}}/\d{{4}}  ", re.M)
PROGRAMME_LINE = re.compile(rf"GET /v1/programmes/({UUID_PATTERN})")


def closed_dossier_id(client: httpx.Client) -> str:
    (closed,) = [d for d in demo_dossiers(client) if d["stage"] == "clos"]
    return str(closed["id"])


def count_events(server: Server) -> int:
    with sqlite3.connect(server.database_path) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM stored_events").fetchone()
    return int(count)


class TestHistory:
    def test_history_prints_the_french_timeline(
        self, server: Server, client: httpx.Client
    ) -> None:
        dossier_id = closed_dossier_id(client)
        result = server.logis("history", dossier_id)
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0].startswith(f"Dossier LLTS {dossier_id} — 17 événement(s)")
        assert "Ménage repéré, dossier LLTS ouvert" in result.stdout
        assert "Préfecture de la Martinique" in result.stdout
        # the commune named, roles by their labels
        assert "commune Fort-de-France (97209)" in lines[1]
        assert "(Préfecture, Préfecture de la Martinique)" in result.stdout
        assert "Bilan d'installation fait" in result.stdout
        assert "Dossier clos" in result.stdout
        dated = [line for line in lines if FRENCH_DATE.search(line)]
        assert len(dated) >= 17

    def test_history_as_json_parses(self, server: Server, client: httpx.Client) -> None:
        dossier_id = closed_dossier_id(client)
        result = server.logis("history", dossier_id, "--format", "json")
        assert result.returncode == 0, result.stderr
        events = json.loads(result.stdout)
        assert [e["version"] for e in events] == list(range(1, 18))
        assert events[0]["type"] == "Identified"
        assert events[0]["data"]["dalo"] is True
        assert events[-1]["type"] == "Closed"
        occurred = [e["occurred_on"] for e in events]
        assert occurred == sorted(occurred)

    def test_history_known_at_a_moment_shows_what_was_recorded_by_then(
        self, server: Server, client: httpx.Client
    ) -> None:
        dossier_id = closed_dossier_id(client)
        events = client.get(f"/v1/dossiers/{dossier_id}/history").json()["events"]
        fifth = events[4]["recorded_at"]
        then = client.get(f"/v1/dossiers/{dossier_id}", params={"known_at": fifth})
        assert then.status_code == 200, then.text
        for option in ("--known-at", "--as-of"):  # a moment in --as-of: as before
            result = server.logis("history", dossier_id, option, fifth)
            assert result.returncode == 0, result.stderr
            lines = result.stdout.splitlines()
            assert lines[0].startswith(
                f"Dossier LLTS {dossier_id} — 5 événement(s) (connu le "
            )
            stage = STAGE_LABELS[then.json()["stage"]]
            assert f"Étape (connu le {lines[0].split('connu le ', 1)[1]} : {stage}" in (
                result.stdout
            )
            assert "Dossier clos" not in result.stdout

    def test_a_demo_dossier_exists_on_the_day_of_its_own_commission(
        self, server: Server, client: httpx.Client
    ) -> None:
        """Issue 14: recorded today, decided at its CAL months ago; as of that
        day (`occurred_on`) it exists, and legality judges it then."""
        dossier_id = closed_dossier_id(client)
        events = client.get(f"/v1/dossiers/{dossier_id}/history").json()["events"]
        (cal_day,) = [e["occurred_on"] for e in events if e["type"] == "CALDecided"]
        then = client.get(f"/v1/dossiers/{dossier_id}", params={"as_of": cal_day})
        assert then.status_code == 200, then.text
        assert then.json()["stage"] == "decide_cal"
        judged = client.get(
            f"/v1/legality/dossiers/{dossier_id}", params={"as_of": cal_day}
        )
        assert judged.status_code == 200, judged.text
        assert judged.json()["as_of"] == cal_day
        result = server.logis("history", dossier_id, "--as-of", cal_day)
        assert result.returncode == 0, result.stderr
        assert "Décision de la commission d'attribution" in result.stdout
        assert "Dossier clos" not in result.stdout
        assert not re.search(r"Decimal\(|UUID\(|datetime\.|\{'", result.stdout)

    def test_history_of_a_mesure_and_of_a_commission_known_at_a_moment(
        self, server: Server, client: httpx.Client
    ) -> None:
        mesure_id = client.get("/v1/mesures").json()["data"][0]["id"]
        commission = client.get("/v1/commissions").json()["data"][0]
        for record_id, title in (
            (mesure_id, "Mesure ASLL"),
            (commission["id"], "Commission"),
        ):
            full = server.logis("history", str(record_id), "--format", "json")
            assert full.returncode == 0, full.stderr
            events = json.loads(full.stdout)
            first = events[0]["recorded_at"]
            result = server.logis("history", str(record_id), "--known-at", first)
            assert result.returncode == 0, result.stderr
            assert result.stdout.startswith(
                f"{title} {record_id} — 1 événement(s) (connu le "
            )
            before = server.logis(
                "history", str(record_id), "--known-at", "2000-01-01T00:00:00+00:00"
            )
            assert before.returncode == 1
            assert "_not_known_at" in before.stderr
            assert "rien n'en était encore enregistré" in before.stderr

    def test_history_refuses_a_malformed_id_in_french(self, server: Server) -> None:
        result = server.logis("history", "pas-un-uuid")
        assert result.returncode != 0
        assert "identifiant de dossier invalide (UUID attendu)" in result.stderr
        assert "« pas-un-uuid »" in result.stderr

    def test_history_of_an_unknown_record_fails_in_french(self, server: Server) -> None:
        result = server.logis("history", "00000000-0000-4000-8000-000000000000")
        assert result.returncode == 1
        assert "Erreur (record_not_found)" in result.stderr
        assert "00000000-0000-4000-8000-000000000000" in result.stderr


class TestDemo:
    def test_the_first_demo_reported_its_story_in_french(self, server: Server) -> None:
        report = server.demo_report
        assert report.startswith("Démonstration chargée")
        assert "Fort-de-France (97209)" in report
        assert f"{sum(DEMO_STAGES.values())} dossiers" in report
        assert "« Résidence Les Flamboyants » (SIMAR, livraison)" in report
        assert "« Résidence Bellevue » (Ozanam, vacance)" in report
        assert "commission préfectorale, présidée par le préfet" in report
        assert "liste complémentaire de Fort-de-France valable jusqu'au" in report
        assert "commission d'attribution de SIMAR" in report
        assert "commission d'attribution d'Ozanam" in report
        assert "logis history " in report
        assert "Mesure ASLL demandée avec le bilan d'installation" in report
        assert "Loire (42) : paramètres en vigueur depuis le" in report
        assert f"{sum(DEMO_MESURE_STAGES.values())} mesures" in report
        assert re.search(r"^  CAL-PACT Roanne +7 / 7 +complète$", report, re.M)

    def test_the_reported_sessions_are_served(
        self, server: Server, client: httpx.Client
    ) -> None:
        sessions = COMMISSION_LINE.findall(server.demo_report)
        kinds = [client.get(f"/v1/commissions/{i}").json()["kind"] for i in sessions]
        assert kinds == ["pre_commission", "commission_prefectorale", "cal", "cal"]
        programmes = PROGRAMME_LINE.findall(server.demo_report)
        assert [
            client.get(f"/v1/programmes/{i}").json()["kind"] for i in programmes
        ] == ["livraison", "vacance"]

    def test_the_reported_referrals_are_served_with_their_findings(
        self, server: Server, client: httpx.Client
    ) -> None:
        report = server.demo_report
        assert "CCAPEX de la Loire : 3 saisines" in report
        found = re.findall(rf"^  ({UUID_PATTERN})  (\w+) +(.+)$", report, re.M)
        referrals = {i: (stage, who) for i, stage, who in found if "Ménage" in who}
        assert len(referrals) == 3
        for saisine_id, (stage, _) in referrals.items():
            saisine = client.get(f"/v1/saisines/{saisine_id}").json()
            assert saisine["stage"] == stage
        late = [i for i, (_, who) in referrals.items() if "Colombet" in who]
        findings = client.get(f"/v1/saisines/{late[0]}").json()["findings"]
        assert len(findings) == 1
        assert "moins de deux mois après la saisine" in findings[0]
        assert "constat : Bailleur personne morale" in report

    def test_the_loire_settings_were_adopted(self, client: httpx.Client) -> None:
        effective_from, packaged = load_department_settings("42")
        answer = client.get("/v1/departments/42/settings")
        assert answer.status_code == 200, answer.text
        (version,) = answer.json()["versions"]
        assert version["effective_from"] == effective_from.isoformat()
        assert version["settings"] == packaged.model_dump(mode="json")

    def test_the_loire_measures_stand_at_every_stage(
        self, server: Server, client: httpx.Client
    ) -> None:
        listed = demo_mesures(server.demo_report)
        served = [client.get(f"/v1/mesures/{i}").json() for i in listed]
        assert [m["stage"] for m in served] == list(listed.values())
        assert {m["department"] for m in served} == {"42"}
        assert Counter(m["stage"] for m in served) == DEMO_MESURE_STAGES
        (slid,) = [
            m for m in served if (m["bail"] or {}).get("status") == "bail_glisse"
        ]
        assert slid["association"] == "call_pact_st_etienne"

    def test_the_bilan_d_installation_asked_for_a_measure(
        self, server: Server, client: httpx.Client
    ) -> None:
        mesure = client.get(f"/v1/mesures/{bilan_mesure_id(server.demo_report)}")
        assert mesure.status_code == 200, mesure.text
        body = mesure.json()
        assert body["origin_dossier_id"] == closed_dossier_id(client)
        assert (body["department"], body["stage"]) == ("972", "demandee")
        assert body["prescriber"]["role"] == "als"

    def test_a_second_demo_writes_nothing(self, server: Server) -> None:
        before = count_events(server)
        result = server.logis("demo")
        assert result.returncode == 0, result.stderr
        assert "déjà chargée" in result.stdout
        assert "GET /v1/programmes/" in result.stdout
        assert bilan_mesure_id(result.stdout) == bilan_mesure_id(server.demo_report)
        assert "CAL-PACT Roanne" in result.stdout
        assert count_events(server) == before
