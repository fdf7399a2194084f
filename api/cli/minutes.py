"""`logis commissions minutes ID` (alias `logis commission minutes ID`): a
session's procès-verbal as a printable HTML page or a PDF (api/minutes/),
read from the commission's history and its dossiers', every household named
(the operator of the store reads everything, as `logis audit` does)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_format, uuid_arg
from api.cli.documents import pdf_without_file, write_document
from api.cli.views import opened

if TYPE_CHECKING:
    import argparse

    from infra.settings import Settings

FORMATS = ("html", "pdf")


def add_parser(actions: Any) -> None:
    """The `minutes` action of `logis commissions`."""
    minutes = actions.add_parser(
        "minutes", help="procès-verbal d'une séance (page HTML imprimable ou PDF)"
    )
    minutes.add_argument(
        "commission_id", type=uuid_arg("identifiant de commission"), help="identifiant"
    )
    add_format(
        minutes,
        FORMATS,
        "html (défaut) ou pdf (avec --output)",
        output="écrire dans ce fichier",
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    if pdf_without_file(args):
        return 2
    from api.minutes.build import build_minutes
    from api.minutes.page import minutes_html

    now = datetime.now(UTC)
    with opened(settings) as system:
        minutes = build_minutes(system.app, args.commission_id, None, now)
    html = minutes_html(minutes, now)
    state = "clos" if minutes.closed_on else "provisoire"
    written = f"Procès-verbal ({state}) écrit"
    write_document(html, args.format == "pdf", args.output, written)
    return 0
