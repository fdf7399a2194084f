"""A fake OIDC identity provider on the loopback: a real HTTP server (a thread)
serving its discovery document and its JWKS, whose keys can be published and
withdrawn, and which can misbehave (HTML, connection reset, hanging)."""

from __future__ import annotations

import json
import socket
import struct
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

if TYPE_CHECKING:
    from collections.abc import Iterator

SERVE, HTML, RESET, HANG = "serve", "html", "reset", "hang"
HANG_AT_MOST_SECONDS = 30.0  # a hanging answer ends anyway: no test waits forever
REALM = "/realms/logis"
JWKS_PATH = f"{REALM}/protocol/openid-connect/certs"


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

    def sign(self, kid: str, payload: dict[str, Any], key: Any = None) -> str:
        algorithm = "ES256" if kid.startswith("ec") else "RS256"
        return jwt.encode(
            payload, key or self.keys[kid], algorithm=algorithm, headers={"kid": kid}
        )

    def jwks(self) -> dict[str, Any]:
        return {"keys": [jwk_of(kid, self.keys[kid]) for kid in self.published]}


@contextmanager
def identity_provider(*kids: str) -> Iterator[Provider]:
    """A provider on 127.0.0.1 publishing keys `kids` (its issuer: …/realms/logis)."""
    keys = {kid: new_key(kid) for kid in kids}
    provider = Provider(issuer="", keys=keys, published=list(kids))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == f"{REALM}/.well-known/openid-configuration":
                document: Any = {
                    "issuer": provider.issuer,
                    "jwks_uri": f"{provider.issuer}/protocol/openid-connect/certs",
                }
            elif self.path == JWKS_PATH:
                provider.jwks_fetches += 1
                if self._misbehave():
                    return
                document = provider.jwks()
            else:
                document = None
            self._answer(200 if document else 404, json.dumps(document).encode())

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
