"""`logis dashboard`: the ASLL associations' workload and their workers'
caseloads on a day, from the `mesures` view, as tables or JSON."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_department, add_format, day_arg, matching
from api.cli.output import day, print_json, print_table, rows, table
from api.cli.views import caught_up_view, opened
from domain.department_settings import ASSOCIATION_PATTERN

if TYPE_CHECKING:
    import argparse

    from api.schemas.mesures import WorkloadPublic
    from infra.settings import Settings


def add_parsers(commands: Any) -> None:
    dashboard = commands.add_parser(
        "dashboard", help="charge des associations ASLL et des référents (vue projetée)"
    )
    add_department(dashboard, "code du département, p. ex. 972 (défaut : tous)")
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
    add_format(dashboard)
    dashboard.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """The workload on a day once this process has caught the projector up (as
    `logis commissions` does): the answer holds every event written before it."""
    from api.schemas.mesures import WorkloadPublic
    from api.workload import department_rules
    from projections.mesures import WorkloadFilter, select_workload

    with opened(settings) as system:
        view, position = caught_up_view(system, "mesures")
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
            position=position,
        )
    if args.format == "json":
        return print_json(page.model_dump(mode="json"))
    return _print_workload(page)


def _print_workload(page: WorkloadPublic) -> int:
    days = sorted({a.as_of for a in page.associations})
    on = f", au {day(days[0])}" if len(days) == 1 else ""
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
