"""A batch folds its row changes per row: one write each, same result as applying
them one by one."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import IntegrityError

from projections.rows import Table
from tests.helpers.rows import MemoryRowView

COUNTS = Table("counts", {"k": "text", "label": "text", "n": "int"}, ("k",))


@pytest.fixture
def view() -> MemoryRowView:
    return MemoryRowView((COUNTS,))


@pytest.fixture
def stored(view: MemoryRowView) -> MemoryRowView:
    """The view with row `a` (n=1) stored at position 1, and a new batch begun."""
    view.begin()
    view.insert("counts", {"k": "a", "label": "x", "n": 1})
    view.commit_at(1)
    view.begin()
    return view


class TestFolding:
    def test_insert_then_updates_write_one_full_row(self, view: MemoryRowView) -> None:
        view.begin()
        view.insert("counts", {"k": "a", "label": "x", "n": 1})
        view.update("counts", ("a",), {"label": "y"})
        view.increment("counts", ("a",), n=2)
        [pending] = view.batch.rows["counts"].values()
        assert (pending.kind, pending.values) == (
            "insert",
            {"k": "a", "label": "y", "n": 3},
        )
        view.commit_at(5)
        assert view.rows["counts"][("a",)] == {"k": "a", "label": "y", "n": 3}

    def test_increments_on_a_stored_row_add_up(self, stored: MemoryRowView) -> None:
        stored.increment("counts", ("a",), n=2)
        stored.increment("counts", ("a",), n=-5)
        assert stored.get("counts", ("a",))["n"] == -2
        stored.commit_at(2)
        assert stored.rows["counts"][("a",)]["n"] == -2

    def test_set_then_increment_adds_to_the_value_set(
        self, stored: MemoryRowView
    ) -> None:
        stored.update("counts", ("a",), {"n": 10})
        stored.increment("counts", ("a",), n=1)
        stored.commit_at(2)
        assert stored.rows["counts"][("a",)]["n"] == 11

    def test_delete_of_a_row_inserted_in_the_batch_writes_nothing(
        self, view: MemoryRowView
    ) -> None:
        view.begin()
        view.insert("counts", {"k": "a", "label": "x", "n": 1})
        view.delete("counts", ("a",))
        assert view.get("counts", ("a",)) is None
        assert len(view.batch) == 0
        view.commit_at(1)
        assert view.rows["counts"] == {}

    def test_delete_then_insert_replaces_the_stored_row(
        self, view: MemoryRowView
    ) -> None:
        view.begin()
        view.insert("counts", {"k": "a", "label": "old", "n": 1})
        view.commit_at(1)
        view.begin()
        view.delete("counts", ("a",))
        view.insert("counts", {"k": "a", "label": "new", "n": 7})
        view.commit_at(2)
        assert view.rows["counts"][("a",)] == {"k": "a", "label": "new", "n": 7}

    def test_inserting_a_row_twice_in_a_batch_is_a_projection_bug(
        self, view: MemoryRowView
    ) -> None:
        view.begin()
        view.insert("counts", {"k": "a", "label": "x", "n": 1})
        with pytest.raises(ValueError, match="inserted twice"):
            view.insert("counts", {"k": "a", "label": "x", "n": 1})

    def test_changes_happen_inside_a_batch(self, view: MemoryRowView) -> None:
        with pytest.raises(RuntimeError):
            view.insert("counts", {"k": "a", "label": "x", "n": 1})


class TestTracking:
    def test_a_batch_already_applied_is_refused_whole(
        self, view: MemoryRowView
    ) -> None:
        view.begin()
        view.insert("counts", {"k": "a", "label": "x", "n": 1})
        view.commit_at(3)
        view.begin()
        view.increment("counts", ("a",), n=1)
        with pytest.raises(IntegrityError):
            view.commit_at(3)
        assert view.rows["counts"][("a",)]["n"] == 1
        assert view.max_tracking_id("Logis") == 3

    def test_get_reads_the_stored_row_once_per_batch(
        self, stored: MemoryRowView
    ) -> None:
        assert stored.get("counts", ("a",))["n"] == 1
        stored.rows["counts"][("a",)]["n"] = 99  # not seen again within this batch
        assert stored.get("counts", ("a",))["n"] == 1


class TestTally:
    def test_tally_creates_then_adds(self, view: MemoryRowView) -> None:
        view.begin()
        view.tally("counts", {"k": "a", "label": "x"}, n=1)
        view.tally("counts", {"k": "a", "label": "x"}, n=2)
        assert view.get("counts", ("a",))["n"] == 3
        view.commit_at(1)
        view.begin()
        view.tally("counts", {"k": "a", "label": "x"}, n=-1)
        assert view.get("counts", ("a",))["n"] == 2
        view.commit_at(2)
        assert view.rows["counts"][("a",)] == {"k": "a", "label": "x", "n": 2}

    def test_prefetched_rows_are_not_read_again(self, stored: MemoryRowView) -> None:
        stored.prefetch("counts", [("a",), ("b",)])
        stored.rows["counts"][("a",)]["n"] = 99
        assert stored.get("counts", ("a",))["n"] == 1
        assert stored.get("counts", ("b",)) is None
