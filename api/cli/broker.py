"""What the commands on the Kafka broker share (`logis relay`, `logis consume`):
its address, the error when it does not answer, and a graceful stop on SIGTERM
or SIGINT."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from infra.settings import Settings


def kafka_bootstrap(settings: Settings) -> str | None:
    """The broker's host:port, or None after saying in French that it is unset."""
    if not settings.kafka_bootstrap:
        print(
            "Erreur : LOGIS_KAFKA_BOOTSTRAP n'est pas défini (hôte:port du broker).",
            file=sys.stderr,
        )
    return settings.kafka_bootstrap


def broker_answers(settings: Settings, unreachable: str | None) -> int:
    """0, or 1 after saying in French that the broker does not answer and why
    (`unreachable`, infra/broker.py's `broker_unreachable`)."""
    if unreachable is None:
        return 0
    print(
        f"Erreur : le courtier Kafka ({settings.kafka_bootstrap}) ne répond pas "
        f"({unreachable}).",
        file=sys.stderr,
    )
    return 1


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
