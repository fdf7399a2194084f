"""The identity provider's keys over real loopback HTTP: kept for
LOGIS_JWKS_CACHE_SECONDS and no longer, fetched again at once for a rotated key,
one fetch at a time with a bounded wait, 503 for every provider fault, and an
issuer written with a trailing slash. Store-independent: SQLite only."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient

from api.main import create_app
from infra.settings import Settings
from tests.helpers.api import anonymous, assert_error
from tests.helpers.identity_provider import (
    HANG,
    HTML,
    RESET,
    Provider,
    identity_provider,
    new_key,
)
from tests.integration.test_auth import bearer, claims

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    import httpx

READ = "/v1/dossiers"
DOWN = "down"
TIMEOUT = 1.0  # LOGIS_IDENTITY_PROVIDER_TIMEOUT_SECONDS in these tests


@pytest.fixture
def provider() -> Iterator[Provider]:
    with identity_provider("rsa-1", "ec-1") as running:
        running.keys["rsa-2"] = new_key("rsa-2")  # not published yet
        yield running


@pytest.fixture
def client_for(
    tmp_path: Path, provider: Provider
) -> Iterator[Callable[..., TestClient]]:
    """A client of an app trusting `provider`, with settings `changes`."""
    clients: list[TestClient] = []

    def make(**changes: Any) -> TestClient:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite:///{tmp_path / 'logis.sqlite3'}",
            log_json=False,
            **(
                {
                    "oidc_issuer": provider.issuer,
                    "identity_provider_timeout_seconds": TIMEOUT,
                }
                | changes
            ),
        )
        client = TestClient(create_app(settings))
        clients.append(client.__enter__())
        return client

    yield make
    provider.release.set()
    for client in clients:
        client.__exit__(None, None, None)


def read_token(provider: Provider, kid: str) -> str:
    """An auditor's token of `kid` (a made-up kid: signed with rsa-1's key)."""
    key = provider.keys.get(kid, provider.keys["rsa-1"])
    return provider.sign(kid, claims(iss=provider.issuer, role="auditeur"), key)


def read(client: TestClient, provider: Provider, kid: str) -> httpx.Response:
    return client.get(READ, headers=bearer(read_token(provider, kid)))


def accepted(answer: httpx.Response) -> None:
    assert answer.status_code == 200, answer.text


def test_a_withdrawn_key_is_refused_once_the_key_set_expires(
    client_for: Callable[..., TestClient], provider: Provider
) -> None:
    lifespan = 1.5
    client = client_for(jwks_cache_seconds=lifespan)
    accepted(read(client, provider, "rsa-1"))
    fetched = provider.jwks_fetches
    provider.published = ["ec-1"]  # rsa-1 withdrawn

    accepted(read(client, provider, "rsa-1"))  # kept for the lifespan: no fetch
    assert provider.jwks_fetches == fetched
    time.sleep(lifespan + 0.2)
    answer = read(client, provider, "rsa-1")

    assert_error(answer, 401, "invalid_token")
    assert provider.jwks_fetches == fetched + 1
    accepted(read(client, provider, "ec-1"))  # the new set, cached again


def test_a_rotated_key_is_accepted_at_once(
    client_for: Callable[..., TestClient], provider: Provider
) -> None:
    client = client_for()
    accepted(read(client, provider, "rsa-1"))
    provider.published = ["rsa-1", "rsa-2"]

    accepted(read(client, provider, "rsa-2"))
    assert_error(read(client, provider, "rsa-9-unknown"), 401, "invalid_token")


@pytest.mark.parametrize("fault", [DOWN, HTML, RESET, HANG])
def test_every_provider_fault_is_503_for_a_key_not_held(
    client_for: Callable[..., TestClient], provider: Provider, fault: str
) -> None:
    client = client_for()
    accepted(read(client, provider, "rsa-1"))  # the key set is held
    if fault == DOWN:
        provider.stop()
    else:
        provider.mode = fault
    provider.published = ["rsa-1", "rsa-2"]  # would be, if it answered

    started = time.monotonic()
    answer = read(client, provider, "rsa-2")
    waited = time.monotonic() - started

    error = assert_error(answer, 503, "identity_provider_unavailable")
    assert "fournisseur d'identité" in error["message"]
    # Bounded by the setting, not by the provider (a hang lasts 30 s here).
    assert waited < 10 * TIMEOUT
    accepted(read(client, provider, "rsa-1"))  # held keys still serve


@pytest.mark.parametrize("fault", [DOWN, HTML, RESET, HANG])
def test_a_faulty_provider_before_any_key_is_503(
    client_for: Callable[..., TestClient], provider: Provider, fault: str
) -> None:
    client = client_for()
    if fault == DOWN:
        provider.stop()
    else:
        provider.mode = fault

    answer = read(client, provider, "rsa-1")

    assert_error(answer, 503, "identity_provider_unavailable")


def test_requests_waiting_for_a_hanging_provider_block_nobody_else(
    client_for: Callable[..., TestClient], provider: Provider
) -> None:
    """42 requests with made-up kids (more than the 40 worker threads) while the
    provider hangs: one fetch, each waits at most the timeout, and meanwhile a
    token-less request and a cached key's request are answered."""
    client = client_for(identity_provider_timeout_seconds=3.0)
    valid = read_token(provider, "rsa-1")
    accepted(client.get(READ, headers=bearer(valid)))
    fetched = provider.jwks_fetches
    provider.mode = HANG
    made_up: list[httpx.Response] = []

    def unknown_kid(number: int) -> None:
        signed = read_token(provider, f"made-up-{number}")
        made_up.append(client.get(READ, headers=bearer(signed)))

    callers = [threading.Thread(target=unknown_kid, args=(n,)) for n in range(42)]
    for caller in callers:
        caller.start()
    deadline = time.monotonic() + 10
    while provider.jwks_fetches == fetched and time.monotonic() < deadline:
        time.sleep(0.01)
    others: list[httpx.Response] = []
    made_up_answered_meanwhile: list[int] = []

    def token_less_then_cached() -> None:
        others.append(anonymous(client).get(READ))
        others.append(client.get(READ, headers=bearer(valid)))
        made_up_answered_meanwhile.append(len(made_up))

    meanwhile = threading.Thread(target=token_less_then_cached)
    meanwhile.start()
    meanwhile.join(timeout=15)
    for caller in callers:
        caller.join(timeout=15)
    provider.release.set()

    nobody, cached = others
    assert_error(nobody, 401, "authentication_required")
    accepted(cached)
    assert made_up_answered_meanwhile == [0]  # answered while the 42 still waited
    assert len(made_up) == 42
    for answer in made_up:
        assert_error(answer, 503, "identity_provider_unavailable")
    assert provider.jwks_fetches == fetched + 1  # they shared one fetch


def test_an_issuer_written_with_a_trailing_slash_accepts_its_tokens(
    client_for: Callable[..., TestClient], provider: Provider
) -> None:
    client = client_for(oidc_issuer=f"{provider.issuer}/")

    accepted(read(client, provider, "rsa-1"))
    accepted(read(client, provider, "ec-1"))
    assert_error(
        client.get(READ, headers=bearer(provider.sign("rsa-1", claims()))),
        401,
        "invalid_token",
    )  # another issuer still is one


def test_the_settings_drop_the_issuers_trailing_slash() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        oidc_issuer="https://sso.example.org/realms/logis/",
    )
    assert settings.oidc_issuer == "https://sso.example.org/realms/logis"
    assert settings.jwks_cache_seconds == 300  # five minutes, as the README says
