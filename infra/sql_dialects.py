"""What differs between SQLite and PostgreSQL for a row view
(infra/rowviews.py): each column kind's type, parameter mark, and how a value
goes into and comes out of the database."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

SQLITE_TYPES = {
    "text": "TEXT", "int": "INTEGER", "bool": "INTEGER", "date": "TEXT",
    "datetime": "TEXT", "uuid": "TEXT", "decimal": "TEXT", "json": "TEXT",
}  # fmt: skip
POSTGRES_TYPES = {
    "text": "text", "int": "bigint", "bool": "boolean", "date": "date",
    "datetime": "timestamptz", "uuid": "uuid", "decimal": "numeric", "json": "jsonb",
}  # fmt: skip


class SQLDialect:
    """What differs between SQLite and PostgreSQL, and nothing else."""

    mark = "?"
    types = SQLITE_TYPES

    def to_db(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "json":
            return json.dumps(value, default=str, ensure_ascii=False)
        if kind in ("date", "datetime"):
            return value.isoformat()
        if kind in ("uuid", "decimal"):
            return str(value)
        if kind == "bool":
            return int(value)
        return value

    def from_db(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "json":
            return json.loads(value) if isinstance(value, str) else value
        if kind == "date" and not isinstance(value, date):
            return date.fromisoformat(value)
        if kind == "datetime" and not isinstance(value, datetime):
            return datetime.fromisoformat(value)
        if kind == "uuid" and not isinstance(value, UUID):
            return UUID(value)
        if kind == "decimal" and not isinstance(value, Decimal):
            return Decimal(str(value))
        if kind == "bool":
            return bool(value)
        return value


class PostgresDialect(SQLDialect):
    mark = "%s"
    types = POSTGRES_TYPES

    def to_db(self, kind: str, value: Any) -> Any:
        if value is None:
            return None
        if kind == "json":
            return Jsonb(value)
        return value
