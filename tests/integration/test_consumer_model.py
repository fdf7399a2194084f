"""The consumer's read model in the events database (infra/consumer_model.py),
without a broker: a batch is applied in one transaction with its offsets and
event ids, and nothing is ever counted twice. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from contextlib import closing
from typing import TYPE_CHECKING, Any

import pytest

from api.cli import main
from infra.bootstrap import build_system
from infra.consumer_messages import Delivery, parse
from infra.consumer_model import (
    CommuneRow,
    ConsumerModel,
    OffsetRow,
    consumer_model_for,
)
from infra.settings import Settings
from tests.helpers.backends import EVERY_STORE
from tests.helpers.integration_messages import dossier_stream, expected_counts

pytestmark = EVERY_STORE

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

GROUP = "logis-communes"
TOPIC = "logis.dossiers"


def deliveries(
    stream: Sequence[dict[str, Any]], *, partition: int = 0, first: int = 0
) -> list[Delivery]:
    return [
        Delivery(TOPIC, partition, offset, parse(json.dumps(body).encode()))
        for offset, body in enumerate(stream, start=first)
    ]


def counts(model: ConsumerModel, group: str = GROUP) -> dict[str, tuple[int, int]]:
    return {
        row.commune: (row.dossiers_identified, row.events)
        for row in model.communes(group)
    }


@pytest.fixture
def model(database_url: str) -> Iterator[ConsumerModel]:
    with closing(
        build_system(Settings(database_url=database_url, log_json=False))
    ) as system:
        yield consumer_model_for(system.app.recorder)


def test_a_batch_counts_each_commune_with_its_offsets(model: ConsumerModel) -> None:
    stream = dossier_stream(8)

    outcome = model.apply(GROUP, deliveries(stream))

    assert outcome.applied == len(stream)
    assert counts(model) == expected_counts(stream)
    assert model.offsets(GROUP) == [OffsetRow(TOPIC, 0, len(stream))]
    assert model.stored_offsets(GROUP, TOPIC) == {0: len(stream)}
    assert model.consumed(GROUP) == len(stream)


def test_later_events_count_in_the_commune_their_dossier_was_identified_in(
    model: ConsumerModel,
) -> None:
    stream = dossier_stream(4)
    identified = [b for b in stream if b["type"] == "Identified"]
    later = [b for b in stream if b["type"] != "Identified"]

    model.apply(GROUP, deliveries(identified))
    model.apply(GROUP, deliveries(later, first=len(identified)))

    assert counts(model) == expected_counts(stream)


def test_events_of_a_dossier_never_identified_here_count_as_unknown(
    model: ConsumerModel,
) -> None:
    stream = dossier_stream(6)
    without_identification = [b for b in stream if b["type"] != "Identified"]

    model.apply(GROUP, deliveries(without_identification))

    assert model.communes(GROUP) == [CommuneRow("", 0, len(without_identification))]


def test_an_event_sent_again_changes_nothing(model: ConsumerModel) -> None:
    stream = dossier_stream(6)
    model.apply(GROUP, deliveries(stream))

    # The relay sends the last ten again: same event ids, new offsets.
    outcome = model.apply(GROUP, deliveries(stream[-10:], first=len(stream)))

    assert (outcome.applied, outcome.duplicates) == (0, 10)
    assert counts(model) == expected_counts(stream)
    assert model.stored_offsets(GROUP, TOPIC) == {0: len(stream) + 10}


def test_messages_below_the_stored_offset_are_skipped(model: ConsumerModel) -> None:
    stream = dossier_stream(6)
    model.apply(GROUP, deliveries(stream[:20]))

    # A member that read from an older position gets the same offsets again.
    outcome = model.apply(GROUP, deliveries(stream))

    assert (outcome.behind, outcome.applied) == (20, len(stream) - 20)
    assert counts(model) == expected_counts(stream)


def test_foreign_messages_pass_their_offset_and_count_nothing(
    model: ConsumerModel,
) -> None:
    foreign = [
        Delivery(TOPIC, 0, 0, parse(b"not json")),
        Delivery(TOPIC, 0, 1, parse(json.dumps({"schema": "other/2"}).encode())),
    ]

    outcome = model.apply(GROUP, foreign)

    assert outcome.foreign == 2
    assert model.communes(GROUP) == []
    assert model.stored_offsets(GROUP, TOPIC) == {0: 2}


def test_each_group_keeps_a_model_of_its_own(model: ConsumerModel) -> None:
    stream = dossier_stream(5)

    model.apply(GROUP, deliveries(stream))
    model.apply("audit", deliveries(stream[:3]))

    assert counts(model) == expected_counts(stream)
    assert counts(model, "audit") == expected_counts(stream[:3])
    assert model.stored_offsets("audit", TOPIC) == {0: 3}


def test_a_batch_that_fails_writes_nothing(
    model: ConsumerModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = dossier_stream(6)
    model.apply(GROUP, deliveries(stream[:5]))
    before = (counts(model), model.offsets(GROUP), model.consumed(GROUP))
    calls = 0
    apply_one = ConsumerModel._apply_one

    def failing(self: ConsumerModel, *args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 7:
            raise RuntimeError("panne au milieu du lot")
        apply_one(self, *args)

    monkeypatch.setattr(ConsumerModel, "_apply_one", failing)
    with pytest.raises(RuntimeError):
        model.apply(GROUP, deliveries(stream[5:], first=5))

    assert (counts(model), model.offsets(GROUP), model.consumed(GROUP)) == before
    monkeypatch.undo()
    model.apply(GROUP, deliveries(stream[5:], first=5))
    assert counts(model) == expected_counts(stream)


def test_two_members_applying_the_same_batch_at_once_count_it_once(
    database_url: str,
) -> None:
    stream = dossier_stream(30)
    batch = deliveries(stream[:60], partition=0) + deliveries(stream[60:], partition=1)
    systems = [
        build_system(Settings(database_url=database_url, log_json=False))
        for _ in range(2)
    ]
    try:
        models = [consumer_model_for(s.app.recorder) for s in systems]
        start = threading.Barrier(2)
        outcomes = []
        errors: list[BaseException] = []

        def member(model: ConsumerModel) -> None:
            start.wait()
            try:
                outcomes.append(model.apply(GROUP, batch))
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=member, args=(m,)) for m in models]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)

        assert errors == []
        assert sorted(o.applied for o in outcomes) == [0, len(stream)]
        assert counts(models[0]) == expected_counts(stream)
        assert models[0].stored_offsets(GROUP, TOPIC) == {
            0: 60,
            1: len(stream) - 60,
        }
    finally:
        for s in systems:
            s.close()


def test_consume_needs_the_broker_address(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LOGIS_DATABASE_URL", database_url)
    monkeypatch.delenv("LOGIS_KAFKA_BOOTSTRAP", raising=False)

    assert main(["consume", "--once"]) == 2
    assert "LOGIS_KAFKA_BOOTSTRAP n'est pas défini" in capsys.readouterr().err
