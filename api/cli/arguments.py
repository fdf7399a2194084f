"""The types of `logis` arguments (ids, days, moments, numbers, codes), whose
errors argparse prints in French, and the options several commands take."""

from __future__ import annotations

import argparse
import getpass
import re
from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN
from domain.shared import Actor

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

T = TypeVar("T")


def uuid_arg(what: str) -> Callable[[str], UUID]:
    """An argparse type: a UUID, or "<what> invalide (UUID attendu)"."""

    def parse(text: str) -> UUID:
        try:
            return UUID(text)
        except ValueError:
            msg = f"{what} invalide (UUID attendu) : « {text} »"
            raise argparse.ArgumentTypeError(msg) from None

    return parse


def _read(parse: Callable[[str], T], text: str, expected: str) -> T:
    """`parse(text)`, or "<expected> attendue, pas « text »"."""
    try:
        return parse(text)
    except ValueError:
        msg = f"{expected} attendue, pas « {text} »"
        raise argparse.ArgumentTypeError(msg) from None


def day_arg(text: str) -> date:
    day = _read(date.fromisoformat, text, "date AAAA-MM-JJ")
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        msg = f"date hors bornes (2000 à 2100) : « {text} »"
        raise argparse.ArgumentTypeError(msg)
    return day


def moment_arg(text: str) -> datetime:
    moment = _read(datetime.fromisoformat, text, "date ISO 8601")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def whole_number_arg(
    low: int,
    high: int,
    refusal: str = "nombre entier de {low} à {high} attendu, pas « {text} »",
) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high (argparse's own `int`
    would name the type in English); `refusal` is its error (`str.format` of
    low, high and the text refused)."""

    def parse(text: str) -> int:
        if not text.strip().isdigit() or not low <= int(text) <= high:
            msg = refusal.format(low=low, high=high, text=text)
            raise argparse.ArgumentTypeError(msg)
        return int(text)

    return parse


def matching(
    pattern: str, what: str, known: Sequence[str] = ()
) -> Callable[[str], str]:
    def check(text: str) -> str:
        if not re.match(pattern, text):
            hint = f" (au choix : {', '.join(known)})" if known else ""
            msg = f"{what} invalide : « {text} »{hint}"
            raise argparse.ArgumentTypeError(msg)
        return text

    return check


def add_department(parser: Any, help_text: str, *, required: bool = False) -> None:
    """--department: a department's code, as the API checks it."""
    parser.add_argument(
        "--department",
        required=required,
        type=matching(DEPARTMENT_CODE_PATTERN, "code de département"),
        help=help_text,
    )


def add_commune(parser: Any, help_text: str) -> None:
    """--commune: a commune's INSEE code, as the API checks it."""
    parser.add_argument(
        "--commune",
        type=matching(COMMUNE_PATTERN, "code INSEE de commune"),
        help=help_text,
    )


def add_format(
    parser: Any,
    formats: Sequence[str] = ("table", "json"),
    help_text: str | None = None,
    *,
    output: str | None = None,
) -> None:
    """--format, the first of `formats` by default; with `output` (its help),
    --output: the file the answer is written to."""
    parser.add_argument("--format", choices=formats, default=formats[0], help=help_text)
    if output is not None:
        parser.add_argument("--output", type=Path, default=None, help=output)


def add_operator(parser: Any, verb: str) -> None:
    """--by: who acts, an operator with access to the database (`operator`)."""
    parser.add_argument(
        "--by", default=None, metavar="IDENTIFIANT",
        help=f"qui {verb} (défaut : l'utilisateur du système)",
    )  # fmt: skip


def operator(args: argparse.Namespace, organisation: str = "") -> Actor:
    """The operator --by names (the system's user by default), acting as an
    administrator."""
    return Actor(
        subject=args.by or getpass.getuser(), role="admin", organisation=organisation
    )


def from_args(cls: Callable[..., T], args: argparse.Namespace, **given: Any) -> T:
    """`cls` (a dataclass) from the options named after its fields (a field no
    option names keeps its default), and `given`."""
    names = {f.name for f in fields(cls)} - given.keys()  # type: ignore[arg-type]
    return cls(**{n: getattr(args, n) for n in names if hasattr(args, n)}, **given)
