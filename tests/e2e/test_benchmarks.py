"""The benchmarks still run (tiny sizes): `make bench` is how figures are measured,
and a benchmark broken by a change would only be found when someone needs it."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.postgres  # each benchmark also runs on PostgreSQL


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("benchmarks.commands", ["--dossiers", "5"]),
        ("benchmarks.commissions", ["--dossiers", "14"]),
        ("benchmarks.projections", ["--dossiers", "40", "--subset", "20"]),
        ("benchmarks.relay", ["--dossiers", "20"]),  # starts its own broker
    ],
)
def test_benchmark_prints_its_figures_on_both_stores(
    module: str, args: list[str], postgres_server: object
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "== SQLite" in done.stdout
    assert "== PostgreSQL" in done.stdout
    assert "ratio" in done.stdout
