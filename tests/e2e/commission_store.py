"""The store the `logis commissions` tests read (test_cli_commissions_list.py,
test_cli_commissions_show.py): written through the API with no projector
running, once per test module and backend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.testclient import TestClient

from api.main import create_app
from infra.settings import Settings
from tests.e2e.support import run_logis
from tests.helpers.api import TEST_JWT_SECRET, actor, adopt_settings
from tests.helpers.backends import database_url
from tests.helpers.procedure import (
    adjournment,
    attribution,
    concerted_programme,
    decide,
    in_session,
    post_step,
    ranked_dossiers,
    refusal,
)

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterator
    from pathlib import Path

    import pytest


@dataclass(frozen=True)
class Store:
    database_url: str
    workdir: Path
    ranked: list[str]
    listed: list[str]
    prefectorale: str
    cal: str

    def logis(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run_logis(
            *args, database_url=self.database_url, cwd=self.workdir, env=env
        )


def write_procedure(database_url: str, workdir: Path) -> Store:
    """Through the API, no projector: a programme, its pré-commission, commission
    préfectorale (3 ranked, 2 listed) and CAL (A1 decided, A2 not yet)."""
    settings = Settings(
        database_url=database_url,
        log_json=False,
        projector_in_process=False,
        jwt_secret=TEST_JWT_SECRET,
    )
    with TestClient(create_app(settings), headers=actor("auditeur")) as client:
        assert adopt_settings(client).status_code == 201
        programme_id = concerted_programme(client)
        ranked, listed, prefectorale = ranked_dossiers(
            client, programme_id, ranked=3, liste=2
        )
        cal = in_session(
            client, "cal", programme_id=programme_id, dwelling_refs=["A1", "A2"]
        )
        candidates = [
            attribution(ranked[0]),
            refusal(ranked[1]),
            adjournment(ranked[2]),
        ]
        assert decide(client, cal, "A1", candidates).status_code == 200
        closed = post_step(
            client, cal, "minutes", {"summary": "Close."}, role="bailleur"
        )
        assert closed.status_code == 200, closed.text
    return Store(database_url, workdir, ranked, listed, prefectorale, cal)


def written_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """The store on the backend `request.param` names, for a module fixture."""
    workdir = tmp_path_factory.mktemp("logis-cli-commissions")
    with database_url(request, workdir) as url:
        yield write_procedure(url, workdir)
