"""The schema's versioned migrations (infra/migrations/) through `logis migrate`
and the application's start, on SQLite and PostgreSQL: a new store gets every
version, a second run changes nothing, a store written before the migrations is
adopted as it stands, and a store a newer Logis migrated is refused, nothing
written. On PostgreSQL the services refuse a schema missing a version."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

from api.cli import main
from api.main import create_app
from infra.bootstrap import build_system
from infra.migrations import (
    NewerSchemaError,
    PendingMigrationsError,
    databases,
)
from infra.settings import Settings
from tests.fixtures.write_store import FIXTURES
from tests.helpers.api import TEST_JWT_SECRET

if TYPE_CHECKING:
    from pathlib import Path

OLD_STORE = FIXTURES / "store-2026-11-27.sqlite3"
FUTURE = "9999.from-a-newer-logis"


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def new_store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """The URL of a store never opened (`logis` reads it from the environment)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store' / 'logis.sqlite3'}"
    else:
        url = request.getfixturevalue("empty_postgres_database")
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("LOGIS_DATABASE_URL", url)
    monkeypatch.setenv("LOGIS_LOG_JSON", "false")
    return url


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, log_json=False, jwt_secret=TEST_JWT_SECRET)


def snapshot(url: str) -> dict[str, Any]:
    """Every table, index and trigger of the store, and each table's rows."""
    found: dict[str, Any] = {}
    if url.startswith("sqlite:///"):
        for database in databases(settings_for(url)):
            assert database.sqlite is not None
            if not database.sqlite.exists():
                continue
            with closing(sqlite3.connect(database.sqlite)) as conn:
                objects = conn.execute(
                    "SELECT type, name, sql FROM sqlite_master ORDER BY name"
                ).fetchall()
                for kind, name, text in objects:
                    found[f"{database.folder}:{name}"] = (kind, text)
                    if kind == "table":
                        found[f"{database.folder}:{name}:rows"] = conn.execute(
                            f'SELECT * FROM "{name}" ORDER BY 1'
                        ).fetchall()
        return found
    with psycopg.connect(url) as conn:
        objects = conn.execute(
            "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1"
        ).fetchall()
        for name, kind in objects:
            found[name] = kind
            if kind == "r":
                found[f"{name}:rows"] = conn.execute(
                    f'SELECT * FROM "{name}" ORDER BY 1'
                ).fetchall()
        found["triggers"] = conn.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1"
        ).fetchall()
    return found


def applied(url: str) -> dict[str, list[str]]:
    return {d.folder: d.applied() for d in databases(settings_for(url))}


def known(url: str) -> dict[str, list[str]]:
    return {d.folder: d.known() for d in databases(settings_for(url))}


def test_a_new_store_gets_every_version_and_a_second_run_changes_nothing(
    new_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    out = capsys.readouterr().out
    for folder, versions in known(new_store).items():
        assert versions, folder
        for version in versions:
            assert f"Migration appliquée : {folder}/{version}" in out
    assert applied(new_store) == known(new_store)
    migrated = snapshot(new_store)

    assert main(["migrate"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Schéma à jour : aucune migration à appliquer."
    )
    assert snapshot(new_store) == migrated
    build_system(settings_for(new_store)).close()  # the services start on it


def test_the_embedded_store_migrates_at_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'logis.sqlite3'}"
    build_system(settings_for(url)).close()
    assert applied(url) == known(url)


def test_a_store_written_before_the_migrations_is_adopted_as_it_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / OLD_STORE.name
    shutil.copyfile(OLD_STORE, copy)
    url = f"sqlite:///{copy}"
    before = snapshot(url)
    assert not any("_yoyo" in name for name in before)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOGIS_DATABASE_URL", url)
    assert main(["migrate"]) == 0
    after = snapshot(url)
    # Every table, index, trigger and row it had, unchanged; the versions added.
    assert {k: v for k, v in after.items() if k in before} == before
    assert applied(url) == known(url)


def mark_newer(url: str) -> None:
    """Record a version this code does not know, as a newer Logis would."""
    statement = (
        "INSERT INTO _yoyo_migration (migration_hash, migration_id, applied_at_utc) "
        f"VALUES ('{FUTURE}', '{FUTURE}', '2030-01-01 00:00:00')"
    )
    if url.startswith("sqlite:///"):
        events = databases(settings_for(url))[0].sqlite
        assert events is not None
        with closing(sqlite3.connect(events)) as conn, conn:
            conn.execute(statement)
        return
    with psycopg.connect(url) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def test_a_store_a_newer_logis_migrated_is_refused_nothing_written(
    new_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    mark_newer(new_store)
    capsys.readouterr()
    before = snapshot(new_store)

    assert main(["migrate"]) == 1
    error = capsys.readouterr().err
    assert "version plus récente de Logis" in error
    assert FUTURE in error
    assert "rien n'a été écrit" in error
    assert main(["setup"]) == 1
    assert "version plus récente de Logis" in capsys.readouterr().err
    with pytest.raises(NewerSchemaError, match="Mettez Logis à jour"):
        create_app(settings_for(new_store))  # `logis serve`
    with pytest.raises(NewerSchemaError):
        build_system(settings_for(new_store))  # projector, relay, other commands
    assert snapshot(new_store) == before


@pytest.mark.postgres
def test_postgres_services_refuse_a_schema_missing_versions(
    empty_postgres_database: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = empty_postgres_database
    before = snapshot(url)
    with pytest.raises(PendingMigrationsError, match="logis migrate"):
        create_app(settings_for(url))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOGIS_DATABASE_URL", url)
    assert main(["projections", "status"]) == 1
    assert "Lancez `logis migrate`" in capsys.readouterr().err
    assert snapshot(url) == before  # nothing created
    assert main(["migrate"]) == 0
    build_system(settings_for(url)).close()


@pytest.mark.postgres
def test_a_postgres_server_without_autovacuum_is_named_in_the_log(
    postgres_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Without autovacuum no statistics are kept and a record's reads may be
    planned as scans (infra/server_checks.py): said once the system starts,
    whatever this server's setting is."""
    with closing(psycopg.connect(postgres_database)) as conn:
        (setting,) = conn.execute("SHOW autovacuum").fetchone()  # type: ignore[misc]
    with caplog.at_level("WARNING", logger="logis.store"):
        build_system(settings_for(postgres_database)).close()
    warned = [r for r in caplog.records if "postgres_autovacuum_off" in r.getMessage()]
    assert len(warned) == (0 if setting == "on" else 1)
