"""The relay's and the consumer's health checks (`logis relay --status`,
`logis consume --report`) fail when the broker does not answer, not only when
their database does. Named to run after test_broker_restart.py: that test
must run before any consumer of the session's broker (see its docstring)."""

from __future__ import annotations

import json
import socket
from typing import TYPE_CHECKING

import pytest

from api.cli import main
from infra.bootstrap import build_system
from infra.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from tests.helpers.broker import Broker


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def a_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bootstrap: str) -> None:
    url = f"sqlite:///{tmp_path / 'logis.sqlite3'}"
    build_system(Settings(database_url=url, log_json=False)).close()
    for name, value in {
        "LOGIS_DATABASE_URL": url,
        "LOGIS_KAFKA_BOOTSTRAP": bootstrap,
        "LOGIS_LOG_JSON": "false",
        "LOGIS_LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(name, value)


def test_both_checks_fail_when_the_broker_does_not_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bootstrap = f"127.0.0.1:{closed_port()}"
    a_store(tmp_path, monkeypatch, bootstrap)

    assert main(["relay", "--status"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["courtier"] == "injoignable"
    assert f"le courtier Kafka ({bootstrap}) ne répond pas" in err

    assert main(["consume", "--report"]) == 1
    out, err = capsys.readouterr()
    assert "Dossiers par commune" in out  # the report is still printed
    assert f"le courtier Kafka ({bootstrap}) ne répond pas" in err


@pytest.mark.broker
def test_both_checks_pass_with_the_broker(
    kafka_broker: Broker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a_store(tmp_path, monkeypatch, kafka_broker.bootstrap)
    assert main(["relay", "--status"]) == 0
    assert json.loads(capsys.readouterr().out)["courtier"] == "joignable"
    assert main(["consume", "--report"]) == 0
