"""Raw SQL on a test's store, beside the application: what an attacker with the
database file or a psql session could do (tamper tests), or a check of what is
stored."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg


def execute(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run `statement` (`?` placeholders) on the store at `url`, committed; its
    rows, if it returns any."""
    if url.startswith("postgresql"):
        with psycopg.connect(url, autocommit=True) as conn:
            cursor = conn.execute(statement.replace("?", "%s"), params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        rows = conn.execute(statement, params).fetchall()
    conn.close()
    return rows
