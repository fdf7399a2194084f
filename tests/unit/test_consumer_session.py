"""The session timeout of `logis consume`'s group member
(`LOGIS_CONSUMER_SESSION_TIMEOUT_SECONDS`): how long the group waits for a silent
member, given to the Kafka client with a heartbeat well within it."""

from __future__ import annotations

from typing import Any

import pytest

import infra.consumer
from infra.consumer import CommuneConsumer
from infra.settings import Settings


class KafkaClient:
    """Records the configuration it is built with; subscribes to nothing."""

    built: dict[str, Any]

    def __init__(self, **config: Any) -> None:
        KafkaClient.built = config

    def subscribe(self, topics: list[str], listener: Any) -> None:
        pass


@pytest.mark.parametrize(
    ("session_ms", "heartbeat_ms"), [(None, 3000), (3000, 1000), (60_000, 3000)]
)
def test_the_member_joins_with_the_session_timeout_given(
    monkeypatch: pytest.MonkeyPatch, session_ms: int | None, heartbeat_ms: int
) -> None:
    monkeypatch.setattr(infra.consumer, "KafkaConsumer", KafkaClient)
    options = {} if session_ms is None else {"session_timeout_ms": session_ms}
    CommuneConsumer(None, "127.0.0.1:9092", **options).open()  # type: ignore[arg-type]
    assert KafkaClient.built["session_timeout_ms"] == (session_ms or 10_000)
    assert KafkaClient.built["heartbeat_interval_ms"] == heartbeat_ms


def test_the_session_timeout_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).consumer_session_timeout_seconds == 10.0  # type: ignore[call-arg]
    monkeypatch.setenv("LOGIS_CONSUMER_SESSION_TIMEOUT_SECONDS", "3")
    assert Settings(_env_file=None).consumer_session_timeout_seconds == 3.0  # type: ignore[call-arg]
