"""Fixtures shared by every test layer: a fresh PostgreSQL database on demand, and
a real Kafka-protocol broker (Tansu, tests/helpers/broker.py)."""

from __future__ import annotations

import os
import secrets
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import sql

from infra.migrations import Database
from tests.helpers.broker import Broker, BrokerUnavailableError, started_broker
from tests.helpers.memory import memory_directory

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
CONNECT_TIMEOUT = 5

# Every system a test opens, and every `logis` process it starts (they inherit
# the environment), keeps small connection pools: PostgreSQL opens a pool's
# connections at once (10 by default, two pools a system), and four workers with
# their servers and projectors must fit in the server's 100 connections.
os.environ.setdefault("LOGIS_POOL_SIZE", "2")
os.environ.setdefault("LOGIS_POOL_MAX_OVERFLOW", "8")

# What the tests check does not depend on durability, and flushing costs a
# quarter of their time: their temporary files, SQLite stores among them, go to
# memory where there is room (tests/helpers/memory.py), unless TMPDIR names a
# place; on PostgreSQL, their sessions commit without waiting for the WAL flush
# (synchronous_commit off: 2 ms a commit here instead of 6; a commit is seen by
# every session at once all the same, and no test crashes the server). The
# `logis` processes and benchmarks the tests start inherit both.
if "TMPDIR" not in os.environ and (memory := memory_directory()) is not None:
    os.environ["TMPDIR"] = memory
    tempfile.tempdir = None  # tempfile reads TMPDIR again
NO_FLUSH_WAIT = "-c synchronous_commit=off"
if NO_FLUSH_WAIT not in os.environ.get("PGOPTIONS", ""):
    os.environ["PGOPTIONS"] = (
        f"{os.environ.get('PGOPTIONS', '')} {NO_FLUSH_WAIT}".strip()
    )


def _admin_connection() -> psycopg.Connection:
    return psycopg.connect(
        f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=CONNECT_TIMEOUT
    )


class TestDatabases:
    """Creates each test's database one test ahead and drops it after the test, in
    a background thread: the server's work overlaps the tests instead of adding to
    them (about half a second a test)."""

    __test__ = False

    def __init__(self) -> None:
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="logis-test-db")
        self.drops: list[Future[None]] = []
        self.spare = self.worker.submit(self.create)
        self.template: str | None = None
        self.prepared_spare: Future[str] | None = None

    @staticmethod
    def create(*, migrated: bool = True, template: str | None = None) -> str:
        """A new database, migrated as `logis migrate` would (on PostgreSQL the
        services refuse a schema missing versions), unless said otherwise; or a
        copy of `template`."""
        name = f"logis_test_{secrets.token_hex(6)}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with _admin_connection() as conn:
            conn.execute(statement)
        if migrated and template is None:
            Database("postgres", url=f"{POSTGRES_SERVER}/{name}").apply()
        return name

    @staticmethod
    def _drop(name: str) -> None:
        with _admin_connection() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )

    def acquire(self) -> str:
        name = self.spare.result()
        self.spare = self.worker.submit(self.create)
        return name

    @staticmethod
    def url(name: str) -> str:
        return f"{POSTGRES_SERVER}/{name}"

    def acquire_prepared(self, prepare: Callable[[str], None]) -> str:
        """A database copied from a template that `prepare(url)` initialised once
        (a server-side copy, made one test ahead like the empty ones)."""
        if self.template is None:
            self.template = self.create()
            prepare(self.url(self.template))
            self.prepared_spare = self.worker.submit(
                self.create, template=self.template
            )
        assert self.prepared_spare is not None
        name = self.prepared_spare.result()
        self.prepared_spare = self._copy_template()
        return name

    def _copy_template(self) -> Future[str]:
        return self.worker.submit(self.create, template=self.template)

    def release(self, name: str) -> None:
        self.drops.append(self.worker.submit(self._drop, name))

    def close(self) -> None:
        try:
            self.release(self.spare.result())
            if self.prepared_spare is not None:
                self.release(self.prepared_spare.result())
            if self.template is not None:
                self.release(self.template)
        finally:
            self.worker.shutdown(wait=True)
        for dropped in self.drops:
            dropped.result()  # a database left behind fails the session's last test


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TestDatabases]:
    """The server, once it answers. Unreachable: a failure under CI (CI=true), where
    PostgreSQL is part of the job; a skip on a developer's machine."""
    try:
        with _admin_connection() as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL injoignable ({POSTGRES_SERVER}, accès trust) : {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    databases = TestDatabases()
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def postgres_database(postgres_server: TestDatabases) -> Iterator[str]:
    """A new database (logis_test_<hex>) for one test, its schema migrated and no
    data, dropped afterwards (WITH (FORCE)): its URL."""
    name = postgres_server.acquire()
    try:
        yield postgres_server.url(name)
    finally:
        postgres_server.release(name)


@pytest.fixture
def empty_postgres_database(postgres_server: TestDatabases) -> Iterator[str]:
    """As `postgres_database`, without any migration applied: a new install."""
    name = postgres_server.create(migrated=False)
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        postgres_server.release(name)


def _broker_or_skip(*, durable: bool) -> Broker:
    """A started broker. Cannot start: a failure under CI (CI=true), a skip on a
    developer's machine."""
    try:
        return started_broker(durable=durable)
    except BrokerUnavailableError as exc:
        message = f"Broker Kafka (Tansu) indisponible : {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[Broker]:
    """One broker for the session: `.bootstrap` ("127.0.0.1:PORT"), `.stop()`,
    `.start()` (same port), `.storage`. Shared: each test uses topics of its own
    (a prefix of its own), and never stops it: take `kafka_broker_private` for that."""
    broker = _broker_or_skip(durable=True)
    try:
        yield broker
    finally:
        broker.close()


@pytest.fixture
def kafka_broker_private() -> Iterator[Broker]:
    """A broker for one test alone, which it may stop and restart: its records
    survive restarts (S3 storage served by moto)."""
    broker = _broker_or_skip(durable=True)
    try:
        yield broker
    finally:
        broker.close()
