"""Whether the Kafka brokers answer: the relay's and the consumer's health
checks fail when they cannot reach them, not only when their database does."""

from __future__ import annotations

from kafka import KafkaConsumer
from kafka.errors import KafkaError


def broker_unreachable(bootstrap: str, timeout_seconds: float = 5.0) -> str | None:
    """Why the brokers at `bootstrap` do not answer a metadata request, or
    None when they do."""
    try:
        consumer = KafkaConsumer(
            bootstrap_servers=bootstrap.split(","),
            client_id="logis-health",
            api_version_auto_timeout_ms=int(timeout_seconds * 1000),
            reconnect_backoff_max_ms=500,
        )
    except KafkaError as error:  # NoBrokersAvailable: no bootstrap server answered
        return type(error).__name__
    try:
        consumer.topics()  # a metadata round trip
    except KafkaError as error:
        return type(error).__name__
    finally:
        consumer.close()
    return None
