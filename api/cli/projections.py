"""`logis projector`, which applies the events to the views as they come (the
production's process), and `logis projections status|rebuild`: where each view
stands, and rebuilding one while reads go on."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_format
from api.cli.output import local_time, print_json, print_table, progress, rows, table
from api.cli.views import opened

if TYPE_CHECKING:
    import argparse

    from infra.bootstrap import System
    from infra.projection_failures import Failure
    from infra.settings import Settings


def add_parsers(commands: Any) -> None:
    projector = commands.add_parser(
        "projector", help="appliquer les événements aux vues, en continu (production)"
    )
    projector.set_defaults(run=_projector)
    projections = commands.add_parser(
        "projections", help="état et reconstruction des vues"
    )
    actions = projections.add_subparsers(dest="action", required=True)
    status = actions.add_parser("status", help="position et retard de chaque vue")
    add_format(status)
    rebuild = actions.add_parser(
        "rebuild", help="reconstruire une vue (ou toutes) sans interrompre les lectures"
    )
    rebuild.add_argument("name", nargs="?", help="nom de la vue (défaut : toutes)")
    projections.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "status":
        return _status(settings, args.format)
    return _rebuild(settings, args.name)


def _projector(settings: Settings, args: argparse.Namespace) -> int:
    """Follow the store until SIGTERM or SIGINT; another projector may stand by."""
    import signal
    import threading

    from infra.following import follow

    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    with opened(settings) as system:
        print("Projecteur démarré : Ctrl-C pour l'arrêter.", file=sys.stderr)
        follow(system.engine, settings.projector_poll_seconds, stopping)
    return 0


def _status(settings: Settings, output: str) -> int:
    with opened(settings) as system:
        statuses = system.engine.status()
    views = [
        {
            "vue": s.name,
            "version": s.version,
            "generation": s.active.generation if s.active else None,
            "position": s.position,
            "tete": s.head,
            "retard_evenements": s.lag_events,
            "retard_secondes": round(s.lag_seconds, 1),
            "reconstruction": (
                f"g{s.building.generation} à {s.building_position}"
                if s.building
                else None
            ),
            "blocage": _stuck(s.failure) if s.failure else None,
        }
        for s in statuses
    ]
    # A stuck view fails the command: it is the projector's health check.
    stuck = 1 if any(s.failure for s in statuses) else 0
    if output == "json":
        return print_json(views) or stuck
    grid = rows(
        table(
            "vue",
            ("version", "right"),
            ("génér.", "right"),
            ("position", "right"),
            ("tête", "right"),
            ("retard (évts)", "right"),
            ("retard (s)", "right"),
            "reconstruction",
        ),
        [
            (
                r["vue"],
                r["version"],
                r["generation"],
                r["position"],
                r["tete"],
                r["retard_evenements"],
                f"{r['retard_secondes']}".replace(".", ","),
                r["reconstruction"],
            )
            for r in views
        ],
    )
    print_table("État des vues", grid)
    for s in statuses:
        if s.failure:
            f = s.failure
            print(
                f"BLOQUÉE : {s.name} (génération {f.generation}) à l'événement "
                f"{f.position}, {f.topic}, agrégat {f.originator_id} : {f.error} — "
                f"{f.message} ({f.attempts} essai(s) depuis "
                f"{_since(f.first_failed_at)})."
            )
    return stuck


def _since(moment: str) -> str:
    """When a view got stuck, in mainland time: the views are the whole
    store's, not one department's."""
    try:
        return local_time(None, datetime.fromisoformat(moment))
    except ValueError:
        return moment


def _stuck(f: Failure) -> dict[str, object]:
    return {
        "generation": f.generation,
        "position": f.position,
        "evenement": f.topic,
        "agregat": f.originator_id,
        "erreur": f.error,
        "message": f.message,
        "essais": f.attempts,
        "depuis": f.first_failed_at,
    }


def _rebuild(settings: Settings, name: str | None) -> int:
    with opened(settings) as system:
        try:
            return _rebuild_views(system, name)
        except RuntimeError as error:
            print(f"Erreur : {error}", file=sys.stderr)
            return 1


def _rebuild_views(system: System, name: str | None) -> int:
    names = [name] if name else list(system.engine.projections)
    unknown = [n for n in names if n not in system.engine.projections]
    if unknown:
        known = ", ".join(system.engine.projections)
        print(f"Vue inconnue : {unknown[0]} (vues : {known}).", file=sys.stderr)
        return 2
    for each in names:
        with progress(f"Vue {each}") as advance:
            generation = system.engine.rebuild(each, advance)
        print(
            f"Vue {each} reconstruite (génération {generation.generation}) : "
            "les lectures y sont passées.",
        )
    return 0
