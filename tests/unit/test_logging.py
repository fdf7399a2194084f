"""One process, one log format: the standard library's loggers (uvicorn,
kafka-python) come out as the same JSON lines as Logis's own."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
import structlog

from infra.logging import configure_logging


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_uvicorn_and_kafka_log_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json=True)
    structlog.get_logger().info("logis_line", n=1)
    logging.getLogger("uvicorn.error").info("Uvicorn running on %s", "http://x")
    logging.getLogger("kafka.conn").info("connecting")  # below kafka's floor
    logging.getLogger("kafka.conn").warning("broker down")
    lines = json_lines(capsys.readouterr().err)
    events = {line["event"]: line for line in lines}
    assert events["logis_line"]["n"] == 1
    uvicorn = events["Uvicorn running on http://x"]
    assert uvicorn["logger"] == "uvicorn.error"
    assert uvicorn["level"] == "info"
    assert "timestamp" in uvicorn
    assert events["broker down"]["level"] == "warning"
    assert "connecting" not in events


def test_a_second_configuration_replaces_the_handler(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", json=True)
    configure_logging("INFO", json=True)
    logging.getLogger("uvicorn.error").warning("once")
    assert [line["event"] for line in json_lines(capsys.readouterr().err)] == ["once"]


def test_lines_go_to_the_stream_of_the_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Configured while stderr was another stream (a test's capture) since
    closed: later lines reach today's stderr instead of failing."""
    then, now = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", then)
    configure_logging("INFO", json=True)
    then.close()
    monkeypatch.setattr(sys, "stderr", now)

    structlog.get_logger().warning("after_the_swap")
    logging.getLogger("uvicorn.error").warning("stdlib_after_the_swap")

    events = {line["event"] for line in json_lines(now.getvalue())}
    assert {"after_the_swap", "stdlib_after_the_swap"} <= events
