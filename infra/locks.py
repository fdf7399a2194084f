"""Who may write a view generation: one process at a time.

PostgreSQL: a session advisory lock, released by the server when the holder's
connection dies (kill -9 included). SQLite: an flock on a file beside the store,
released by the kernel when the process dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from pathlib import Path
from typing import IO, Protocol

import psycopg


class Locks(Protocol):
    def acquire(self, key: str) -> bool:
        """Take `key` without waiting; True if this process now holds it."""

    def release(self, key: str) -> None: ...

    def held(self) -> set[str]: ...

    def close(self) -> None: ...


def lock_number(key: str) -> int:
    """A stable signed 64-bit number for pg_advisory_lock."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


class PostgresLocks:
    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self.conn: psycopg.Connection | None = None
        self.keys: set[str] = set()

    def _connection(self) -> psycopg.Connection:
        if self.conn is None or self.conn.closed:
            self.conn = psycopg.connect(self.conninfo, autocommit=True)
            self.keys.clear()  # a new session holds nothing
        return self.conn

    def acquire(self, key: str) -> bool:
        if key in self.keys and self._alive():
            return True
        row = (
            self._connection()
            .execute("SELECT pg_try_advisory_lock(%s)", (lock_number(key),))
            .fetchone()
        )
        if row and row[0]:
            self.keys.add(key)
            return True
        return False

    def _alive(self) -> bool:
        """Whether the session holding our locks still lives. The server ends it
        (network cut, failover, pg_terminate_backend) without telling us, and
        releases its locks: another process may hold them now."""
        assert self.conn is not None
        try:
            self.conn.execute("SELECT 1")
        except psycopg.Error:
            self.close()  # the locks went with the session: take them anew
            return False
        return True

    def release(self, key: str) -> None:
        if key in self.keys and self.conn is not None and not self.conn.closed:
            self.conn.execute("SELECT pg_advisory_unlock(%s)", (lock_number(key),))
        self.keys.discard(key)

    def held(self) -> set[str]:
        return set(self.keys)

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
        self.keys.clear()


class FileLocks:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: dict[str, IO[bytes]] = {}

    def acquire(self, key: str) -> bool:
        if key in self.files:
            return True
        self.directory.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(key.encode()).hexdigest()[:16]
        handle = (self.directory / f"{name}.lock").open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.write(f"{os.getpid()} {key}\n".encode())
        handle.flush()
        self.files[key] = handle
        return True

    def release(self, key: str) -> None:
        handle = self.files.pop(key, None)
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def held(self) -> set[str]:
        return set(self.files)

    def close(self) -> None:
        for key in list(self.files):
            self.release(key)
