"""`logis consume`: the other side of the relay. Joins a Kafka consumer group on
one topic and keeps the per-commune read model of infra/consumer_model.py in the
events database, exactly once (offsets stored with the model); `--report`
prints that model in French."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from api.cli.arguments import add_format, matching
from api.cli.broker import broker_answers, kafka_bootstrap, stop_signals
from api.cli.output import print_json, print_table, rows, table
from api.cli.views import opened
from domain.places import commune_label
from infra.integration_events import topic_for

if TYPE_CHECKING:
    import argparse

    from infra.consumer_model import CommuneRow, OffsetRow
    from infra.settings import Settings


# The names Kafka accepts, checked as arguments are read; infra/consumer.py holds
# them, with Kafka's client, which only `logis consume` loads.
def _group(text: str) -> str:
    from infra.consumer import GROUP_PATTERN

    return matching(GROUP_PATTERN, "groupe de consommateurs")(text)


def _topic(text: str) -> str:
    from infra.consumer import TOPIC_PATTERN

    return matching(TOPIC_PATTERN, "sujet Kafka")(text)


def add_parsers(commands: Any) -> None:
    parser = commands.add_parser(
        "consume",
        help="lire un sujet Kafka en groupe de consommateurs et tenir le décompte "
        "des dossiers par commune (une seule fois chaque événement)",
    )
    parser.add_argument(
        "--group",
        type=_group,
        default=None,
        help="groupe de consommateurs (défaut : LOGIS_CONSUMER_GROUP, logis-communes)",
    )
    parser.add_argument(
        "--topic",
        type=_topic,
        default=None,
        help=f"sujet lu (défaut : {topic_for('dossier')} ; le préfixe est "
        "LOGIS_KAFKA_TOPIC_PREFIX)",
    )
    parser.add_argument(
        "--from-beginning",
        action="store_true",
        help="partitions jamais lues par ce groupe : depuis le début (sinon : les "
        "nouveaux messages seulement)",
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="s'arrêter une fois les partitions reçues lues jusqu'au bout",
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="afficher le décompte par commune et les positions, sans lire Kafka",
    )
    add_format(parser)
    parser.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    group = args.group or settings.consumer_group
    topic = args.topic or topic_for("dossier", settings.kafka_topic_prefix)
    if args.report:
        return _report(settings, group, args.format)
    bootstrap = kafka_bootstrap(settings)
    if bootstrap is None:
        return 2
    from infra.bootstrap import build_system
    from infra.consumer import CommuneConsumer
    from infra.consumer_model import consumer_model_for

    with stop_signals() as stopping:
        system = build_system(settings)
        runner = CommuneConsumer(
            consumer_model_for(system.app.recorder),
            bootstrap,
            group=group,
            topic=topic,
            from_beginning=args.from_beginning,
            session_timeout_ms=round(settings.consumer_session_timeout_seconds * 1000),
        )
        if not args.once:
            print(
                f"Consommateur démarré (groupe {group}, sujet {topic}) : "
                "Ctrl-C pour l'arrêter.",
                file=sys.stderr,
            )
        try:
            runner.open()
            complete = runner.run(stopping, once=args.once)
        finally:
            runner.close()
            system.close()
    o = runner.outcome
    print(
        f"Messages lus : {o.messages} ; appliqués : {o.applied} ; doublons ignorés : "
        f"{o.duplicates} ; déjà appliqués : {o.behind} ; autres formats : {o.foreign}.",
        file=sys.stderr,
    )
    if not complete:
        print(
            f"Erreur : aucune partition du sujet {topic} reçue du groupe {group}.",
            file=sys.stderr,
        )
        return 1
    return 0


def _report(settings: Settings, group: str, output: str) -> int:
    from infra.consumer_model import consumer_model_for

    with opened(settings) as system:
        model = consumer_model_for(system.app.recorder)
        communes = model.communes(group)
        offsets = model.offsets(group)
    if output == "json":
        print_json(
            {
                "group": group,
                "communes": [vars(row) for row in communes],
                "offsets": [vars(row) for row in offsets],
            }
        )
        return _broker_answers(settings)
    _table(group, communes, offsets)
    return _broker_answers(settings)


def _broker_answers(settings: Settings) -> int:
    """The report is the consumer's health check: it fails too when the broker
    it consumes from (LOGIS_KAFKA_BOOTSTRAP, when set) does not answer."""
    if not settings.kafka_bootstrap:
        return 0
    from infra.broker import broker_unreachable

    return broker_answers(settings, broker_unreachable(settings.kafka_bootstrap))


def _table(group: str, communes: list[CommuneRow], offsets: list[OffsetRow]) -> int:
    from infra.consumer_model import UNKNOWN_COMMUNE

    title = f"Dossiers par commune — groupe de consommateurs {group}"
    if not communes:
        print_table(title, None, "Aucun événement lu.")
    else:
        grid = rows(
            table("commune", ("dossiers identifiés", "right"), ("événements", "right")),
            [
                (
                    "inconnue"
                    if r.commune == UNKNOWN_COMMUNE
                    else commune_label(r.commune),
                    r.dossiers_identified,
                    r.events,
                )
                for r in communes
            ],
        )
        grid.add_row(
            "total",
            str(sum(r.dossiers_identified for r in communes)),
            str(sum(r.events for r in communes)),
        )
        print_table(title, grid)
    if offsets:
        print_table(
            "\nPositions (prochain message à lire) :",
            None,
            *(f"  {o.topic} [{o.partition}] : {o.next_offset}" for o in offsets),
        )
    return 0
