"""A view's rows read back as they were written, whatever their values hold
(tabs, newlines, backslashes, quotes, JSON, every column kind, nulls): on
PostgreSQL a batch's new rows go in by COPY, whose text stream escapes them.

Every test runs on SQLite and on PostgreSQL (fixtures in conftest.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from eventsourcing.persistence import Tracking

from infra.rowviews import SQLRowView
from projections.rows import Table
from tests.helpers.backends import EVERY_STORE
from tests.helpers.projections import open_system

pytestmark = EVERY_STORE

KINDS = Table(
    "kinds",
    {
        "id": "uuid", "text": "text", "n": "int", "yes": "bool", "day": "date",
        "at": "datetime", "amount": "decimal", "data": "json",
    },
    ("id",),
)  # fmt: skip
AWKWARD = "tab\there, line\nand \\N, back\\slash, \"quotes\" 'too', \\. é €"


def test_rows_read_back_as_written(database_url: str) -> None:
    system = open_system(database_url)
    try:
        view = SQLRowView(system.engine.datastore, view="kinds_g1", tables=(KINDS,))
        view.create_table()
        rows = [
            {
                "id": uuid.uuid4(), "text": AWKWARD, "n": -7, "yes": True,
                "day": date(2025, 2, 28),
                "at": datetime(2025, 2, 28, 23, 59, 1, 5, tzinfo=UTC),
                "amount": Decimal("1234.50"),
                "data": {"a": [1, "x\ty", None], "b": AWKWARD, "c": {"d": True}},
            },
            {"id": uuid.uuid4(), "text": "", "n": 0, "yes": False, "day": None,
             "at": None, "amount": None, "data": None},
        ]  # fmt: skip
        view.begin(after=0)
        for row in rows:
            view.insert("kinds", row)
        view.commit(Tracking("Logis", 1))
        for row in rows:
            assert view.get("kinds", (row["id"],)) == row
    finally:
        system.close()
