"""`logis import FILE`: import a department's past years (settings versions
that took effect before today's, past histories with their real dates) through
the application's commands, as the API would carry them out. The file's format
is in commands/history_import.py and the README.

Run by an operator with access to the database: the importer is an
administrator (`--by`), each step's actor is the one the file names.
Exit status: 0 imported (or already), 1 a line refused (its number, code and
French message; nothing after it is written), 2 bad arguments or unreadable file.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_operator, operator
from domain.shared import fr_day

if TYPE_CHECKING:
    import argparse

    from infra.settings import Settings

IMPORTER_ORGANISATION = "Logis (administration)"


def add_parsers(commands: Any) -> None:
    parser = commands.add_parser(
        "import",
        help="importer l'historique d'années passées (JSON Lines)",
        description="Importe des paramètres départementaux et des historiques "
        "passés, ligne par ligne, par les commandes de l'application ; s'arrête "
        "à la première ligne refusée. Relancer le même fichier n'écrit rien de "
        "plus.",
        epilog="Code de sortie : 0 importé, 1 ligne refusée, 2 arguments ou "
        "fichier invalides.",
    )
    parser.add_argument("file", type=Path, metavar="FICHIER")
    add_operator(parser, "importe")
    parser.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"Fichier illisible ({args.file}) : {error}", file=sys.stderr)
        return 2
    from commands.history_import import ImportRefusedError, run_import
    from infra.bootstrap import build_system

    importer = operator(args, IMPORTER_ORGANISATION)
    system = build_system(settings)
    try:
        result = run_import(system.app, text, importer, datetime.now(UTC))
    except ImportRefusedError as error:
        print(f"Import arrêté. {error.message}", file=sys.stderr)
        print(
            f"Les lignes avant la ligne {error.line} sont enregistrées ; corrigez "
            "celle-ci et relancez : les lignes déjà écrites ne le seront pas deux "
            "fois.",
            file=sys.stderr,
        )
        return 1
    finally:
        system.catch_up()
        system.close()
    header = result.header
    print(
        f"Import « {header.key} » du département {header.department} (source : "
        f"{header.source} ; période du {fr_day(header.start)} au "
        f"{fr_day(header.end)}) : {result.written} ligne(s) écrite(s), "
        f"{result.replayed} déjà écrite(s)."
    )
    for ref, record_id in result.refs.items():
        print(f"  {ref} : {record_id}")
    return 0
