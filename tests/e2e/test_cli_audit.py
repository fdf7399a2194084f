"""`logis audit ID`, the real executable, on a store written through the API with
no projector running: the command catches the views up itself, finds what kind
of record ID is, and prints its audit trail as a table, JSON, CSV or a printable
HTML page whose every value is escaped. On SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from uuid import uuid4

from api.cli.audit import CSV_HEADER
from domain.legality.rules import SOURCES
from domain.shared import ROLE_LABELS
from tests.e2e.support import (
    WrittenStore,
    api_without_projector,
    parse_refusal,
    store_fixture,
)
from tests.helpers import procedure
from tests.helpers.api import adopt_settings, history
from tests.helpers.pdf import pdf_pages, printed, squeezed

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


HOSTILE = "<script>alert('x')</script> & « ménage »"


@dataclass(frozen=True)
class Store(WrittenStore):
    dossier: str  # refused by the CAL, with the hostile motive
    events: list[dict[str, Any]]  # its /history
    cal: str


def write_procedure(database_url: str, workdir: Path) -> Store:
    with api_without_projector(database_url) as client:
        assert adopt_settings(client).status_code == 201
        programme_id = procedure.concerted_programme(client)
        ranked, _, _ = procedure.ranked_dossiers(client, programme_id, ranked=3)
        cal = procedure.in_session(
            client, "cal", programme_id=programme_id, dwelling_refs=["A1"]
        )
        candidates = [
            procedure.attribution(ranked[0]),
            procedure.refusal(ranked[1]) | {"motive": HOSTILE},
            procedure.refusal(ranked[2]),
        ]
        assert procedure.decide(client, cal, "A1", candidates).status_code == 200
        events = history(client, ranked[1])
    return Store(database_url, workdir, ranked[1], events, cal)


store = store_fixture("logis-cli-audit", write_procedure)


class Page(HTMLParser):
    """What a browser would make of the page: its elements and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_table_lists_every_event_in_french(store: Store) -> None:
    result = store.logis("audit", store.dossier)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Piste d'audit — Dossier LLTS {store.dossier}"
    assert f"{len(store.events)} événement(s)" in lines[1]
    assert "commune Fort-de-France (97209)" in lines[1]
    # edited in the department's time (Martinique), its offset spelled out
    assert re.search(r"éditée le \d\d/\d\d/\d{4} à [\d:]{8} \(UTC−04:00\)", lines[1])
    header = lines[3].split("   ")
    assert [h.strip() for h in header if h.strip()] == [
        "n°", "survenu le", "enregistré le (heure locale)", "événement", "agent",
        "rôle", "organisation", "fondement",
    ]  # fmt: skip
    numbered = [
        line for line in lines[5:] if re.match(r" *\d+   \d\d/\d\d/\d{4}   ", line)
    ]
    assert [int(line.split()[0]) for line in numbered] == [
        e["version"] for e in store.events
    ]
    for line, event in zip(numbered, store.events, strict=True):
        assert event["label"] in line
        # roles named as people say them, not as codes
        assert ROLE_LABELS[event["actor"]["role"]] in line
    assert "  Préfecture  " in result.stdout
    assert " prefecture " not in result.stdout
    assert f"— commission : {store.cal}" in result.stdout
    assert HOSTILE in result.stdout
    # Legal bases cite their texts, not the file numbers of the documents.
    assert "seed 0" not in result.stdout
    assert SOURCES["000"] in result.stdout


def test_json_is_the_apis_trail(store: Store) -> None:
    result = store.logis("audit", store.dossier, "--format", "json")
    assert result.returncode == 0, result.stderr
    trail = json.loads(result.stdout)
    assert trail["kind"] == "dossier"
    assert trail["count"] == len(store.events)
    assert [e["type"] for e in trail["events"]] == [e["type"] for e in store.events]
    assert [e["actor"] for e in trail["events"]] == [e["actor"] for e in store.events]


def test_csv_has_a_header_and_one_row_per_event(store: Store) -> None:
    result = store.logis("audit", store.dossier, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_HEADER
    body = rows[1:]
    assert len(body) == len(store.events)
    column = {name: i for i, name in enumerate(CSV_HEADER)}
    assert [r[column["événement"]] for r in body] == [e["label"] for e in store.events]
    assert [r[column["agent"]] for r in body] == [
        e["actor"]["subject"] for e in store.events
    ]
    assert HOSTILE in body[-1][column["résumé"]]
    assert body[-1][column["commission"]] == store.cal


def test_html_is_one_printable_escaped_page(store: Store) -> None:
    output = store.workdir / f"audit-{uuid4()}.html"
    result = store.logis(
        "audit", store.dossier, "--format", "html", "--output", str(output)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert str(output) in result.stderr
    html = output.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    page.close()
    text = "".join(page.text)
    assert "script" not in page.tags
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    assert HOSTILE in text  # shown, not run
    assert "Piste d'audit" in text
    assert store.dossier in text
    assert "Vu et vérifié par" in text
    assert "seed 0" not in text
    assert SOURCES["000"] in text
    assert f"{len(store.events)}" in text
    for event in store.events:
        assert event["label"] in text
    assert page.tags.count("tr") == len(store.events) + 1
    assert "thead" in page.tags
    assert "@media print" in html
    assert "size: A4" in html
    # Self-contained: no script, stylesheet, image or frame fetched from elsewhere.
    assert not {"link", "img", "iframe", "object"} & set(page.tags)
    assert not [value for name, value in page.attributes if name in ("src", "href")]


def test_a_commission_session_by_its_id(store: Store) -> None:
    result = store.logis("audit", store.cal)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Piste d'audit — Commission {store.cal}")
    assert "Décisions de la CAL sur un logement" in result.stdout


def test_unknown_id_is_refused_in_french(store: Store) -> None:
    unknown = str(uuid4())
    result = store.logis("audit", unknown)
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"aucun dossier, mesure, programme, commission ni saisine « {unknown} »" in (
        result.stderr
    )


def test_invalid_id_is_refused(tmp_path: Path) -> None:
    result = parse_refusal("audit", "pas-un-uuid", cwd=tmp_path)
    assert result.returncode == 2
    assert "identifiant invalide" in result.stderr


def test_pdf_prints_the_same_page(store: Store) -> None:
    output = store.workdir / f"audit-{uuid4()}.pdf"
    result = store.logis(
        "audit", store.dossier, "--format", "pdf", "--output", str(output)
    )
    assert result.returncode == 0, result.stderr
    pages = pdf_pages(output.read_bytes())
    text = printed(output.read_bytes())
    for phrase in ("Piste d'audit", store.dossier, HOSTILE, "Signature et cachet"):
        assert squeezed(phrase) in text
    assert squeezed(f"Page 1 / {len(pages)}") in squeezed(pages[0])
    for event in store.events:
        assert squeezed(event["label"]) in text


def test_pdf_needs_a_file(store: Store) -> None:
    result = store.logis("audit", store.dossier, "--format", "pdf")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "--output" in result.stderr
