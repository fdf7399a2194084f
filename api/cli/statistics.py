"""`logis statistics llts|asll`: a department's yearly figures, from the read
models once this process has caught the projector up, in French, JSON (the
API's) or CSV (the API's `format=csv`).

Exit status: 0; 1 for a department without settings; 2 for bad arguments."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_department, add_format, whole_number_arg
from api.cli.commissions import spoken
from api.cli.output import print_json, print_table, table
from api.cli.views import caught_up_view, opened
from api.minutes.labels import OUTCOMES
from api.statistics import to_csv
from domain.department import local_today

if TYPE_CHECKING:
    from api.schemas.statistics import LltsStatisticsPublic, StatisticsPublic
    from infra.settings import Settings

FIRST_YEAR, LAST_YEAR = 2000, 2100
VIEWS = {"llts": "llts_statistics", "asll": "mesures"}
LABELS = {
    "demands_identified": "Dossiers identifiés",
    "demands_processed": "Demandes traitées (analyse ALS commencée)",
    "attributions": "Attributions (CAL)",
    "leases_signed": "Baux signés",
    "households_entered": "Ménages entrés dans les lieux",
    "households_supported_after_entry": "Ménages accompagnés après l'entrée",
    "supported_after_llts_entry": "  dont après une entrée LLTS",
    "supported_in_maintien": "  dont en maintien",
    "requested": "Mesures demandées",
    "instructed": "Demandes instruites",
    "granted": "  dont accordées",
    "refused": "  dont refusées",
    "notified": "Mesures notifiées",
    "conventions": "Conventions signées",
    "baux_glissants_share_percent": "Part des baux glissants (%)",
    "reoriented": "Réorientées",
    "ended": "Terminées (bilan)",
    "broken_off": "Rompues",
    "baux_glissants_started": "Baux glissants commencés",
    "baux_glissants_slid": "Baux glissés",
    "households_supported": "Ménages accompagnés",
    "demands_processed_asll": "Demandes traitées (instruites)",
    "mandats_de_gestion": "Mandats de gestion",
}
TITLES = {"llts": "Statistiques LLTS", "asll": "Statistiques ASLL"}
GROUPS = {
    "by_decision": "dont décision",
    "by_orientation": "dont orientation",
    "by_kind": "dont nature",
}
ITEMS = {
    **OUTCOMES,
    "acces": "accès",
    "bail_glissant": "bail glissant",
    "action_specifique": "action spécifique",
}


_year = whole_number_arg(
    FIRST_YEAR, LAST_YEAR, "année invalide : {text!r} (attendu : {low} à {high})"
)


def add_parsers(commands: Any) -> None:
    statistics = commands.add_parser(
        "statistics",
        help="statistiques annuelles d'un département : LLTS ou ASLL (vues projetées)",
        description="Les chiffres d'une année civile pour un département : LLTS "
        "(demandes traitées, attributions, entrées, ménages accompagnés après "
        "l'entrée) ou ASLL (mesures par orientation et par nature, baux glissants).",
        epilog="Code de sortie : 0 ; 1 pour un département sans paramétrage ; "
        "2 pour des arguments invalides.",
    )
    statistics.add_argument("kind", choices=tuple(VIEWS), help="llts ou asll")
    add_department(statistics, "code du département, p. ex. 972", required=True)
    statistics.add_argument(
        "--year", type=_year, default=None, help="année civile (défaut : l'année)"
    )
    add_format(statistics, ("table", "json", "csv"))
    statistics.set_defaults(run=run, statistics_parser=statistics)


def run(settings: Settings, args: argparse.Namespace) -> int:
    this_year = local_today(args.department, datetime.now(UTC)).year
    if args.year is not None and args.year > this_year:
        parser: argparse.ArgumentParser = args.statistics_parser
        parser.error(f"année à venir : {args.year} (l'année en cours est {this_year})")
    year = args.year or this_year
    from api.schemas.statistics import LltsStatisticsPublic, StatisticsPublic
    from projections.llts_statistics import select_llts_statistics
    from projections.mesures import select_statistics

    with opened(settings) as system:
        system.app.department_versions(args.department)  # NotFoundError: exit 1
        view, position = caught_up_view(system, VIEWS[args.kind])
        figures: LltsStatisticsPublic | StatisticsPublic
        if args.kind == "llts":
            found = select_llts_statistics(view, args.department, year)
            figures = LltsStatisticsPublic(**vars(found), position=position)
        else:
            asll = select_statistics(view, args.department, year)
            figures = StatisticsPublic(**vars(asll), position=position)
    answer = figures.model_dump(mode="json")
    if args.format == "json":
        return print_json(answer)
    if args.format == "csv":
        sys.stdout.write(to_csv(answer))
        return 0
    return _print(args.kind, answer)


def _print(kind: str, figures: dict[str, Any]) -> int:
    grid = table("indicateur", ("nombre", "right"), ("part", "right"))
    for name, value in figures.items():
        if name in ("department", "year", "position", "notes"):
            continue
        if name == "demands_processed" and kind == "asll":
            name = "demands_processed_asll"
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                code = next(iter(item.values()))
                share = item["share_percent"]
                grid.add_row(
                    f"  {GROUPS.get(name, name)} : {ITEMS.get(code, spoken(code))}",
                    str(item["count"]),
                    "" if share is None else f"{share:.1f} %".replace(".", ","),
                )
            continue
        if isinstance(value, (dict, list)):
            continue
        shown = "non enregistré" if value is None else str(value).replace(".", ",")
        grid.add_row(LABELS.get(name, name), shown, "")
    return print_table(
        f"{TITLES[kind]} — département {figures['department']}, {figures['year']}",
        grid,
        *(f"Note : {note}" for note in figures.get("notes", ())),
        *(f"Hypothèse : {assumption}" for assumption in figures["assumptions"]),
    )
