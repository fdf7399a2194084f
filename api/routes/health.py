"""Liveness and readiness: is the store reachable, how far are the projections?"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.deps import SystemDep

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    responses={
        503: {
            "description": "Le magasin d'événements ne répond pas, ou une vue est "
            "bloquée sur un événement qu'elle ne peut appliquer (`degraded`)"
        }
    },
)
def read_health(system: SystemDep) -> JSONResponse:
    """Checks the event store answers; reports the store and projection positions."""
    try:
        system.app.store.ping()
        position = system.app.recorder.max_notification_id() or 0
        projections = system.engine.positions()
        stuck = system.engine.stuck()
    except Exception as exc:  # any store failure means "not ready"
        return JSONResponse(
            {
                "status": "indisponible",
                "code": "store_unavailable",
                "message": str(exc)[:200],
            },
            status_code=503,
        )
    if stuck:
        # The read side cannot advance: readers would get ever staler views and
        # every `min_position` read a 503. Said in a non-2xx status, so that an
        # orchestrator's health check notices (README, "Health"). Public route:
        # the event's kind and position, neither its data nor the error message.
        return JSONResponse(
            {
                "status": "degraded",
                "code": "projection_stuck",
                "message": "Vue(s) bloquée(s) sur un événement : "
                + ", ".join(f"{f.name} à {f.position}" for f in stuck)
                + " (détail : logis projections status).",
                "position": position,
                "projections": projections,
                "stuck": [
                    {
                        "projection": f.name,
                        "generation": f.generation,
                        "position": f.position,
                        "event_topic": f.topic,
                        "error": f.error,
                        "attempts": f.attempts,
                        "since": f.first_failed_at,
                    }
                    for f in stuck
                ],
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


@router.get("/metrics", include_in_schema=False)
def read_metrics(system: SystemDep) -> Response:
    """Prometheus exposition: commands, latency, events appended, projection lag."""
    return Response(system.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
