"""Events decrypted together read their households' keys together: once the
key cache has let them go (`key_cache_seconds`), a batch of events asks the
store for its keys in one query (HouseholdKeys.preload), not one a household,
and decodes as each event decoded alone.

Every test runs on SQLite and on PostgreSQL (fixtures in conftest.py)."""

from __future__ import annotations

import time

from infra.household_keys import keys_of
from tests.helpers.backends import EVERY_STORE
from tests.helpers.projections import open_system, save_driven_dossiers

pytestmark = EVERY_STORE


def test_a_batch_decrypted_reads_its_keys_together(database_url: str) -> None:
    system = open_system(database_url)
    try:
        app = system.app
        ids = save_driven_dossiers(app, 12)
        keys = keys_of(app)
        households = [keys.household_of(i) for i in ids]
        keys.erase(households[0], "test")
        # As `key_cache_seconds` later: every key still held is read again.
        keys._keys = {
            h: (read_at - keys.cache_seconds - 1, key) if key else (read_at, key)
            for h, (read_at, key) in keys._keys.items()
        }
        stored = app.recorder.select_notifications(start=0, limit=10_000)
        aged = time.monotonic()
        together = app.mapper.to_domain_events(stored)  # type: ignore[attr-defined]
        fresh = [h for h in households[1:] if keys._keys[h][0] >= aged]
        assert len(fresh) == len(households) - 1
        assert keys._keys[households[0]][1] is None  # destroyed: stays so
        alone = [app.mapper.to_domain_event(s) for s in stored]
        assert [vars(e) for e in together] == [vars(e) for e in alone]
        assert any("effacée" in repr(vars(e)) for e in together)
    finally:
        system.close()
