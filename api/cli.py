"""The `logis` command line (messages in French)."""

from __future__ import annotations

import argparse
import errno
import signal
import socket
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from pydantic import ValidationError

from api import (
    cli_access_log,
    cli_audit,
    cli_consume,
    cli_erase,
    cli_history,
    cli_import,
    cli_legality,
    cli_minutes,
    cli_relay,
    cli_statistics,
    cli_token,
    cli_verify,
)
from api.cli_commissions import KIND_NAMES, STAGE_NAMES, print_commission
from api.cli_french import name_positionals, speak_french
from api.cli_history import Names
from api.cli_output import local_time, print_table, progress, rows, table
from api.cli_support import (
    caught_up_views,
    day_arg,
    matching,
    print_json,
    uuid_arg,
    whole_number_arg,
)
from api.schemas import (
    CommissionListPublic,
    CommissionsPublic,
    WorkloadPublic,
)
from domain.commission import KINDS
from domain.department import DEPARTMENT_CODE_PATTERN, local_today
from domain.programme import COMMUNE_PATTERN
from domain.pydantic_french import field_of, french_problem
from domain.shared import DomainError
from infra.auth import AuthConfigError
from infra.bootstrap import build_system, prepare_schema
from infra.cipher_check import CipherKeyError
from infra.logging import configure_logging
from infra.migrations import SchemaError
from infra.settings import Settings
from projections.commissions import (
    CommissionFilter,
    commission_list,
    select_commissions,
)
from projections.mesures import ASSOCIATION_PATTERN, WorkloadFilter, select_workload

if TYPE_CHECKING:
    from collections.abc import Sequence

    from infra.projection_failures import Failure

DEMO_DEPARTMENT = "972"  # Martinique: infra/departments/972.json
DEMO_LOIRE = "42"  # Loire, for its ASLL measures: infra/departments/42.json


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors in French (exit status 2, as argparse's)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")  # api/cli_french.py


def build_parser() -> argparse.ArgumentParser:
    speak_french()
    parser = _Parser(
        prog="logis", description="Logis : dossiers LLTS et mesures ASLL, événements."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="démarrer l'API HTTP")
    serve.add_argument("--host", default=None, help="adresse d'écoute (LOGIS_HOST)")
    serve.add_argument(
        "--port",
        type=whole_number_arg(1, 65535),
        default=None,
        help="port (LOGIS_PORT)",
    )
    serve.add_argument(
        "--tokens",
        type=Path,
        default=None,
        help="fichier des jetons de démonstration, rappelé une fois l'API prête",
    )

    commands.add_parser("demo", help="charger le scénario de démonstration")
    commands.add_parser(
        "setup",
        help="appliquer les migrations et vérifier LOGIS_CIPHER_KEY, "
        "puis s'arrêter (avant les services)",
    )
    commands.add_parser(
        "migrate",
        help="appliquer au schéma de la base les migrations qui lui manquent "
        "(PostgreSQL : avant les services)",
    )

    cli_history.add_parser(commands)

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
    _add_commissions_parser(commands)
    _add_dashboard_parser(commands)
    cli_verify.add_parsers(commands)
    cli_audit.add_parsers(commands)
    cli_erase.add_parsers(commands)
    cli_import.add_parsers(commands)
    cli_legality.add_parsers(commands)
    cli_statistics.add_parsers(commands)
    cli_access_log.add_parsers(commands)
    cli_token.add_parsers(commands)
    cli_relay.add_parsers(commands)
    cli_consume.add_parsers(commands)
    name_positionals(parser)
    return parser


def entrypoint() -> None:
    """The `logis` command: `main`, stopping quietly when its reader goes
    away (`logis audit … | head`) as other Unix commands do."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:  # a LOGIS_* variable refused: say which
        for problem in error.errors():
            where = field_of(problem, "réglages")
            why = french_problem(problem)
            print(f"Réglage refusé ({where}) : {why}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, json=settings.log_json)  # to stderr
    if not _store_found(settings, args.command):
        return 1
    try:
        if args.command == "serve":
            return _serve(settings, args.host, args.port, args.tokens)
        if args.command == "demo":
            return _demo(settings)
        if args.command == "setup":
            return _setup(settings)
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "projector":
            return _projector(settings)
        if args.command in ("commissions", "commission"):
            if args.action == "minutes":
                return cli_minutes.run(settings, args)
            return _commissions(settings, args)
        if args.command == "dashboard":
            return _dashboard(settings, args)
        if args.command == "audit":
            return cli_audit.run(settings, args)
        if args.command == "erase":
            return cli_erase.run(settings, args)
        if args.command == "import":
            return cli_import.run(settings, args)
        if args.command == "legality":
            return cli_legality.run(settings, args)
        if args.command == "statistics":
            return cli_statistics.run(settings, args)
        if args.command == "access-log":
            return cli_access_log.run(settings, args)
        if args.command == "token":
            return cli_token.run(settings, args)
        if args.command == "relay":
            return cli_relay.run(settings, args)
        if args.command == "consume":
            return cli_consume.run(settings, args)
        if args.command in cli_verify.COMMANDS:
            return cli_verify.run(settings, args)
        if args.command == "projections":
            if args.action == "status":
                return _status(settings, args.format)
            return _rebuild(settings, args.name)
        return cli_history.run(settings, args)
    except DomainError as error:
        print(f"Erreur ({error.code}) : {error.message}", file=sys.stderr)
        return 1
    except AuthConfigError as error:  # `logis serve` with no way to check tokens
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    except CipherKeyError as error:  # LOGIS_CIPHER_KEY cannot read the store
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    except SchemaError as error:  # a newer schema, or versions not applied
        print(f"Erreur : {error}", file=sys.stderr)
        return 1


# What may start an embedded store that does not exist yet; any other command
# on a missing file would read an empty store and answer as if it were real.
# (`token` draws the development secret kept beside it; the relay waits for
# events to come; the consumer keeps its own model there.)
CREATE_STORE = frozenset(
    {
        "serve",
        "demo",
        "setup",
        "migrate",
        "projector",
        "import",
        "token",
        "relay",
        "consume",
    }
)


def _store_found(settings: Settings, command: str) -> bool:
    """The embedded store exists, or this command creates it and says where."""
    if settings.is_postgres:
        return True
    path = settings.sqlite_path().resolve()
    if path.exists():
        return True
    if command in CREATE_STORE:
        print(f"Nouveau magasin Logis (SQLite), créé à {path}", file=sys.stderr)
        return True
    print(
        f"Erreur : aucun magasin Logis à {path}. `logis demo` ou `logis serve` "
        "le crée ; LOGIS_DATABASE_URL en désigne un autre.",
        file=sys.stderr,
    )
    return False


def _serve(
    settings: Settings, host: str | None, port: int | None, tokens: Path | None = None
) -> int:
    import uvicorn

    from api.main import create_app

    host, port = host or settings.host, port or settings.port
    taken = _port_taken(host, port)
    if taken:
        print(
            f"Erreur : impossible d'écouter sur {host}:{port} ({taken}). Un autre "
            f"Logis tourne peut-être déjà ; choisissez un autre port : "
            f"LOGIS_PORT={port + 1} make run, ou logis serve --port {port + 1}.",
            file=sys.stderr,
        )
        return 1

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:  # last on screen, once it answers
                print(_welcome(host, port, tokens), file=sys.stderr, flush=True)

    config = uvicorn.Config(
        create_app(settings), host=host, port=port, log_config=None, access_log=False
    )
    Server(config).run()
    return 0


def _port_taken(host: str, port: int) -> str | None:
    """Why `host:port` cannot be listened on (in use, no such address), if so."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return "port déjà utilisé"
            return error.strerror or str(error)
    return None


def _welcome(host: str, port: int, tokens: Path | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    where = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}"  # noqa: S104
    sign_in = (
        f"collez un jeton de {tokens} (un par rôle de la démonstration)"
        if tokens is not None
        else "collez un jeton (logis token --help)"
    )
    return (
        f"\nLogis est prêt.\n"
        f"  Ouvrez      {where}/docs\n"
        f"  Connexion   bouton « Authorize », {sign_in}\n"
        f"  Arrêt       Ctrl+C\n"
    )


def _setup(settings: Settings) -> int:
    """`logis migrate`, then what every process does at start (the library's
    tables, the LOGIS_CIPHER_KEY check), once, before the services start."""
    build_system(settings, migrate=True).close()
    print("Magasin prêt : schéma à jour, chiffrement vérifié (LOGIS_CIPHER_KEY).")
    return 0


def _migrate(settings: Settings) -> int:
    """Apply the schema's missing versions (infra/migrations/); nothing when a
    newer Logis migrated the store (SchemaError)."""
    applied = prepare_schema(settings, apply=True)
    for version in applied:
        print(f"Migration appliquée : {version}")
    if not applied:
        print("Schéma à jour : aucune migration à appliquer.")
    return 0


def _demo(settings: Settings) -> int:
    from commands.demo import load_demo
    from infra.departments import load_department_settings

    effective_from, department = load_department_settings(DEMO_DEPARTMENT)
    loire = load_department_settings(DEMO_LOIRE)
    system = build_system(settings, migrate=True)  # a one-shot, as `setup`
    try:
        with progress("Démonstration") as advance:
            report = load_demo(
                system.app,
                DEMO_DEPARTMENT,
                effective_from,
                department,
                # The demo's earliest department clock (Martinique, UTC−4): no date
                # it writes is in the future for either department.
                local_today(DEMO_DEPARTMENT, datetime.now(UTC)),
                loire,
                advance,
            )
        system.catch_up()
    finally:
        system.close()
    print(report)
    return 0


# ---- logis commissions: the sessions and their lists, from the read model --------


def _add_commissions_parser(commands: Any) -> None:
    commissions = commands.add_parser(
        "commissions",
        aliases=["commission"],
        help="séances des commissions, leurs listes (vue projetée), leurs "
        "procès-verbaux",
    )
    actions = commissions.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="les séances, les plus récentes d'abord")
    listing.add_argument(
        "--department",
        type=matching(DEPARTMENT_CODE_PATTERN, "code de département"),
        help="code du département, p. ex. 972",
    )
    listing.add_argument(
        "--commune",
        type=matching(COMMUNE_PATTERN, "code INSEE de commune"),
        help="code INSEE de la commune, p. ex. 97209",
    )
    listing.add_argument(
        "--kind",
        type=matching(f"^({'|'.join(KINDS)})$", "nature de commission", KINDS),
        help=f"nature de la commission : {', '.join(KINDS)}",
    )
    listing.add_argument(
        "--limit",
        type=matching(r"^[1-9]\d{0,3}$", "nombre de séances (1 à 9999)"),
        default="100",
        help="au plus tant de séances (défaut 100)",
    )
    listing.add_argument("--format", choices=("table", "json"), default="table")
    show = actions.add_parser(
        "show", help="classement, liste complémentaire et décisions d'une séance"
    )
    show.add_argument(
        "commission_id",
        type=uuid_arg("identifiant de commission"),
        help="identifiant",
    )
    show.add_argument("--format", choices=("table", "json"), default="table")
    cli_minutes.add_parser(actions)


def _commissions(settings: Settings, args: argparse.Namespace) -> int:
    """Read the `commissions` view once this process has caught the projector up
    (as `logis demo` does): the answer holds every event written before it."""
    system = build_system(settings)
    try:
        views = caught_up_views(system, "commissions")
        if views is None:
            return 1
        view = views["commissions"]
        position = view.max_tracking_id(system.app.name) or 0
        if args.action == "list":
            query = CommissionFilter(
                department=args.department,
                commune=args.commune,
                kind=args.kind,
                limit=int(args.limit),
            )
            rows, total = select_commissions(view, query)
            page = CommissionsPublic(data=rows, count=total, position=position)
            return _print_commissions(page, args.format)
        lists = commission_list(view, args.commission_id)
        if lists is None:
            system.app.get_commission(args.commission_id)  # commission_not_found
            print(
                f"La commission {args.commission_id} n'est pas encore dans la vue "
                "« commissions » : réessayez.",
                file=sys.stderr,
            )
            return 1
        public = CommissionListPublic.of(lists, position)
        if args.format == "json":
            return print_json(public.model_dump(mode="json"))
        return print_commission(public, Names(system.app))
    finally:
        system.close()


def _day(value: date | None) -> str:
    return "—" if value is None else f"{value:%d/%m/%Y}"


def _print_commissions(page: CommissionsPublic, output: str) -> int:
    if output == "json":
        return print_json(page.model_dump(mode="json"))
    grid = rows(
        table(
            "séance",
            "commission",
            "commune",
            "état",
            ("présents", "right"),
            ("décisions", "right"),
            "LC jusqu’au",
            "identifiant",
        ),
        [
            (
                _day(c.held_on),
                KIND_NAMES.get(c.kind, c.kind),
                c.commune,
                STAGE_NAMES.get(c.stage, c.stage),
                c.attendees,
                c.decisions,
                _day(c.list_valid_until),
                c.id,
            )
            for c in page.data
        ],
    )
    return print_table(f"Séances de commission — {page.count} séance(s)", grid)


# ---- logis dashboard: the ASLL associations' workload, from the read model -------


def _add_dashboard_parser(commands: Any) -> None:
    dashboard = commands.add_parser(
        "dashboard", help="charge des associations ASLL et des référents (vue projetée)"
    )
    dashboard.add_argument(
        "--department",
        type=matching(DEPARTMENT_CODE_PATTERN, "code de département"),
        help="code du département, p. ex. 972 (défaut : tous)",
    )
    dashboard.add_argument(
        "--association",
        type=matching(ASSOCIATION_PATTERN, "code d'association"),
        help="code de l'association, p. ex. agasef",
    )
    dashboard.add_argument(
        "--as-of",
        type=day_arg,
        default=None,
        help="jour de référence AAAA-MM-JJ (défaut : aujourd'hui, heure locale)",
    )
    dashboard.add_argument("--format", choices=("table", "json"), default="table")


def _dashboard(settings: Settings, args: argparse.Namespace) -> int:
    """The workload on a day once this process has caught the projector up (as
    `logis commissions` does): the answer holds every event written before it."""
    from api.routes.workload import department_rules  # FastAPI: only when asked

    system = build_system(settings)
    try:
        views = caught_up_views(system, "mesures")
        if views is None:
            return 1
        view = views["mesures"]
        query = WorkloadFilter(args.department, args.association, args.as_of)
        workload = select_workload(
            view, query, department_rules(system), datetime.now(UTC)
        )
        if args.association and not workload.associations:
            where = f" du département {args.department}" if args.department else ""
            print(f"Association {args.association} inconnue{where}.", file=sys.stderr)
            return 1
        page = WorkloadPublic(
            as_of=args.as_of,
            associations=workload.associations,
            workers=workload.workers,
            position=view.max_tracking_id(system.app.name) or 0,
        )
    finally:
        system.close()
    if args.format == "json":
        return print_json(page.model_dump(mode="json"))
    return _print_workload(page)


def _print_workload(page: WorkloadPublic) -> int:
    days = sorted({a.as_of for a in page.associations})
    on = f", au {_day(days[0])}" if len(days) == 1 else ""
    count = len(page.associations)
    title = f"Charge des associations ASLL — {count} association(s){on}"
    if not page.associations:
        return print_table(title, None)
    expected = {a.meetings_per_month for a in page.associations}
    meetings = (
        f"moins de {expected.pop()} rencontres"
        if len(expected) == 1
        else "rencontres insuffisantes"
    )
    associations = rows(
        table(
            "dépt",
            "association",
            ("actifs/capacité", "right"),
            ("renforcés/capacité", "right"),
            ("à renouveler ≤30 j", "right"),
            ("bilans en retard", "right"),
            (meetings, "right"),
        ),
        [
            (
                a.department,
                a.name,
                _of(a.active, a.capacity),
                _of(a.renforces, a.renforce_capacity),
                len(a.ending_soon),
                len(a.overdue_bilans),
                len(a.few_meetings),
            )
            for a in page.associations
        ],
    )
    print_table(title, associations, "")
    workers = f"Référents — {len(page.workers)} référent(s)"
    if not page.workers:
        return print_table(workers, None, "  aucune mesure sous convention")
    names = {(a.department, a.association): a.name for a in page.associations}
    grid = rows(
        table(
            "dépt", "association", "référent", ("actifs", "right"),
            ("renforcés", "right"),
        ),
        [
            (
                w.department,
                names.get((w.department, w.association), w.association),
                w.worker,
                w.active,
                w.renforces,
            )
            for w in page.workers
        ],
    )  # fmt: skip
    return print_table(workers, grid)


def _of(count: int, capacity: int | None) -> str:
    return f"{count}/{'—' if capacity is None else capacity}"


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
    system = build_system(settings)
    try:
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
    except RuntimeError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    finally:
        system.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
