"""Where `logis` finds its embedded store: the same file from any folder, and
never a new empty one behind a reading command's back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from uuid import uuid4

from tests.e2e.support import run_logis

CHECKOUT = Path(__file__).resolve().parents[2]


def test_the_default_store_is_the_checkouts_from_any_folder(tmp_path: Path) -> None:
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from infra.settings import Settings; print(Settings().database_url)",
        ],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(CHECKOUT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == f"sqlite:///{CHECKOUT / 'var' / 'logis.sqlite3'}"


def test_a_reading_command_refuses_a_missing_store(tmp_path: Path) -> None:
    store = tmp_path / "absent.sqlite3"
    for args in (
        ("audit", str(uuid4())),
        ("legality", "--commune", "97209"),
        ("verify",),
    ):
        result = run_logis(*args, database_url=f"sqlite:///{store}", cwd=tmp_path)
        assert result.returncode == 1, (args, result.stderr)
        assert f"aucun magasin Logis à {store}" in result.stderr
        assert "logis demo" in result.stderr
        assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no store, no secret


def test_a_new_store_says_where_it_is_created(tmp_path: Path) -> None:
    store = tmp_path / "new" / "logis.sqlite3"
    result = run_logis("demo", database_url=f"sqlite:///{store}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Nouveau magasin Logis (SQLite), créé à {store}" in result.stderr
    again = run_logis("verify", database_url=f"sqlite:///{store}", cwd=tmp_path)
    assert "Nouveau magasin" not in again.stderr
