"""What a `logis` command loads: only what it runs on. `--help` and a refused
argument answer from the parser alone (no store, no settings); a command on
the store opens it without the web framework, Kafka's client, the relay or the
document printer, which only `serve`, `relay`/`consume` and the HTML or PDF
formats use.

One fresh interpreter, as the `logis` script starts, runs the commands one
after the other through `api.cli.main` and notes after each its exit status
and every module loaded so far: the parser's commands first, then those on
the store, then the consumer, whose --group is checked against Kafka's names
by infra/consumer.py: it must show Kafka loaded (the probe sees what a
command imports as it runs)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.e2e.support import COMMAND_SECONDS, logis_env, run_logis

PROBE = """
import json, sys
from api.cli import main
seen = []
for args in json.loads(sys.argv[2]):
    try:
        status = main(args)
    except SystemExit as stop:
        status = stop.code
    seen.append({"args": args, "status": status, "modules": sorted(sys.modules)})
with open(sys.argv[1], "w") as out:
    json.dump(seen, out)
"""

WEB = ("fastapi", "starlette", "uvicorn", "api.main", "api.deps")
KAFKA = ("kafka", "infra.relay", "infra.broker", "infra.consumer")
PRINTER = ("jinja2", "weasyprint")
STORE = ("infra.bootstrap", "infra.settings", "psycopg", "structlog")
UNKNOWN = "6f1c3e0e-2a8b-4a5e-9a51-6e1f0c2d7b90"

PARSER_ONLY = [("--help",), ("audit", "--help"), ("history", "pas-un-uuid")]
ON_THE_STORE = [
    ("token", "--demo"),
    ("dashboard",),
    ("history", UNKNOWN),
    ("audit", UNKNOWN),
    ("access-log",),
    ("commissions", "list"),
    ("legality", "--commune", "97209"),
    ("statistics", "llts", "--department", "972"),
    ("verify",),
    ("projections", "status"),
]
CONSUMER = ("consume", "--group", "logis-communes", "--report")


def packages(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The modules of `names` (a package or a module, and what is under it)."""
    return [m for m in modules if any(m == n or m.startswith(f"{n}.") for n in names)]


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each command's exit status and the modules loaded once it has run."""
    workdir = tmp_path_factory.mktemp("logis-cli-startup")
    url = f"sqlite:///{workdir / 'logis.sqlite3'}"
    setup = run_logis("setup", database_url=url, cwd=workdir)
    assert setup.returncode == 0, setup.stderr
    commands = [*PARSER_ONLY, *ON_THE_STORE, CONSUMER]
    seen = workdir / "seen.json"
    ran = subprocess.run(
        [sys.executable, "-c", PROBE, str(seen), json.dumps(commands)],
        env=logis_env(url),
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    return {" ".join(s["args"]): s for s in json.loads(seen.read_text())}


@pytest.mark.parametrize("args", PARSER_ONLY, ids=" ".join)
def test_help_and_refused_arguments_load_the_parser_alone(
    probe: dict[str, dict[str, Any]], args: tuple[str, ...]
) -> None:
    seen = probe[" ".join(args)]
    assert seen["status"] == (0 if "--help" in args else 2)
    assert "api.cli.audit" in seen["modules"]  # the whole parser was built
    assert not packages(seen["modules"], WEB + KAFKA + PRINTER + STORE)


@pytest.mark.parametrize("args", ON_THE_STORE, ids=" ".join)
def test_a_command_loads_neither_the_web_nor_kafka_nor_the_printer(
    probe: dict[str, dict[str, Any]], args: tuple[str, ...]
) -> None:
    seen = probe[" ".join(args)]
    assert seen["status"] in (0, 1)  # it ran past its arguments
    assert "infra.settings" in seen["modules"]
    assert not packages(seen["modules"], WEB + KAFKA + PRINTER)


def test_a_token_opens_no_store(probe: dict[str, dict[str, Any]]) -> None:
    """`logis token` (the first command on the store) reads the secret beside
    the store, not the store."""
    seen = probe["token --demo"]
    assert seen["status"] == 0
    assert not packages(seen["modules"], ("infra.bootstrap", "psycopg"))


def test_the_consumer_loads_kafka(probe: dict[str, dict[str, Any]]) -> None:
    seen = probe[" ".join(CONSUMER)]
    assert seen["status"] == 0
    assert packages(seen["modules"], ("kafka", "infra.consumer"))
    assert not packages(seen["modules"], WEB + PRINTER)
