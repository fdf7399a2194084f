"""`logis verify` and `logis anchor`: the store's tamper evidence (infra/ledger/)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from api.cli_support import print_json, uuid_arg
from infra.bootstrap import build_system
from infra.ledger import (
    Verification,
    check_anchors,
    ledger_of,
    parse_anchor,
    verify_aggregate,
    verify_store,
)

if TYPE_CHECKING:
    from uuid import UUID

    from infra.settings import Settings

COMMANDS = ("verify", "anchor")


def add_parsers(commands: Any) -> None:
    verify = commands.add_parser(
        "verify",
        help="recalculer les empreintes et la chaîne des événements (intégrité)",
    )
    verify.add_argument(
        "--aggregate",
        type=uuid_arg("identifiant d'agrégat"),
        default=None,
        help="ne vérifier que cet agrégat (dossier, mesure…)",
    )
    verify.add_argument(
        "--anchor",
        type=_anchor,
        action="append",
        default=[],
        metavar="POSITION:EMPREINTE",
        help="ancre publiée par `logis anchor` à retrouver dans la chaîne (répétable)",
    )
    verify.add_argument("--format", choices=("table", "json"), default="table")
    commands.add_parser(
        "anchor",
        help="la tête de la chaîne (position, empreinte), en une ligne JSON à publier",
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    system = build_system(settings)
    try:
        ledger = ledger_of(system.app)
        if args.command == "anchor":
            print(json.dumps(ledger.head().as_dict(), ensure_ascii=False))
            return 0
        anchors = dict(args.anchor)
        if args.aggregate is None:
            result = verify_store(ledger, anchors)
        else:
            result = verify_aggregate(ledger, args.aggregate)
            if result.verified and result.events == 0:
                print(f"Agrégat {args.aggregate} introuvable.", file=sys.stderr)
                return 1
            mismatch = check_anchors(ledger, anchors) if result.verified else None
            if mismatch is not None:
                result = Verification(
                    result.events, result.position, result.head, mismatch
                )
    finally:
        system.close()
    return _report(result, args.aggregate, args.format)


def _report(result: Verification, aggregate: UUID | None, output: str) -> int:
    if output == "json":
        print_json(
            {
                "verified": result.verified,
                "aggregate": None if aggregate is None else str(aggregate),
                "events": result.events,
                "position": result.position,
                "head": result.head,
                "mismatch": result.mismatch and result.mismatch.as_dict(),
            }
        )
    elif result.mismatch is None:
        scope = "" if aggregate is None else f" de l'agrégat {aggregate}"
        print(
            f"Intégrité vérifiée{scope} : {result.events} événements, chaîne "
            f"jusqu'à la position {result.position}, empreinte {result.head}"
        )
    else:
        m = result.mismatch
        print(f"Intégrité compromise : {m.message}")
        print(
            f"  nature : {m.kind} ; position : {_or_dash(m.position)} ; "
            f"agrégat : {_or_dash(m.originator_id)} ; version : {_or_dash(m.version)}"
        )
        print(
            f"  vérifié avant elle : {result.events} événements, jusqu'à la "
            f"position {result.position}"
        )
    return 0 if result.verified else 1


def _or_dash(value: object) -> str:
    return "—" if value is None else str(value)


def _anchor(text: str) -> tuple[int, str]:
    try:
        return parse_anchor(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
