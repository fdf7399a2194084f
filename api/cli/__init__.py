"""The `logis` command line (messages in French): its parser and `main`. Each
command group is a module of this package, with its `add_parsers` and the `run`
its parser names (argparse's `set_defaults`).

A command imports what it runs on only when it runs: a group module's top
imports what its parser needs (argparse, the domain's vocabularies), its `run`
the store, the web framework, Kafka or the printer. `logis --help` and a
refused argument answer before any of it is loaded; tests/e2e/
test_cli_startup.py checks which modules each command leaves loaded."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import TYPE_CHECKING, NoReturn

from api.cli import (
    access_log,
    audit,
    commissions,
    consume,
    dashboard,
    demo,
    erase,
    generate,
    history,
    history_import,
    legality,
    projections,
    relay,
    serve,
    setup,
    statistics,
    token,
    verify,
)
from api.cli.french import name_positionals, speak_french

if TYPE_CHECKING:
    from collections.abc import Sequence

    from infra.settings import Settings


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors in French (exit status 2, as argparse's)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")  # api/cli/french.py


def build_parser() -> argparse.ArgumentParser:
    speak_french()
    parser = _Parser(
        prog="logis", description="Logis : dossiers LLTS et mesures ASLL, événements."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    # In this order in `logis --help`.
    for group in (
        serve,
        demo,
        generate,
        setup,
        history,
        projections,
        commissions,
        dashboard,
        verify,
        audit,
        erase,
        history_import,
        legality,
        statistics,
        access_log,
        token,
        relay,
        consume,
    ):
        group.add_parsers(commands)
    name_positionals(parser)
    return parser


def entrypoint() -> None:
    """The `logis` command: `main`, stopping quietly when its reader goes
    away (`logis audit … | head`) as other Unix commands do."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    """The command, once its arguments are read: the settings, the logs, then
    its group's `run` (what they import is needed by every command but not by
    `--help` or a refused argument)."""
    from pydantic import ValidationError

    from api.cli.views import ViewBeingBuilt
    from domain.pydantic_french import field_of, french_problem
    from domain.shared import DomainError
    from infra.logging import configure_logging
    from infra.settings import Settings

    try:
        settings = Settings()
    except ValidationError as error:  # a LOGIS_* variable refused: say which
        for problem in error.errors():
            where = field_of(problem, "réglages")
            why = french_problem(problem)
            print(f"Réglage refusé ({where}) : {why}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, json=settings.log_json)  # to stderr
    # A command that reads no store (`legality rules`) says so by `reads_store`.
    reads_store = getattr(args, "reads_store", None)
    if (reads_store is None or reads_store(args)) and not _store_found(
        settings, args.command
    ):
        return 1
    try:
        return args.run(settings, args)
    except DomainError as error:
        print(f"Erreur ({error.code}) : {error.message}", file=sys.stderr)
        return 1
    except ViewBeingBuilt as error:
        print(error, file=sys.stderr)
        return 1
    except Exception as error:
        # `logis serve` with no way to check tokens; LOGIS_CIPHER_KEY cannot
        # read the store; a newer schema, or versions not applied. Their
        # modules are imported once something was raised: a command that
        # does not use them need not load them (JWT, PostgreSQL's driver).
        from infra.cipher_check import CipherKeyError
        from infra.migrations import SchemaError
        from infra.token_verification import AuthConfigError

        if not isinstance(error, AuthConfigError | CipherKeyError | SchemaError):
            raise
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
        "generate",
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
