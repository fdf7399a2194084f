"""The types of `logis` arguments (ids, days, moments, numbers, codes), whose
errors argparse prints in French."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


def uuid_arg(what: str) -> Callable[[str], UUID]:
    """An argparse type: a UUID, or "<what> invalide (UUID attendu)"."""

    def parse(text: str) -> UUID:
        try:
            return UUID(text)
        except ValueError:
            msg = f"{what} invalide (UUID attendu) : « {text} »"
            raise argparse.ArgumentTypeError(msg) from None

    return parse


def day_arg(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        msg = f"date AAAA-MM-JJ attendue, pas « {text} »"
        raise argparse.ArgumentTypeError(msg) from None
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        msg = f"date hors bornes (2000 à 2100) : « {text} »"
        raise argparse.ArgumentTypeError(msg)
    return day


def moment_arg(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        msg = f"date ISO 8601 attendue, pas « {text} »"
        raise argparse.ArgumentTypeError(msg) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def whole_number_arg(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high (argparse's own `int`
    would name the type in English)."""

    def parse(text: str) -> int:
        if not text.strip().isdigit() or not low <= int(text) <= high:
            msg = f"nombre entier de {low} à {high} attendu, pas « {text} »"
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
