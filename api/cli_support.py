"""What every `logis` command shares: parsing its arguments (ids, days, moments,
codes), reading the views once this process has caught the projections up, and
printing JSON or table cells (messages in French)."""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from infra.bootstrap import System
    from infra.projector import SQLRowView
    from infra.settings import Settings

# ---- arguments -----------------------------------------------------------------


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


# ---- views ---------------------------------------------------------------------


def caught_up_views(system: System, *names: str) -> dict[str, SQLRowView] | None:
    """Catch this process's projections up (as `logis demo` does), then read the
    views: the answer holds every event written before it. None once it has said
    which view is still being built."""
    system.catch_up()
    views = {}
    for name in names:
        view = system.engine.reader(name)
        if view is None:
            print(
                f"La vue « {name} » est en construction : réessayez.", file=sys.stderr
            )
            return None
        views[name] = view
    return views


# ---- output --------------------------------------------------------------------


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def print_json(value: Any) -> int:
    print(json_text(value))
    return 0


def cell(text: str, width: int) -> str:
    """A table cell: padded, or cut with an ellipsis so the columns stay aligned
    (the whole text is in --format json)."""
    if len(text) < width:
        return text.ljust(width)
    return text[: width - 2] + "… "


# ---- long-running commands ---------------------------------------------------------


def kafka_bootstrap(settings: Settings) -> str | None:
    """The broker's host:port, or None after saying in French that it is unset."""
    if not settings.kafka_bootstrap:
        print(
            "Erreur : LOGIS_KAFKA_BOOTSTRAP n'est pas défini (hôte:port du broker).",
            file=sys.stderr,
        )
    return settings.kafka_bootstrap


@contextmanager
def stop_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT while the block runs (a service's
    graceful stop); the previous handlers come back after. Off the main
    thread (tests calling `main`), signals cannot be caught: the event is
    then only set by the caller."""
    stopping = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stopping.set())
    try:
        yield stopping
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
