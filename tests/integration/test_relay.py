"""The Kafka relay against a real Kafka-protocol broker (Tansu, started by the
`kafka_broker` fixtures): every stored event published once at least, exactly
the set written, in order per aggregate, no personal data; a broker stopped and
restarted mid-stream; a relay killed between the broker's acknowledgement and
the commit of its position (duplicates possible, gaps never)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from api.demo import load_demo
from infra.bootstrap import build_system
from infra.departments import load_department_settings
from infra.integration_events import (
    CODED_FIELDS,
    SCHEMA,
    to_integration_event,
    topics,
    withheld_fields,
)
from infra.relay import RelayConfig
from infra.settings import Settings
from tests.helpers.backends import EVERY_STORE
from tests.helpers.projections import SMALL_POOLS
from tests.helpers.relay import (
    check_stream,
    consume_all,
    relay_for,
    relay_until_caught_up,
    store_event_ids,
    topic_prefix,
    wait_until,
)
from tests.helpers.stores import adopt_department, fill_store

if TYPE_CHECKING:
    from collections.abc import Iterator

    from eventsourcing.application import Application

    from infra.bootstrap import System
    from tests.helpers.broker import Broker

pytestmark = [EVERY_STORE, pytest.mark.broker]


@pytest.fixture
def system(settings: Settings) -> Iterator[System]:
    with closing(build_system(settings.model_copy(update=SMALL_POOLS))) as system:
        yield system


def load_the_demo(system: System) -> None:
    effective_from, martinique = load_department_settings("972")
    loire = load_department_settings("42")
    load_demo(
        system.app, "972", effective_from, martinique, datetime.now(UTC).date(), loire
    )


def personal_values(app: Application) -> set[str]:
    """Every text of a withheld field (names, enquiries, motives of §9), and
    the people acting (actor subjects), as stored."""
    found: set[str] = set()

    def texts(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from texts(v)
        elif isinstance(value, list | tuple):
            for v in value:
                yield from texts(v)

    for n in app.recorder.select_notifications(start=0, limit=1_000_000):
        event = app.mapper.to_domain_event(n)
        state = vars(event)
        for name in withheld_fields(type(event)):
            found.update(t for t in texts(state.get(name)) if len(t) >= 6)
        found.add(event.actor.subject)
    return found


@pytest.mark.timeout(180)
def test_every_demo_event_arrives_once_in_order_without_personal_data(
    system: System, kafka_broker: Broker
) -> None:
    load_the_demo(system)
    expected = store_event_ids(system.app)
    prefix = topic_prefix()
    relay = relay_for(system, kafka_broker.bootstrap, prefix, batch_size=100)
    try:
        assert relay_until_caught_up(relay) == len(expected)
        assert relay.run_once() == 0  # caught up: nothing sent again
    finally:
        relay.close()

    messages = consume_all(kafka_broker.bootstrap, prefix, len(expected))
    check = check_stream(messages, expected)
    assert check.duplicates == 0
    assert check.distinct == len(expected) > 500
    assert {m.topic for m in messages} == set(topics(prefix))  # all eight types
    for m in messages:
        assert m.body["schema"] == SCHEMA
        assert m.topic == f"{prefix}.{m.body['aggregate_type']}s"
        assert set(m.body["actor"]) == {"organisation", "role"}
        for name, value in m.body["data"].items():
            assert (
                not isinstance(value, str)
                or name in CODED_FIELDS
                or (_looks_scalar(value))
            ), (m.body["type"], name, value)

    # Names of the demo's households, enquiries, motives: in no message.
    secrets_ = personal_values(system.app)
    assert any(s.startswith("Ménage") for s in secrets_)  # the check checks
    raw = b"\n".join(m.raw for m in messages).decode()
    leaked = sorted(s for s in secrets_ if s in raw)
    assert not leaked, leaked[:5]


def _looks_scalar(text: str) -> bool:
    """A UUID, a date or moment, or a decimal, as the format writes them."""
    import re

    return bool(
        re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text
        )
        or re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[\d:.+]+)?", text)
        or re.fullmatch(r"-?\d+(\.\d+)?", text)
    )


def test_integration_event_is_stable_across_resends(system: System) -> None:
    """The same stored event gives the same message, so re-sends dedupe."""
    adopt_department(system.app)
    fill_store(system.app, 3)
    notifications = system.app.recorder.select_notifications(start=0, limit=100)
    for n in notifications:
        first = to_integration_event(system.app.mapper.to_domain_event(n), n.id)
        again = to_integration_event(system.app.mapper.to_domain_event(n), n.id)
        assert first == again
        assert first.key == str(n.originator_id).encode()


def _relay_process(
    settings: Settings, bootstrap: str, prefix: str, *args: str, **env: str
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "LOGIS_DATABASE_URL": settings.database_url,
        "LOGIS_KAFKA_BOOTSTRAP": bootstrap,
        "LOGIS_KAFKA_TOPIC_PREFIX": prefix,
        "LOGIS_LOG_JSON": "false",
        "LOGIS_RELAY_POLL_SECONDS": "0.05",
        **env,
    }
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("logis")), "relay", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.timeout(180)
def test_relay_killed_between_send_and_commit_repeats_never_skips(
    system: System, settings: Settings, kafka_broker: Broker
) -> None:
    adopt_department(system.app)
    fill_store(system.app, 100)
    expected = store_event_ids(system.app)
    prefix = topic_prefix()
    positions = relay_for(system, kafka_broker.bootstrap, prefix).positions
    name = f"kafka:{prefix}"

    # step: a relay that stops for a minute between the acknowledgements and
    # the commit of its position: killed (SIGKILL) right there
    paused = _relay_process(
        settings,
        kafka_broker.bootstrap,
        prefix,
        LOGIS_RELAY_BATCH_SIZE="100",
        LOGIS_RELAY_PAUSE_BEFORE_COMMIT_SECONDS="60",
    )
    try:
        wait_until(
            lambda: (
                len(consume_all(kafka_broker.bootstrap, prefix, 100, 0.2, 3)) >= 100
            ),
            60,
            "the first batch acknowledged",
            every=0.3,
        )
        assert positions.get(name) == 0  # acknowledged, not committed
    finally:
        paused.send_signal(signal.SIGKILL)
        paused.wait(10)
    assert positions.get(name) == 0

    # step: killed again and again at random moments of a run, each time once it
    # has committed a batch more than the last one
    committed = 0
    for _ in range(3):
        process = _relay_process(
            settings, kafka_broker.bootstrap, prefix, LOGIS_RELAY_BATCH_SIZE="10"
        )
        try:
            wait_until(lambda: positions.get(name) > committed, 30, "a new batch")  # noqa: B023
            time.sleep(random.uniform(0, 0.2))
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        committed = positions.get(name)

    # step: one last run to the head
    last = _relay_process(
        settings,
        kafka_broker.bootstrap,
        prefix,
        "--until-caught-up",
        LOGIS_RELAY_BATCH_SIZE="50",
    )
    output = last.communicate(timeout=60)[0].decode()
    assert last.returncode == 0, output
    assert positions.get(name) == max(p for _, _, p in expected.values())

    check = check_stream(
        consume_all(kafka_broker.bootstrap, prefix, len(expected)), expected
    )
    assert check.distinct == len(expected)
    assert check.duplicates >= 100  # the killed batch was sent again
    print(f"relay killed: {check}")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_relay_stops_gracefully_on_sigterm(
    system: System, settings: Settings, kafka_broker: Broker
) -> None:
    adopt_department(system.app)
    fill_store(system.app, 3)
    prefix = topic_prefix()
    positions = relay_for(system, kafka_broker.bootstrap, prefix).positions
    head = system.app.recorder.max_notification_id()
    process = _relay_process(settings, kafka_broker.bootstrap, prefix)
    try:
        wait_until(lambda: positions.get(f"kafka:{prefix}") == head, 30, "catch-up")
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert "relay_stopped" in output


def test_second_relay_stands_by(system: System, kafka_broker: Broker) -> None:
    adopt_department(system.app)
    fill_store(system.app, 2)
    prefix = topic_prefix()
    first = relay_for(system, kafka_broker.bootstrap, prefix)
    second = relay_for(system, kafka_broker.bootstrap, prefix)
    try:
        assert first.run_once() > 0
        fill_store(system.app, 2, first=2)
        assert second.run_once() == 0  # the lock is the first's
        assert second.standing_by
        first.close()  # releases the lock
        assert second.run_once() > 0
    finally:
        first.close()
        second.close()
    expected = store_event_ids(system.app)
    check_stream(consume_all(kafka_broker.bootstrap, prefix, len(expected)), expected)


def test_relay_config_needs_a_bootstrap(system: System) -> None:
    with pytest.raises(RuntimeError, match="LOGIS_KAFKA_BOOTSTRAP"):
        system.relay()
    assert RelayConfig("127.0.0.1:1", prefix="x").name == "kafka:x"


def test_serve_runs_the_relay_in_process_and_exposes_its_lag(
    settings: Settings, kafka_broker: Broker
) -> None:
    from starlette.testclient import TestClient

    from api.main import create_app
    from tests.helpers.api import DEPARTMENT, actor, adopt_settings

    prefix = topic_prefix()
    with_relay = settings.model_copy(
        update={
            "kafka_bootstrap": kafka_broker.bootstrap,
            "kafka_topic_prefix": prefix,
            "relay_poll_seconds": 0.05,
            **SMALL_POOLS,
        }
    )
    with TestClient(create_app(with_relay), headers=actor("auditeur")) as client:
        assert adopt_settings(client, DEPARTMENT).status_code == 201
        system = client.app.state.system  # type: ignore[attr-defined]
        head = system.app.recorder.max_notification_id()

        def published() -> bool:
            metrics = client.get("/metrics").text
            return (
                f"logis_relay_position {float(head)}" in metrics
                and "logis_relay_lag_events 0.0" in metrics
            )

        wait_until(published, 30, "the in-process relay")
        expected = store_event_ids(system.app)
    check_stream(consume_all(kafka_broker.bootstrap, prefix, len(expected)), expected)


def test_messages_are_the_same_without_decrypting_personal_values(
    system: System,
) -> None:
    """The relay leaves personal values sealed (it publishes none): every demo
    event's message is the one its decrypted event gives."""
    load_the_demo(system)
    app = system.app
    stored = app.recorder.select_notifications(start=0, limit=1_000_000)
    sealed = [app.mapper.to_sealed_event(n) for n in stored]  # type: ignore[attr-defined]
    assert any(  # some personal values are sealed indeed
        "__erasable__" in repr(vars(e).get(name))
        for e in sealed
        for name in withheld_fields(type(e))
    )
    for n, event in zip(stored, sealed, strict=True):
        assert to_integration_event(
            event, n.id, stored_topic=n.topic
        ) == to_integration_event(
            app.mapper.to_domain_event(n), n.id, stored_topic=n.topic
        )
