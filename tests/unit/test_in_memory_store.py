"""An in-memory store (`sqlite:///:memory:`, the tests' and the OpenAPI
dumps') keeps everything in memory: no file appears beside the process (a views
file named ":memory:-views" did, shared by every test process started in
the same directory)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.bootstrap import build_system
from infra.settings import Settings
from tests.helpers.api import TEST_JWT_SECRET


def _system() -> object:
    return build_system(
        Settings(database_url="sqlite:///:memory:", jwt_secret=TEST_JWT_SECRET)
    )


def test_no_file_is_written_beside_the_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    system = _system()
    system.catch_up()  # type: ignore[attr-defined]
    system.close()  # type: ignore[attr-defined]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
