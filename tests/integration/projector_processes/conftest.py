"""Fixtures of the `logis projector` process tests: a work directory for the
subprocesses, a system in this process to write and watch with, and the group of
projectors started (every one killed at teardown)."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING

import pytest

from infra.bootstrap import build_system
from tests.helpers.projector_processes import Projectors, settings_for

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from infra.bootstrap import System


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work"  # no .env here: the subprocesses read only their env
    path.mkdir()
    return path


@pytest.fixture
def system(database_url: str) -> Iterator[System]:
    """The application and an engine in this process: to write events and to read
    positions, registry and views (this engine never projects unless told to)."""
    with closing(build_system(settings_for(database_url))) as system:
        yield system


@pytest.fixture
def projectors(database_url: str, workdir: Path) -> Iterator[Projectors]:
    with closing(Projectors(database_url, workdir)) as group:
        yield group
