"""The README, word for word: every route it names exists, every `logis`
command it shows parses with the CLI, and the walkthrough's blocks marked
`<!-- readme: run -->` run as written against the demo (curl failing on any
4xx or 5xx), so that the README cannot drift from the product again."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from argparse import _SubParsersAction as SubParsers
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from api.cli import build_parser
from api.main import create_app
from infra.settings import Settings
from tests.e2e.conftest import serving_demo
from tests.e2e.support import logis_env
from tests.helpers.api import TEST_JWT_SECRET

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.e2e.support import Server

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
ROUTE = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s]*)")
BLOCK = re.compile(r"(<!-- readme: run[^>]*-->\n)?```(?:sh|bash)\n(.*?)```", re.S)
LOGIS = re.compile(r"(?:^|[\s(`$|;&])logis ([^`\n|;&)]*)")
ADDRESS = "http://127.0.0.1:8000"


def _template(path: str) -> str:
    path = path.split("?")[0].rstrip("/")
    return re.sub(r"\{[^}]*\}|<[^>]*>", "{}", path)


@cache
def operations() -> set[tuple[str, str]]:
    settings = Settings(database_url="sqlite:///:memory:", jwt_secret=TEST_JWT_SECRET)
    schema = create_app(settings).openapi()
    return {
        (method.upper(), _template(path))
        for path, item in schema["paths"].items()
        for method in item
    } | {
        (m, p)
        for m in ("GET",)
        for p in ("/docs", "/redoc", "/openapi.json", "/metrics")
    }


def routes_named() -> list[tuple[str, str]]:
    named = [(m, p) for m, p in ROUTE.findall(README) if "…" not in p]
    assert len(named) > 40  # the README's tables were read
    return named


@pytest.mark.parametrize(("method", "path"), routes_named())
def test_every_route_the_readme_names_exists(method: str, path: str) -> None:
    # A README placeholder stands for a parameter or for any of the step names.
    pattern = re.compile(re.escape(_template(path)).replace(r"\{\}", r"[^/]+") + "$")
    assert any(m == method and pattern.match(p) for m, p in operations()), (
        f"{method} {path}"
    )


def commands_shown() -> list[str]:
    shown = [c.strip() for c in LOGIS.findall(README)]
    lines = [c for c in shown if c and not c.startswith(("<", "…"))]
    assert len(lines) > 15
    return sorted(set(lines))


@pytest.mark.parametrize("command", commands_shown())
def test_every_logis_command_the_readme_shows_parses(command: str) -> None:
    """Its subcommand exists and takes every option shown, in a call or in a
    synopsis (`[--format table|json]`); values are examples."""
    words = command.split()
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, SubParsers))
    assert words[0] in subparsers.choices, command
    sub = subparsers.choices[words[0]]
    options = {o for a in sub._actions for o in a.option_strings}
    for nested in (a for a in sub._actions if isinstance(a, SubParsers)):
        if len(words) > 1 and words[1] in nested.choices:
            chosen = nested.choices[words[1]]
            options |= {o for a in chosen._actions for o in a.option_strings}
    for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", command):
        assert option in options, (command, option)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A demo of its own: the walkthrough writes."""
    with serving_demo(tmp_path_factory.mktemp("readme")) as served:
        yield served


def blocks_to_run() -> list[str]:
    blocks = [body for marked, body in BLOCK.findall(README) if marked]
    assert len(blocks) >= 2
    return blocks


@pytest.mark.parametrize("block", blocks_to_run(), ids=lambda b: b.splitlines()[0])
def test_the_walkthrough_runs_as_written(block: str, demo: Server) -> None:
    venv = Path(sys.executable).parent
    env = logis_env(demo.database_url) | {
        "PATH": f"{venv}{os.pathsep}{os.environ['PATH']}"
    }
    script = (
        "set -euo pipefail\n"
        # every curl of the README fails the block on a 4xx or 5xx answer
        'curl() { command curl --fail-with-body "$@"; }\n'
        + block.replace(ADDRESS, demo.base_url)
    )
    done = subprocess.run(
        ["bash", "-c", script],
        env=env,
        cwd=demo.workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"code"' not in done.stdout, done.stdout  # no error body printed
