"""`logis audit ID`: the audit trail of any record (dossier, ASLL measure,
programme, commission, CCAPEX referral) from the `audit_trail` view, once this
process has caught the projector up, as a table, JSON, CSV or a printable HTML
page (A4, a Préfecture file: title, record, every event, a signature block)."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli_support import caught_up_views, cell, json_text, uuid_arg
from api.documents import moment, render_html, render_pdf
from api.schemas import AuditTrailPublic
from infra.bootstrap import build_system
from projections.audit_trail import find_record, select_trail

if TYPE_CHECKING:
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
    "enregistré le (UTC)",
    "survenu le",
    "commission",
    "résumé",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def add_parsers(commands: Any) -> None:
    audit = commands.add_parser(
        "audit",
        help="piste d'audit d'un dossier, d'une mesure, d'un programme, "
        "d'une commission ou d'une saisine",
    )
    audit.add_argument(
        "record_id", type=uuid_arg("identifiant"), help="identifiant (UUID)"
    )
    audit.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (défaut), json, csv, html (page imprimable) ou pdf (avec --output)",
    )
    audit.add_argument(
        "--output", type=Path, default=None, help="écrire dans ce fichier (UTF-8)"
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.format == "pdf" and args.output is None:
        print(
            "Erreur : le format pdf s'écrit dans un fichier (--output).",
            file=sys.stderr,
        )
        return 2
    system = build_system(settings)
    try:
        views = caught_up_views(system, "audit_trail")
        if views is None:
            return 1
        view = views["audit_trail"]
        record = find_record(view, args.record_id)
        if record is None:
            print(
                f"Erreur : aucun dossier, mesure, programme, commission ni saisine "
                f"« {args.record_id} ».",
                file=sys.stderr,
            )
            return 1
        position = view.max_tracking_id(system.app.name) or 0
        trail = AuditTrailPublic.of(
            record, select_trail(view, args.record_id), position
        )
    finally:
        system.close()
    text = render(trail, args.format, datetime.now(UTC))
    if args.format == "pdf":
        args.output.write_bytes(render_pdf(text))
        print(
            f"Piste d'audit ({trail.count} événement(s)) écrite dans {args.output}.",
            file=sys.stderr,
        )
        return 0
    if args.output is None:
        sys.stdout.write(text)
        return 0
    args.output.write_text(text, encoding="utf-8", newline="")
    print(
        f"Piste d'audit ({trail.count} événement(s)) écrite dans {args.output}.",
        file=sys.stderr,
    )
    return 0


def render(trail: AuditTrailPublic, output: str, now: datetime) -> str:
    if output == "json":
        return json_text(trail.model_dump(mode="json")) + "\n"
    if output == "csv":
        return as_csv(trail)
    if output in ("html", "pdf"):
        return as_html(trail, now)
    return as_table(trail, now)


# ---- table ---------------------------------------------------------------------


def _moment(value: datetime) -> str:
    return f"{value.astimezone(UTC):%d/%m/%Y %H:%M:%S}"


def _place(trail: AuditTrailPublic) -> str:
    parts = [
        f"département {trail.department}" if trail.department else None,
        f"commune {trail.commune}" if trail.commune else None,
    ]
    return ", ".join(p for p in parts if p)


COLUMNS = (
    ("n°", 5),
    ("survenu le", 12),
    ("enregistré le (UTC)", 21),
    ("événement", 46),
    ("agent", 22),
    ("rôle", 20),
    ("organisation", 32),
)


def as_table(trail: AuditTrailPublic, now: datetime) -> str:
    lines = [
        f"Piste d'audit — {trail.kind_label} {trail.id}",
        " — ".join(
            p
            for p in (
                _place(trail),
                f"{trail.count} événement(s)",
                f"éditée le {now.astimezone(UTC):%d/%m/%Y à %H:%M} UTC",
            )
            if p
        ),
        "",
        "".join(title.ljust(width) for title, width in COLUMNS) + "fondement",
    ]
    indent = " " * COLUMNS[0][1]
    for e in trail.events:
        cells = (
            str(e.version),
            f"{e.occurred_on:%d/%m/%Y}",
            _moment(e.recorded_at),
            e.label,
            e.actor.subject,
            e.actor.role,
            e.actor.organisation,
        )
        row = "".join(
            cell(text, width) for text, (_, width) in zip(cells, COLUMNS, strict=True)
        )
        lines.append(row + e.basis)
        if e.summary:
            lines.append(f"{indent}résumé : {e.summary}")
        if e.commission_id and trail.kind != "commission":
            lines.append(f"{indent}commission : {e.commission_id}")
    return "\n".join(lines) + "\n"


# ---- CSV -----------------------------------------------------------------------


def _safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def as_csv(trail: AuditTrailPublic) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for e in trail.events:
        writer.writerow(
            [
                _safe(value)
                for value in (
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
                    e.recorded_at.astimezone(UTC).isoformat(),
                    e.occurred_on.isoformat(),
                    e.commission_id or "",
                    e.summary,
                )
            ]
        )
    return buffer.getvalue()


# ---- HTML and PDF: one printable page (api/templates/audit_trail.html) ----------


def as_html(trail: AuditTrailPublic, now: datetime) -> str:
    facts = [
        ("Enregistrement", trail.kind_label),
        ("Identifiant", str(trail.id)),
        ("Département", trail.department or "—"),
        ("Commune", trail.commune or "—"),
        ("Nombre d'événements", str(trail.count)),
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
