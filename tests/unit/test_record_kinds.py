"""The record-kind registry (domain/records.py) is the one place where kinds of
record are listed: every per-kind list the floors use covers every kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from domain import access, records
from domain.records import KINDS

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

NAMES = [k.name for k in KINDS]

# Each derived list, as the kind names it covers.
DERIVED: dict[str, Callable[[], Collection[str]]] = {
    "records.KIND_LABELS": lambda: records.KIND_LABELS,
    "records.AGGREGATE_TYPES": lambda: records.AGGREGATE_TYPES.values(),
    "access.RECORDS": lambda: access.RECORDS,
    "access.READ_ACTIONS": lambda: access.READ_ACTIONS,
    "access.THIS": lambda: access.THIS,
    "access.WRITES": lambda: access.WRITES,
    "access.REPORT_KINDS[auditeur]": lambda: access.REPORT_KINDS["auditeur"],
    "access.READS[auditeur]": lambda: access.READS["auditeur"],
}


@pytest.mark.parametrize("derived", DERIVED)
def test_every_derived_list_covers_every_kind(derived: str) -> None:
    covered = set(DERIVED[derived]())
    assert set(NAMES) <= covered, f"{derived} misses {set(NAMES) - covered}"


def test_each_kind_is_found_by_its_name_and_by_its_events() -> None:
    for kind in KINDS:
        assert records.kind(kind.name) is kind
        assert all(
            records.kind_of(cls.__new__(cls)) is kind for cls in kind.event_classes()
        )
    assert len(set(NAMES)) == len(NAMES)


def test_a_kind_whose_reads_are_logged_holds_personal_data_until_a_day() -> None:
    for kind in KINDS:
        assert (kind.retention is not None) == bool(kind.reveals), kind.name
        assert set(kind.reveals) | set(kind.trail_reveals) <= set(access.CATEGORIES)
        assert set(kind.record_fields.values()) <= set(access.CATEGORIES)


def test_every_kind_has_steps_with_known_roles() -> None:
    roles = set(access.ROLES)
    for kind in KINDS:
        assert kind.steps, kind.name
        assert all(allowed <= roles for allowed in kind.steps.values()), kind.name


def test_the_matrices_name_no_kind_outside_the_registry() -> None:
    known = {*NAMES, "department"}
    assert all(set(by_kind) <= known for by_kind in access.WRITE_SCOPES.values())
    assert all(set(kinds) <= known for kinds in access.REPORT_KINDS.values())
