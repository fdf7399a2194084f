"""The `logis` command line (messages in French)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NoReturn
from uuid import UUID

from api.schemas import HistoryEntry
from domain.shared import DomainError
from infra.bootstrap import build_system
from infra.logging import configure_logging
from infra.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Sequence

DEMO_DEPARTMENT = "972"  # Martinique: infra/departments/972.json


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors in French (exit status 2, as argparse's)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="logis", description="Logis : dossiers LLTS et mesures ASLL, événements."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="démarrer l'API HTTP")
    serve.add_argument("--host", default=None, help="adresse d'écoute (LOGIS_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (LOGIS_PORT)")

    commands.add_parser("demo", help="charger le scénario de démonstration")

    history = commands.add_parser("history", help="chronologie d'un dossier")
    history.add_argument("dossier_id", type=_dossier_id, help="identifiant du dossier")
    history.add_argument(
        "--as-of", type=_moment, default=None, help="ISO 8601 : jusqu'à ce moment"
    )
    history.add_argument("--format", choices=("table", "json"), default="table")

    commands.add_parser(
        "projector", help="appliquer les événements aux vues, en continu (production)"
    )
    projections = commands.add_parser(
        "projections", help="état et reconstruction des vues"
    )
    actions = projections.add_subparsers(dest="action", required=True)
    status = actions.add_parser("status", help="position et retard de chaque vue")
    status.add_argument("--format", choices=("table", "json"), default="table")
    rebuild = actions.add_parser(
        "rebuild", help="reconstruire une vue (ou toutes) sans interrompre les lectures"
    )
    rebuild.add_argument("name", nargs="?", help="nom de la vue (défaut : toutes)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)  # to stderr
    try:
        if args.command == "serve":
            return _serve(settings, args.host, args.port)
        if args.command == "demo":
            return _demo(settings)
        if args.command == "projector":
            return _projector(settings)
        if args.command == "projections":
            if args.action == "status":
                return _status(settings, args.format)
            return _rebuild(settings, args.name)
        return _history(settings, args.dossier_id, args.as_of, args.format)
    except DomainError as error:
        print(f"Erreur ({error.code}) : {error.message}", file=sys.stderr)
        return 1


def _dossier_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        msg = f"identifiant de dossier invalide (UUID attendu) : « {text} »"
        raise argparse.ArgumentTypeError(msg) from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        msg = f"date ISO 8601 attendue, pas « {text} »"
        raise argparse.ArgumentTypeError(msg) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _serve(settings: Settings, host: str | None, port: int | None) -> int:
    import uvicorn

    from api.main import create_app

    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_config=None,
        access_log=False,
    )
    return 0


def _demo(settings: Settings) -> int:
    from commands.demo import load_demo
    from infra.departments import load_department_settings

    effective_from, department = load_department_settings(DEMO_DEPARTMENT)
    system = build_system(settings)
    try:
        report = load_demo(
            system.app,
            DEMO_DEPARTMENT,
            effective_from,
            department,
            datetime.now(UTC).date(),
        )
        system.catch_up()
    finally:
        system.close()
    print(report)
    return 0


def _history(
    settings: Settings, dossier_id: UUID, as_of: datetime | None, output: str
) -> int:
    system = build_system(settings)
    try:
        events = system.app.dossier_history(dossier_id)
    finally:
        system.close()
    if as_of is not None:
        events = [e for e in events if e.timestamp <= as_of]
    entries = [HistoryEntry.of(e) for e in events]
    if output == "json":
        print(
            json.dumps(
                [e.model_dump(mode="json") for e in entries],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(f"Dossier {dossier_id} — {len(entries)} événement(s)")
    for e in entries:
        details = ", ".join(
            f"{k} : {_show(v)}" for k, v in e.data.items() if v not in (None, "", [])
        )
        print(
            f"{e.version:>3}  {e.occurred_on:%d/%m/%Y}  {e.label}"
            f"  — {e.actor.role} ({e.actor.organisation}), enregistré le "
            f"{e.recorded_at:%d/%m/%Y à %H:%M:%S} UTC"
        )
        if details:
            print(f"     {details}")
    return 0


def _show(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value)


if __name__ == "__main__":
    sys.exit(main())


def _projector(settings: Settings) -> int:
    """Follow the store until SIGTERM or SIGINT; another projector may stand by."""
    import signal
    import threading

    from infra.projector import follow

    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    system = build_system(settings)
    print("Projecteur démarré : Ctrl-C pour l'arrêter.", file=sys.stderr)
    try:
        follow(system.engine, settings.projector_poll_seconds, stopping)
    finally:
        system.close()
    return 0


def _status(settings: Settings, output: str) -> int:
    system = build_system(settings)
    try:
        statuses = system.engine.status()
    finally:
        system.close()
    rows = [
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
        }
        for s in statuses
    ]
    if output == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(
        f"{'vue':<16}{'version':>8}{'génér.':>8}{'position':>10}{'tête':>10}"
        f"{'retard (évts)':>15}{'retard (s)':>12}  reconstruction"
    )
    for r in rows:
        print(
            f"{r['vue']:<16}{r['version']:>8}{r['generation'] or '—':>8}"
            f"{r['position']:>10}{r['tete']:>10}{r['retard_evenements']:>15}"
            f"{r['retard_secondes']:>12}  {r['reconstruction'] or '—'}"
        )
    return 0


def _rebuild(settings: Settings, name: str | None) -> int:
    from tqdm import tqdm

    system = build_system(settings)
    try:
        names = [name] if name else list(system.engine.projections)
        unknown = [n for n in names if n not in system.engine.projections]
        if unknown:
            known = ", ".join(system.engine.projections)
            print(f"Vue inconnue : {unknown[0]} (vues : {known}).", file=sys.stderr)
            return 2
        for each in names:
            with tqdm(desc=each, unit=" évts", unit_scale=True, file=sys.stderr) as bar:

                def progress(done: int, total: int, bar: tqdm = bar) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                generation = system.engine.rebuild(each, progress)
            print(
                f"Vue {each} reconstruite (génération {generation.generation}) : "
                "les lectures y sont passées.",
            )
    except RuntimeError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    finally:
        system.close()
    return 0
