"""The projection engine on each store, incrementally: the demo scenario,
projected batch by batch while it is loaded, gives exactly what a clean rebuild
gives (random histories: test_projections_random_histories.py; the rest of the
engine's guarantees: test_projections.py).

Every test runs on SQLite and on PostgreSQL (fixtures in conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from api.demo import load_demo
from domain.dossier import Dossier
from infra.bootstrap import PROJECTIONS
from infra.departments import load_department_settings
from infra.household_keys import keys_of
from infra.shared_reads import SharedReads
from tests.e2e.support import DEMO_STAGES
from tests.helpers.backends import EVERY_STORE
from tests.helpers.projections import (
    NOW,
    Interleaved,
    assert_views_match_aggregates,
    dump_active,
    open_system,
    rebuild_all_and_compare,
)

pytestmark = EVERY_STORE


@pytest.mark.parametrize("every", [1, 3])
def test_demo_projected_while_loaded(database_url: str, every: int) -> None:
    system = open_system(database_url, batch_size=2)
    try:
        system.engine.catch_up()  # the first generations, empty, become active
        effective_from, department = load_department_settings("972")
        app = Interleaved(system.app, system.engine, every)
        load_demo(app, "972", effective_from, department, NOW.date())  # type: ignore[arg-type]
        assert app.commands > 80
        positions = system.engine.positions()
        head = system.app.recorder.max_notification_id()
        assert 0 < min(positions.values()) <= max(positions.values()) <= head
        system.engine.catch_up()
        ids = [
            r["id"] for r in dump_active(system.engine, "dossier_list")[1]["dossiers"]
        ]
        assert len(ids) == sum(DEMO_STAGES.values())
        assert_views_match_aggregates(system.app, system.engine, ids)
        # The oracle: rebuilt in one batch (random histories rebuild in small ones).
        system.engine.batch_size = 1000
        rebuild_all_and_compare(system.engine)
    finally:
        system.close()


def test_views_reading_no_personal_value_read_them_sealed(database_url: str) -> None:
    """A view that declares it reads no personal value (`reads_personal`) gets
    its events with those values sealed, and holds what it would hold from the
    decrypted events: over the demo, one household's key destroyed."""
    system = open_system(database_url)
    try:
        effective_from, department = load_department_settings("972")
        load_demo(system.app, "972", effective_from, department, NOW.date())
        keys = keys_of(system.app)
        first = first_identified(system.app)
        keys.erase(keys.household_of(first.originator_id), "test")
        left_sealed = SharedReads(system.app, keep=0).decoded(first, personal=False)
        assert "__erasable__" in left_sealed.applicant_name
        sealed = [p for p in PROJECTIONS if not p.reads_personal]
        assert {p.name for p in sealed} >= {"stage_counts", "follow_up"}
        for projection in sealed:
            system.engine.rebuild(projection.name)
            _, from_sealed = dump_active(system.engine, projection.name)
            decrypting = type(
                projection.__name__, (projection,), {"name": projection.name}
            )
            decrypting.reads_personal = True
            system.engine.projections[projection.name] = decrypting
            system.engine.rebuild(projection.name)
            assert dump_active(system.engine, projection.name)[1] == from_sealed
    finally:
        system.close()


def first_identified(app: Any) -> Any:
    """The stored event of the first dossier identified."""
    topics = [Dossier.Identified.TOPIC]
    return app.recorder.select_notifications(start=0, limit=1, topics=topics)[0]
