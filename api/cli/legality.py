"""`logis legality`: the DOMAIN.md §8 rules a record's history breaks as of a
day, or a commune's report (messages in French); `logis legality report`: the
department's legality report a Préfecture signs (api/cli/legality_report.py);
`logis legality rules`: the catalogue of the rules, sources cited as texts.

Exit status: 0 when no finding is "bloquant", 1 when one is, 2 for bad
arguments (argparse's) or an unknown record, 3 when the report's chain of
events does not verify (the report is written all the same)."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_format, day_arg, moment_arg, uuid_arg
from api.cli.output import day, print_json, print_table, rows, table
from api.cli.views import caught_up_views, opened
from commands.errors import InvalidCommandError, NotFoundError
from commands.legality import check_record, commune_report, rules_for
from domain.clocks import Clocks, local_moment
from domain.legality.rules import RULES, RULES_BY_ID, cited
from domain.places import (
    COMMUNE_PATTERN,
    DEPARTMENT_CODE_PATTERN,
    commune_label,
    department_of,
)
from domain.records import KIND_LABELS
from domain.shared import fr_day

if TYPE_CHECKING:
    from api.legality import LegalityPublic, LegalityReportPublic
    from infra.settings import Settings

RECORDS = {
    "dossier": "un dossier LLTS",
    "commission": "une commission (pré-commission, préfectorale, CAL)",
    "programme": "un programme LLTS",
    "mesure": "une mesure ASLL",
    "saisine": "une saisine CCAPEX",
}
EPILOG = (
    "Code de sortie : 0 sans manquement bloquant, 1 s'il y a au moins un manquement "
    "bloquant, 2 pour des arguments invalides ou un enregistrement inconnu, 3 quand "
    "la chaîne des événements ne se vérifie pas (rapport : écrit quand même)."
)
FORMATS = ("table", "json", "csv", "html", "pdf")


def add_parsers(commands: Any) -> None:
    legality = commands.add_parser(
        "legality",
        help="contrôle de légalité d'un enregistrement ou d'une commune (DOMAIN §8)",
        description="Les règles du DOMAIN §8 qu'un historique enfreint, au jour "
        "donné : un enregistrement, ou le rapport d'une commune.",
        epilog=EPILOG,
    )
    legality.add_argument(
        "action",
        nargs="?",
        choices=("report", "rules"),
        help="report : le rapport de légalité du département (--department, "
        "--commune, --from, --to, --format, --output) ; rules : le catalogue des "
        "règles, leurs sources citées en toutes lettres (--format)",
    )
    legality.add_argument(
        "--department",
        type=_department,
        metavar="CODE",
        help="rapport : code du département",
    )
    target = legality.add_mutually_exclusive_group()
    for kind, what in RECORDS.items():
        target.add_argument(
            f"--{kind}",
            type=uuid_arg("identifiant"),
            metavar="ID",
            help=f"identifiant (UUID) : {what}",
        )
    target.add_argument(
        "--commune", type=_commune, metavar="CODE", help="code INSEE : rapport communal"
    )
    legality.add_argument(
        "--from", dest="start", type=day_arg, metavar="AAAA-MM-JJ",
        help="rapport : manquements nés à partir de ce jour",
    )  # fmt: skip
    legality.add_argument(
        "--to", dest="end", type=day_arg, metavar="AAAA-MM-JJ",
        help="rapport : manquements nés jusqu'à ce jour (défaut : --as-of)",
    )  # fmt: skip
    legality.add_argument(
        "--as-of", type=day_arg, default=None, metavar="AAAA-MM-JJ",
        help="les étapes survenues au plus tard ce jour, d'après leur date de "
        "survenue (défaut : aujourd'hui, à l'heure du département)",
    )  # fmt: skip
    legality.add_argument(
        "--known-at", type=moment_arg, default=None, metavar="ISO-8601",
        help="ce que le registre savait à cet instant, d'après l'heure "
        "d'enregistrement (sans fuseau : UTC ; défaut : maintenant)",
    )  # fmt: skip
    add_format(
        legality,
        FORMATS,
        "table (défaut), json ; pour le rapport aussi csv, html, pdf",
        output="rapport : écrire dans ce fichier (pdf : obligatoire)",
    )
    legality.set_defaults(
        run=run,
        legality_parser=legality,
        reads_store=lambda args: args.action != "rules",  # the catalogue is code
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.legality_parser
    records = [k for k in RECORDS if getattr(args, k) is not None]
    if args.action == "report":
        if records:
            parser.error("le rapport ne prend pas --" + records[0])
        from api.cli import legality_report  # its documents: only when asked

        return legality_report.run(settings, args, parser)
    if args.action == "rules":
        if records or args.commune or args.department or args.output:
            parser.error("le catalogue des règles ne prend que --format")
        if args.format not in ("table", "json"):
            parser.error(f"--format {args.format} ne vaut que pour « report »")
        return _print_rules(args.format)
    if args.department or args.output:
        parser.error("--department et --output ne valent que pour « report »")
    if not records and args.commune is None:
        parser.error(
            "précisez un enregistrement (--dossier…), --commune, ou « report »"
        )
    if args.format not in ("table", "json"):
        parser.error(f"--format {args.format} ne vaut que pour « report »")
    if args.commune is None and (args.start or args.end):
        parser.error("--from et --to ne valent que pour --commune")
    end = args.end or args.as_of
    if args.start and end and args.start > end:
        parser.error(f"période vide : du {fr_day(args.start)} au {fr_day(end)}")
    from api.legality import LegalityPublic

    with opened(settings) as system:
        if args.commune is not None:
            return _report(system, args)
        kind = next(k for k in RECORDS if getattr(args, k) is not None)
        try:
            found = check_record(
                system.app,
                kind,
                getattr(args, kind),
                args.as_of or args.known_at or datetime.now(UTC),
                known_at=args.known_at,
            )
        except (NotFoundError, InvalidCommandError) as error:
            print(f"Erreur ({error.code}) : {error.message}", file=sys.stderr)
            return 2
    answer = LegalityPublic.of(found)
    if args.format == "json":
        print_json(answer.model_dump(mode="json"))
    else:
        _print_record(answer)
        checked = [rule.id for rule in rules_for([answer.kind])[0]]
        print()
        print(f"Règles contrôlées ({len(checked)}) : {', '.join(checked)}")
    return 1 if answer.blocking else 0


def _report(system: Any, args: argparse.Namespace) -> int:
    """Read the views once this process has caught the projector up (as
    `logis commissions` does)."""
    from api.legality import LegalityReportPublic, commune_ids

    department = department_of(args.commune)
    clocks = Clocks(args.as_of, args.known_at)
    try:
        system.app.check_clocks(clocks, department)
    except InvalidCommandError as error:
        print(f"Erreur ({error.code}) : {error.message}", file=sys.stderr)
        return 2
    day = clocks.day(department, datetime.now(UTC))
    end = args.end or day
    if args.start and args.start > end:
        print(
            f"Période vide : du {fr_day(args.start)} au {fr_day(end)}.",
            file=sys.stderr,
        )
        return 2
    readers = caught_up_views(system, "dossier_list", "commissions", "programmes")
    ids = commune_ids(readers.__getitem__, args.commune)
    report = commune_report(
        system.app, args.commune, department, ids, args.start, end, day, args.known_at
    )
    answer = LegalityReportPublic.of(report)
    if args.format == "json":
        print_json(answer.model_dump(mode="json", by_alias=True))
    else:
        _print_report(answer)
    return 1 if answer.blocking else 0


# ---- output --------------------------------------------------------------------

TITLE_WIDTH = 80  # a rule's title, cut to keep one line a rule (JSON: whole)
RECORD_TITLE_WIDTH = 40  # beside the finding's own message


def _print_record(answer: LegalityPublic) -> None:
    blocking = sum(f.severity == "bloquant" for f in answer.findings)
    known = (
        f", tel que connu le {local_moment(answer.department, answer.known_at)}"
        if answer.known_at is not None
        else ""
    )
    # Information (an imported step, SAISIE-TARDIVE) is shown, not a breach.
    informative = sum(f.severity == "information" for f in answer.findings)
    print(
        f"{KIND_LABELS[answer.kind]} {answer.id} "
        f"(commune {commune_label(answer.commune)}, département {answer.department})"
        f" — au {fr_day(answer.as_of)}{known} : "
        f"{answer.count - informative} manquement(s), dont {blocking} bloquant(s)"
        + (f" ; {informative} information(s)" if informative else "")
    )
    if not answer.findings:
        return
    grid = rows(
        table(
            ("n°", "right"),
            "né le",
            "règle",
            "gravité",
            ("intitulé", "left", RECORD_TITLE_WIDTH),
            "événements",
            "paramètres",
            "source",
        ),
        [
            (
                n,
                day(f.breached_on),
                f.rule,
                f.severity,
                f.title,
                _spans(f.versions),
                f"v{f.settings_version}" if f.settings_version else None,
                cited(f.source),
            )
            for n, f in enumerate(answer.findings, 1)
        ],
    )
    # The messages whole, one line each, under the table (too long for a cell).
    details = [
        line
        for n, f in enumerate(answer.findings, 1)
        for line in (
            f"n° {n} — {f.message}",
            *(f"n° {n} — hypothèse : {a}" for a in f.assumptions),
        )
    ]
    print_table("", grid, "", *details)


def _print_rules(output: str) -> int:
    """The catalogue /v1/legality/rules answers, as people read it: each rule's
    records by their labels, its source cited as a text."""
    from api.legality import RulePublic, RulesPublic

    answer = RulesPublic(data=[RulePublic.of(r) for r in RULES], count=len(RULES))
    if output == "json":
        return print_json(answer.model_dump(mode="json"))
    grid = rows(
        table("règle", "gravité", "enregistrements", "intitulé", "source"),
        [
            (
                r.id,
                r.severity,
                ", ".join(KIND_LABELS[k] for k in r.applies_to),
                r.title,
                r.source_text,
            )
            for r in answer.data
        ],
    )
    title = f"Règles de légalité (DOMAIN §8) — {answer.count} règle(s)"
    return print_table(title, grid)


def _spans(versions: tuple[int, ...] | list[int]) -> str:
    """1, 2, 3, 5 → "1–3, 5": an import's dozens of steps in a few characters."""
    spans: list[list[int]] = []
    for v in sorted(versions):
        if spans and v == spans[-1][1] + 1:
            spans[-1][1] = v
        else:
            spans.append([v, v])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def _print_report(report: LegalityReportPublic) -> None:
    period = (
        f"du {fr_day(report.from_)} au {fr_day(report.to)}"
        if report.from_
        else f"jusqu'au {fr_day(report.to)}"
    )
    checked = ", ".join(f"{n} {kind}(s)" for kind, n in report.checked.items())
    print(
        f"Commune {commune_label(report.commune)} — contrôle au "
        f"{fr_day(report.as_of)}, manquements nés {period}"
    )
    print(f"Enregistrements contrôlés : {checked}")
    breaches = {s: n for s, n in report.by_severity.items() if s != "information"}
    total = sum(breaches.values())
    severities = ", ".join(f"{n} {s}" for s, n in breaches.items())
    print(f"Manquements : {total}" + (f" ({severities})" if severities else ""))
    if report.by_severity.get("information"):
        print(f"Informations : {report.by_severity['information']}")
    if report.by_rule:
        by_rule = rows(
            table("règle", ("intitulé", "left", TITLE_WIDTH), ("nombre", "right")),
            [
                (rule, RULES_BY_ID[rule].title if rule in RULES_BY_ID else None, n)
                for rule, n in report.by_rule.items()
            ],
        )
        print_table("Par règle :", by_rule)
    for record in report.records:
        print()
        _print_record(record)
    print()
    not_checked = rows(
        table("règle", ("intitulé", "left", TITLE_WIDTH), "pourquoi"),
        [(r.id, r.title, r.reason) for r in report.rules_not_checked],
    )
    print_table("Règles non contrôlées :", not_checked)


# ---- arguments -----------------------------------------------------------------


def _department(text: str) -> str:
    if not re.fullmatch(DEPARTMENT_CODE_PATTERN, text):
        msg = f"code de département invalide : « {text} »"
        raise argparse.ArgumentTypeError(msg)
    return text


def _commune(text: str) -> str:
    if not re.fullmatch(COMMUNE_PATTERN, text):
        msg = f"code INSEE de commune invalide : « {text} »"
        raise argparse.ArgumentTypeError(msg)
    return text
