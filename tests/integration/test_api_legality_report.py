"""The department legality report (issue 14) over the API: a world recorded
through the API with breaches of several kinds (a dossier's late bilan, a
measure's missed meetings, an expulsion in the winter truce), reported by rule
and severity as JSON, CSV, HTML and PDF, with the settings versions, the
assumptions and the verified chain head; the period and commune filters; who
may read it; bad periods. The report is not store-specific: SQLite, and one
test on PostgreSQL too."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from tests.helpers import raw_sql
from tests.helpers.api import (
    COMMUNE,
    DEPARTMENT,
    OTHER_COMMUNE,
    actor,
    assert_error,
    drive_dossier,
    today,
)
from tests.helpers.mesures_http import (
    CONVENTION,
    DIAGNOSIS,
    INSTRUCTION,
    adopt_settings,
    ask,
    asll_settings,
    convention,
    notification,
    post,
    request_body,
)
from tests.helpers.pdf import printed, squeezed
from tests.helpers.saisines_http import COURSE, SPRING, signalled, step

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from starlette.testclient import TestClient

    from infra.settings import Settings

HOSTILE = '=HYPERLINK("x") <script>alert(1)</script> & Cie'
ENTERED_ON = today() - timedelta(days=100)  # the bilan's two months long past
MEASURE_START = today() - timedelta(days=75)  # two whole months without meetings
IN_TRUCE = date(SPRING.year, 12, 1)
ASSUMPTION = "deux rencontres par mois lues comme un minimum (test)"


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite only here, unless a test asks for PostgreSQL too."""
    return str(request.param)


@dataclass(frozen=True)
class World:
    client: TestClient
    late: str  # a dossier entered without its bilan (named HOSTILE)
    clean: str  # a dossier closed by the book
    mesure: str  # a measure whose convention runs without meetings
    expelled: str  # a referral closed by an expulsion in the truce
    position: int

    def report(self, role: str = "auditeur", **params: Any) -> Any:
        params = {"department": DEPARTMENT, "min_position": self.position, **params}
        return self.client.get(
            "/v1/legality/report", params=params, headers=actor(role)
        )

    def json(self, role: str = "auditeur", **params: Any) -> dict[str, Any]:
        answer = self.report(role, **params)
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body


def _measure_without_meetings(client: TestClient) -> str:
    on = {"occurred_on": MEASURE_START.isoformat()}
    body = request_body(diagnostic_signed_on=MEASURE_START.isoformat(), **on)
    answer = ask(client, body)
    assert answer.status_code == 201, answer.text
    mesure_id: str = answer.json()["id"]
    signed = convention(starts_on=MEASURE_START.isoformat())
    for s, organisation in (
        (INSTRUCTION, "CLU Saint-Etienne"),
        (notification(), "CLU Saint-Etienne"),
        (DIAGNOSIS, "AGASEF"),
        (CONVENTION, "AGASEF"),
    ):
        payload = {**(signed if s is CONVENTION else s.body), **on}
        taken = post(
            client, mesure_id, s.slug, payload, role=s.role, organisation=organisation
        )
        assert taken.status_code == 200, f"{s.slug}: {taken.text}"
    return mesure_id


def _expelled_in_truce(client: TestClient) -> str:
    saisine_id = signalled(client, *COURSE[:-1])
    closing = {"occurred_on": IN_TRUCE.isoformat(), "outcome": "expulsion"}
    answer = step(client, saisine_id, "closure", closing)
    assert answer.status_code == 200, answer.text
    return saisine_id


def build(client: TestClient) -> World:
    # Version 1 (tests/helpers/api.py), then version 2: the ASLL associations,
    # and an assumption under the meetings' rhythm, which ASLL-RYTHME reads.
    settings = asll_settings(
        provenance={
            "meetings_per_month": {"source": "Seed 002", "assumption": ASSUMPTION}
        }
    )
    settings["effective_from"] = (today() - timedelta(days=400)).isoformat()
    for body in (None, settings):
        adopted = adopt_settings(client, DEPARTMENT, body)
        assert adopted.status_code == 201, adopted.text
    late = drive_dossier(
        client,
        to="entre_dans_les_lieux",
        on=ENTERED_ON,
        identify_with={"applicant_name": HOSTILE},
    )
    clean = drive_dossier(client, to="clos")
    mesure = _measure_without_meetings(client)
    expelled = _expelled_in_truce(client)
    position = client.get("/health").json()["position"]
    return World(client, late, clean, mesure, expelled, position)


@pytest.fixture
def world(client: TestClient) -> World:
    return build(client)


def per_record(world: World, start: date | None = None) -> dict[str, int]:
    """The findings of each record read one by one (the per-record routes)."""
    counts: dict[str, int] = {}
    for kind, record_id in (
        ("dossiers", world.late),
        ("dossiers", world.clean),
        ("mesures", world.mesure),
        ("saisines", world.expelled),
    ):
        answer = world.client.get(f"/v1/legality/{kind}/{record_id}")
        assert answer.status_code == 200, answer.text
        for f in answer.json()["findings"]:
            if start is None or date.fromisoformat(f["breached_on"]) >= start:
                counts[f["rule"]] = counts.get(f["rule"], 0) + 1
    return dict(sorted(counts.items()))


# ---- JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "backend",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
def test_the_report_counts_every_finding_by_rule_and_severity(world: World) -> None:
    body = world.json()
    assert body["department"] == DEPARTMENT
    assert body["commune"] is None
    assert body["as_of"] == today().isoformat()
    assert body["kinds"] == ["dossier", "programme", "commission", "mesure", "saisine"]
    assert body["checked"]["dossier"] == 2
    assert body["checked"]["mesure"] == 1
    assert body["checked"]["saisine"] == 1
    assert body["checked"]["commission"] >= 3
    # Several kinds of breach, each counted once, as the records' own reads say.
    assert {"BILAN-DELAI", "ASLL-RYTHME", "CCAPEX-SAISINE"} <= set(body["by_rule"])
    assert body["by_rule"] == per_record(world)
    assert body["by_rule"]["ASLL-RYTHME"] == 2  # two whole months
    assert body["by_severity"]["bloquant"] >= 1  # the expulsion in the truce
    assert sum(body["by_severity"].values()) == body["count"] == len(body["findings"])
    assert body["blocking"] is True
    assert {r["rule"]: r["count"] for r in body["rules"]} == body["by_rule"]
    # Each finding: its record (labelled), its events, its links.
    [expulsion] = [f for f in body["findings"] if f["rule"] == "CCAPEX-SAISINE"]
    assert expulsion["record_kind"] == "saisine"
    assert expulsion["record_id"] == world.expelled
    assert expulsion["severity"] == "bloquant"
    assert expulsion["breached_on"] == IN_TRUCE.isoformat()
    assert expulsion["events"], expulsion
    assert all(e["label"] and e["version"] for e in expulsion["events"])
    assert expulsion["links"]["audit"] == f"/v1/saisines/{world.expelled}/audit"
    assert world.client.get(expulsion["links"]["audit"]).status_code == 200
    assert world.client.get(expulsion["links"]["legality"]).status_code == 200
    [bilan] = [f for f in body["findings"] if f["rule"] == "BILAN-DELAI"]
    assert bilan["record_id"] == world.late
    assert bilan["record_label"].startswith(HOSTILE)  # the auditor reads names
    # The assumption under ASLL-RYTHME, and the settings versions of the period.
    rhythm = [f for f in body["findings"] if f["rule"] == "ASLL-RYTHME"]
    assert all(f["settings_version"] == 2 for f in rhythm)
    assert all(any(ASSUMPTION in a for a in f["assumptions"]) for f in rhythm)
    [carried] = [a for a in body["assumptions"] if ASSUMPTION in a["text"]]
    assert carried["rules"] == ["ASLL-RYTHME"]
    versions = {v["number"]: v for v in body["settings_versions"]}
    assert versions[2]["used"] is True
    assert any(ASSUMPTION in a for a in versions[2]["assumptions"])
    # The chain verified now: its head is the one `logis verify` would print.
    chain = body["chain"]
    assert chain["verified"] is True
    assert chain["mismatch"] is None
    assert len(chain["head"]) == 64
    assert chain["events"] >= world.position - 5  # every event stored by then
    assert body["edited_at"]
    assert [r["id"] for r in body["records"]].count(world.clean) == 0


def test_reading_the_report_is_logged_for_the_records_it_names(world: World) -> None:
    world.json("prefecture")
    log = world.client.get("/v1/access-log", params={"limit": 200}).json()["data"]
    read = {
        (row["kind"], row["record_id"])
        for row in log
        if row["endpoint"] == "GET /v1/legality/report"
    }
    assert ("dossier", world.late) in read
    assert ("mesure", world.mesure) in read
    assert ("saisine", world.expelled) in read
    assert ("dossier", world.clean) not in read  # no finding: not named
    [named] = [
        row
        for row in log
        if row["endpoint"] == "GET /v1/legality/report"
        and row["record_id"] == world.late
    ]
    assert named["role"] == "prefecture"
    assert named["categories"] == ["Id", "Res", "Dec"]  # its applicant named


# ---- the period, the commune -------------------------------------------------------


def test_the_period_keeps_the_findings_born_in_it(world: World) -> None:
    start = today() - timedelta(days=20)
    recent = world.json(**{"from": start.isoformat()})
    assert recent["by_rule"] == per_record(world, start)
    assert "CCAPEX-SAISINE" not in recent["by_rule"]  # born last December
    assert all(f["breached_on"] >= start.isoformat() for f in recent["findings"])
    truce = world.json(**{"from": IN_TRUCE.isoformat(), "to": IN_TRUCE.isoformat()})
    assert truce["by_rule"] == {"CCAPEX-SAISINE": 1}
    assert truce["from"] == truce["to"] == IN_TRUCE.isoformat()
    before = world.json(to=(SPRING - timedelta(days=1)).isoformat())
    assert before["findings"] == []
    assert before["count"] == 0


def test_a_commune_of_the_department_narrows_the_report(world: World) -> None:
    here = world.json(commune=COMMUNE)
    assert here["commune"] == COMMUNE
    assert here["by_rule"] == world.json()["by_rule"]  # the world is all there
    elsewhere = world.json(commune=OTHER_COMMUNE)
    assert elsewhere["findings"] == []
    assert sum(elsewhere["checked"].values()) == 0
    assert_error(
        world.report(commune="97101"), 422, "commune_elsewhere"
    )  # Guadeloupe, asked with 972


# ---- who reads it -------------------------------------------------------------------


def test_the_departement_reads_the_asll_measures_only(world: World) -> None:
    body = world.json("departement")
    assert body["kinds"] == ["mesure"]
    assert set(body["by_rule"]) == {"ASLL-RYTHME"}
    assert {f["record_kind"] for f in body["findings"]} == {"mesure"}


@pytest.mark.parametrize("role", ["mairie", "bailleur", "ccapex", "association"])
def test_a_role_that_may_not_read_it_is_403(client: TestClient, role: str) -> None:
    answer = client.get(
        "/v1/legality/report", params={"department": DEPARTMENT}, headers=actor(role)
    )
    assert_error(answer, 403, "forbidden")


def test_another_department_is_403(client: TestClient) -> None:
    answer = client.get(
        "/v1/legality/report", params={"department": "971"}, headers=actor("prefecture")
    )
    assert_error(answer, 403, "forbidden")


# ---- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2025-06-01", "to": "2025-05-01"}, "invalid_period"),
        ({"department": None, "commune": None}, "invalid_input"),
        ({"department": "999"}, "invalid_input"),
        ({"format": "docx"}, "invalid_input"),
        ({"to": "hier"}, "invalid_input"),
    ],
)
def test_a_bad_query_is_422(
    client: TestClient, params: dict[str, Any], code: str
) -> None:
    params = {"department": DEPARTMENT, **params}
    params = {k: v for k, v in params.items() if v is not None}
    answer = client.get("/v1/legality/report", params=params)
    assert_error(answer, 422, code)


# ---- CSV, HTML, PDF -----------------------------------------------------------------


def test_the_csv_has_one_row_per_finding_and_no_formula(world: World) -> None:
    answer = world.report(format="csv")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(answer.text)))
    assert header[:4] == ["règle", "intitulé", "gravité", "né le"]
    assert len(rows) == world.json()["count"]
    assert {row[0] for row in rows} >= {"BILAN-DELAI", "ASLL-RYTHME", "CCAPEX-SAISINE"}
    labels = [row[6] for row in rows if row[5] == world.late]
    assert labels
    assert all(label.startswith("'=HYPERLINK") for label in labels)


def test_the_page_escapes_hostile_text(world: World) -> None:
    answer = world.report(format="html")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Vu et arrêté par" in page
    body = world.json()
    assert body["chain"]["head"] in page
    for rule in body["by_rule"]:
        assert rule in page
    assert "chain-alarm" not in page
    # Sources cited as texts; the JSON keeps the document numbers.
    assert "seed 0" not in page
    assert "PDALPD de la Loire 2002-2007" in page
    assert any(f["source"] == "seed 002" for f in body["findings"])


def test_the_pdf_prints_the_rules_and_the_chain_head(world: World) -> None:
    answer = world.report(format="pdf")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    text = printed(answer.content)
    body = world.json()
    for rule in ("BILAN-DELAI", "ASLL-RYTHME", "CCAPEX-SAISINE"):
        assert rule in text
    assert body["chain"]["head"] in text
    assert squeezed("Rapport de légalité") in text
    assert squeezed("Vu et arrêté par") in text


def test_an_altered_store_is_reported_unverified(
    world: World, settings: Settings
) -> None:
    """Still 200: the report shows the findings and that the store was altered,
    a banner in place of the signature block (README: the choice, not a 409)."""
    position = world.json()["chain"]["position"]
    raw_sql.execute(
        settings.database_url,
        "UPDATE event_seals SET event_hash = ? WHERE notification_id = ?",
        ("0" * 64, position // 2),
    )
    answer = world.report()
    assert answer.status_code == 200, answer.text
    assert answer.headers["X-Logis-Chain-Verified"] == "false"
    body = answer.json()
    assert body["chain"]["verified"] is False
    assert body["chain"]["mismatch"]
    assert body["chain"]["position"] < position
    assert body["by_rule"] == per_record(world)  # the findings are all there
    page = world.report(format="html").text
    assert 'id="chain-alarm"' in page
    assert "Vu et arrêté par" not in page
    pdf = printed(world.report(format="pdf").content)
    assert squeezed("Intégrité compromise") in pdf


# ---- the CLI -------------------------------------------------------------------------


def test_logis_legality_report_prints_the_same_report(
    world: World, logis: Callable[..., tuple[int, str]], tmp_path: Path
) -> None:
    """`logis legality report`: exit 1 (a finding is bloquant), JSON, CSV and
    PDF in a file, the same findings as the API's."""
    period = ["--department", DEPARTMENT, "--from", IN_TRUCE.isoformat()]
    status, out = logis("legality", "report", *period, "--format", "json")
    assert status == 1, out
    body = json.loads(out)
    expected = world.json(**{"from": IN_TRUCE.isoformat()})
    assert body["by_rule"] == expected["by_rule"]
    assert body["chain"]["verified"] is True
    status, out = logis("legality", "report", *period, "--format", "csv")
    assert status == 1
    assert len(list(csv.reader(io.StringIO(out)))) == expected["count"] + 1
    pdf = tmp_path / "rapport.pdf"
    status, _ = logis(
        "legality", "report", *period, "--format", "pdf", "--output", str(pdf)
    )
    assert status == 1
    text = printed(pdf.read_bytes())
    assert "CCAPEX-SAISINE" in text
    assert body["chain"]["head"] in text
    status, out = logis("legality", "report", *period)
    assert status == 1
    assert "CCAPEX-SAISINE" in out
    # each finding's record by its kind's label, not its code
    referral = next(f for f in body["findings"] if f["record_kind"] == "saisine")
    assert f"Saisine CCAPEX {referral['record_id']} (" in out


@pytest.mark.parametrize(
    "args",
    [
        ["report"],  # no department
        ["report", "--department", "972", "--format", "pdf"],  # no --output
        ["report", "--department", "972", "--from", "2025-06-01", "--to", "2025-05-01"],
        ["report", "--department", "972", "--dossier", str(uuid4())],
        ["--dossier", str(uuid4()), "--format", "csv"],
    ],
)
def test_logis_legality_report_refuses_bad_arguments(
    client: TestClient, logis: Callable[..., tuple[int, str]], args: list[str]
) -> None:
    assert client.get("/health").status_code == 200  # the store exists
    with pytest.raises(SystemExit) as exit_:
        logis("legality", *args)
    assert exit_.value.code == 2
