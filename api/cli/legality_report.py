"""`logis legality report`: the department's legality report a Préfecture signs
(api/legality_report.py), as a summary, JSON, CSV, HTML or PDF, on stdout or in
a file (--output). Exit status: as `logis legality` (api/cli/legality.py), and
3 when the report's chain of events does not verify (the report is written all
the same)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from api.cli.documents import write_document
from api.cli.output import json_text
from api.cli.views import caught_up_view, opened
from api.legality_report import (
    DepartmentReportPublic,
    as_csv,
    as_html,
    period_words,
    place_words,
    report_ids,
    verify_chain,
)
from commands.legality_report import department_report
from domain.department import local_today
from domain.places import department_of
from domain.records import KIND_LABELS
from domain.shared import fr_day

if TYPE_CHECKING:
    from infra.settings import Settings

UNVERIFIED = 3


def run(
    settings: Settings, args: argparse.Namespace, parser: argparse.ArgumentParser
) -> int:
    if args.department is None and args.commune is None:
        parser.error("report : précisez --department (ou --commune)")
    department = args.department or department_of(args.commune)
    if args.commune and department_of(args.commune) != department:
        parser.error(f"la commune {args.commune} n'est pas dans le {department}")
    if args.format == "pdf" and args.output is None:
        parser.error("le format pdf s'écrit dans un fichier (--output)")
    day = args.as_of or local_today(department, datetime.now(UTC))
    end = args.end or day
    if args.start and args.start > end:
        parser.error(f"période vide : du {fr_day(args.start)} au {fr_day(end)}")
    with opened(settings) as system:
        view, _ = caught_up_view(system, "audit_trail")
        ids = report_ids(view, department, args.commune)
        # The operator reads the whole store (as `logis audit`): every kind,
        # households named.
        report = department_report(
            system.app, department, args.commune, ids, args.start, end, day,
            name_households=True,
        )  # fmt: skip
        edited = datetime.now(UTC)
        answer = DepartmentReportPublic.of(
            report, verify_chain(system.app, edited), edited
        )
    _write_report(answer, args.format, args.output)
    if not answer.chain.verified:
        print(
            f"Intégrité compromise : {answer.chain.mismatch} Le rapport ne peut "
            "pas être signé en l'état.",
            file=sys.stderr,
        )
        return UNVERIFIED
    return 1 if answer.blocking else 0


def _write_report(
    answer: DepartmentReportPublic, output: str, path: Path | None
) -> None:
    text = {
        "json": lambda: json_text(answer.model_dump(mode="json", by_alias=True)) + "\n",
        "csv": lambda: as_csv(answer),
        "html": lambda: as_html(answer),
        "pdf": lambda: as_html(answer),
        "table": lambda: _summary(answer),
    }[output]()
    written = f"Rapport de légalité ({answer.count} manquement(s)) écrit"
    write_document(text, output == "pdf", path, written)


def _summary(report: DepartmentReportPublic) -> str:
    place = place_words(report)
    lines = [
        f"Rapport de légalité — {place[0].upper()}{place[1:]} — manquements nés "
        f"{period_words(report)} "
        f"(historiques au {fr_day(report.as_of)})",
        f"Manquements : {report.count}"
        + (
            f" ({', '.join(f'{n} {s}' for s, n in report.by_severity.items())})"
            if report.count
            else ""
        ),
    ]
    lines += [
        f"  {r.rule:<18}  {r.severity:<8}  {r.count:>4}  {r.title}"
        for r in report.rules
    ]
    for f in report.findings:
        lines.append(
            f"{fr_day(f.breached_on)}  {f.rule:<18}  "
            f"{KIND_LABELS.get(f.record_kind, f.record_kind)} {f.record_id} "
            f"({f.record_label}) : {f.message}"
        )
    lines.append(
        "Paramètres : "
        + ", ".join(
            f"v{v.number} depuis le {fr_day(v.effective_from)}"
            for v in report.settings_versions
        )
    )
    chain = report.chain
    state = "vérifiée" if chain.verified else "NON VÉRIFIÉE"
    lines.append(
        f"Chaîne des événements {state} : {chain.events} événements, position "
        f"{chain.position}, tête {chain.head}"
    )
    return "\n".join(lines) + "\n"
