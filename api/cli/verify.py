"""`logis verify` and `logis anchor`: the store's tamper evidence (infra/ledger/):
the events' chain and the access log's, verified and anchored together; the
records' snapshots checked against their events' replay (once the chain holds:
the replay is then the truth)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_format, uuid_arg
from api.cli.output import print_json, progress
from api.cli.views import opened

if TYPE_CHECKING:
    from uuid import UUID

    from infra.bootstrap import System
    from infra.ledger import Verification
    from infra.ledger.snapshot_check import SnapshotCheck
    from infra.settings import Settings


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
    verify.add_argument(
        "--access-anchor",
        type=_anchor,
        action="append",
        default=[],
        metavar="POSITION:EMPREINTE",
        help="ancre du journal des accès publiée par `logis anchor` (répétable)",
    )
    add_format(verify)
    anchor = commands.add_parser(
        "anchor",
        help="la tête des chaînes (événements et journal des accès), en une ligne "
        "JSON à publier",
    )
    verify.set_defaults(run=run)
    anchor.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    from infra.ledger import (
        Verification,
        check_anchors,
        ledger_of,
        verify_aggregate,
        verify_store,
    )
    from infra.ledger.access_chain import verify_access_log

    access: Verification | None = None
    snapshots: SnapshotCheck | None = None
    with opened(settings) as system:
        ledger = ledger_of(system.app)
        if args.command == "anchor":
            head = ledger.head().as_dict()
            log = system.access_log.head()
            head["access_log"] = {
                "position": log.position,
                "chain_hash": log.chain_hash,
                "entries": log.events,
            }
            print(json.dumps(head, ensure_ascii=False))
            return 0
        anchors = dict(args.anchor)
        if args.aggregate is None:
            with progress("Vérification de la chaîne") as advance:
                result = verify_store(ledger, anchors, progress=advance)
            with progress("Vérification du journal des accès") as advance:
                access = verify_access_log(
                    system.access_log, dict(args.access_anchor), progress=advance
                )
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
        if result.verified:
            snapshots = _check_snapshots(system, settings, args.aggregate)
    return _report(result, access, snapshots, args.aggregate, args.format)


def _check_snapshots(
    system: System, settings: Settings, aggregate: UUID | None
) -> SnapshotCheck | None:
    """Every snapshot (of the one aggregate) against its events' replay; None
    for a store that keeps none."""
    from infra.ledger.snapshot_check import check_snapshots
    from infra.snapshot_stores import record_snapshots

    store = record_snapshots(system.app, settings.cipher_key_bytes())
    if store is None:
        return None
    with progress("Vérification des instantanés") as advance:
        return check_snapshots(store, system.app.events, aggregate, advance)


def _report(
    result: Verification,
    access: Verification | None,
    snapshots: SnapshotCheck | None,
    aggregate: UUID | None,
    output: str,
) -> int:
    verified = (
        result.verified
        and (access is None or access.verified)
        and (snapshots is None or snapshots.verified)
    )
    if output == "json":
        report: dict[str, Any] = {
            "verified": verified,
            "aggregate": None if aggregate is None else str(aggregate),
            "events": result.events,
            "position": result.position,
            "head": result.head,
            "mismatch": result.mismatch and result.mismatch.as_dict(),
        }
        if access is not None:
            report["access_log"] = {
                "verified": access.verified,
                "entries": access.events,
                "position": access.position,
                "head": access.head,
                "mismatch": access.mismatch and access.mismatch.as_dict(),
            }
        report["snapshots"] = None if snapshots is None else snapshots.as_dict()
        print_json(report)
        return 0 if verified else 1
    _print_events(result, aggregate)
    if access is not None:
        _print_access_log(access)
    if not result.verified:
        print(
            "Instantanés non vérifiés : la chaîne des événements est compromise, "
            "leur rejeu ne fait pas foi."
        )
    elif snapshots is not None:
        _print_snapshots(snapshots)
    return 0 if verified else 1


def _print_events(result: Verification, aggregate: UUID | None) -> None:
    if result.mismatch is None:
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


def _print_access_log(access: Verification) -> None:
    if access.mismatch is None:
        print(
            f"Journal des accès vérifié : {access.events} entrées, chaîne jusqu'à "
            f"l'entrée n° {access.position}, empreinte {access.head}"
        )
        return
    print(f"Journal des accès compromis : {access.mismatch.message}")
    print(
        f"  nature : {access.mismatch.kind} ; entrée : "
        f"{_or_dash(access.mismatch.position)} ; vérifié avant elle : "
        f"{access.events} entrées, jusqu'à l'entrée n° {access.position}"
    )


def _print_snapshots(check: SnapshotCheck) -> None:
    others = (
        f"{check.records} enregistrements ; {check.erased} illisibles, clé du "
        f"ménage effacée ; {check.ignored} écartés, qu'aucun chargement n'utilise"
    )
    if check.verified:
        print(
            f"Instantanés vérifiés : {check.checked} instantanés, chacun égal au "
            f"rejeu des événements de son enregistrement ({others})"
        )
        return
    print(
        f"Instantanés compromis : {check.altered} instantané(s) ne sont pas le "
        f"rejeu des événements de leur enregistrement ; {check.checked} le sont "
        f"({others})"
    )
    for mismatch in check.mismatches:
        print(f"  {mismatch.message}")
    if check.altered > len(check.mismatches):
        print(f"  … et {check.altered - len(check.mismatches)} autres")


def _or_dash(value: object) -> str:
    return "—" if value is None else str(value)


def _anchor(text: str) -> tuple[int, str]:
    from infra.ledger import parse_anchor  # the store's chains, which `run` reads

    try:
        return parse_anchor(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
