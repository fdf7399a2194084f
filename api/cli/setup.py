"""`logis migrate` and `logis setup`, once, before the services start together
(docker-compose.yml): they would race to change the same schema. `migrate`
applies the schema's missing versions (infra/migrations/); `setup` does that,
then what every process does at start (the library's tables, the
LOGIS_CIPHER_KEY check)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

    from infra.settings import Settings


def add_parsers(commands: Any) -> None:
    setup = commands.add_parser(
        "setup",
        help="appliquer les migrations et vérifier LOGIS_CIPHER_KEY, "
        "puis s'arrêter (avant les services)",
    )
    setup.set_defaults(run=run)
    migrate = commands.add_parser(
        "migrate",
        help="appliquer au schéma de la base les migrations qui lui manquent "
        "(PostgreSQL : avant les services)",
    )
    migrate.set_defaults(run=run_migrate)


def run(settings: Settings, args: argparse.Namespace) -> int:
    from infra.bootstrap import build_system

    build_system(settings, migrate=True).close()
    print("Magasin prêt : schéma à jour, chiffrement vérifié (LOGIS_CIPHER_KEY).")
    return 0


def run_migrate(settings: Settings, args: argparse.Namespace) -> int:
    """Nothing when a newer Logis migrated the store (SchemaError)."""
    from infra.bootstrap import prepare_schema

    applied = prepare_schema(settings, apply=True)
    for version in applied:
        print(f"Migration appliquée : {version}")
    if not applied:
        print("Schéma à jour : aucune migration à appliquer.")
    return 0
