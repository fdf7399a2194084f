"""Group commit on PostgreSQL (infra/postgres_appends.py): the appends of
commands arriving together share one transaction; an append whose version or
idempotency key is taken is refused alone, with the IntegrityError its command
turns into a replay or a 409, the others are stored and the chain verifies."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from commands.idempotency import IdempotencyRecord
from infra.bootstrap import build_system
from infra.group_commit import Append
from infra.ledger import ledger_of, verify_store
from infra.postgres_appends import PostgresAppends
from infra.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def app(postgres_database: str) -> Iterator[Any]:
    with closing(build_system(Settings(database_url=postgres_database))) as system:
        yield system.app


def _event(originator_id: Any, version: int) -> StoredEvent:
    return StoredEvent(originator_id, version, "logis.test.Happened", b"{}")


def _key(key: str, originator_id: Any) -> IdempotencyRecord:
    return IdempotencyRecord(key, "f", {"id": str(originator_id), "version": 1})


def test_a_conflict_in_a_group_refuses_that_append_only(app: Any) -> None:
    recorder = app.recorder
    existing, new, other = uuid4(), uuid4(), uuid4()
    recorder.insert_events([_event(existing, 1)])
    group = [
        Append([_event(new, 1)], _key("k1", new)),
        Append([_event(existing, 1)]),  # version taken by the store
        Append([_event(other, 1)], _key("k1", other)),  # key taken in the group
        Append([_event(existing, 2), _event(other, 1)]),  # two aggregates
    ]

    PostgresAppends(recorder).write(group)

    stored, refused_version, refused_key, both = group
    assert refused_version.ids is None
    assert isinstance(refused_version.error, IntegrityError)
    assert refused_key.ids is None
    assert isinstance(refused_key.error, IntegrityError)
    assert stored.error is None
    assert both.error is None
    assert stored.ids is not None
    assert both.ids is not None
    assert len(stored.ids) == 1
    assert len(both.ids) == 2
    positions = [(n.originator_id, n.originator_version) for n in _all(recorder)]
    assert positions == [(existing, 1), (new, 1), (existing, 2), (other, 1)]
    found = recorder.find_idempotency("k1")
    assert found is not None
    assert found[2] == stored.ids[0]
    assert verify_store(ledger_of(app)).mismatch is None


def test_a_group_whose_appends_all_conflict_stores_nothing(app: Any) -> None:
    recorder = app.recorder
    existing = uuid4()
    recorder.insert_events([_event(existing, 1)], idempotency=_key("k", existing))
    group = [Append([_event(existing, 1)]), Append([_event(uuid4(), 1)], _key("k", 0))]

    PostgresAppends(recorder).write(group)

    assert all(isinstance(a.error, IntegrityError) for a in group)
    assert len(_all(recorder)) == 1
    recorder.insert_events([_event(existing, 2)])  # the connection serves on
    assert verify_store(ledger_of(app)).mismatch is None


def _all(recorder: Any) -> list[Any]:
    return list(recorder.select_notifications(start=1, limit=100))
