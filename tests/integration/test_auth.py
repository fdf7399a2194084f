"""Authentication: every route but /health and the docs needs a valid bearer JWT,
reads included; a missing, expired, tampered or foreign token is refused with
401, `WWW-Authenticate: Bearer` and nothing stored. The development secret
(HS256) and an identity provider's keys (RS256/ES256 from its JWKS, found by
OIDC discovery on a real HTTP server on the loopback)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import socket
import stat
import subprocess
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError
from starlette.testclient import TestClient

from api.main import create_app
from infra.development_tokens import development_secret, secret_file
from infra.settings import Settings
from infra.token_verification import AuthConfigError
from tests.helpers.api import (
    TEST_JWT_SECRET,
    StoreSnapshot,
    anonymous,
    assert_error,
    assert_store_unchanged,
    identification,
    identify,
    token,
)
from tests.helpers.identity_provider import Provider, identity_provider

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import httpx

OPEN_PATHS = {"/health", "/metrics", "/docs", "/docs/oauth2-redirect", "/redoc"}
OPEN_PATHS |= {"/openapi.json"}
OTHER_SECRET = "another-secret-0b8e2f7c4d1a9e6b3c5f8a2d"


def claims(**changes: Any) -> dict[str, Any]:
    """A CCAS agent's valid claims, with `changes` (None removes a claim)."""
    now = int(datetime.now(UTC).timestamp())
    base: dict[str, Any] = {
        "iss": "logis",
        "aud": "logis",
        "sub": "agent.ccas",
        "role": "ccas",
        "org": "CCAS de Fort-de-France",
        "commune": "97209",
        "iat": now,
        "exp": now + 600,
    }
    merged = base | changes
    return {k: v for k, v in merged.items() if v is not None}


def bearer(signed: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {signed}"}


def hs256(payload: dict[str, Any], secret: str = TEST_JWT_SECRET) -> str:
    return jwt.encode(payload, secret, algorithm="HS256")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tampered(signed: str, **changes: Any) -> str:
    """The same header and signature over a changed payload."""
    header, payload, signature = signed.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return ".".join((header, _b64(json.dumps(body | changes).encode()), signature))


def unsigned(payload: dict[str, Any]) -> str:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(payload).encode())}."


def refused(answer: httpx.Response, code: str) -> dict[str, Any]:
    error = assert_error(answer, 401, code)
    assert answer.headers["WWW-Authenticate"].startswith("Bearer"), answer.headers
    return error


class TestNoToken:
    def test_a_read_and_a_write_without_token_are_refused(
        self, client: TestClient, department: str
    ) -> None:
        before = StoreSnapshot.take(client)
        nobody = anonymous(client)

        read = nobody.get("/v1/dossiers")
        write = nobody.post("/v1/dossiers", json=identification())

        for answer in (read, write):
            error = refused(answer, "authentication_required")
            assert "Bearer" in error["message"]
            assert answer.headers["WWW-Authenticate"] == 'Bearer realm="logis"'
        assert_store_unchanged(client, before)

    def test_every_route_but_health_and_docs_requires_a_token(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        nobody = anonymous(client)
        paths = nobody.get("/openapi.json").json()["paths"]
        checked = 0
        for template, operations in paths.items():
            path = re.sub(r"\{[^}]+\}", str(uuid4()), template)
            for method, operation in operations.items():
                if template in OPEN_PATHS:
                    assert "security" not in operation, template
                    continue
                with subtests.test(method=method, path=template):
                    assert operation["security"] == [{"HTTPBearer": []}]
                    answer = nobody.request(method.upper(), path)
                    refused(answer, "authentication_required")
                    checked += 1
        assert checked > 50

    def test_health_metrics_and_docs_are_open(self, client: TestClient) -> None:
        nobody = anonymous(client)
        for path in ("/health", "/metrics", "/docs", "/redoc", "/openapi.json"):
            assert nobody.get(path).status_code == 200, path
        schemes = nobody.get("/openapi.json").json()["components"]["securitySchemes"]
        assert schemes["HTTPBearer"] == {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": schemes["HTTPBearer"]["description"],
        }


class TestBadTokens:
    @pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
    def test_bad_tokens_are_refused_on_a_read_and_a_write(
        self, client: TestClient, department: str, subtests: pytest.Subtests
    ) -> None:
        now = int(datetime.now(UTC).timestamp())
        valid = hs256(claims())
        cases = {
            "expired": (hs256(claims(iat=now - 7200, exp=now - 3600)), "token_expired"),
            "tampered": (tampered(valid, role="admin"), "invalid_token"),
            "tampered organisation": (tampered(valid, org="CCAS B"), "invalid_token"),
            "other secret": (
                hs256(claims(), "x" * 8 + TEST_JWT_SECRET),
                "invalid_token",
            ),
            "wrong issuer": (hs256(claims(iss="autre")), "invalid_token"),
            "wrong audience": (hs256(claims(aud="autre")), "invalid_token"),
            "alg none": (unsigned(claims()), "invalid_token"),
            "HS512": (
                jwt.encode(claims(), TEST_JWT_SECRET, algorithm="HS512"),
                "invalid_token",
            ),
            "unknown role": (hs256(claims(role="maire")), "invalid_token"),
            "missing org": (hs256(claims(org=None)), "invalid_token"),
            "missing sub": (hs256(claims(sub=None)), "invalid_token"),
            "missing exp": (hs256(claims(exp=None)), "invalid_token"),
            "missing issuer": (hs256(claims(iss=None)), "invalid_token"),
            "not yet valid": (hs256(claims(nbf=now + 3600)), "invalid_token"),
            "malformed commune": (hs256(claims(commune="Fort")), "invalid_token"),
            "not a jwt": ("abc.def", "invalid_token"),
        }
        before = StoreSnapshot.take(client)
        for name, (signed, code) in cases.items():
            with subtests.test(name):
                read = client.get("/v1/dossiers", headers=bearer(signed))
                write = identify(client, headers=bearer(signed))

                for answer in (read, write):
                    refused(answer, code)
                    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]
                assert_store_unchanged(client, before)

    def test_a_token_names_the_caller_on_the_events(
        self, client: TestClient, department: str
    ) -> None:
        now = int(datetime.now(UTC).timestamp())
        late = claims(sub="m.lordinot", org="CCAS du François", exp=now - 5)

        created = identify(client, headers=bearer(hs256(late)))  # within the leeway

        assert created.status_code == 201, created.text
        events = client.get(f"/v1/dossiers/{created.json()['id']}/history").json()
        assert events["events"][0]["actor"] == {
            "subject": "m.lordinot",
            "role": "ccas",
            "organisation": "CCAS du François",
        }


# ---- an identity provider: RS256 and ES256 keys, served over HTTP -----------------


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    """An OIDC issuer on 127.0.0.1: its discovery document and its JWKS."""
    with identity_provider("rsa-1", "ec-1") as running:
        yield running


def of(provider: Provider, **changes: Any) -> dict[str, Any]:
    """Valid claims of a token from `provider`."""
    return claims(iss=provider.issuer, **changes)


@pytest.fixture
def provider_client(database_url: str, provider: Provider) -> Iterator[TestClient]:
    settings = Settings(
        database_url=database_url, log_json=False, oidc_issuer=provider.issuer
    )
    with TestClient(create_app(settings)) as client:
        yield client


class TestIdentityProvider:
    def test_its_rs256_and_es256_tokens_are_accepted(
        self, provider_client: TestClient, provider: Provider
    ) -> None:
        for kid in ("rsa-1", "ec-1"):
            signed = provider.sign(kid, of(provider, role="auditeur"))

            answer = provider_client.get("/v1/dossiers", headers=bearer(signed))

            assert answer.status_code == 200, (kid, answer.text)

    def test_tokens_it_did_not_sign_are_refused(
        self,
        provider_client: TestClient,
        provider: Provider,
        subtests: pytest.Subtests,
    ) -> None:
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public_pem = (
            provider.keys["rsa-1"]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
        )
        good = of(provider)
        cases = {
            "another key, its kid": provider.sign("rsa-1", good, key=other),
            "another key, unknown kid": jwt.encode(
                good, other, algorithm="RS256", headers={"kid": "rsa-9"}
            ),
            "HS256 with the development secret": hs256(good),
            "HS256 keyed with its public key": _hmac_with(public_pem, good),
            "the development issuer": provider.sign("rsa-1", claims()),
            "alg none": unsigned(good),
            "expired": provider.sign("rsa-1", of(provider, exp=1_000_000)),
        }
        for name, signed in cases.items():
            with subtests.test(name):
                answer = provider_client.get("/v1/dossiers", headers=bearer(signed))
                code = "token_expired" if name == "expired" else "invalid_token"
                refused(answer, code)

    def test_an_unreachable_provider_answers_503(self, database_url: str) -> None:
        settings = Settings(
            database_url=database_url,
            log_json=False,
            jwks_url=f"http://127.0.0.1:{closed_port()}/certs",
        )
        signed = jwt.encode(
            claims(),
            rsa.generate_private_key(public_exponent=65537, key_size=2048),
            algorithm="RS256",
            headers={"kid": "rsa-1"},
        )
        with TestClient(create_app(settings)) as client:
            answer = client.get("/v1/dossiers", headers=bearer(signed))
        assert_error(answer, 503, "identity_provider_unavailable")


def _hmac_with(key: bytes, payload: dict[str, Any]) -> str:
    """The algorithm-confusion attack: HS256 keyed with the public key's PEM."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode())
    body = _b64(json.dumps(payload).encode())
    mac = hmac.new(key, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(mac)}"


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- the settings ------------------------------------------------------------------


class TestSettings:
    @pytest.mark.parametrize(
        "secret",
        [
            "changeme",
            "secret",
            "a" * 31,
            "é" * 15,  # 30 bytes
            "changeme" * 4,
            "secret-secret-secret-secret-secret",
            "your-256-bit-secret-your-256-bit-secret",
            "x" * 64,
            "12345678901234567890123456789012",
        ],
    )
    def test_a_short_or_placeholder_secret_is_refused(self, secret: str) -> None:
        with pytest.raises(ValidationError, match="LOGIS_JWT_SECRET"):
            Settings(_env_file=None, jwt_secret=secret)  # type: ignore[call-arg]

    def test_a_random_secret_is_accepted(self) -> None:
        settings = Settings(_env_file=None, jwt_secret=TEST_JWT_SECRET)  # type: ignore[call-arg]
        assert TEST_JWT_SECRET not in repr(settings)

    def test_the_secret_and_an_identity_provider_exclude_each_other(self) -> None:
        with pytest.raises(ValidationError, match="s'excluent"):
            Settings(
                _env_file=None,  # type: ignore[call-arg]
                jwt_secret=TEST_JWT_SECRET,
                oidc_issuer="https://sso.example.org/realms/logis",
            )

    @pytest.mark.parametrize(
        "url", ["http://sso.example.org/realms/logis", "file:///etc/passwd", "sso"]
    )
    def test_the_provider_is_reached_over_https(self, url: str) -> None:
        for name in ("oidc_issuer", "jwks_url"):
            with pytest.raises(ValidationError, match="https"):
                Settings(_env_file=None, **{name: url})  # type: ignore[arg-type]

    def test_postgresql_without_secret_or_provider_refuses_to_start(self) -> None:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url="postgresql://logis:x@127.0.0.1:1/logis",
        )
        with pytest.raises(AuthConfigError, match="LOGIS_OIDC_ISSUER") as refusal:
            create_app(settings)
        assert "LOGIS_JWT_SECRET" in str(refusal.value)
        assert "définissez" in str(refusal.value)

    def test_sqlite_without_secret_draws_one_file_shared_by_processes(
        self, tmp_path: Path
    ) -> None:
        url = f"sqlite:///{tmp_path / 'logis.sqlite3'}"
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        path = secret_file(settings.sqlite_path())
        assert not path.exists()

        drawn = development_secret(settings)
        elsewhere = subprocess.run(
            [
                sys.executable,
                "-c",
                "from infra.development_tokens import development_secret\n"
                "from infra.settings import Settings\n"
                f"print(development_secret(Settings(database_url={url!r})).decode())",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )

        assert path.name == "logis.sqlite3.jwt-secret"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(drawn) >= 32
        assert elsewhere.stdout.strip().encode() == drawn
        assert development_secret(settings) == drawn
        assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no draft left

    def test_a_secret_file_others_can_read_is_refused(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'logis.sqlite3'}"
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        development_secret(settings)
        secret_file(settings.sqlite_path()).chmod(0o644)

        with pytest.raises(AuthConfigError, match="chmod 600"):
            development_secret(settings)

    def test_the_tests_token_is_what_the_app_verifies(self, client: TestClient) -> None:
        mairie = token("mairie", commune="97209")
        answer = client.get("/v1/dossiers", headers=bearer(mairie))
        assert answer.status_code == 200, answer.text
