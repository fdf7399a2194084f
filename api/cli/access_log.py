"""`logis access-log`: who read which record's personal data, when, through which
endpoint (the `GET /v1/access-log` entries), the most recent first, as a French
table or as the API's JSON. For auditors and the DPO, on the server."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from api.cli.arguments import (
    add_format,
    from_args,
    matching,
    uuid_arg,
    whole_number_arg,
)
from api.cli.output import how_many, local_time, print_json, print_table, rows, table
from api.cli.views import opened
from domain.categories import CATEGORY_LABELS
from domain.records import KIND_LABELS, LOGGED
from domain.shared import ROLE_LABELS, ROLES

if TYPE_CHECKING:
    from uuid import UUID

    from api.schemas.access_log import AccessLogPublic
    from commands.application import Logis
    from infra.settings import Settings


def _bound(text: str, *, end: bool) -> datetime:
    """A day (AAAA-MM-JJ: from its start, or to its end included) or an ISO 8601
    moment (without a time zone: UTC)."""
    try:
        if len(text) == len("2026-01-31"):
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(), tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(text)
    except ValueError:
        msg = f"date AAAA-MM-JJ ou moment ISO 8601 attendu, pas « {text} »"
        raise argparse.ArgumentTypeError(msg) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _limit(text: str) -> int:
    from infra.access_entries import MAX_LIMIT  # the store's, which `run` opens

    refusal = "nombre de {low} à {high} attendu, pas « {text} »"
    return whole_number_arg(1, MAX_LIMIT, refusal)(text)


def add_parsers(commands: Any) -> None:
    parser = commands.add_parser(
        "access-log",
        help="journal des accès : qui a lu les données personnelles de quel "
        "dossier, mesure ou saisine, quand, par quelle route",
    )
    parser.add_argument(
        "--record", type=uuid_arg("identifiant"), help="identifiant (UUID) lu"
    )
    parser.add_argument("--subject", help="agent (identifiant de la personne)")
    parser.add_argument("--organisation", help="organisation de l'agent")
    parser.add_argument(
        "--role", type=matching(f"^({'|'.join(ROLES)})$", "rôle", ROLES)
    )
    parser.add_argument("--kind", choices=LOGGED, help="type d'enregistrement")
    parser.add_argument(
        "--from",
        dest="since",
        type=lambda text: _bound(text, end=False),
        help="à partir de ce jour (AAAA-MM-JJ) ou de ce moment (ISO 8601, UTC)",
    )
    parser.add_argument(
        "--to",
        dest="until",
        type=lambda text: _bound(text, end=True),
        help="jusqu'à ce jour inclus (AAAA-MM-JJ) ou avant ce moment",
    )
    parser.add_argument("--limit", type=_limit, default=100, help="défaut : 100")
    parser.add_argument(
        "--offset", type=whole_number_arg(0, 10**9), default=0, help="défaut : 0"
    )
    add_format(parser)
    parser.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    from api.schemas.access_log import AccessLogPublic
    from infra.access_entries import AccessQuery

    query = from_args(
        AccessQuery,
        args,
        record_id=args.record,
        count_limit=settings.list_count_limit,
    )
    with opened(settings) as system:
        records, total = system.access_log.select(query)
        page = AccessLogPublic.of(records, total, query)
        if args.format == "json":
            return print_json(page.model_dump(mode="json"))
        departments = _departments(system.app, {e.record_id for e in page.data})
    return _table(page, departments)


def _departments(app: Logis, record_ids: set[UUID]) -> dict[UUID, str | None]:
    """Each record's department, from its first event: a read is dated in the
    zone of the record it read (Martinique's at UTC−4)."""
    found: dict[UUID, str | None] = {}
    for record_id in record_ids:
        first = next(iter(app.events.get(record_id, limit=1)), None)
        found[record_id] = getattr(first, "department", None)
    return found


# One line a read off a terminal (grep, cut), its categories spelled out.
LOG_WIDTH = 260


def _table(page: AccessLogPublic, departments: dict[UUID, str | None]) -> int:
    if not page.data:
        return print_table(
            f"Journal des accès — aucune lecture ({how_many(page)} au total)."
        )
    first = page.offset + 1
    last = page.offset + len(page.data)
    grid = table(
        "lu le (heure locale)", "agent", "rôle", "organisation", "enregistrement",
        "route", "catégories",
    )  # fmt: skip
    rows(
        grid,
        [
            (
                local_time(departments.get(e.record_id), e.at),
                e.subject,
                ROLE_LABELS.get(e.role, e.role),
                e.organisation,
                f"{KIND_LABELS.get(e.kind, e.kind)} {e.record_id}",
                e.endpoint,
                ", ".join(CATEGORY_LABELS.get(c, c) for c in e.categories),
            )
            for e in page.data
        ],
    )
    return print_table(
        f"Journal des accès — lectures {first} à {last} sur {how_many(page)}, "
        "les plus récentes d'abord",
        grid,
        width=LOG_WIDTH,
    )
