"""The relay through a broker outage: the broker SIGKILLed in the middle of a
stream while commands go on being written, restarted on the same port with
its records; the relay notices, backs off, resends from its stored position
and catches up, nothing missing (tests/helpers/broker.py keeps the broker's
records in S3 on loopback so they survive the restart).

In a module of its own, before the consumer tests: after them, in one pytest
process, the restarted broker was not caught up with in time (not yet
understood; alone and before them it passes).
"""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING

import pytest

from infra.bootstrap import build_system
from infra.relay import RelayThread
from tests.helpers.relay import (
    check_stream,
    consume_all,
    relay_for,
    store_event_ids,
    topic_prefix,
    wait_until,
)
from tests.helpers.stores import CommandWriter, adopt_department

if TYPE_CHECKING:
    from collections.abc import Iterator

    from infra.bootstrap import System
    from infra.settings import Settings
    from tests.helpers.broker import Broker

pytestmark = pytest.mark.broker


@pytest.fixture
def system(settings: Settings) -> Iterator[System]:
    with closing(build_system(settings)) as system:
        yield system


@pytest.mark.timeout(300)
@pytest.mark.parametrize("backend", ["sqlite"], indirect=False)
def test_broker_stopped_mid_stream_then_restarted_relay_resumes(
    system: System, kafka_broker_private: Broker
) -> None:
    broker = kafka_broker_private
    adopt_department(system.app)
    prefix = topic_prefix()
    relay = relay_for(
        system,
        broker.bootstrap,
        prefix,
        batch_size=20,
        poll_seconds=0.05,
        send_timeout_seconds=3.0,
        max_backoff_seconds=0.5,
    )
    thread = RelayThread(relay)
    writer = CommandWriter(system.app, pause=0.01).start()
    thread.start()
    try:
        # step: the relay publishes while commands are written
        wait_until(lambda: relay.status().position > 50, 30, "a first stretch")
        # step: the broker goes away (killed); commands go on being written
        broker.stop(kill=True)
        stopped_at = relay.status().position
        written_before = writer.events
        wait_until(lambda: relay.failures >= 1, 90, "a send to fail")
        assert writer.events > written_before
        assert relay.status().position <= stopped_at + 20  # nothing acknowledged
        # step: it comes back on the same port, with its records
        broker.start()
        wait_until(lambda: writer.events > written_before + 80, 30, "more writes")
        writer.stop()
        wait_until(lambda: relay.status().lag == 0, 60, "the relay to catch up")
    finally:
        writer.stopping.set()
        thread.stop()
    assert not thread.is_alive()

    expected = store_event_ids(system.app)
    check = check_stream(consume_all(broker.bootstrap, prefix, len(expected)), expected)
    assert check.distinct == len(expected)
    print(f"broker restart: {check}")  # duplicates: batches resent after the outage
