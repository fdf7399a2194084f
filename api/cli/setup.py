"""`logis setup`: what every process does at start, once, before the services
start together (docker-compose.yml): they would race to create the same tables.
Not a schema migration: Logis alters no table, it creates the missing ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from infra.bootstrap import build_system

if TYPE_CHECKING:
    import argparse

    from infra.settings import Settings


def add_parsers(commands: Any) -> None:
    setup = commands.add_parser(
        "setup",
        help="créer les tables du magasin qui manquent et vérifier LOGIS_CIPHER_KEY, "
        "puis s'arrêter (avant les services)",
    )
    setup.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    build_system(settings).close()
    print("Magasin prêt : tables présentes, chiffrement vérifié (LOGIS_CIPHER_KEY).")
    return 0
