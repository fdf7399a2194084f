"""Issue 13, item 5: a LOGIS_CIPHER_KEY that cannot read the store stops Logis
before anything is written (the CLI and the app factory, in French, naming the
setting); with the key, the households' keys are not stored in clear. On SQLite
and PostgreSQL."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest
from pydantic import ValidationError
from starlette.testclient import TestClient

from api import cli
from api.main import create_app
from infra.cipher_check import CipherKeyError
from infra.household_keys import KEY_BYTES, WRAPPED_BYTES, keys_of
from infra.settings import Settings
from tests.e2e.support import run_logis
from tests.helpers import raw_sql
from tests.helpers.api import (
    TEST_JWT_SECRET,
    actor,
    adopt_settings,
    identification,
    identify,
)
from tests.helpers.backends import BACKENDS, database_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

KEY = base64.b64encode(bytes(range(32))).decode()
OTHER_KEY = base64.b64encode(bytes(range(1, 17))).decode()
NAME = "Marie-Josée Lordinot"


def settings_for(url: str, key: str | None) -> Settings:
    return Settings(
        database_url=url, log_json=False, jwt_secret=TEST_JWT_SECRET, cipher_key=key
    )


class Store:
    """A store written through the API, and its tables behind Logis's back."""

    def __init__(self, url: str, key: str | None) -> None:
        self.url = url
        self.postgres = url.startswith("postgresql")
        self.prefix = "logis_" if self.postgres else ""
        with TestClient(create_app(settings_for(url, key))) as client:
            assert adopt_settings(client).status_code == 201
            answer = identify(client, identification())
            assert answer.status_code == 201, answer.text
            self.dossier_id = answer.json()["id"]

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        return raw_sql.execute(self.url, statement, params)

    def stored_keys(self) -> list[tuple[Any, bytes]]:
        table = f"{self.prefix}household_keys"
        rows = self.execute(f"SELECT household_id, key FROM {table}")
        return [(h, bytes(k)) for h, k in rows]

    def footprint(self) -> list[Any]:
        """What a start that writes anything would change."""
        tables = ("household_keys", "access_log", "cipher_check")
        events = "logis_events" if self.postgres else "stored_events"
        counted = [
            self.execute(f"SELECT COUNT(*) FROM {self.prefix}{t}")[0][0] for t in tables
        ]
        return [*counted, self.execute(f"SELECT COUNT(*) FROM {events}")[0][0]]

    def logis(
        self, monkeypatch: pytest.MonkeyPatch, key: str | None, *args: str
    ) -> int:
        monkeypatch.setenv("LOGIS_DATABASE_URL", self.url)
        monkeypatch.setenv("LOGIS_LOG_JSON", "false")
        if key is None:
            monkeypatch.delenv("LOGIS_CIPHER_KEY", raising=False)
        else:
            monkeypatch.setenv("LOGIS_CIPHER_KEY", key)
        return cli.main(list(args))


@pytest.fixture(scope="module", params=BACKENDS)
def encrypted(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A store written with KEY, once per backend for the module."""
    with database_url(request, tmp_path_factory.mktemp("cipher")) as url:
        yield Store(url, KEY)


@pytest.fixture(params=BACKENDS)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request, tmp_path) as url:
        yield url


def one_french_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert "LOGIS_CIPHER_KEY" in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("key", "says"),
    [
        pytest.param(None, "écrit chiffré", id="no-key"),
        pytest.param(OTHER_KEY, "ne déchiffre pas", id="other-key"),
    ],
)
def test_a_key_that_cannot_read_the_store_stops_logis_and_writes_nothing(
    encrypted: Store,
    key: str | None,
    says: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = encrypted.footprint()
    for command in (("anchor",), ("verify",), ("history", encrypted.dossier_id)):
        capsys.readouterr()
        assert encrypted.logis(monkeypatch, key, *command) == 1
        assert says in one_french_line(capsys.readouterr().err)
    with pytest.raises(CipherKeyError, match="LOGIS_CIPHER_KEY"):
        create_app(settings_for(encrypted.url, key))
    assert encrypted.footprint() == before


def test_the_right_key_reads_and_household_keys_are_wrapped(
    encrypted: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = encrypted.stored_keys()
    assert stored
    assert all(len(key) == WRAPPED_BYTES for _, key in stored)
    with TestClient(create_app(settings_for(encrypted.url, KEY))) as client:
        read = client.get(
            f"/v1/dossiers/{encrypted.dossier_id}", headers=actor("auditeur")
        )
        assert read.status_code == 200, read.text
        assert read.json()["applicant_name"] == NAME
        keys = keys_of(client.app.state.system.app)  # type: ignore[attr-defined]
        for household, wrapped in stored:
            clear = keys.key(UUID(str(household)))
            assert clear is not None
            assert len(clear) == KEY_BYTES
            assert clear not in wrapped
    assert encrypted.logis(monkeypatch, KEY, "verify") == 0


def test_a_clear_store_refuses_a_key(
    fresh_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(fresh_url, None)
    assert all(len(key) == KEY_BYTES for _, key in store.stored_keys())
    before = store.footprint()
    capsys.readouterr()
    assert store.logis(monkeypatch, KEY, "anchor") == 1
    assert "écrit en clair" in one_french_line(capsys.readouterr().err)
    with pytest.raises(CipherKeyError, match="LOGIS_CIPHER_KEY"):
        create_app(settings_for(fresh_url, KEY))
    assert store.footprint() == before
    assert store.logis(monkeypatch, None, "verify") == 0


def test_a_store_older_than_the_check_is_judged_by_its_events(
    fresh_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Encrypted at rest before the check existed: no check row, household keys
    in clear. A wrong key is still refused; the right one wraps the keys."""
    store = Store(fresh_url, KEY)
    with TestClient(create_app(settings_for(fresh_url, KEY))) as client:
        keys = keys_of(client.app.state.system.app)  # type: ignore[attr-defined]
        clear = {h: keys.key(UUID(str(h))) for h, _ in store.stored_keys()}
    table = f"{store.prefix}household_keys"
    for household, key in clear.items():
        store.execute(
            f"UPDATE {table} SET key = ? WHERE household_id = ?", (key, household)
        )
    store.execute(f"DROP TABLE {store.prefix}cipher_check")
    # Written before the migrations too: `logis migrate` adopts it (version 1
    # gives it an empty check table) before any service starts.
    store.execute("DELETE FROM _yoyo_migration")
    assert store.logis(monkeypatch, None, "migrate") == 0
    capsys.readouterr()
    assert store.logis(monkeypatch, OTHER_KEY, "anchor") == 1
    assert "ne déchiffre pas" in one_french_line(capsys.readouterr().err)
    assert store.logis(monkeypatch, None, "anchor") == 1
    assert "écrit chiffré" in one_french_line(capsys.readouterr().err)
    assert store.logis(monkeypatch, KEY, "verify") == 0
    assert all(len(key) == WRAPPED_BYTES for _, key in store.stored_keys())
    assert store.logis(monkeypatch, OTHER_KEY, "anchor") == 1


def test_a_malformed_key_is_refused_naming_the_setting(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'logis.sqlite3'}"
    for malformed in ("abc", base64.b64encode(bytes(20)).decode(), "é" * 44):
        with pytest.raises(ValidationError, match="LOGIS_CIPHER_KEY"):
            settings_for(url, malformed)
    env = {"LOGIS_CIPHER_KEY": "pas-une-clé"}
    result = run_logis("serve", database_url=url, cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "Réglage refusé" in one_french_line(result.stderr)
    assert not (tmp_path / "logis.sqlite3").exists()  # nothing written


def test_serve_with_the_wrong_key_says_so_in_one_line(
    encrypted: Store, tmp_path: Path
) -> None:
    env = {"LOGIS_CIPHER_KEY": OTHER_KEY}
    result = run_logis("serve", database_url=encrypted.url, cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert "ne déchiffre pas" in one_french_line(result.stderr)
