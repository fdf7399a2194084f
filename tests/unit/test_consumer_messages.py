"""What `logis consume` reads of a message (infra/consumer_messages.py
`parse`): the relay's envelope, or nothing for a message of another format."""

from __future__ import annotations

import json

import pytest

from infra.consumer_messages import Envelope, parse
from infra.integration_events import to_integration_event
from tests.helpers.stores import COMMUNES, driven_dossier


def test_the_relays_identification_names_its_commune() -> None:
    dossier = driven_dossier(1)
    identified, step = dossier.pending_events[:2]

    first = parse(to_integration_event(identified, 1).value)
    second = parse(to_integration_event(step, 2).value)

    assert first == Envelope(
        event_id=json.loads(to_integration_event(identified, 1).value)["event_id"],
        aggregate_type="dossier",
        aggregate_id=str(dossier.id),
        type="Identified",
        commune=COMMUNES[1],
    )
    assert second is not None
    assert second.commune is None  # later events: the commune is remembered
    assert second.event_id != first.event_id


def test_a_resent_event_has_the_same_id() -> None:
    event = driven_dossier(2).pending_events[0]

    once = parse(to_integration_event(event, 7).value)
    again = parse(to_integration_event(event, 7).value)

    assert once == again


@pytest.mark.parametrize(
    "value",
    [
        None,
        b"",
        b"\xff\xfe",
        b"[1, 2]",
        json.dumps({"schema": "logis.event/2", "event_id": "x"}).encode(),
        json.dumps({"schema": "logis.event/1", "type": "Identified"}).encode(),
    ],
)
def test_other_messages_are_not_read(value: bytes | None) -> None:
    assert parse(value) is None
