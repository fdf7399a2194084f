"""`logis token`: development bearer tokens (HS256, the development secret);
`--demo`, one for each role of the demo's actors (`make run` prints them)."""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_commune, add_department
from domain.shared import ROLES, fr_day

if TYPE_CHECKING:
    from infra.settings import Settings

LONGEST_TTL = timedelta(days=30)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def ttl_arg(text: str) -> timedelta:
    """`8h`, `30m`, `2d`, `3600s` or seconds; at most LONGEST_TTL."""
    found = re.fullmatch(r"(\d{1,7})([smhd]?)", text.strip())
    if not found:
        msg = f"durée invalide : « {text} » (par ex. 8h, 30m, 2d)"
        raise argparse.ArgumentTypeError(msg)
    ttl = timedelta(seconds=int(found[1]) * UNITS[found[2] or "s"])
    if not timedelta(0) < ttl <= LONGEST_TTL:
        msg = f"durée hors bornes : « {text} » (de 1 s à 30 jours)"
        raise argparse.ArgumentTypeError(msg)
    return ttl


def add_parsers(commands: Any) -> None:
    token = commands.add_parser(
        "token",
        help="signer un jeton de développement (HS256) pour appeler l'API",
    )
    who = token.add_mutually_exclusive_group(required=True)
    who.add_argument("--role", choices=ROLES, help="rôle de l'acteur")
    who.add_argument(
        "--demo",
        action="store_true",
        help="un jeton par rôle des acteurs de la démonstration",
    )
    token.add_argument("--org", help="organisation de l'acteur (avec --role)")
    token.add_argument(
        "--sub", default=None, help="identifiant de la personne (défaut : agent.<rôle>)"
    )
    add_department(token, "département où l'acteur agit, p. ex. 972")
    add_commune(token, "commune où l'acteur agit (code INSEE), p. ex. 97209")
    token.add_argument(
        "--ttl", type=ttl_arg, default=timedelta(hours=8), help="validité (défaut 8h)"
    )
    token.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    from infra.development_tokens import issue_token
    from infra.token_verification import AuthConfigError

    try:
        if args.demo:
            return _demo(settings, args.ttl)
        if not args.org or not args.org.strip():
            print("logis token : erreur : --org est requis", file=sys.stderr)
            return 2
        token = issue_token(
            settings,
            subject=args.sub or f"agent.{args.role}",
            role=args.role,
            organisation=args.org,
            department=args.department,
            commune=args.commune,
            ttl=args.ttl,
        )
    except AuthConfigError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    until = datetime.now(UTC) + args.ttl
    print(
        f"Jeton de développement : {args.role} ({args.org}), valable jusqu'au "
        f"{fr_day(until)} à {until:%H:%M} UTC.",
        file=sys.stderr,
    )
    print(token)
    return 0


def _demo(settings: Settings, ttl: timedelta) -> int:
    from api.demo.identities import DEMO_IDENTITIES
    from infra.development_tokens import issue_token

    hours = ttl.total_seconds() / 3600
    print(
        f"Jetons de développement (valables {hours:g} h), un par rôle de la "
        "démonstration :"
    )
    for actor, department, commune in DEMO_IDENTITIES:
        # The token names the demonstration's actor: subject, role, organisation.
        token = issue_token(
            settings, **asdict(actor), department=department, commune=commune, ttl=ttl
        )
        print(f"{actor.role:<20}{actor.organisation:<48}Authorization: Bearer {token}")
    return 0
