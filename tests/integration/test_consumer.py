"""`logis consume` against a real Kafka-protocol broker (Tansu, `kafka_broker`):
the per-commune counts equal the events published, whatever is sent again, and
whenever the consumer dies. On SQLite and PostgreSQL.

Each test publishes to topics of its own (a random suffix) on the session's
broker, to several partitions, and consumes with a group of its own.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from api.cli import main
from domain.places import commune_label
from infra.bootstrap import build_system
from infra.consumer import CommuneConsumer
from infra.consumer_model import consumer_model_for
from infra.settings import Settings
from tests.helpers.backends import EVERY_STORE
from tests.helpers.dossiers import PATHS
from tests.helpers.integration_messages import (
    COMMUNES,
    committed_offsets,
    create_topic,
    dossier_stream,
    expected_counts,
    publish,
)
from tests.helpers.projections import SMALL_POOLS
from tests.helpers.stores import COMMUNES as STORE_COMMUNES
from tests.helpers.stores import fill_store, stage_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tests.helpers.broker import Broker

pytestmark = [EVERY_STORE, pytest.mark.broker]

ROOT = Path(__file__).resolve().parents[2]
PARTITIONS = 3
# The group gives partitions to a new member after about half its session timeout,
# and to the others those of a member killed once it expires: 3 s, not Kafka's 10.
SESSION_SECONDS = 3


class Case:
    """One test's topic, group, store and the CLI pointed at them."""

    def __init__(self, broker: Broker, database_url: str) -> None:
        suffix = secrets.token_hex(4)
        self.bootstrap = broker.bootstrap
        self.topic = f"test-consumer-{suffix}.dossiers"
        self.group = f"test-consumer-{suffix}"
        self.database_url = database_url
        self.settings = Settings(
            database_url=database_url,
            kafka_bootstrap=self.bootstrap,
            log_json=False,
            **SMALL_POOLS,
        )
        self.system = build_system(self.settings)
        self.model = consumer_model_for(self.system.app.recorder)

    @property
    def env(self) -> dict[str, str]:
        return {
            "LOGIS_DATABASE_URL": self.database_url,
            "LOGIS_KAFKA_BOOTSTRAP": self.bootstrap,
            "LOGIS_LOG_JSON": "false",
            "LOGIS_LOG_LEVEL": "WARNING",
            "LOGIS_CONSUMER_SESSION_TIMEOUT_SECONDS": str(SESSION_SECONDS),
            "LOGIS_POOL_SIZE": str(SMALL_POOLS["pool_size"]),
            "LOGIS_POOL_MAX_OVERFLOW": str(SMALL_POOLS["pool_max_overflow"]),
        }

    def args(self, *more: str) -> list[str]:
        return ["consume", "--group", self.group, "--topic", self.topic, *more]

    def counts(self) -> dict[str, tuple[int, int]]:
        return {
            row.commune: (row.dossiers_identified, row.events)
            for row in self.model.communes(self.group)
        }

    def member(self, name: str) -> CommuneConsumer:
        return CommuneConsumer(
            self.model,
            self.bootstrap,
            group=self.group,
            topic=self.topic,
            from_beginning=True,
            client_id=name,
            session_timeout_ms=SESSION_SECONDS * 1000,
        )


@pytest.fixture
def case(
    kafka_broker: Broker, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Case]:
    case = Case(kafka_broker, database_url)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    create_topic(case.bootstrap, case.topic, PARTITIONS)
    try:
        yield case
    finally:
        case.system.close()


def consume_once(case: Case, capsys: pytest.CaptureFixture[str]) -> str:
    """`logis consume --once --from-beginning`, in this process: its summary."""
    capsys.readouterr()
    assert main(case.args("--once", "--from-beginning")) == 0
    return capsys.readouterr().err


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"toujours pas : {what}"
        time.sleep(0.05)


def test_consume_once_counts_the_dossiers_of_each_commune(
    case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = dossier_stream(40)
    publish(case.bootstrap, case.topic, stream)

    summary = consume_once(case, capsys)

    assert case.counts() == expected_counts(stream)
    assert f"appliqués : {len(stream)} ; doublons ignorés : 0" in summary
    stored = case.model.stored_offsets(case.group, case.topic)
    assert sum(stored.values()) == len(stream)
    assert len(stored) == PARTITIONS  # the keys spread over every partition
    # Kafka was told too (progress only: the stored offsets are the ones that count).
    assert committed_offsets(case.bootstrap, case.group, case.topic) == stored

    # The report, in French.
    assert main(["consume", "--report", "--group", case.group]) == 0
    report = capsys.readouterr().out
    assert f"Dossiers par commune — groupe de consommateurs {case.group}" in report
    lines = report.splitlines()
    assert lines[1].split() == ["commune", "dossiers", "identifiés", "événements"]
    cells = [line.split() for line in lines]
    for commune, (identified, events) in expected_counts(stream).items():
        # each commune by its name and its code (domain/places.commune_label)
        assert commune_label(commune) in report
        assert [f"({commune})", str(identified), str(events)] in [c[-3:] for c in cells]
    assert ["total", "40", str(len(stream))] in cells
    assert f"{case.topic} [0] : {stored[0]}" in report


def test_consume_once_again_reads_only_what_is_new(
    case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = dossier_stream(12), dossier_stream(8, first=12)
    publish(case.bootstrap, case.topic, first)
    consume_once(case, capsys)

    publish(case.bootstrap, case.topic, second)
    summary = consume_once(case, capsys)

    assert f"Messages lus : {len(second)} ;" in summary
    assert case.counts() == expected_counts(first + second)


def test_events_sent_again_are_not_counted_again(
    case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = dossier_stream(20)
    publish(case.bootstrap, case.topic, stream)
    consume_once(case, capsys)

    # The relay re-sends (at least once) the last 15 events, then new ones.
    again, new = stream[-15:], dossier_stream(5, first=20)
    publish(case.bootstrap, case.topic, again + new)
    summary = consume_once(case, capsys)

    assert f"appliqués : {len(new)} ; doublons ignorés : {len(again)}" in summary
    assert case.counts() == expected_counts(stream + new)
    assert case.model.consumed(case.group) == len(stream) + len(new)


def test_the_relays_stream_is_counted_as_the_store_holds_it(
    case: Case, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dossiers = 25
    fill_store(case.system.app, dossiers)
    prefix = case.topic.removesuffix(".dossiers")
    monkeypatch.setenv("LOGIS_KAFKA_TOPIC_PREFIX", prefix)
    assert main(["relay", "--until-caught-up"]) == 0

    consume_once(case, capsys)

    expected: dict[str, tuple[int, int]] = {}
    for n in range(dossiers):
        commune = STORE_COMMUNES[n % len(STORE_COMMUNES)]
        identified, events = expected.get(commune, (0, 0))
        expected[commune] = (identified + 1, events + len(PATHS[stage_of(n)]))
    assert case.counts() == expected


def test_a_consumer_dead_between_its_database_and_kafka_commits_counts_once(
    case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = dossier_stream(30)
    publish(case.bootstrap, case.topic, stream)
    # The apply step alone, then the consumer dropped without telling Kafka.
    member = case.member("doomed").open()
    try:
        batch: list[Any] = []
        deadline = time.monotonic() + 60
        while not batch and time.monotonic() < deadline:
            batch = member.poll()
        assert batch, "nothing polled"
        member.apply(batch)
    finally:
        member.close(commit=False)
    applied = case.model.consumed(case.group)
    assert applied == len(batch) > 0
    assert set(committed_offsets(case.bootstrap, case.group, case.topic).values()) == {
        None
    }

    summary = consume_once(case, capsys)

    # It resumed at the offsets stored with the model, not Kafka's (none).
    assert f"Messages lus : {len(stream) - applied} ;" in summary
    assert case.counts() == expected_counts(stream)


def test_a_consumer_killed_mid_stream_counts_once_after_a_restart(
    case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    stream = dossier_stream(120)
    publish(case.bootstrap, case.topic, stream[:200])
    process = subprocess.Popen(  # `logis consume`, following the topic
        [sys.executable, "-m", "api.cli", *case.args("--from-beginning")],
        cwd=ROOT,
        env={**os.environ, **case.env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: case.model.consumed(case.group) > 0, "un lot appliqué")
        os.kill(process.pid, signal.SIGKILL)  # right after a database commit
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    assert process.returncode == -signal.SIGKILL

    publish(case.bootstrap, case.topic, stream[200:])
    consume_once(case, capsys)

    assert case.counts() == expected_counts(stream)
    assert case.model.consumed(case.group) == len(stream)


def test_two_members_of_a_group_share_the_partitions_and_the_counts_stay_exact(
    case: Case,
) -> None:
    stream = dossier_stream(90)
    half = len(stream) // 2
    stopping = threading.Event()
    members = [case.member("a"), case.member("b")]
    threads: list[threading.Thread] = []
    errors: list[BaseException] = []

    def follow(member: CommuneConsumer) -> None:
        try:
            member.open()
            member.run(stopping)
        except BaseException as error:
            errors.append(error)
        finally:
            member.close()

    try:
        publish(case.bootstrap, case.topic, stream[:half])
        threads.append(threading.Thread(target=follow, args=(members[0],)))
        threads[0].start()
        wait_until(lambda: case.model.consumed(case.group) > 0, "a lit")
        threads.append(threading.Thread(target=follow, args=(members[1],)))
        threads[1].start()
        wait_until(
            lambda: (
                all(m.assigned for m in members)
                and not members[0].assigned & members[1].assigned
            ),
            "les partitions partagées entre a et b",
        )
        publish(case.bootstrap, case.topic, stream[half:])
        wait_until(
            lambda: case.model.consumed(case.group) == len(stream), "tout appliqué"
        )
    finally:
        stopping.set()
        for thread in threads:
            thread.join(30)
    assert errors == []
    a, b = members
    assert a.assigned | b.assigned == set(range(PARTITIONS))
    assert a.outcome.applied > 0
    assert b.outcome.applied > 0
    assert a.outcome.applied + b.outcome.applied == len(stream)
    assert case.counts() == expected_counts(stream)
    assert set(case.counts()) == set(COMMUNES)
