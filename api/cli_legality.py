"""`logis legality`: the DOMAIN.md §8 rules a record's history breaks as of a
day, or a commune's report (messages in French).

Exit status: 0 when no finding is "bloquant", 1 when one is, 2 for bad
arguments (argparse's) or an unknown record."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.cli_support import caught_up_views, day_arg, print_json, uuid_arg
from api.legality import LegalityPublic, LegalityReportPublic, commune_ids
from commands.errors import NotFoundError
from commands.legality import check_record, commune_report, rules_for
from domain.department import local_today
from domain.programme import COMMUNE_PATTERN, department_of
from domain.records import KIND_LABELS
from infra.bootstrap import build_system

if TYPE_CHECKING:
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
    "bloquant, 2 pour des arguments invalides ou un enregistrement inconnu."
)


def add_parsers(commands: Any) -> None:
    legality = commands.add_parser(
        "legality",
        help="contrôle de légalité d'un enregistrement ou d'une commune (DOMAIN §8)",
        description="Les règles du DOMAIN §8 qu'un historique enfreint, au jour "
        "donné : un enregistrement, ou le rapport d'une commune.",
        epilog=EPILOG,
    )
    target = legality.add_mutually_exclusive_group(required=True)
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
        help="l'historique tel qu'il était à la fin de ce jour (défaut : aujourd'hui)",
    )  # fmt: skip
    legality.add_argument("--format", choices=("table", "json"), default="table")
    legality.set_defaults(legality_parser=legality)


def run(settings: Settings, args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.legality_parser
    if args.commune is None and (args.start or args.end):
        parser.error("--from et --to ne valent que pour --commune")
    end = args.end or args.as_of
    if args.start and end and args.start > end:
        parser.error(f"période vide : du {args.start:%d/%m/%Y} au {end:%d/%m/%Y}")
    system = build_system(settings)
    try:
        if args.commune is not None:
            return _report(system, args)
        kind = next(k for k in RECORDS if getattr(args, k) is not None)
        try:
            found = check_record(
                system.app,
                kind,
                getattr(args, kind),
                args.as_of or datetime.now(UTC),
            )
        except NotFoundError as error:
            print(f"Erreur ({error.code}) : {error.message}", file=sys.stderr)
            return 2
    finally:
        system.close()
    answer = LegalityPublic.of(found)
    if args.format == "json":
        print_json(answer.model_dump(mode="json"))
    else:
        _print_record(answer)
        checked = [rule.id for rule in rules_for([answer.kind])[0]]
        print(f"Règles contrôlées ({len(checked)}) : {', '.join(checked)}")
    return 1 if answer.blocking else 0


def _report(system: Any, args: argparse.Namespace) -> int:
    """Read the views once this process has caught the projector up (as
    `logis commissions` does)."""
    department = department_of(args.commune)
    day = args.as_of or local_today(department, datetime.now(UTC))
    end = args.end or day
    if args.start and args.start > end:
        print(
            f"Période vide : du {args.start:%d/%m/%Y} au {end:%d/%m/%Y}.",
            file=sys.stderr,
        )
        return 2
    readers = caught_up_views(system, "dossier_list", "commissions", "programmes")
    if readers is None:
        return 1
    ids = commune_ids(readers.__getitem__, args.commune)
    report = commune_report(
        system.app, args.commune, department, ids, args.start, end, day
    )
    answer = LegalityReportPublic.of(report)
    if args.format == "json":
        print_json(answer.model_dump(mode="json", by_alias=True))
    else:
        _print_report(answer)
    return 1 if answer.blocking else 0


# ---- output --------------------------------------------------------------------


def _print_record(answer: LegalityPublic, *, indent: str = "") -> None:
    blocking = sum(f.severity == "bloquant" for f in answer.findings)
    # Information (an imported step, SAISIE-TARDIVE) is shown, not a breach.
    informative = sum(f.severity == "information" for f in answer.findings)
    print(
        f"{indent}{KIND_LABELS[answer.kind]} {answer.id} (commune {answer.commune}, "
        f"département {answer.department}) — au {answer.as_of:%d/%m/%Y} : "
        f"{answer.count - informative} manquement(s), dont {blocking} bloquant(s)"
        + (f" ; {informative} information(s)" if informative else "")
    )
    for f in answer.findings:
        settings = f", paramètres v{f.settings_version}" if f.settings_version else ""
        versions = ", ".join(str(v) for v in f.versions)
        print(
            f"{indent}  {f.breached_on:%d/%m/%Y}  {f.rule:<18}  {f.severity:<8}  "
            f"{f.title}"
        )
        print(
            f"{indent}      {f.message} (événements {versions}{settings} ; {f.source})"
        )
        for assumption in f.assumptions:
            print(f"{indent}      Hypothèse : {assumption}")


def _print_report(report: LegalityReportPublic) -> None:
    period = (
        f"du {report.from_:%d/%m/%Y} au {report.to:%d/%m/%Y}"
        if report.from_
        else f"jusqu'au {report.to:%d/%m/%Y}"
    )
    checked = ", ".join(f"{n} {kind}(s)" for kind, n in report.checked.items())
    print(
        f"Commune {report.commune} — contrôle au {report.as_of:%d/%m/%Y}, "
        f"manquements nés {period}"
    )
    print(f"Enregistrements contrôlés : {checked}")
    breaches = {s: n for s, n in report.by_severity.items() if s != "information"}
    total = sum(breaches.values())
    severities = ", ".join(f"{n} {s}" for s, n in breaches.items())
    print(f"Manquements : {total}" + (f" ({severities})" if severities else ""))
    if report.by_severity.get("information"):
        print(f"Informations : {report.by_severity['information']}")
    for rule, count in report.by_rule.items():
        print(f"  {rule:<18}  {count}")
    for record in report.records:
        print()
        _print_record(record, indent="")
    print()
    print("Règles non contrôlées :")
    for rule in report.rules_not_checked:
        print(f"  {rule.id:<18}  {rule.reason}")


# ---- arguments -----------------------------------------------------------------


def _commune(text: str) -> str:
    if not re.fullmatch(COMMUNE_PATTERN, text):
        msg = f"code INSEE de commune invalide : « {text} »"
        raise argparse.ArgumentTypeError(msg)
    return text
