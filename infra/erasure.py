"""`erase_household`: destroy a household's key once the retention allows it, then
tell its records (PersonalDataErased) so the audit trail and the views learn it.

The key goes first: that is the erasure. Appending the events may then fail
(a conflict): running the erasure again appends them to the records that lack
them. The stored events are never rewritten: their seals stay valid.
"""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.sqlite import SQLiteApplicationRecorder

from commands.erasure import (
    check_not_in_future,
    check_retention_elapsed,
    erasable_records,
    record_erasure,
)
from commands.errors import NotFoundError
from domain.personal import CATEGORIES, check_eraser
from infra.household_keys import KeyRow, keys_of
from infra.personal_mapper import ErasableMapper
from infra.snapshots import RecordSnapshots

if TYPE_CHECKING:
    from datetime import date
    from uuid import UUID

    from commands.application import Logis
    from domain.shared import Actor
    from infra.projector import ProjectionEngine


@dataclass(frozen=True)
class Erasure:
    household_id: UUID
    records: list[tuple[str, UUID]]  # (kind, id)
    categories: list[str]
    key: KeyRow
    position: int | None  # of the last PersonalDataErased appended
    already: bool  # the key was destroyed before this call


def attach_household_keys(
    app: Logis, cache_seconds: float, cipher_key: bytes | None = None
) -> None:
    """Give the application's mapper its store's key tables; with the at-rest
    key (LOGIS_CIPHER_KEY, already checked against the store), the households'
    keys are stored wrapped under it, older clear ones wrapped now."""
    if isinstance(app.mapper, ErasableMapper):
        keys = keys_of(app)
        keys.cache_seconds = cache_seconds
        if cipher_key is not None:
            keys.wrap_with(cipher_key)
            keys.wrap_clear_keys()
        app.mapper.attach(keys, app.recorder)


def erase_household(
    app: Logis,
    household_id: UUID,
    actor: Actor,
    today: date,
    correlation_id: str = "",
    engine: ProjectionEngine | None = None,
) -> Erasure:
    check_eraser(actor)
    check_not_in_future(today, datetime.now(UTC).date())
    keys = keys_of(app)
    records = erasable_records(app, keys.records_of(household_id))
    if not records:
        msg = f"Aucun dossier, mesure ni saisine connu pour le ménage {household_id}."
        raise NotFoundError(msg)
    check_retention_elapsed(records, today)
    erased_now = keys.erase(household_id, actor.subject)
    forget_fingerprints(app, [r.id for r in records])
    if isinstance(app.snapshots, RecordSnapshots):  # unreadable already: dropped
        app.snapshots.drop([r.id for r in records])
    if engine is not None:  # views are sealed; older generations may not be
        engine.drop_retired()
    position = record_erasure(app, records, actor, today, correlation_id)
    held = {c for r in records for c in r.categories}
    row = keys.row(household_id)
    assert row is not None
    return Erasure(
        household_id,
        [(r.kind, r.id) for r in records],
        [c for c in CATEGORIES if c in held],
        row,
        position,
        already=not erased_now,
    )


ERASED_FINGERPRINT = "effacee"


def forget_fingerprints(app: Logis, record_ids: list[UUID]) -> None:
    """The idempotency rows of these records keep a digest of each request's
    body, names included: replaying a key with a guessed body would confirm it.
    Overwrite them; a retry now meets `idempotency_key_reused`."""
    recorder: Any = app.recorder
    if not record_ids:
        return
    if isinstance(recorder, SQLiteApplicationRecorder):
        marks = ", ".join("?" for _ in record_ids)
        with recorder.datastore.transaction(commit=True) as c:
            c.execute("PRAGMA secure_delete = ON")
            c.execute(
                f"UPDATE {recorder.idempotency_table} SET fingerprint = ? "
                f"WHERE originator_id IN ({marks})",
                (ERASED_FINGERPRINT, *(i.hex for i in record_ids)),
            )
        with (  # the old page may linger in the write-ahead log
            contextlib.suppress(sqlite3.Error),
            recorder.datastore.transaction(commit=False) as c,
        ):
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    with recorder.datastore.transaction(commit=True) as c:
        c.execute(
            recorder.sql(
                "UPDATE {schema}.{idempotency} SET fingerprint = %s "
                "WHERE originator_id = ANY(%s)"
            ),
            (ERASED_FINGERPRINT, list(record_ids)),
        )
