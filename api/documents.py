"""Printable documents (the audit trail, the legality report, a commission's
procès-verbal): Jinja2 templates, escaped by default, rendered to HTML for a
browser and to PDF with WeasyPrint for signing and archiving. One template
serves both, so the printed page is the page on screen."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from domain.clocks import local_moment
from domain.legality.rules import cited
from domain.shared import fr_day

if TYPE_CHECKING:
    from fastapi import Response
    from jinja2 import Environment

PDF = "application/pdf"


def day(value: date | None) -> str:
    return fr_day(value) if value else "—"


def moment(value: datetime | None, department: str | None = None) -> str:
    """A moment in the department's time with its offset spelled out (UTC when
    no department is known), as every other Logis output shows it."""
    if value is None:
        return "—"
    if department is None:
        utc = value.astimezone(UTC)
        return f"{fr_day(utc)} à {utc:%H:%M} UTC"
    return local_moment(department, value)


def css_string(value: str) -> Markup:
    """A quoted CSS string (a running footer in @page): every character but
    letters, digits and spaces as a CSS escape, so that no text closes the
    string or the <style> element, and no HTML entity shows in print."""
    escaped = "".join(
        c if c.isalnum() or c == " " else f"\\{ord(c):06x}" for c in value
    )
    return Markup(f'"{escaped}"')  # noqa: S704 (every special character escaped)


@cache
def environment() -> Environment:
    """The templates, loaded once a document is first rendered (Jinja2 is not
    imported by the commands that print none)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    templates = Environment(
        loader=PackageLoader("api", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a missing value is a bug, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates.filters["day"] = day
    templates.filters["moment"] = moment
    templates.filters["css_string"] = css_string
    templates.filters["cited"] = cited  # "seed 000" printed as its title
    return templates


# A cell starting so may be run as a formula by a spreadsheet (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_text(header: Sequence[str], rows: Iterable[Iterable[object]]) -> str:
    """A header row and the rows, every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def render_html(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def render_pdf(html: str) -> bytes:
    """The page printed as PDF/A-like A4 (WeasyPrint reads the page's @page rules,
    its <title> and its <meta> for the document's properties)."""
    # Imported here: WeasyPrint loads pango when imported, which only printing needs.
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def document_response(html: str, output: str, filename: str) -> Response:
    """The page as HTML, or as a PDF to download (`output` is "html" or "pdf")."""
    from fastapi import Response  # the HTTP application's; the command line's not
    from fastapi.responses import HTMLResponse

    if output == "pdf":
        return Response(
            render_pdf(html),
            media_type=PDF,
            headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'},
        )
    return HTMLResponse(html)
