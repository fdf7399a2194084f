"""Running the real `logis` executable, as a user would, and reading its answers."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest
from starlette.testclient import TestClient

from api.demo import COMMUNE as DEMO_COMMUNE
from api.main import create_app
from infra.settings import Settings
from tests.helpers.api import TEST_JWT_SECRET, actor
from tests.helpers.backends import BACKENDS
from tests.helpers.backends import database_url as backend_database_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

Written = TypeVar("Written")

COMMAND_SECONDS = 120.0
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# The demo's nineteen dossiers in Fort-de-France, by stage.
DEMO_STAGES = Counter(
    {
        "identifie": 1,
        "enquete_sociale_rendue": 1,
        "avis_mairie_rendu": 1,
        "complet": 1,
        "ressources_controlees": 1,
        "irrecevable": 1,
        "en_analyse": 1,
        "solvabilite_etudiee": 1,
        "preselectionne": 1,
        "classe": 1,
        "ajourne": 1,
        "decide_cal": 4,
        "entre_dans_les_lieux": 1,
        "bilan_installation_fait": 1,
        "clos": 1,
        "retire": 1,
    }
)


# The Loire's twenty-seven ASLL measures, by stage: every stage of a measure.
DEMO_MESURE_STAGES = Counter(
    {
        "demandee": 1,
        "instruite": 1,
        "refusee": 1,
        "notifiee": 4,
        "diagnostic_fait": 2,
        "reorientee": 1,
        "en_cours": 10,
        "renouvellement_demande": 1,
        "terminee": 5,
        "rompue": 1,
    }
)
# In the demo's report: "  <id>  <stage>  <household — what it shows>" under
# "Mesures :", and the measure the bilan d'installation asked for.
MESURE_LINE = re.compile(rf"^  ({UUID_PATTERN})  (\w+) ")
BILAN_MESURE = re.compile(
    rf"^Mesure ASLL demandée avec le bilan d'installation .* "
    rf"GET /v1/mesures/({UUID_PATTERN})$",
    re.M,
)


def demo_mesures(report: str) -> dict[str, str]:
    """The Loire's measures the demo's report lists: id → stage."""
    lines = report.splitlines()
    start = lines.index("Mesures :") + 1
    listed = lines[start : lines.index("", start)]
    found = [MESURE_LINE.match(line) for line in listed]
    assert all(found), listed
    return {m[1]: m[2] for m in found if m}


def bilan_mesure_id(report: str) -> str:
    """The measure Martinique's bilan d'installation asked for, in the report."""
    found = BILAN_MESURE.search(report)
    assert found, report
    return found[1]


def logis_executable() -> str:
    """The `logis` script installed next to this interpreter (the venv's)."""
    beside = Path(sys.executable).with_name("logis")
    if beside.exists():
        return str(beside)
    found = shutil.which("logis")
    if found is None:
        pytest.fail("exécutable `logis` introuvable : `pip install -e '.[dev]'`")
    return found


def logis_env(database_url: str) -> dict[str, str]:
    """The caller's environment without its LOGIS_* settings, on `database_url`,
    verifying the tests' tokens (tests.helpers.api.actor)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGIS_")}
    env |= {
        "LOGIS_DATABASE_URL": database_url,
        "LOGIS_JWT_SECRET": TEST_JWT_SECRET,
        "LOGIS_LOG_JSON": "false",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def run_logis(
    *args: str, database_url: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `logis <args>` to completion (cwd: a directory without any .env);
    `env`: LOGIS_* settings of the test's own."""
    return subprocess.run(
        [logis_executable(), *args],
        env=logis_env(database_url) | (env or {}),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,  # callers assert on the exit status and the messages
    )


class RunsLogis:
    """Runs `logis <args>` on the store `database_url` names, in `workdir`."""

    database_url: str
    workdir: Path

    def logis(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run_logis(
            *args, database_url=self.database_url, cwd=self.workdir, env=env
        )


@dataclass(frozen=True)
class WrittenStore(RunsLogis):
    """A store a module's `logis` tests read (`store_fixture`), and the
    directory the command runs in."""

    database_url: str
    workdir: Path


@contextmanager
def api_without_projector(
    database_url: str, headers: dict[str, str] | None = None
) -> Iterator[TestClient]:
    """The API on the store with no projector running, called by an auditor
    unless `headers` say otherwise: the views wait for the command to catch up."""
    settings = Settings(
        database_url=database_url,
        log_json=False,
        projector_in_process=False,
        jwt_secret=TEST_JWT_SECRET,
    )
    with TestClient(create_app(settings), headers=headers or actor("auditeur")) as c:
        yield c


def store_fixture(name: str, write: Callable[[str, Path], Written]) -> Any:
    """A module fixture, once per backend: what `write` makes of a new store, in
    a new directory `name` (assign it to the fixture's name in the module)."""

    @pytest.fixture(scope="module", params=BACKENDS)
    def store(
        request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
    ) -> Iterator[Written]:
        workdir = tmp_path_factory.mktemp(name)
        with backend_database_url(request, workdir) as url:
            yield write(url, workdir)

    return store


STARTUP_SECONDS = 30.0


def wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"`logis serve` s'est arrêté (code {process.returncode}) :\n"
                + log.read_text(errors="replace")
            )
        try:
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(
        f"`logis serve` ne répond pas sur {url}/health après {STARTUP_SECONDS} s :\n"
        + log.read_text(errors="replace")
    )


@contextmanager
def logis_serving(workdir: Path, env: dict[str, str], *args: str) -> Iterator[str]:
    """`logis serve <args>` on a free port, in `workdir` with the environment
    `env`, its output in serve.log: its loopback URL once /health answers;
    killed at the end."""
    port = free_port()
    log = workdir / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [logis_executable(), "serve", *args, "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(process, base_url, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def parse_refusal(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`logis <args>` whose arguments its parser refuses: once, not on each
    store, since it answers before any store is opened; on a store that does
    not exist, so that a refusal come later (from the store, exit 1) fails the
    test."""
    return run_logis(*args, database_url=f"sqlite:///{cwd / 'absent.sqlite3'}", cwd=cwd)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server(RunsLogis):
    base_url: str
    database_url: str
    database_path: Path
    workdir: Path
    demo_report: str

    def client(self) -> httpx.Client:
        """A client reading as an auditor unless a request sends other
        credentials."""
        return httpx.Client(
            base_url=self.base_url, timeout=10.0, headers=actor("auditeur")
        )


# A household a browser scenario adds to the shared demo server (test_web.py):
# not one of the demo's, whichever test file the worker ran first.
ADDED_BY_A_SCENARIO = "Ménage Formulaire"
# A programme a browser scenario announces on it, likewise not the demo's.
PROGRAMME_BY_A_SCENARIO = "Programme Formulaire"


def demo_programmes(client: httpx.Client) -> list[dict[str, Any]]:
    """The demo's programmes (those a scenario added left out)."""
    answer = client.get("/v1/programmes", params={"limit": 100})
    assert answer.status_code == 200, answer.text
    return [p for p in answer.json()["data"] if p["name"] != PROGRAMME_BY_A_SCENARIO]


def demo_dossiers(client: httpx.Client) -> list[dict[str, Any]]:
    """The rows of the demo's commune (Fort-de-France) in the dossier list."""
    answer = client.get("/v1/dossiers", params={"commune": DEMO_COMMUNE, "limit": 100})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["count"] == len(body["data"])
    return [d for d in body["data"] if d["applicant_name"] != ADDED_BY_A_SCENARIO]
