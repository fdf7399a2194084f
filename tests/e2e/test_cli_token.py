"""`logis token` and a real `logis serve`, with no LOGIS_JWT_SECRET: both use the
secret drawn once next to the SQLite store; with an identity provider configured
`logis token` refuses, and `logis serve` on PostgreSQL with neither refuses to
start."""

from __future__ import annotations

import stat
import subprocess
from typing import TYPE_CHECKING

import httpx
import pytest

from infra.development_tokens import secret_file
from tests.e2e.support import free_port, logis_env, logis_executable, logis_serving

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

DEMO_ROLES = 14


def plain_env(database_url: str, **settings: str) -> dict[str, str]:
    """`logis_env` without the tests' secret: the product's own default."""
    env = logis_env(database_url)
    del env["LOGIS_JWT_SECRET"]
    return env | settings


def logis(
    *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [logis_executable(), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    workdir = tmp_path_factory.mktemp("logis-token")
    return workdir, f"sqlite:///{workdir / 'logis.sqlite3'}"


@pytest.fixture(scope="module")
def first_token(store: tuple[Path, str]) -> str:
    """Issued before any server ran: this draws the secret."""
    workdir, url = store
    issued = logis(
        "token",
        "--role",
        "mairie",
        "--org",
        "Mairie de Fort-de-France",
        "--sub",
        "service-logement",
        "--commune",
        "97209",
        env=plain_env(url),
        cwd=workdir,
    )
    assert issued.returncode == 0, issued.stderr
    assert "valable jusqu'au" in issued.stderr
    return issued.stdout.strip()


@pytest.fixture(scope="module")
def base_url(store: tuple[Path, str], first_token: str) -> Iterator[str]:
    workdir, url = store
    with logis_serving(workdir, plain_env(url)) as base:
        yield base


def test_the_server_accepts_logis_token_and_refuses_no_token(
    base_url: str, first_token: str
) -> None:
    bearer = {"Authorization": f"Bearer {first_token}"}

    answer = httpx.get(f"{base_url}/v1/dossiers", headers=bearer, timeout=10)
    anonymous = httpx.get(f"{base_url}/v1/dossiers", timeout=10)
    forged = httpx.get(
        f"{base_url}/v1/dossiers",
        headers={"Authorization": f"Bearer {first_token[:-4]}AAAA"},
        timeout=10,
    )

    assert answer.status_code == 200, answer.text
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "authentication_required"
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert forged.status_code == 401
    assert forged.json()["code"] == "invalid_token"
    assert httpx.get(f"{base_url}/docs", timeout=10).status_code == 200


def test_the_secret_is_drawn_once_private_and_shared(
    base_url: str, store: tuple[Path, str]
) -> None:
    workdir, url = store
    path = secret_file(workdir / "logis.sqlite3")
    drawn = path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    again = logis("token", "--demo", "--ttl", "1h", env=plain_env(url), cwd=workdir)

    assert again.returncode == 0, again.stderr
    assert path.read_bytes() == drawn
    lines = [line for line in again.stdout.splitlines() if "Bearer" in line]
    assert len(lines) == DEMO_ROLES
    roles = {line.split()[0] for line in lines}
    assert {"mairie", "bailleur", "association", "ccapex", "auditeur"} <= roles
    for line in lines:
        header = line[line.index("Authorization: ") :]
        name, value = header.split(": ", 1)
        answer = httpx.get(f"{base_url}/health", headers={name: value}, timeout=10)
        assert answer.status_code == 200
        listed = httpx.get(
            f"{base_url}/v1/commissions", headers={name: value}, timeout=10
        )
        assert listed.status_code != 401, (line.split()[0], listed.text)


def test_logis_token_refuses_when_an_identity_provider_is_configured(
    store: tuple[Path, str],
) -> None:
    workdir, url = store
    env = plain_env(url, LOGIS_OIDC_ISSUER="https://sso.example.org/realms/logis")

    refused = logis("token", "--role", "ccas", "--org", "CCAS", env=env, cwd=workdir)

    assert refused.returncode == 1
    assert "fournisseur d'identité" in refused.stderr
    assert refused.stdout == ""


def test_logis_token_checks_its_arguments(store: tuple[Path, str]) -> None:
    workdir, url = store
    for args in (
        ("--role", "maire", "--org", "Mairie"),
        ("--role", "mairie"),
        ("--role", "mairie", "--org", "Mairie", "--ttl", "45j"),
        ("--role", "mairie", "--org", "Mairie", "--commune", "Fort"),
    ):
        answer = logis("token", *args, env=plain_env(url), cwd=workdir)
        assert answer.returncode == 2, (args, answer.stdout)
        assert "erreur" in answer.stderr, answer.stderr


def test_serve_on_postgresql_without_secret_or_provider_refuses_to_start(
    tmp_path: Path,
) -> None:
    env = plain_env("postgresql://logis:x@127.0.0.1:1/logis")  # never reached

    answer = logis("serve", "--port", str(free_port()), env=env, cwd=tmp_path)

    assert answer.returncode == 1
    assert "LOGIS_OIDC_ISSUER" in answer.stderr
    assert "LOGIS_JWT_SECRET" in answer.stderr


def test_a_placeholder_secret_stops_every_command(store: tuple[Path, str]) -> None:
    workdir, url = store
    env = plain_env(url, LOGIS_JWT_SECRET="changeme")
    for args in (("token", "--role", "ccas", "--org", "CCAS"), ("serve",)):
        answer = logis(*args, env=env, cwd=workdir)
        assert answer.returncode == 2, answer.stderr
        assert "Réglage refusé (jwt_secret) : LOGIS_JWT_SECRET" in answer.stderr
