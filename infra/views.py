"""SQLite and PostgreSQL storage of the read models, tracking in the same transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier

from projections.dossier_list import DossierFilter, DossierListView, DossierRow

if TYPE_CHECKING:
    from eventsourcing.persistence import Tracking

COLUMNS = tuple(DossierRow.__dataclass_fields__)
UPDATABLE = frozenset(
    {"stage", "version", "last_occurred_on", "updated_at", "numero_unique"}
)


def _where(query: DossierFilter, mark: str) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for column, value in (
        ("commune", query.commune),
        ("programme_id", str(query.programme_id) if query.programme_id else None),
        ("stage", query.stage),
        ("department", query.department),
    ):
        if value is not None:
            clauses.append(f"{column} = {mark}")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class SQLiteDossierListView(SQLiteTrackingRecorder, DossierListView):
    table = "dossier_list"

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {self.table} ("
            "id TEXT PRIMARY KEY, applicant_name TEXT NOT NULL, "
            "household_size INTEGER NOT NULL, department TEXT NOT NULL, "
            "commune TEXT NOT NULL, programme_id TEXT, dalo INTEGER NOT NULL, "
            "numero_unique TEXT, origin_role TEXT NOT NULL, "
            "origin_organisation TEXT NOT NULL, stage TEXT NOT NULL, "
            "version INTEGER NOT NULL, identified_on TEXT NOT NULL, "
            "last_occurred_on TEXT NOT NULL, updated_at TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {self.table}_commune ON {self.table} (commune, stage)",
            f"CREATE INDEX IF NOT EXISTS {self.table}_programme ON {self.table} (programme_id)",
        ]

    def insert_dossier(self, row: DossierRow, tracking: Tracking) -> None:
        values = [_to_sql(getattr(row, c)) for c in COLUMNS]
        marks = ", ".join("?" for _ in COLUMNS)
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"INSERT INTO {self.table} ({', '.join(COLUMNS)}) VALUES ({marks})",
                values,
            )
            self._insert_tracking(c, tracking)

    def update_dossier(
        self, changes: dict[str, Any], dossier_id: UUID, tracking: Tracking
    ) -> None:
        assert set(changes) <= UPDATABLE, changes
        sets = ", ".join(f"{k} = ?" for k in changes)
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"UPDATE {self.table} SET {sets} WHERE id = ?",
                [*map(_to_sql, changes.values()), str(dossier_id)],
            )
            self._insert_tracking(c, tracking)

    def select_dossiers(self, query: DossierFilter) -> tuple[list[DossierRow], int]:
        where, params = _where(query, "?")
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT COUNT(*) FROM {self.table}{where}", params)
            total = int(c.fetchone()[0])
            c.execute(
                f"SELECT {', '.join(COLUMNS)} FROM {self.table}{where} "
                "ORDER BY identified_on DESC, id LIMIT ? OFFSET ?",
                [*params, query.limit, query.offset],
            )
            rows = [_row(dict(r)) for r in c.fetchall()]
        return rows, total


class PostgresDossierListView(PostgresTrackingRecorder, DossierListView):
    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.table = self.tracking_table_name.removesuffix("_tracking")
        self.sql_create_statements.extend(
            SQL(statement).format(
                schema=Identifier(self.datastore.schema),
                table=Identifier(self.table),
                commune_idx=Identifier(f"{self.table}_commune_idx"),
                programme_idx=Identifier(f"{self.table}_programme_idx"),
            )
            for statement in (
                "CREATE TABLE IF NOT EXISTS {schema}.{table} ("
                "id uuid PRIMARY KEY, applicant_name text NOT NULL, "
                "household_size integer NOT NULL, department text NOT NULL, "
                "commune text NOT NULL, programme_id uuid, dalo boolean NOT NULL, "
                "numero_unique text, origin_role text NOT NULL, "
                "origin_organisation text NOT NULL, stage text NOT NULL, "
                "version bigint NOT NULL, identified_on date NOT NULL, "
                "last_occurred_on date NOT NULL, updated_at timestamptz NOT NULL)",
                "CREATE INDEX IF NOT EXISTS {commune_idx} ON {schema}.{table} "
                "(commune, stage)",
                "CREATE INDEX IF NOT EXISTS {programme_idx} ON {schema}.{table} "
                "(programme_id)",
            )
        )

    def _qualified(self) -> SQL:
        return SQL("{}.{}").format(
            Identifier(self.datastore.schema), Identifier(self.table)
        )

    def insert_dossier(self, row: DossierRow, tracking: Tracking) -> None:
        statement = SQL("INSERT INTO {} ({}) VALUES ({})").format(
            self._qualified(),
            SQL(", ").join(map(Identifier, COLUMNS)),
            SQL(", ").join(SQL("%s") for _ in COLUMNS),
        )
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(statement, [getattr(row, c) for c in COLUMNS])
            self._insert_tracking(curs, tracking)

    def update_dossier(
        self, changes: dict[str, Any], dossier_id: UUID, tracking: Tracking
    ) -> None:
        assert set(changes) <= UPDATABLE, changes
        statement = SQL("UPDATE {} SET {} WHERE id = %s").format(
            self._qualified(),
            SQL(", ").join(SQL("{} = %s").format(Identifier(k)) for k in changes),
        )
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(statement, [*changes.values(), dossier_id])
            self._insert_tracking(curs, tracking)

    def select_dossiers(self, query: DossierFilter) -> tuple[list[DossierRow], int]:
        where, params = _where(query, "%s")
        table = self._qualified()
        columns = SQL(", ").join(map(Identifier, COLUMNS))
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT COUNT(*) AS n FROM {}").format(table) + SQL(where), params
            )
            total = int(curs.fetchone()["n"])
            curs.execute(
                SQL("SELECT {} FROM {}").format(columns, table)
                + SQL(where)
                + SQL(" ORDER BY identified_on DESC, id LIMIT %s OFFSET %s"),
                [*params, query.limit, query.offset],
            )
            rows = [_row(dict(r)) for r in curs.fetchall()]
        return rows, total


def _to_sql(value: Any) -> Any:
    """SQLite stores dates, times and ids as ISO text."""
    if isinstance(value, (UUID, date, datetime)):
        return value.isoformat() if not isinstance(value, UUID) else str(value)
    return value


def _row(data: dict[str, Any]) -> DossierRow:
    def as_uuid(v: Any) -> UUID | None:
        return v if isinstance(v, UUID) or v is None else UUID(v)

    def as_date(v: Any) -> date:
        return v if isinstance(v, date) else date.fromisoformat(v)

    def as_datetime(v: Any) -> datetime:
        return v if isinstance(v, datetime) else datetime.fromisoformat(v)

    return DossierRow(
        **{
            **data,
            "id": as_uuid(data["id"]),
            "programme_id": as_uuid(data["programme_id"]),
            "dalo": bool(data["dalo"]),
            "identified_on": as_date(data["identified_on"]),
            "last_occurred_on": as_date(data["last_occurred_on"]),
            "updated_at": as_datetime(data["updated_at"]),
        }
    )
