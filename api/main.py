"""The HTTP application: `create_app(settings)` wires routes, errors and the system."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute

from api.deps import get_caller
from api.errors import edge_errors, register_error_handlers
from api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from api.operation_docs import document_operations
from api.routes import (
    access_log,
    audit,
    commissions,
    communes,
    departments,
    dossiers,
    erasure,
    follow_up,
    health,
    legality,
    mesures,
    programmes,
    projections,
    saisines,
    statistics,
    verify,
    workload,
)
from api.summaries import name_operations
from api.web import (
    commission_pages,
    legality_pages,
    list_pages,
    pages,
    programme_pages,
    record_pages,
    work_pages,
    workload_pages,
)
from api.web.docs import add_static_and_docs
from api.web.session import session_options
from infra.auth import build_verifier
from infra.bootstrap import build_system, check_store
from infra.logging import configure_logging
from infra.settings import Settings

DESCRIPTION = """
Logis enregistre, sous forme d'événements immuables, le parcours des dossiers de
candidature LLTS (du repérage à la commission d'attribution et à l'installation).

Chaque commande renvoie la **version** du dossier (ETag) et la **position** de son
dernier événement. Les listes se lisent dans une vue projetée : passez
`?min_position=N` pour attendre qu'elle ait intégré votre écriture.

Erreurs : `{code, message}` — `code` stable (identifiant de règle du DOMAIN §8 quand
une règle est enfreinte), `message` en français.

Authentification : `Authorization: Bearer <jeton>` (bouton **Authorize**) sur toutes
les routes sauf `/health` et cette documentation ; `logis token --role R --org O`
en signe un en développement.
"""


@functools.cache
def _route_table() -> tuple[BaseRoute, ...]:
    """Every route, included once per process and shared by every app: FastAPI
    builds an included route's validators and dependants on its first request,
    once per inclusion (0.3 s for these routes), and the settings change none of
    them. A consequence: `app.dependency_overrides` does not reach these routes."""
    table = APIRouter()
    # Open: /health and /metrics (no personal data), /docs, /openapi.json, /redoc.
    table.include_router(health.router)
    # Every other route needs a valid bearer token, reads included.
    for router in (
        dossiers.router,
        programmes.router,
        commissions.router,
        mesures.router,
        saisines.router,
        communes.router,
        departments.router,
        follow_up.router,
        workload.router,
        statistics.router,
        projections.router,
        legality.router,
        verify.router,
        audit.router,
        access_log.router,
        erasure.router,
    ):
        table.include_router(
            router, dependencies=[Depends(get_caller)], responses=edge_errors()
        )
    return tuple(table.routes)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        system = build_system(settings)
        app.state.system = system
        if settings.projector_in_process:
            system.start_projector_thread()
        if settings.kafka_bootstrap and settings.relay_in_process:
            system.start_relay_thread()
        try:
            yield
        finally:
            system.close()

    app = FastAPI(
        title="Logis",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from the vendored files (api/web/docs.py)
        redoc_url=None,
    )
    register_error_handlers(app)
    app.state.verifier = build_verifier(settings)  # AuthConfigError: no key
    check_store(settings)  # CipherKeyError, SchemaError: refuse to start
    app.router.routes.extend(_route_table())
    add_static_and_docs(app)
    app.include_router(pages.router)
    app.include_router(record_pages.router)
    app.include_router(list_pages.router)
    app.include_router(commission_pages.router)
    app.include_router(programme_pages.router)
    app.include_router(work_pages.router)
    app.include_router(legality_pages.router)
    app.include_router(workload_pages.router)
    name_operations(app)  # French summaries in /docs
    document_operations(app)  # examples from the demo, the rules of each command
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(SessionMiddleware, **session_options(settings))
    return app
