"""The identity provider's signing keys (JWKS, found directly or through OIDC
discovery), fetched and kept for the token verifier (infra/token_verification.py)."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from concurrent.futures import Future
from typing import Any

import jwt

from infra.token_verification import IdentityProviderError, invalid


class ProviderKeys:
    """The identity provider's signing keys: the JWKS at `jwks_url`, or at the
    `jwks_uri` of the issuer's OIDC discovery document (read once).

    The key set is kept `lifespan` seconds and no longer (PyJWKClient's set
    cache; its per-key cache never expires, so it stays off), and fetched again
    at once when a token names a key it does not hold (a rotation). One fetch
    at a time, in a thread of its own: requests needing keys meanwhile share
    its outcome, waiting at most `timeout` seconds (`key_for_async` without
    holding a worker thread). Every provider fault is IdentityProviderError.
    The pages' OpenID Connect client reads the same key set (`key_set_async`):
    one cache, one lifespan, for bearer tokens and ID tokens alike."""

    def __init__(
        self,
        *,
        jwks_url: str | None,
        oidc_issuer: str | None,
        lifespan: float,
        timeout: float,
    ) -> None:
        self._jwks_url = jwks_url
        self._issuer = oidc_issuer
        self._lifespan = lifespan
        self._timeout = timeout
        self._client: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()
        self._fetching: Future[None] | None = None
        self._document: dict[str, Any] | None = None  # the key set last fetched

    def key_for(self, header: dict[str, Any]) -> Any:
        kid = _kid(header)
        key = self._cached(kid)
        if key is None:
            try:
                self._fetch().result(timeout=self._timeout)
            except TimeoutError:
                raise self._late() from None
            key = self._fetched(kid)
        return key

    async def key_for_async(self, header: dict[str, Any]) -> Any:
        kid = _kid(header)
        key = self._cached(kid)
        if key is None:
            await self._fetched_async()
            key = self._fetched(kid)
        return key

    async def key_set_async(self, refresh: bool = False) -> dict[str, Any]:
        """The key set as the provider wrote it (a JWKS): the one held, unless
        it is past its lifespan or `refresh` asks for it again (a token names
        a key it does not hold)."""
        client = self._client
        held = client.jwk_set_cache.get() if client and client.jwk_set_cache else None
        if held is None or refresh or self._document is None:
            await self._fetched_async()
        assert self._document is not None
        return self._document

    async def _fetched_async(self) -> None:
        """The fetch under way (or a new one) done, waited for without holding
        a worker thread, `timeout` seconds at most."""
        fetch = asyncio.wrap_future(self._fetch())
        done, _ = await asyncio.wait({fetch}, timeout=self._timeout)
        if not done:
            fetch.add_done_callback(_consume)
            raise self._late()
        fetch.result()

    def _cached(self, kid: str) -> Any | None:
        """The key named `kid` in the key set, unless the set is past its lifespan."""
        client = self._client
        cache = client.jwk_set_cache if client is not None else None
        keys = cache.get() if cache is not None else None
        if keys is None:
            return None
        for jwk in keys.keys:
            if jwk.key_id == kid and jwk.public_key_use in ("sig", None):
                return jwk.key
        return None

    def _fetched(self, kid: str) -> Any:
        key = self._cached(kid)
        if key is None:
            raise invalid("clé de signature inconnue du fournisseur")
        return key

    def _late(self) -> IdentityProviderError:
        msg = f"clés du fournisseur d'identité non reçues en {self._timeout} s"
        return IdentityProviderError(msg)

    def _fetch(self) -> Future[None]:
        """The fetch under way, or a new one."""
        with self._lock:
            if self._fetching is None or self._fetching.done():
                self._fetching = Future()
                # A daemon: a hanging provider never holds the process's exit.
                fetcher = threading.Thread(
                    target=self._run, args=(self._fetching,), daemon=True
                )
                fetcher.start()
            return self._fetching

    def _run(self, outcome: Future[None]) -> None:
        try:
            client = self._client or self._connect()
            document = client.fetch_data()  # checked, and cached as a key set
            self._document = document
        except IdentityProviderError as error:
            outcome.set_exception(error)
        except Exception as error:  # refused, reset, timed out, not a JWKS…
            msg = f"clés du fournisseur d'identité illisibles ou injoignables : {error}"
            outcome.set_exception(IdentityProviderError(msg))
        else:
            outcome.set_result(None)

    def _connect(self) -> jwt.PyJWKClient:
        self._client = jwt.PyJWKClient(
            self._jwks_url or self._discover_jwks_uri(),
            cache_keys=False,
            lifespan=self._lifespan,
            timeout=self._timeout,
        )
        return self._client

    def _discover_jwks_uri(self) -> str:
        assert self._issuer is not None
        where = f"{self._issuer}/.well-known/openid-configuration"
        try:
            # The issuer's scheme is checked by the settings: https, or http on
            # the loopback.
            with urllib.request.urlopen(  # noqa: S310
                where, timeout=self._timeout
            ) as answer:
                document = json.load(answer)
        except Exception as error:  # refused, reset, timed out, not JSON…
            msg = f"découverte OIDC impossible ({where}) : {error}"
            raise IdentityProviderError(msg) from error
        issuer = document.get("issuer") if isinstance(document, dict) else None
        jwks_uri = document.get("jwks_uri") if isinstance(document, dict) else None
        if not isinstance(issuer, str) or issuer.rstrip("/") != self._issuer:
            msg = f"le document {where} annonce un autre émetteur : {issuer!r}"
            raise IdentityProviderError(msg)
        if not isinstance(jwks_uri, str):
            msg = f"le document {where} ne donne pas de jwks_uri"
            raise IdentityProviderError(msg)
        return jwks_uri


def _kid(header: dict[str, Any]) -> str:
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise invalid("identifiant de clé (kid) absent")
    return kid


def _consume(fetch: asyncio.Future[None]) -> None:
    """Retrieve a late fetch's outcome nobody awaits any more (no warning)."""
    if not fetch.cancelled():
        fetch.exception()
