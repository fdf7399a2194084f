"""A projector at rest (every view at the store's head, no rebuild under way)
polls without reading its views, and leaves its rest as soon as an event is
stored or the registry of generations changes, on each store."""

from __future__ import annotations

from contextlib import closing
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

from infra.generations import ACTIVE, BUILDING
from infra.rowviews import SQLRowView
from tests.helpers.backends import EVERY_STORE
from tests.helpers.projections import (
    adopt_departments,
    assert_views_match_aggregates,
    identify,
    open_system,
    two_systems,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from infra.bootstrap import System

pytestmark = EVERY_STORE


@pytest.fixture
def system(database_url: str) -> Iterator[System]:
    with closing(open_system(database_url)) as system:
        yield system


@pytest.fixture
def view_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each view whose position a projector reads, as it reads it."""
    reads: list[str] = []
    position = SQLRowView.max_tracking_id

    def counted(view: SQLRowView, *args: Any) -> Any:
        reads.append(view.view)
        return position(view, *args)

    monkeypatch.setattr(SQLRowView, "max_tracking_id", counted)
    return reads


def test_idle_passes_read_no_view_and_a_new_event_is_applied(
    system: System, view_reads: list[str]
) -> None:
    adopt_departments(system.app)
    first = identify(system.app).id
    system.engine.catch_up()
    view_reads.clear()
    assert [system.engine.run_once() for _ in range(3)] == [0, 0, 0]
    assert view_reads == []
    second = identify(system.app).id
    assert system.engine.run_once() > 0
    assert view_reads  # the pass was whole
    assert_views_match_aggregates(system.app, system.engine, [first, second])


def test_a_standby_at_rest_applies_what_comes_once_the_leader_is_gone(
    database_url: str,
) -> None:
    with two_systems(database_url) as (leader, standby):
        adopt_departments(leader.app)
        first = identify(leader.app).id
        leader.engine.catch_up()
        assert standby.engine.run_once() == 0  # the leader holds the views
        assert standby.engine.run_once() == 0  # at rest: they stand at the head
        leader.engine.close()  # its locks go with it
        second = identify(leader.app).id
        assert standby.engine.run_once() > 0
        assert_views_match_aggregates(standby.app, standby.engine, [first, second])


def test_a_rebuild_left_by_another_projector_is_finished_from_rest(
    database_url: str,
) -> None:
    """A building generation created by another process that died before
    building it: no event is stored, only the registry changes; the projector
    at rest builds it and switches readers to it."""
    with two_systems(database_url) as (resting, other):
        adopt_departments(resting.app)
        ids = [identify(resting.app).id for _ in range(2)]
        resting.engine.catch_up()
        assert resting.engine.run_once() == 0
        name = "dossier_list"
        active = other.engine.registry.find(name, ACTIVE)
        assert active is not None
        building = other.engine.registry.create_replacing(name, active.version, active)
        assert building is not None
        resting.engine.catch_up()
        assert resting.engine.registry.find(name, BUILDING) is None
        switched = resting.engine.registry.find(name, ACTIVE)
        assert switched is not None
        assert switched.generation == building.generation
        assert_views_match_aggregates(resting.app, resting.engine, ids)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_pass_goes_on_when_the_server_drops_its_connections(
    system: System, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pass holds one connection of each pool (pinged once): the server
    ending them in the middle of the pass costs a retry, not the pass."""
    adopt_departments(system.app)
    first = identify(system.app).id
    system.engine.catch_up()
    second = identify(system.app).id
    position = SQLRowView.max_tracking_id
    dropped: list[int] = []

    def drop_once(view: SQLRowView, *args: Any) -> Any:
        if not dropped:
            with psycopg.connect(database_url, autocommit=True) as admin:
                dropped.extend(
                    row[0]
                    for row in admin.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
        return position(view, *args)

    monkeypatch.setattr(SQLRowView, "max_tracking_id", drop_once)
    assert system.engine.catch_up() > 0
    assert dropped
    assert_views_match_aggregates(system.app, system.engine, [first, second])
