"""`logis generate` and `make bench` (benchmarks/run.py) at tiny sizes, so that
neither rots: the generator writes what it reports (counted back by `logis
statistics` and `logis verify`), the same seed writes the same events, and the
runner prints one table and its JSON, every ratio a positive number. No
figure is asserted: the machine's speed is not the code's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from typing import TYPE_CHECKING

import pytest

from api.synthetic import Options, generate
from infra.bootstrap import build_system
from infra.departments import load_department_settings
from infra.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

TODAY = date(2026, 6, 30)
REPORTED = re.compile(
    r"(?P<events>\d+) événements dans le magasin, (?P<commands>\d+) commandes, "
    r"départements : 1, (?P<programmes>\d+) programmes, (?P<dossiers>\d+) dossiers, "
    r"(?P<commissions>\d+) commissions, (?P<measures>\d+) mesures ASLL, "
    r"(?P<referrals>\d+) saisines CCAPEX"
)


def logis(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGIS_")}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env | {"LOGIS_DATABASE_URL": url, "LOGIS_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def statistics(url: str, kind: str, year: int) -> dict:
    done = logis(url, "statistics", kind, "--department", "01", "--year", str(year),
                 "--format", "json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_generate_writes_the_records_it_reports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'generated.sqlite3'}"
    done = logis(url, "generate", "--dossiers", "40", "--departments", "1",
                 "--seed", "4", "--today", TODAY.isoformat())  # fmt: skip
    assert done.returncode == 0, done.stderr
    reported = REPORTED.search(done.stdout)
    assert reported, done.stdout
    counts = {k: int(v) for k, v in reported.groupdict().items()}
    assert counts["dossiers"] >= 40
    assert counts["programmes"] > 0
    assert counts["commissions"] > 0
    assert counts["measures"] > 0
    years = (2025, 2026)
    llts = [statistics(url, "llts", y) for y in years]
    asll = [statistics(url, "asll", y) for y in years]
    assert sum(s["demands_identified"] for s in llts) == counts["dossiers"]
    assert sum(s["requested"] for s in asll) == counts["measures"]
    verified = logis(url, "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"Intégrité vérifiée : {counts['events']} événements" in verified.stdout


def _topics(tmp_path: Path, name: str, seed: int) -> list[tuple[str, int]]:
    """The events a generation of 25 dossiers writes: (topic, version)."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / name}.sqlite3")
    _, base = load_department_settings("42")
    system = build_system(settings, migrate=True)
    try:
        options = Options(seed=seed, dossiers=25, departments=2, today=TODAY)
        counts = generate(system.app, base, options)
        stored = system.app.recorder.select_notifications(
            start=1, limit=counts.events + 1
        )
        return [(n.topic, n.originator_version) for n in stored]
    finally:
        system.close()


def test_the_same_seed_writes_the_same_events(tmp_path: Path) -> None:
    first = _topics(tmp_path, "first", seed=11)
    assert first == _topics(tmp_path, "again", seed=11)
    assert first != _topics(tmp_path, "other", seed=12)


def run_bench(tmp_path: Path, *args: str) -> tuple[str, list[dict]]:
    output = tmp_path / "latest.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--commands", "3",
         "--commissions", "12", "--projections", "20", "--relay", "10",
         "--entries", "20", "--sizes", "200,400", "--long", "10,20", "--http", "6",
         "--json", str(output), *args],
        capture_output=True, text=True, timeout=280, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    document = json.loads(output.read_text())
    for row in document["rows"]:
        assert isinstance(row["ratio"], float), row
        assert row["ratio"] > 0, row
        assert row["value"] > 0, row
        assert row["raw"] > 0, row
    return done.stdout, document["rows"]


def test_bench_prints_one_table_with_every_benchmark(tmp_path: Path) -> None:
    table, rows = run_bench(tmp_path, "--backends", "sqlite")
    lines = table.splitlines()
    assert sum(line.startswith("base ") for line in lines) == 1  # one table
    for measure in (
        "commandes",
        "décisions de commission",
        "rattrapage de toutes les vues",
        "reconstruction dossier_list",
        "relais Kafka",
        "lectures journalisées",
        "une commande",
        "charger une mesure de 20 év.",
        "la même, à une date",
        "logis verify",
        "une page de 50 dossiers",
        "génération",
        "commandes HTTP, 1 client (6)",
        "commandes HTTP, 4 clients, p50",
        "commandes HTTP, 16 clients, p99",
    ):
        assert measure in table, measure
        assert any(measure in r["measure"] for r in rows), measure
    assert {r["backend"] for r in rows} == {"SQLite"}
    scaled = {r["store"] for r in rows if r["measure"].startswith("une commande")}
    assert len(scaled) == 2  # one row at each store size
    assert all(line.startswith("SQLite") for line in lines[2:-2])


@pytest.mark.postgres
def test_bench_runs_on_postgresql(tmp_path: Path, postgres_server: object) -> None:
    table, rows = run_bench(
        tmp_path, "--backends", "postgresql", "--only", "commands,scaling,http"
    )
    assert {r["backend"] for r in rows} == {"PostgreSQL"}
    assert "une commande" in table
    assert "commandes HTTP, 16 clients, p99" in table


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--backends", "postgres", "unknown backends: postgres"),
        ("--only", "command", "unknown benchmarks: command"),
    ],
)
def test_bench_refuses_an_unknown_name_instead_of_measuring_nothing(
    flag: str, value: str, said: str
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", flag, value],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2, run.stdout
    assert said in run.stderr
    assert run.stdout == ""
