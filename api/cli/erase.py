"""`logis erase HOUSEHOLD_ID`: destroy a household's key once the retention
allows it (RGPD-CONSERVATION), and record the erasure on each of its records.

Run by an operator with access to the database: acting as an administrator.
Exit status: 0 erased (or erased already), 1 refused (retention not elapsed,
unknown household), 2 for bad arguments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_format, add_operator, day_arg, operator, uuid_arg
from api.cli.output import local_time, print_json, print_table, progress, rows, table
from api.cli.views import opened
from domain.records import KIND_LABELS

if TYPE_CHECKING:
    import argparse

    from infra.settings import Settings


def add_parsers(commands: Any) -> None:
    erase = commands.add_parser(
        "erase",
        help="effacer les données personnelles d'un ménage (durée de conservation "
        "écoulée)",
        description="Détruit la clé du ménage : ses champs personnels se lisent "
        "désormais « [donnée effacée] » ; l'historique et sa chaîne d'intégrité "
        "restent intacts.",
        epilog="Code de sortie : 0 effacé, 1 refusé (conservation non écoulée, "
        "ménage inconnu), 2 arguments invalides.",
    )
    erase.add_argument(
        "household_id", type=uuid_arg("identifiant de ménage"), metavar="MENAGE"
    )
    erase.add_argument(
        "--as-of", type=day_arg, default=None, metavar="AAAA-MM-JJ",
        help="le jour de l'effacement (défaut : aujourd'hui)",
    )  # fmt: skip
    add_operator(erase, "efface")
    add_format(erase)
    erase.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    from infra.erasure import erase_household

    actor = operator(args)
    today = args.as_of or datetime.now(UTC).date()
    # A refusal (DomainError) is printed by api/cli/__init__.py, exit status 1.
    with opened(settings) as system:
        with progress("Effacement"):
            erasure = erase_household(
                system.app, args.household_id, actor, today, "logis-erase",
                system.engine,
            )  # fmt: skip
        first = next(iter(system.app.events.get(erasure.records[0][1], limit=1)))
    if args.format == "json":
        return print_json(
            {
                "household_id": str(erasure.household_id),
                "records": [{"kind": k, "id": str(i)} for k, i in erasure.records],
                "categories": erasure.categories,
                "erased_at": erasure.key.erased_at,
                "erased_by": erasure.key.erased_by,
                "already_erased": erasure.already,
            }
        )
    # The household's records are all in one department: its local time.
    department = getattr(first, "department", None)
    erased_at = erasure.key.erased_at
    when = "—" if erased_at is None else local_time(department, erased_at)
    title = (
        f"Ménage {erasure.household_id} : données déjà effacées le {when}."
        if erasure.already
        else f"Ménage {erasure.household_id} : données personnelles effacées."
    )
    grid = rows(
        table("enregistrement", "identifiant"),
        [
            (KIND_LABELS.get(kind, kind), record_id)
            for kind, record_id in erasure.records
        ],
    )
    return print_table(
        title,
        grid,
        f"Catégories : {', '.join(erasure.categories) or 'aucune'}",
        f"Effacé le {when} par {erasure.key.erased_by}",
    )
