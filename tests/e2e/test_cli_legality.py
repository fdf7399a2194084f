"""`logis legality` on the demo's store (the `logis serve` one): a dossier named
in its output, a commune's report, dated readings, and the exit status: 0 with
no "bloquant" finding, 1 with one (an imported history), 2 for bad arguments or
an unknown record; `logis legality rules`, the catalogue."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from api.cli import main
from domain import dossier as d
from domain.dossier import Dossier
from domain.legality.rules import SOURCES
from infra.bootstrap import build_system
from infra.settings import Settings
from tests.e2e.support import demo_dossiers, run_logis
from tests.helpers.dossiers import history_to

if TYPE_CHECKING:
    from pathlib import Path

    import httpx

    from tests.e2e.support import Server

DEMO_COMMUNE = "97209"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def dossier_at(client: httpx.Client, stage: str) -> str:
    (row,) = [row for row in demo_dossiers(client) if row["stage"] == stage]
    return str(row["id"])


def legality(server: Server, *args: str) -> tuple[int, str, str]:
    result = server.logis("legality", *args)
    return result.returncode, result.stdout, result.stderr


def test_a_demo_dossier_is_named_and_legal(
    server: Server, client: httpx.Client
) -> None:
    dossier_id = dossier_at(client, "clos")
    status, out, err = legality(server, "--dossier", dossier_id)
    assert status == 0, err
    assert out.startswith(
        f"Dossier LLTS {dossier_id} (commune Fort-de-France ({DEMO_COMMUNE})"
    )
    assert "0 manquement(s), dont 0 bloquant(s)" in out
    # Told today with past dates, the demo is a declared import: its steps are
    # shown as imported (SAISIE-TARDIVE, for information), not as late entries.
    assert "1 information(s)" in out
    assert "source « Scénario de démonstration de Logis" in out


def test_a_dossier_read_after_its_bilan_deadline_shows_the_alert(
    server: Server, client: httpx.Client
) -> None:
    dossier_id = dossier_at(client, "entre_dans_les_lieux")
    status, out, err = legality(
        server, "--dossier", dossier_id, "--as-of", "2099-01-01", "--format", "json"
    )
    assert status == 0, err  # an alerte is not bloquant
    body = json.loads(out)
    assert body["id"] == dossier_id
    assert "BILAN-DELAI" in [f["rule"] for f in body["findings"]]
    assert body["blocking"] is False
    [bilan] = [f for f in body["findings"] if f["rule"] == "BILAN-DELAI"]
    assert bilan["source"] == "seed 000"  # the API's value, kept
    args = ("--dossier", dossier_id, "--as-of", "2099-01-01")
    status, out, err = legality(server, *args)
    assert status == 0, err
    # The findings as a table: French headers, one row a finding.
    header = out.splitlines()[2].split()
    assert header[:6] == ["n°", "né", "le", "règle", "gravité", "intitulé"]
    [row] = [line for line in out.splitlines() if " BILAN-DELAI " in line]
    found = re.match(r" *(\d+) +\d\d/\d\d/\d{4} +BILAN-DELAI +alerte ", row)
    assert found
    assert f"n° {found[1]} — Aucun bilan d'installation depuis" in out  # whole
    # The source cited as a text, not as the file number of its document.
    assert "seed 0" not in out
    assert SOURCES["000"] in out


def test_the_demo_commune_report(server: Server) -> None:
    status, out, err = legality(server, "--commune", DEMO_COMMUNE)
    assert status == 0, err
    assert out.startswith(f"Commune Fort-de-France ({DEMO_COMMUNE}) — contrôle au ")
    assert "Règles non contrôlées :" in out  # those of measures and referrals
    lines = out.splitlines()
    at = lines.index("Règles non contrôlées :")
    assert lines[at + 1].split() == ["règle", "intitulé", "pourquoi"]
    assert "Seul un prescripteur habilité demande une mesure" in out  # its title
    assert "non vérifiable" not in out  # DALO-DELAI is checked since v2
    status, out, err = legality(
        server, "--commune", DEMO_COMMUNE, "--as-of", "2099-01-01", "--format", "json"
    )
    assert status == 0, err
    report = json.loads(out)
    assert report["checked"]["dossier"] >= 10
    assert report["by_rule"]["BILAN-DELAI"] >= 1


def test_the_demo_referral_summoned_too_early_exits_1(server: Server) -> None:
    """The demo's CCAPEX referral summoned less than two months after it."""
    [late] = re.findall(rf"^  ({UUID}) +\w+ +Ménage Colombet", server.demo_report, re.M)
    status, out, err = legality(server, "--saisine", late)
    assert status == 1, err
    assert out.startswith(f"Saisine CCAPEX {late}")
    assert "CCAPEX-SAISINE" in out
    assert "bloquant" in out


@pytest.mark.parametrize(
    "args",
    [
        ("--dossier", "pas-un-uuid"),
        ("--commune", "972"),
        ("--dossier", "00000000-0000-0000-0000-000000000000", "--from", "2025-01-01"),
        ("--commune", DEMO_COMMUNE, "--from", "2025-06-01", "--to", "2025-05-01"),
        ("--as-of", "2025-01-01"),
        ("--commune", DEMO_COMMUNE, "--as-of", "hier"),
        ("rules", "--commune", DEMO_COMMUNE),
        ("rules", "--format", "csv"),
    ],
)
def test_bad_arguments_exit_2(server: Server, args: tuple[str, ...]) -> None:
    status, _, err = legality(server, *args)
    assert status == 2
    assert "erreur" in err.lower()


def test_an_unknown_record_exits_2(server: Server) -> None:
    unknown = "00000000-0000-0000-0000-000000000000"
    status, _, err = legality(server, "--commission", unknown)
    assert status == 2
    assert "commission_not_found" in err


def test_a_blocking_finding_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An imported history: a non-attribution without its written motive."""
    url = f"sqlite:///{tmp_path / 'imported.sqlite3'}"
    events = [
        replace(e, motive=None) if isinstance(e, Dossier.CALDecided) else e
        for e in history_to(d.DECIDED, decision="non_attribution")
    ]
    system = build_system(Settings(database_url=url, log_json=False))
    try:
        system.app.events.put(events)
    finally:
        system.close()
    monkeypatch.setenv("LOGIS_DATABASE_URL", url)
    monkeypatch.setenv("LOGIS_LOG_JSON", "false")
    dossier_id = str(events[0].originator_id)
    assert main(["legality", "--dossier", dossier_id, "--as-of", "2026-01-01"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"Dossier LLTS {dossier_id}")
    assert "CAL-MOTIF" in out
    assert "dont 1 bloquant(s)" in out


def test_the_rules_catalogue_cites_its_sources_as_texts(
    server: Server, client: httpx.Client, tmp_path: Path
) -> None:
    """`logis legality rules`: every rule, its records by their labels, its
    source cited as a text; the catalogue is code, so no store is needed (none
    is created); --format json is the API's answer."""
    missing = tmp_path / "absent.sqlite3"
    result = run_logis(
        "legality", "rules", database_url=f"sqlite:///{missing}", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert not missing.exists()
    lines = result.stdout.splitlines()
    assert lines[0] == "Règles de légalité (DOMAIN §8) — 39 règle(s)"
    assert lines[1].split() == [
        "règle", "gravité", "enregistrements", "intitulé", "source",
    ]  # fmt: skip
    (conc,) = [line for line in lines if line.startswith("CONC-QUOTA ")]
    assert "Programme" in conc
    assert SOURCES["000"][:40] in conc
    assert "seed" not in result.stdout
    status, out, err = legality(server, "rules", "--format", "json")
    assert status == 0, err
    assert json.loads(out) == client.get("/v1/legality/rules").json()
