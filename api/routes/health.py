"""Liveness and readiness: is the store reachable, how far are the projections?"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import SystemDep

router = APIRouter(tags=["health"])


@router.get("/health")
def read_health(system: SystemDep) -> JSONResponse:
    """Checks the event store answers; reports the store and projection positions."""
    try:
        system.app.store.ping()
        position = system.app.recorder.max_notification_id() or 0
        projections = {p.projection.name: p.position for p in system.projectors}
    except Exception as exc:  # any store failure means "not ready"
        return JSONResponse(
            {
                "status": "indisponible",
                "code": "store_unavailable",
                "message": str(exc)[:200],
            },
            status_code=503,
        )
    return JSONResponse(
        {
            "status": "ok",
            "store": "postgresql" if system.settings.is_postgres else "sqlite",
            "position": position,
            "projections": projections,
        }
    )
