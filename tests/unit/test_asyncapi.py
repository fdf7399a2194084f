"""asyncapi.yaml, the contract of the integration events, against the relay's code:
its channels are exactly the relay's topics, and what the relay publishes
validates against its envelope schema (jsonschema, draft 2020-12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, ValidationError

from infra.integration_events import (
    AGGREGATE_TYPES,
    SCHEMA,
    to_integration_event,
    topic_for,
    topics,
)
from tests.helpers.integration_messages import dossier_stream
from tests.helpers.stores import STAGES_BY_LENGTH, driven_dossier

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "asyncapi.yaml").read_text()))


def validator(document: dict[str, Any], pointer: str) -> Draft202012Validator:
    """A validator of the schema at `pointer`, its $refs resolved in the document."""
    schema = {"$ref": pointer, "components": document["components"]}
    return Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def relay_messages() -> list[tuple[str, bytes, dict[str, Any]]]:
    """(topic, key, body) of every event of dossiers driven to every stage, as
    the relay turns them into messages."""
    found = []
    position = 0
    for n in range(len(STAGES_BY_LENGTH)):
        for event in driven_dossier(n).pending_events:
            position += 1
            message = to_integration_event(event, position)
            found.append((message.topic, message.key, json.loads(message.value)))
    return found


def test_it_is_an_asyncapi_3_document_of_the_current_schema(
    document: dict[str, Any],
) -> None:
    assert document["asyncapi"].startswith("3.")
    assert document["defaultContentType"] == "application/json"
    envelope = document["components"]["schemas"]["Envelope"]
    assert envelope["properties"]["schema"]["const"] == SCHEMA
    contract = document["info"]["description"]
    for promise in ("At least once", "event_id", "In order per aggregate"):
        assert promise in contract


def test_the_channels_are_exactly_the_relays_topics(document: dict[str, Any]) -> None:
    channels = document["channels"]
    assert sorted(c["address"] for c in channels.values()) == sorted(topics())
    types = dict.fromkeys(AGGREGATE_TYPES.values())  # a commune's registers share
    for name, aggregate_type in zip(channels, types, strict=True):
        assert channels[name]["address"] == topic_for(aggregate_type)
        (reference,) = (m["$ref"] for m in channels[name]["messages"].values())
        assert reference == f"#/components/messages/{aggregate_type}Event"


def test_the_relay_sends_on_every_channel(document: dict[str, Any]) -> None:
    sent = {
        operation["channel"]["$ref"].removeprefix("#/channels/")
        for operation in document["operations"].values()
        if operation["action"] == "send"
    }
    assert sent == set(document["channels"])


def test_the_key_is_the_aggregate_id(document: dict[str, Any]) -> None:
    for message in document["components"]["messages"].values():
        key = message["bindings"]["kafka"]["key"]
        assert key == {"$ref": "#/components/schemas/AggregateId"}


def test_every_message_of_the_relay_validates_against_its_channel(
    document: dict[str, Any],
) -> None:
    messages = relay_messages()
    assert len({body["type"] for _, _, body in messages}) > 10
    envelope = validator(document, "#/components/schemas/Envelope")
    by_topic = {
        channel["address"]: validator(
            document, next(iter(channel["messages"].values()))["$ref"] + "/payload"
        )
        for channel in document["channels"].values()
    }
    for topic, key, body in messages:
        envelope.validate(body)
        by_topic[topic].validate(body)
        assert key.decode() == body["aggregate_id"]


def test_the_consumers_test_messages_follow_the_contract(
    document: dict[str, Any],
) -> None:
    envelope = validator(document, "#/components/schemas/Envelope")
    for body in dossier_stream(6):
        envelope.validate(body)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda m: m.pop("event_id"), "no dedupe key"),
        (lambda m: m.update(schema="logis.event/2"), "another schema version"),
        (lambda m: m["data"].update(address={"street": "x"}), "a nested document"),
        (lambda m: m["actor"].update(subject="agent.logement"), "a person named"),
        (lambda m: m.update(aggregate_id="not-a-uuid"), "a key that is no id"),
        (lambda m: m.update(aggregate_type="mesure"), "another channel's type"),
    ],
)
def test_a_message_breaking_the_contract_is_refused(
    document: dict[str, Any], change: Any, why: str
) -> None:
    _, _, body = relay_messages()[0]
    change(body)
    dossiers = validator(document, "#/components/messages/dossierEvent/payload")
    with pytest.raises(ValidationError):
        dossiers.validate(body)
