"""The pages' sign-in with the identity provider (api/web/oidc.py), against a
small real OIDC provider on the loopback (tests/helpers/identity_provider.py):
the authorisation code flow with PKCE, state and nonce, the ID token become the
same caller as a bearer token, a session cookie HttpOnly, SameSite=Lax and
Secure outside the loopback; every forged or replayed answer refused with a
stable code and nothing kept; the demo's sign-in unreachable."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from jwt import api_jwk, jwk_set_cache
from pydantic import SecretStr
from starlette.testclient import TestClient

from api.access_log import DOSSIER_ROW
from api.main import create_app
from api.web import session
from api.web.session import SESSION_HOURS
from tests.helpers.api import ORGANISATIONS
from tests.helpers.identity_provider import (
    AUTHORIZE_PATH,
    CLIENT_ID,
    CLIENT_SECRET,
    LOGOUT_PATH,
    Provider,
    identity_provider,
    new_key,
)
from tests.helpers.web import CSRF, logged_reads
from tests.integration.test_web_worklist import caught_up, identified, rows

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from infra.settings import Settings

pytestmark = pytest.mark.usefixtures("department")

MAIRIE = {
    "sub": "agent.mairie.oidc",
    "role": "mairie",
    "org": ORGANISATIONS["mairie"],
    "commune": "97209",  # Fort-de-France
}


@pytest.fixture
def provider() -> Iterator[Provider]:
    with identity_provider("rsa-1") as running:
        running.person = dict(MAIRIE)
        yield running


@pytest.fixture
def browser_for(
    settings: Settings, provider: Provider
) -> Iterator[Callable[..., TestClient]]:
    """A browser (redirects not followed) of an app on the test's store that
    signs people in through `provider`, with settings `changes`."""
    browsers: list[TestClient] = []

    def make(base_url: str = "http://testserver", **changes: Any) -> TestClient:
        oidc = settings.model_copy(
            update={
                "jwt_secret": None,
                "oidc_issuer": provider.issuer,
                "oidc_client_id": CLIENT_ID,
                "oidc_client_secret": SecretStr(CLIENT_SECRET),
            }
            | changes
        )
        browser = TestClient(
            create_app(oidc), base_url=base_url, follow_redirects=False
        ).__enter__()
        browsers.append(browser)
        return browser

    yield make
    for browser in browsers:
        browser.__exit__(None, None, None)


def to_provider(browser: TestClient, provider: Provider) -> str:
    """The authorization request /connexion sends the browser to."""
    start = browser.get("/connexion")
    assert start.status_code == 302, start.text
    location = start.headers["location"]
    assert location.startswith(f"{provider.base}{AUTHORIZE_PATH}?")
    return location


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def sign_in(
    browser: TestClient,
    provider: Provider,
    *,
    request: Callable[[str], str] = str,
    back: Callable[[str], str] = str,
) -> httpx.Response:
    """The browser's round trip: to the provider (its request changed by
    `request`), and back to Logis (the provider's answer changed by `back`)."""
    answer = httpx.get(request(to_provider(browser, provider)), follow_redirects=False)
    assert answer.status_code == 302
    return browser.get(back(answer.headers["location"]))


def assert_refused(
    browser: TestClient,
    provider: Provider,
    status: int,
    code: str,
    says: str,
    **changed: Callable[[str], str],
) -> None:
    """The round trip (`sign_in`'s) ends on a refusal page with `code` saying
    `says`, and the browser is not signed in."""
    answer = sign_in(browser, provider, **changed)
    assert answer.status_code == status, answer.text
    assert f'<code id="code">{code}</code>' in answer.text
    assert "Connexion refusée" in answer.text
    assert says in answer.text
    assert_signed_out(browser)


def assert_signed_out(browser: TestClient) -> None:
    answer = browser.get("/travail")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion"


def test_the_provider_signs_a_mairie_in_to_its_worklist_in_its_commune(
    client: TestClient,
    provider: Provider,
    browser_for: Callable[..., TestClient],
) -> None:
    enquiry = identified(client, "Ménage Lordinot")
    elsewhere = identified(client, "Ménage Ailleurs", commune="97213")
    caught_up(client)
    browser = browser_for()
    request = dict(parse_qsl(urlsplit(to_provider(browser, provider)).query))
    assert request["response_type"] == "code"
    assert request["client_id"] == CLIENT_ID
    assert request["code_challenge_method"] == "S256"
    assert len(request["code_challenge"]) == 43  # base64url of SHA-256
    assert request["state"]
    assert request["nonce"]
    assert "openid" in request["scope"].split()
    assert request["redirect_uri"] == "http://testserver/connexion/retour"
    landed = sign_in(browser, provider)
    assert landed.status_code == 303, landed.text
    assert landed.headers["location"] == "/travail"
    cookie = landed.headers["set-cookie"].lower()
    assert cookie.startswith("logis_session=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # Logis listens on the loopback
    page = browser.get("/travail")
    assert page.status_code == 200, page.text
    assert ORGANISATIONS["mairie"] in page.text  # the header names the caller
    listed = {row[2]: row[1] for row in rows(page.text)}
    assert listed[enquiry] == "Enquête sociale à rendre"
    assert elsewhere not in page.text  # Le Lamentin's: not this Mairie's
    # the same caller as a bearer token's, logged as GET /v1/dossiers logs it
    assert logged_reads(client, enquiry, "mairie") == [("GET /travail", DOSSIER_ROW)]
    token = CSRF.search(page.text)[1]
    # the demo's sign-in is closed, even with a valid form
    demo = browser.post("/connexion", data={"csrf_token": token, "identity": "0"})
    assert demo.status_code == 404
    assert browser.get("/travail").status_code == 200  # still the Mairie
    out = browser.post("/deconnexion", data={"csrf_token": token})
    assert out.status_code == 303
    assert_signed_out(browser)


def test_the_demos_people_are_not_listed_with_an_issuer(
    provider: Provider, browser_for: Callable[..., TestClient]
) -> None:
    browser = browser_for(oidc_client_id=None)  # the pages cannot sign anyone in
    page = browser.get("/connexion")
    assert page.status_code == 200
    assert 'name="identity"' not in page.text
    assert "LOGIS_OIDC_CLIENT_ID" in page.text
    assert browser.get("/connexion/retour", params={"code": "x"}).status_code == 404
    listed = browser_for().get("/connexion")
    assert listed.status_code == 302  # to the provider, no page of people


def test_a_wrong_pkce_verifier_is_refused(
    provider: Provider, browser_for: Callable[..., TestClient]
) -> None:
    """A code obtained for another challenge (a code injected into this
    browser's flow): the provider refuses this browser's verifier."""
    browser = browser_for()
    other = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert_refused(
        browser,
        provider,
        400,
        "oidc_provider_error",
        "invalid_grant",
        request=lambda url: with_query(url, code_challenge=other),
    )


def test_a_tampered_state_is_refused(
    provider: Provider, browser_for: Callable[..., TestClient]
) -> None:
    browser = browser_for()
    assert_refused(
        browser,
        provider,
        400,
        "oidc_state_mismatch",
        "aucune demande de ce navigateur",
        back=lambda url: with_query(url, state="forged-state"),
    )
    assert provider.id_tokens == []  # the code was never exchanged


def test_a_replayed_id_token_is_refused_by_its_nonce(
    provider: Provider, browser_for: Callable[..., TestClient]
) -> None:
    """An ID token issued for an earlier sign-in, valid otherwise, answered to a
    new one: its nonce is not this sign-in's."""
    first = browser_for()
    assert sign_in(first, provider).status_code == 303
    provider.replay = True
    browser = browser_for()
    assert_refused(browser, provider, 400, "oidc_invalid_id_token", "« nonce »")


def test_the_providers_refusal_and_missing_claims_are_refused(
    provider: Provider, browser_for: Callable[..., TestClient]
) -> None:
    browser = browser_for()
    provider.person = None  # the person did not consent, or failed to sign in
    assert_refused(browser, provider, 400, "oidc_provider_error", "access_denied")
    provider.person = {key: MAIRIE[key] for key in ("sub", "org", "commune")}
    assert_refused(browser, provider, 403, "oidc_claims_invalid", "rôle inconnu")


PUBLIC = "https://logis.example.org"


@pytest.mark.parametrize(
    "where",
    [
        {"host": "0.0.0.0", "public_url": PUBLIC},  # in a container
        {"public_url": PUBLIC},  # on the loopback behind a TLS proxy of the host
    ],
)
def test_the_session_cookie_is_secure_outside_the_loopback(
    provider: Provider, browser_for: Callable[..., TestClient], where: dict[str, str]
) -> None:
    """Listening beyond the loopback, or reached at an https:// LOGIS_PUBLIC_URL:
    the cookie is Secure, and the redirect URI under LOGIS_PUBLIC_URL."""
    browser = browser_for(base_url=PUBLIC, **where)
    request = dict(parse_qsl(urlsplit(to_provider(browser, provider)).query))
    assert request["redirect_uri"] == f"{PUBLIC}/connexion/retour"
    landed = sign_in(browser, provider)
    assert landed.status_code == 303, landed.text
    cookie = landed.headers["set-cookie"].lower()
    assert re.search(r"; *secure\b", cookie)
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert browser.get("/travail").status_code == 200


@pytest.mark.parametrize(
    ("claim", "changes"),
    [
        ("aud", {"aud": "another-client"}),
        ("aud", {"aud": ["another-client"], "azp": CLIENT_ID}),
        ("azp", {"aud": ["another-client", CLIENT_ID]}),
        ("iss", {"iss": "https://sso.example.org"}),
        ("exp", {"exp": 1}),
    ],
)
def test_an_id_token_for_another_client_issuer_or_time_is_refused(
    provider: Provider,
    browser_for: Callable[..., TestClient],
    claim: str,
    changes: dict[str, Any],
) -> None:
    browser = browser_for()
    provider.person = MAIRIE | changes
    assert_refused(browser, provider, 400, "oidc_invalid_id_token", f"« {claim} »")


def test_a_provider_down_is_said_and_a_session_ends_after_its_hours(
    provider: Provider,
    browser_for: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    browser = browser_for()
    assert sign_in(browser, provider).status_code == 303
    later = time.time() + SESSION_HOURS * 3600 + 1
    monkeypatch.setattr(session, "time", SimpleNamespace(time=lambda: later))
    assert_signed_out(browser)  # however often its cookie was renewed
    provider.stop()
    down = browser_for().get("/connexion")
    assert down.status_code == 503
    assert '<code id="code">identity_provider_unavailable</code>' in down.text


def _sign_out(browser: TestClient) -> httpx.Response:
    page = browser.get("/travail")
    assert page.status_code == 200, page.text
    out = browser.post("/deconnexion", data={"csrf_token": CSRF.search(page.text)[1]})
    assert out.status_code == 303, out.text
    return out


def test_signing_out_ends_the_providers_session_and_comes_back_to_logis(
    provider: Provider, browser_for: Callable[..., TestClient]
) -> None:
    """RP-initiated logout: the browser goes to the provider's end-session
    endpoint with the ID token it issued as hint, this client, and
    LOGIS_PUBLIC_URL to come back to; Logis's session is over already."""
    browser = browser_for(base_url=PUBLIC, public_url=PUBLIC)
    assert sign_in(browser, provider).status_code == 303
    out = _sign_out(browser)
    location = out.headers["location"]
    assert location.startswith(f"{provider.base}{LOGOUT_PATH}?")
    asked = dict(parse_qsl(urlsplit(location).query))
    assert asked == {
        "id_token_hint": provider.id_tokens[-1],
        "client_id": CLIENT_ID,
        "post_logout_redirect_uri": PUBLIC,
    }
    assert_signed_out(browser)
    back = httpx.get(location, follow_redirects=False)  # the provider's end
    assert back.status_code == 302
    assert back.headers["location"] == PUBLIC
    assert provider.logouts == [asked]


def test_a_provider_without_an_end_session_endpoint_signs_out_here_only(
    provider: Provider, browser_for: Callable[..., TestClient]
) -> None:
    provider.ends_sessions = False
    browser = browser_for()
    assert sign_in(browser, provider).status_code == 303
    assert _sign_out(browser).headers["location"] == "/connexion"
    assert_signed_out(browser)
    assert provider.logouts == []


def test_a_withdrawn_key_signs_in_until_the_key_sets_lifespan_then_no_more(
    provider: Provider,
    browser_for: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pages' client reads the API's key set: kept LOGIS_JWKS_CACHE_SECONDS
    (a clock of the test's, moved on, not waited for), then fetched again, when
    the key the provider withdrew no longer signs anyone in; the API's bearer
    tokens are checked with the same set, fetched once for both."""
    now = [1000.0]
    clock = SimpleNamespace(monotonic=lambda: now[0])
    for keeping in (api_jwk, jwk_set_cache):  # PyJWT's key set and its age
        monkeypatch.setattr(keeping, "time", clock)
    browser = browser_for(jwks_cache_seconds=60)
    assert sign_in(browser, provider).status_code == 303  # the set fetched
    fetched = provider.jwks_fetches
    claims = {"iss": provider.issuer, "aud": "logis", "exp": int(time.time()) + 60}
    bearer = provider.sign("rsa-1", claims | MAIRIE)
    read = browser.get("/v1/dossiers", headers={"Authorization": f"Bearer {bearer}"})
    assert read.status_code == 200, read.text
    assert provider.jwks_fetches == fetched  # the API's verifier: the same set
    provider.keys = {"rsa-1": provider.keys["rsa-1"], "rsa-2": new_key("rsa-2")}
    provider.published = ["rsa-2"]  # rsa-1 withdrawn, and still signing
    now[0] += 59
    _sign_out(browser)
    assert sign_in(browser, provider).status_code == 303  # still held
    assert provider.jwks_fetches == fetched
    _sign_out(browser)
    now[0] += 2  # past the lifespan
    assert_refused(browser, provider, 400, "oidc_invalid_id_token", "invalid_key_id")
    assert provider.jwks_fetches > fetched
