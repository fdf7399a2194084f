"""A small OIDC identity provider on the loopback: a real HTTP server (a thread)
serving its discovery document and its JWKS, whose keys can be published and
withdrawn, and which can misbehave (HTML, connection reset, hanging). It also
signs people in: its authorization endpoint sends the browser back with a code
at once (as `person`, no login form), and its token endpoint exchanges that
code, once, for an ID token signed with its first key, after checking the
client's secret, the redirect URI and the PKCE verifier (S256). Its end-session
endpoint (RP-initiated logout) notes each request and sends the browser on to
the post_logout_redirect_uri it was given."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket
import struct
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

if TYPE_CHECKING:
    from collections.abc import Iterator

SERVE, HTML, RESET, HANG = "serve", "html", "reset", "hang"
HANG_AT_MOST_SECONDS = 30.0  # a hanging answer ends anyway: no test waits forever
REALM = "/realms/logis"
JWKS_PATH = f"{REALM}/protocol/openid-connect/certs"
AUTHORIZE_PATH = f"{REALM}/protocol/openid-connect/auth"
TOKEN_PATH = f"{REALM}/protocol/openid-connect/token"
LOGOUT_PATH = f"{REALM}/protocol/openid-connect/logout"
CLIENT_ID = "logis-pages"
CLIENT_SECRET = "pages-client-secret-4b9e1d7a2c5f8e3b6a0d9c1f"
ID_TOKEN_SECONDS = 300


def new_key(kid: str) -> Any:
    if kid.startswith("ec"):
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk_of(kid: str, private: Any) -> dict[str, Any]:
    public = private.public_key()
    if kid.startswith("ec"):
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(public))
        jwk["alg"] = "ES256"
    else:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public))
        jwk["alg"] = "RS256"
    return jwk | {"kid": kid, "use": "sig"}


@dataclass
class Provider:
    issuer: str
    keys: dict[str, Any]  # kid → private key, published or not
    published: list[str]  # the kids its JWKS lists now
    mode: str = SERVE  # how its JWKS endpoint answers
    jwks_fetches: int = 0  # requests its JWKS endpoint received
    release: threading.Event = field(default_factory=threading.Event)
    stop: Any = None  # stops the server: the provider is down
    # The person its authorization endpoint signs in (their claims); None: it
    # sends the browser back with error=access_denied.
    person: dict[str, Any] | None = None
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # code → request
    id_tokens: list[str] = field(default_factory=list)  # those it issued
    replay: bool = False  # its token endpoint answers with the last ID token again
    # Its discovery document names its end-session endpoint; the requests
    # that endpoint received (their queries).
    ends_sessions: bool = True
    logouts: list[dict[str, str]] = field(default_factory=list)

    @property
    def base(self) -> str:
        """http://127.0.0.1:<port>"""
        url = urlsplit(self.issuer)
        return f"{url.scheme}://{url.netloc}"

    def sign(self, kid: str, payload: dict[str, Any], key: Any = None) -> str:
        algorithm = "ES256" if kid.startswith("ec") else "RS256"
        return jwt.encode(
            payload, key or self.keys[kid], algorithm=algorithm, headers={"kid": kid}
        )

    def authorize(self, query: dict[str, str]) -> str:
        """Where the authorization endpoint sends the browser: back to the
        client's redirect URI with a code (or an error) and its state."""
        back = {"state": query.get("state", "")}
        if self.person is None:
            back["error"] = "access_denied"
        elif query.get("client_id") != CLIENT_ID or (
            query.get("code_challenge_method") != "S256"
        ):
            back["error"] = "invalid_request"
        else:
            code = secrets.token_urlsafe(16)
            self.codes[code] = query
            back["code"] = code
        return f"{query.get('redirect_uri', '')}?{urlencode(back)}"

    def token(self, form: dict[str, str], authorization: str) -> dict[str, Any]:
        """The token endpoint's answer: an error, or tokens with an ID token."""
        sent = self.codes.pop(form.get("code", ""), None)  # a code serves once
        client = base64.b64decode(authorization.removeprefix("Basic ")).decode()
        if client != f"{CLIENT_ID}:{CLIENT_SECRET}":
            return {"error": "invalid_client"}
        if sent is None or form.get("redirect_uri") != sent["redirect_uri"]:
            return {"error": "invalid_grant"}
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if not hmac.compare_digest(challenge, sent.get("code_challenge", "")):
            return {"error": "invalid_grant", "error_description": "PKCE"}
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + ID_TOKEN_SECONDS,
            "nonce": sent.get("nonce"),
        } | (self.person or {})
        kid = next(iter(self.keys))
        id_token = self.id_tokens[-1] if self.replay else self.sign(kid, claims)
        self.id_tokens.append(id_token)
        return {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": ID_TOKEN_SECONDS,
            "id_token": id_token,
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [jwk_of(kid, self.keys[kid]) for kid in self.published]}


@contextmanager
def identity_provider(*kids: str) -> Iterator[Provider]:
    """A provider on 127.0.0.1 publishing keys `kids` (its issuer: …/realms/logis)."""
    keys = {kid: new_key(kid) for kid in kids}
    provider = Provider(issuer="", keys=keys, published=list(kids))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            if path == AUTHORIZE_PATH:
                self.send_response(302)
                self.send_header("Location", provider.authorize(dict(parse_qsl(query))))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if path == LOGOUT_PATH:
                asked = dict(parse_qsl(query))
                provider.logouts.append(asked)
                self.send_response(302)
                self.send_header("Location", asked.get("post_logout_redirect_uri", ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path == f"{REALM}/.well-known/openid-configuration":
                document: Any = {
                    "issuer": provider.issuer,
                    "jwks_uri": f"{provider.issuer}/protocol/openid-connect/certs",
                    "authorization_endpoint": f"{provider.base}{AUTHORIZE_PATH}",
                    "token_endpoint": f"{provider.base}{TOKEN_PATH}",
                    "response_types_supported": ["code"],
                    "code_challenge_methods_supported": ["S256"],
                    "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                }
                if provider.ends_sessions:
                    document["end_session_endpoint"] = f"{provider.base}{LOGOUT_PATH}"
            elif self.path == JWKS_PATH:
                provider.jwks_fetches += 1
                if self._misbehave():
                    return
                document = provider.jwks()
            else:
                document = None
            self._answer(200 if document else 404, json.dumps(document).encode())

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            if self.path != TOKEN_PATH:
                self._answer(404, b"null")
                return
            answer = provider.token(form, self.headers.get("Authorization", ""))
            status = 400 if "error" in answer else 200
            self._answer(status, json.dumps(answer).encode())

        def _misbehave(self) -> bool:
            if provider.mode == HANG:
                provider.release.wait(HANG_AT_MOST_SECONDS)
            elif provider.mode == HTML:
                self._answer(200, b"<html><body>Maintenance</body></html>", "text/html")
                return True
            elif provider.mode == RESET:  # RST instead of an answer
                linger = struct.pack("ii", 1, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.connection.close()
                self.close_connection = True
                return True
            return False

        def _answer(
            self, status: int, body: bytes, kind: str = "application/json"
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, *_: Any) -> None:
            pass  # the reset connections

    server = Server(("127.0.0.1", 0), Handler)
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}{REALM}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stopped = threading.Event()

    def stop() -> None:
        if not stopped.is_set():
            stopped.set()
            server.shutdown()
            server.server_close()

    provider.stop = stop
    try:
        yield provider
    finally:
        provider.release.set()
        stop()
