"""`logis audit ID`: the audit trail of any record (dossier, ASLL measure,
programme, commission, CCAPEX referral) from the `audit_trail` view, once this
process has caught the projector up, as a table, JSON, CSV or a printable HTML
page (A4, a Préfecture file: title, record, every event, a signature block)."""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_format, day_arg, moment_arg, uuid_arg
from api.cli.documents import pdf_without_file, write_document
from api.cli.output import day, json_text, local_time, print_table, rows, table
from api.cli.views import caught_up_view, opened
from api.documents import csv_text, moment, render_html
from domain.clocks import Clocks, local_moment, zone
from domain.legality.rules import cited
from domain.places import commune_label
from domain.shared import ROLE_LABELS

if TYPE_CHECKING:
    from api.schemas.audit import AuditTrailPublic
    from infra.settings import Settings

FORMATS = ("table", "json", "csv", "html", "pdf")
CSV_HEADER = (
    "enregistrement",
    "identifiant",
    "n°",
    "position",
    "type",
    "événement",
    "fondement",
    "agent",
    "rôle",
    "organisation",
    "enregistré le (heure locale, ISO 8601)",
    "survenu le",
    "commission",
    "résumé",
)


def add_parsers(commands: Any) -> None:
    audit = commands.add_parser(
        "audit",
        help="piste d'audit d'un dossier, d'une mesure, d'un programme, "
        "d'une commission ou d'une saisine",
    )
    audit.add_argument(
        "record_id", type=uuid_arg("identifiant"), help="identifiant (UUID)"
    )
    add_format(
        audit,
        FORMATS,
        "table (défaut), json, csv, html (page imprimable) ou pdf (avec --output)",
        output="écrire dans ce fichier (UTF-8)",
    )
    audit.add_argument(
        "--as-of",
        type=day_arg,
        default=None,
        metavar="AAAA-MM-JJ",
        help="les événements survenus au plus tard ce jour (date de survenue ; "
        "défaut : aujourd'hui)",
    )
    audit.add_argument(
        "--known-at",
        type=moment_arg,
        default=None,
        metavar="ISO-8601",
        help="les événements enregistrés au plus tard à cet instant (sans "
        "fuseau : UTC ; défaut : maintenant)",
    )
    audit.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    if pdf_without_file(args):
        return 2
    from api.schemas.audit import AuditTrailPublic
    from projections.audit_trail import find_record, select_trail, trail_by

    with opened(settings) as system:
        view, position = caught_up_view(system, "audit_trail")
        record = find_record(view, args.record_id)
        if record is None:
            print(
                f"Erreur : aucun dossier, mesure, programme, commission ni saisine "
                f"« {args.record_id} ».",
                file=sys.stderr,
            )
            return 1
        clocks = Clocks(args.as_of, args.known_at)
        if not clocks.now:  # 404 or 422 (exit 1) before it existed, or ahead
            system.app.record_history_at(args.record_id, clocks)
        trail = AuditTrailPublic.of(
            record, trail_by(clocks, select_trail(view, args.record_id)), position
        )
    text = render(trail, args.format, datetime.now(UTC), clocks)
    written = f"Piste d'audit ({trail.count} événement(s)) écrite"
    write_document(text, args.format == "pdf", args.output, written)
    return 0


def render(
    trail: AuditTrailPublic, output: str, now: datetime, clocks: Clocks | None = None
) -> str:
    if output == "json":
        return json_text(trail.model_dump(mode="json")) + "\n"
    if output == "csv":
        return as_csv(trail)
    when = (clocks or Clocks()).describe(trail.department)
    if output in ("html", "pdf"):
        return as_html(trail, now, when)
    return as_table(trail, now, when)


# ---- table ---------------------------------------------------------------------


def _place(trail: AuditTrailPublic) -> str:
    parts = [
        f"département {trail.department}" if trail.department else None,
        f"commune {commune_label(trail.commune)}" if trail.commune else None,
    ]
    return ", ".join(p for p in parts if p)


# The trail is a document (stdout or --output), at one width wherever it goes:
# wide enough for a row of the longest labels, organisations and legal bases.
TABLE_WIDTH = 280


def as_table(trail: AuditTrailPublic, now: datetime, when: str = "") -> str:
    """The title, one row an event (roles named, legal bases cited as texts),
    then the events' summaries and commissions, whole, one line each."""
    grid = rows(
        table(
            ("n°", "right"),
            "survenu le",
            "enregistré le (heure locale)",
            "événement",
            "agent",
            "rôle",
            "organisation",
            "fondement",
        ),
        [
            (
                e.version,
                day(e.occurred_on),
                local_time(trail.department, e.recorded_at),
                e.label,
                e.actor.subject,
                ROLE_LABELS.get(e.actor.role, e.actor.role),
                e.actor.organisation,
                cited(e.basis),
            )
            for e in trail.events
        ],
    )
    details = [
        line
        for e in trail.events
        for line in (
            f"n° {e.version} — résumé : {e.summary}" if e.summary else None,
            f"n° {e.version} — commission : {e.commission_id}"
            if e.commission_id and trail.kind != "commission"
            else None,
        )
        if line
    ]
    heading = " — ".join(
        p
        for p in (
            _place(trail),
            f"{trail.count} événement(s)" + (f" ({when})" if when else ""),
            f"éditée le {local_moment(trail.department, now)}",
        )
        if p
    )
    with io.StringIO() as out:
        print_table(
            f"Piste d'audit — {trail.kind_label} {trail.id}\n{heading}\n",
            grid,
            *(["", *details] if details else []),
            stream=out,
            width=TABLE_WIDTH,
        )
        return out.getvalue()


# ---- CSV -----------------------------------------------------------------------


def as_csv(trail: AuditTrailPublic) -> str:
    return csv_text(
        CSV_HEADER,
        (
            (
                trail.kind,
                trail.id,
                e.version,
                e.position,
                e.type,
                e.label,
                e.basis,
                e.actor.subject,
                e.actor.role,
                e.actor.organisation,
                e.recorded_at.astimezone(zone(trail.department)).isoformat(),
                e.occurred_on.isoformat(),
                e.commission_id or "",
                e.summary,
            )
            for e in trail.events
        ),
    )


# ---- HTML and PDF: one printable page (api/templates/audit_trail.html) ----------


def as_html(trail: AuditTrailPublic, now: datetime, when: str = "") -> str:
    facts = [
        ("Enregistrement", trail.kind_label),
        ("Identifiant", str(trail.id)),
        ("Département", trail.department or "—"),
        ("Commune", commune_label(trail.commune) if trail.commune else "—"),
        ("Nombre d'événements", str(trail.count)),
        ("Événements", when or "tous, tels que connus à l'édition"),
        ("Position du journal", str(trail.position)),
        ("Éditée le", moment(now)),
    ]
    return render_html(
        "audit_trail.html",
        title=f"Piste d'audit — {trail.kind_label} {trail.id}",
        heading="Piste d'audit",
        short_title="piste d'audit",
        orientation="landscape",
        facts=facts,
        trail=trail,
        generated_at=now,
    )
