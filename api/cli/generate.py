"""`logis generate`: a synthetic store at the scale asked (api/synthetic/),
written through the application's commands, for the benchmarks and for trying
Logis at a department's, a region's or the country's volumes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.cli.arguments import day_arg, from_args, whole_number_arg
from api.cli.output import progress
from api.cli.views import opened

if TYPE_CHECKING:
    import argparse

    from infra.settings import Settings

TEMPLATE = "42"  # the Loire's settings, every synthetic department's


def add_parsers(commands: Any) -> None:
    generate = commands.add_parser(
        "generate",
        help="écrire des données synthétiques (départements, programmes, dossiers, "
        "commissions, mesures, saisines) par les commandes de l'application",
    )
    size = generate.add_mutually_exclusive_group(required=True)
    size.add_argument(
        "--events",
        type=whole_number_arg(1, 100_000_000),
        help="s'arrêter quand le magasin contient ce nombre d'événements",
    )
    size.add_argument(
        "--dossiers",
        type=whole_number_arg(1, 10_000_000),
        help="s'arrêter après ce nombre de dossiers LLTS",
    )
    generate.add_argument(
        "--departments",
        type=whole_number_arg(1, 94),
        default=3,
        help="nombre de départements synthétiques (3 par défaut)",
    )
    generate.add_argument(
        "--seed",
        type=whole_number_arg(0, 2**31),
        default=1,
        help="graine : la même graine et le même jour donnent les mêmes commandes",
    )
    generate.add_argument(
        "--today",
        type=day_arg,
        default=None,
        help="le dernier jour des données (AAAA-MM-JJ ; aujourd'hui par défaut)",
    )
    generate.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    import time

    from api.synthetic import Options, generate
    from infra.departments import load_department_settings

    _, base = load_department_settings(TEMPLATE)
    options = from_args(Options, args)
    with opened(settings, migrate=True) as system:  # a one-shot, as `demo`
        started = time.perf_counter()
        with progress("Génération") as advance:
            counts = generate(system.app, base, options, advance)
        system.catch_up()  # the views, as `logis demo` leaves them
    seconds = time.perf_counter() - started
    print(
        f"Données synthétiques écrites en {seconds:.0f} s (graine {args.seed}) : "
        f"{counts.events} événements dans le magasin, {counts.commands} commandes, "
        f"départements : {args.departments}, {counts.programmes} programmes, "
        f"{counts.dossiers} dossiers, {counts.commissions} commissions, "
        f"{counts.measures} mesures ASLL, {counts.referrals} saisines CCAPEX."
    )
    return 0
