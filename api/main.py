"""The HTTP application: `create_app(settings)` wires routes, errors and the system."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import register_error_handlers
from api.middleware import BodyLimitMiddleware, RequestContextMiddleware
from api.routes import (
    audit,
    commissions,
    communes,
    departments,
    dossiers,
    follow_up,
    health,
    legality,
    mesures,
    programmes,
    projections,
    saisines,
    verify,
    workload,
)
from infra.bootstrap import build_system
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
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        system = build_system(settings)
        app.state.system = system
        if settings.projector_in_process:
            system.start_projector_thread()
        try:
            yield
        finally:
            system.close()

    app = FastAPI(
        title="Logis",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    register_error_handlers(app)
    app.include_router(health.router)
    app.include_router(dossiers.router)
    app.include_router(programmes.router)
    app.include_router(commissions.router)
    app.include_router(mesures.router)
    app.include_router(saisines.router)
    app.include_router(communes.router)
    app.include_router(departments.router)
    app.include_router(follow_up.router)
    app.include_router(workload.router)
    app.include_router(projections.router)
    app.include_router(legality.router)
    app.include_router(verify.router)
    app.include_router(audit.router)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    return app
