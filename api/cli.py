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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    settings = Settings()
    try:
        if args.command == "serve":
            return _serve(settings, args.host, args.port)
        if args.command == "demo":
            return _demo(settings)
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
