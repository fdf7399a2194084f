"""`logis commissions list|show|minutes` (alias `logis commission`): the
sessions and their lists from the read model, as tables or JSON. For people,
`show` gives a session's lists and decisions with households and the programme
by name (the operator reads the whole store, as the procès-verbal names them),
codes by their French words; `minutes` is api/cli/minutes.py."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from api.cli import minutes
from api.cli.arguments import (
    add_commune,
    add_department,
    add_format,
    matching,
    uuid_arg,
)
from api.cli.history import Names
from api.cli.output import console, day, how_many, print_json, print_table, rows, table
from api.cli.views import caught_up_view, opened
from api.minutes.labels import FUNCTIONS, OUTCOMES
from domain.commission_steps import KINDS, STAGE_LABELS
from domain.places import commune_label

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from api.schemas.commissions import CommissionListPublic, CommissionsPublic
    from infra.settings import Settings
    from projections.commissions import EntryRow

KIND_NAMES = {
    "pre_commission": "pré-commission",
    "commission_prefectorale": "commission préfectorale",
    "cal": "CAL",
}
STAGE_NAMES = STAGE_LABELS
# The procès-verbal's words for each outcome, and the CAL-TROIS exceptions.
OUTCOME_NAMES = {
    **OUTCOMES,
    "dalo": "ménage DALO désigné par le préfet",
    "candidats_insuffisants": "candidats insuffisants",
}
# Long texts are cut with an ellipsis, one line a row; --format json has them whole.
CRITERIA_WIDTH, MOTIVE_WIDTH, AFTER_WIDTH = 32, 32, 40


def add_parsers(commands: Any) -> None:
    commissions = commands.add_parser(
        "commissions",
        aliases=["commission"],
        help="séances des commissions, leurs listes (vue projetée), leurs "
        "procès-verbaux",
    )
    actions = commissions.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="les séances, les plus récentes d'abord")
    add_department(listing, "code du département, p. ex. 972")
    add_commune(listing, "code INSEE de la commune, p. ex. 97209")
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
    add_format(listing)
    show = actions.add_parser(
        "show", help="classement, liste complémentaire et décisions d'une séance"
    )
    show.add_argument(
        "commission_id",
        type=uuid_arg("identifiant de commission"),
        help="identifiant",
    )
    add_format(show)
    minutes.add_parser(actions)
    commissions.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Read the `commissions` view once this process has caught the projector up
    (as `logis demo` does): the answer holds every event written before it; the
    minutes are read from the histories (api/minutes/)."""
    if args.action == "minutes":
        return minutes.run(settings, args)
    from api.schemas.commissions import CommissionListPublic, CommissionsPublic
    from api.schemas.common import read_off
    from projections.commissions import (
        CommissionFilter,
        commission_list,
        select_commissions,
    )

    with opened(settings) as system:
        view, position = caught_up_view(system, "commissions")
        if args.action == "list":
            query = CommissionFilter(
                department=args.department,
                commune=args.commune,
                kind=args.kind,
                limit=int(args.limit),
                count_limit=settings.list_count_limit,
            )
            found, total = select_commissions(view, query)
            page = read_off(CommissionsPublic, total, data=found, position=position)
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
                day(c.held_on),
                KIND_NAMES.get(c.kind, c.kind),
                commune_label(c.commune),
                STAGE_NAMES.get(c.stage, c.stage),
                c.attendees,
                c.decisions,
                day(c.list_valid_until),
                c.id,
            )
            for c in page.data
        ],
    )
    return print_table(f"Séances de commission — {how_many(page)} séance(s)", grid)


def spoken(code: str) -> str:
    """A department's criterion code as words: « menace d'expulsion sans
    relogement » for menace_d_expulsion_sans_relogement."""
    return code.replace("_d_", " d'").replace("_l_", " l'").replace("_", " ")


def print_commission(lists: CommissionListPublic, names: Names) -> int:
    out = console()
    c = lists.commission
    title = KIND_NAMES.get(c.kind, c.kind)
    out.print(
        f"{title[0].upper()}{title[1:]} du {day(c.held_on)} — commune "
        f"{commune_label(c.commune)} (département {c.department})"
    )
    out.print(f"Identifiant : {c.id}")
    if c.programme_id or c.landlord:
        programme = names(c.programme_id) if c.programme_id else "—"
        out.print(f"Programme : {programme} ; bailleur : {c.landlord or '—'}")
    chair = c.presided_by
    presidency = (
        f"{FUNCTIONS.get(chair['function'], chair['function'])} "
        f"({chair['organisation']})"
        if chair
        else "—"
    )
    closed = f" le {day(c.minutes_closed_on)}" if c.minutes_closed_on else ""
    out.print(
        f"État : {STAGE_NAMES.get(c.stage, c.stage)}{closed} ; présents : "
        f"{c.attendees} ; présidence : {presidency}"
    )
    if c.kind == "pre_commission":
        _entries("Pré-sélection", "n°", lists.preselection, names, outcome=True)
    if c.kind == "commission_prefectorale":
        _entries("Classement", "rang", lists.ranked, names)
        until = f" — valable jusqu'au {day(lists.list_valid_until)}"
        _entries(
            "Liste complémentaire",
            "n°",
            lists.liste_complementaire,
            names,
            suffix=until if lists.liste_complementaire else "",
        )
        _entries("Non retenus", "n°", lists.non_retenus, names)
    if c.kind == "cal":
        _dwellings(lists, names)
    return 0


def _entries(
    title: str,
    place: str,
    entries: Sequence[EntryRow],
    names: Names,
    *,
    outcome: bool = False,
    suffix: str = "",
) -> None:
    console().print()
    heading = f"{title} ({len(entries)}){suffix}"
    if not entries:
        print_table(heading, None, "  aucun dossier")
        return
    grid = table(
        (place, "right"),
        "dossier",
        "ménage",
        ("issue", "left") if outcome else ("critères RDA", "left", CRITERIA_WIDTH),
        ("motif", "left", MOTIVE_WIDTH),
        ("suite en CAL", "left", AFTER_WIDTH),
    )
    rows(
        grid,
        [
            (
                e.position,
                e.dossier_id,
                names.household(e.dossier_id),
                OUTCOME_NAMES.get(e.outcome, e.outcome)
                if outcome
                else ", ".join(spoken(c) for c in e.criteria),
                e.motive,
                f"{OUTCOME_NAMES.get(e.cal_decision, e.cal_decision)}"
                f"{f' ({e.cal_dwelling_ref})' if e.cal_dwelling_ref else ''}"
                if e.cal_decision
                else None,
            )
            for e in entries
        ],
    )
    print_table(heading, grid)


def _dwellings(lists: CommissionListPublic, names: Names) -> None:
    out = console()
    out.print()
    out.print("Décisions par logement")
    for dwelling in lists.dwellings:
        if not dwelling.examined:
            out.print(f"Logement {dwelling.ref} : pas encore examiné")
            continue
        exception = (
            f" ; moins de trois candidats : "
            f"{OUTCOME_NAMES.get(dwelling.exception, dwelling.exception)}"
            if dwelling.exception
            else ""
        )
        grid = rows(
            table(
                ("n°", "right"),
                "dossier",
                "ménage",
                "décision",
                ("motif", "left", 2 * MOTIVE_WIDTH),
            ),
            [
                (
                    e.position,
                    e.dossier_id,
                    names.household(e.dossier_id),
                    OUTCOME_NAMES.get(e.outcome, e.outcome),
                    e.motive,
                )
                for e in dwelling.candidates
            ],
        )
        print_table(
            f"Logement {dwelling.ref} — {len(dwelling.candidates)} "
            f"candidat(s){exception}",
            grid,
        )
