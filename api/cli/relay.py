"""`logis relay`: publishes the store's events to Kafka as integration events
(infra/relay.py), until SIGTERM or SIGINT. Production runs it as a service of
its own; a second one stands by."""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

from api.cli.broker import broker_answers, kafka_bootstrap, stop_signals
from api.cli.output import print_json

if TYPE_CHECKING:
    import argparse

    from infra.settings import Settings


def add_parsers(commands: Any) -> None:
    parser = commands.add_parser(
        "relay",
        help="publier les événements vers Kafka (LOGIS_KAFKA_BOOTSTRAP), en continu",
    )
    parser.add_argument(
        "--until-caught-up",
        action="store_true",
        help="s'arrêter une fois la tête du magasin publiée",
    )
    parser.add_argument(
        "--status",
        action="store_true",
        help="position du relais, tête du magasin et retard (JSON), sans rien "
        "publier : le contrôle de santé du service relay",
    )
    parser.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    if kafka_bootstrap(settings) is None:
        return 2
    from infra.bootstrap import build_system
    from infra.broker import broker_unreachable
    from infra.relay import follow

    with stop_signals() as stopping:
        system = build_system(settings)
        relay = system.relay()
        try:
            if args.status:
                status = relay.status()
                unreachable = broker_unreachable(settings.kafka_bootstrap or "")
                print_json(
                    {
                        "position": status.position,
                        "tete": status.head,
                        "retard": status.lag,
                        "courtier": "injoignable" if unreachable else "joignable",
                    }
                )
                return broker_answers(settings, unreachable)
            if args.until_caught_up:
                return _until_caught_up(relay, stopping)
            print("Relais Kafka démarré : Ctrl-C pour l'arrêter.", file=sys.stderr)
            follow(relay, stopping)
        finally:
            relay.close()
            system.close()
    return 0


def _until_caught_up(relay: Any, stopping: threading.Event) -> int:
    """Publish up to the head read at the start, then stop (1 if interrupted)."""
    from infra.relay import follow

    head = relay.status().head
    watcher = threading.Thread(
        target=_stop_at, args=(relay, head, stopping), daemon=True
    )
    watcher.start()
    follow(relay, stopping)
    status = relay.status()
    print(f"Relais : position {status.position}, tête {status.head}.", file=sys.stderr)
    return 0 if status.position >= head else 1


def _stop_at(relay: Any, head: int, stopping: threading.Event) -> None:
    while not stopping.wait(0.1):
        if relay.status().position >= head:
            stopping.set()
