"""Stores initialised once per session and copied for each API test: the
application's tables, and every view's first generation built and active, as a
new store has them after its first projector pass (on PostgreSQL that pass alone
takes more than half a second). Only for the tests' default settings: a store
records at its first opening whether its events are ciphered."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

from infra.bootstrap import build_system
from infra.settings import Settings
from tests.helpers.api import TEST_JWT_SECRET

if TYPE_CHECKING:
    from pathlib import Path


def default_settings(database_url: str, **overrides: Any) -> Settings:
    """The settings of the integration tests' app (no cipher key), but for
    `overrides`."""
    return Settings(
        database_url=database_url,
        log_json=False,
        jwt_secret=TEST_JWT_SECRET,
        **overrides,
    )


def prepare_store(database_url: str) -> None:
    """Open the store as the app does, build every view, close it."""
    system = build_system(default_settings(database_url))
    try:
        system.catch_up()
    finally:
        system.close()


def copy_sqlite_store(template: Path, folder: Path) -> None:
    """The template's SQLite files (events and views; closed, so no WAL left)."""
    for path in template.glob("*.sqlite3"):
        shutil.copyfile(path, folder / path.name)
