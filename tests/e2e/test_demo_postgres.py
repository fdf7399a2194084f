"""`logis demo` against PostgreSQL: a fresh database (tests/conftest.py's
`postgres_database`: a failure under CI=true when the server is down, else a skip)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from commands.demo import PROGRAMME_ID
from infra.bootstrap import build_system
from infra.settings import Settings
from projections.dossier_list import DossierFilter, select_dossiers
from tests.e2e.support import DEMO_STAGES, run_logis

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.postgres
def test_demo_loads_once_on_postgresql(postgres_database: str, tmp_path: Path) -> None:
    # Step: the demo, twice: the second run finds its idempotency keys.
    first = run_logis("demo", database_url=postgres_database, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Démonstration chargée")
    system = build_system(Settings(database_url=postgres_database, log_json=False))
    try:
        events = system.app.store.count_events()
        again = run_logis("demo", database_url=postgres_database, cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert "déjà chargée" in again.stdout
        assert system.app.store.count_events() == events

        # Step: the list view (projected by `logis demo`) holds the 12 dossiers.
        view = system.engine.reader("dossier_list")
        assert view is not None, "logis demo builds the views before it returns"
        rows, total = select_dossiers(view, DossierFilter(programme_id=PROGRAMME_ID))
    finally:
        system.close()
    assert total == 12
    assert Counter(row.stage for row in rows) == DEMO_STAGES

    # Step: the closed dossier's timeline reads back from PostgreSQL.
    (closed,) = [row for row in rows if row.stage == "clos"]
    history = run_logis(
        "history",
        str(closed.id),
        "--format",
        "json",
        database_url=postgres_database,
        cwd=tmp_path,
    )
    assert history.returncode == 0, history.stderr
    assert [e["type"] for e in json.loads(history.stdout)][-1] == "Closed"
