"""The record-kind registry (domain/records.py) is the one place where kinds of
record are listed: every per-kind list the floors use covers every kind."""

from __future__ import annotations

import inspect
from importlib import import_module
from typing import TYPE_CHECKING

import pytest

from api import access_log
from api.main import create_app
from api.routes import audit
from api.summaries import api_routes
from commands.base import RecordStep
from commands.dispatch import COMMANDS, CREATIONS
from commands.legality_report import REPORT_KINDS
from commands.procedures import PROCEDURES, Procedure, procedure_of
from domain import access, categories, records
from domain.records import KINDS
from domain.shared import ROLES
from infra import integration_events
from infra.settings import Settings
from tests.helpers.api import TEST_JWT_SECRET

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

NAMES = [k.name for k in KINDS]


def _paths() -> list[str]:
    settings = Settings(database_url="sqlite:///:memory:", jwt_secret=TEST_JWT_SECRET)
    return list(create_app(settings).openapi()["paths"])


def _kinds_in(paths: Collection[str], suffix: str = "") -> set[str]:
    """The kinds whose `/v1/<kind>s/{<kind>_id><suffix>` route is among `paths`."""
    return {k for k in NAMES if f"/v1/{k}s/{{{k}_id}}{suffix}" in paths}


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
    "integration_events.topics": lambda: {
        topic.split(".")[1].removesuffix("s") for topic in integration_events.topics()
    },
    "records.BY_SCHEME": lambda: records.BY_SCHEME,
    "legality_report.REPORT_KINDS": lambda: REPORT_KINDS,
    "procedures.PROCEDURES": lambda: PROCEDURES,
    "dispatch.CREATIONS": lambda: {
        procedure_of(cls.model_construct())[0].kind.name
        for cls in CREATIONS
        if cls.__name__ != "AdoptSettings"
    },
    "dispatch.COMMANDS (steps)": lambda: {
        procedure_of(cls.model_construct())[0].kind.name
        for cls in COMMANDS.values()
        if cls not in CREATIONS
    },
    "audit.DESCRIPTIONS": lambda: audit.DESCRIPTIONS,
    "audit routes": lambda: _kinds_in([r.path for r in audit.router.routes], "/audit"),
    "record routes": lambda: _kinds_in(_paths()),
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
        assert set(kind.reveals) | set(kind.trail_reveals) <= set(categories.CATEGORIES)
        assert set(kind.record_fields.values()) <= set(categories.CATEGORIES)


def test_every_kind_has_steps_with_known_roles() -> None:
    roles = set(ROLES)
    for kind in KINDS:
        assert kind.steps, kind.name
        assert all(allowed <= roles for allowed in kind.steps.values()), kind.name


def test_the_matrices_name_no_kind_outside_the_registry() -> None:
    known = {*NAMES, "department"}
    assert all(set(by_kind) <= known for by_kind in access.WRITE_SCOPES.values())
    assert all(set(kinds) <= known for kinds in access.REPORT_KINDS.values())


def test_every_event_of_a_kind_is_published_on_its_topic() -> None:
    for kind in KINDS:
        for cls in kind.event_classes():
            event = cls.__new__(cls)
            assert integration_events.aggregate_type_of(event) == kind.name


def test_the_reads_logged_are_those_of_the_kinds_revealing_personal_data() -> None:
    revealing = [k.name for k in KINDS if k.reveals]
    assert list(access_log.LOGGED_KINDS) == revealing
    assert all(access_log.trail_categories(k) for k in revealing)


def test_each_procedure_belongs_to_its_kind() -> None:
    for name, procedure in PROCEDURES.items():
        assert procedure.kind is records.kind(name)
        assert procedure_of(procedure.creation.model_construct()) == (procedure, True)


def _declared_steps(procedure: Procedure) -> set[type]:
    """The step commands its module declares: its classes deriving from the
    kind's step base that no other class of the module derives from."""
    module = import_module(procedure.step.__module__)
    classes = [c for c in vars(module).values() if isinstance(c, type)]
    steps = {c for c in classes if issubclass(c, procedure.step)} - {procedure.step}
    return {c for c in steps if not any(o is not c and issubclass(o, c) for o in steps)}


def test_every_step_command_of_every_kind_can_be_dispatched() -> None:
    for name, procedure in PROCEDURES.items():
        declared = _declared_steps(procedure)
        assert declared, name
        assert set(procedure.steps) == declared, name
        published = getattr(import_module(procedure.step.__module__), "STEPS", {})
        assert set(published.values()) <= declared, name
        for step in declared:
            assert COMMANDS[step.__name__] is step
            assert procedure_of(step.model_construct()) == (procedure, False)
            # its kind, its aggregate's step (roles from the registry), its URL
            assert step.record_kind == name, step
            assert step.roles() == records.kind(name).steps[step.action], step
            assert step.slug, step
            assert step.title, step
    assert len(COMMANDS) == len(CREATIONS) + sum(
        len(p.steps) for p in PROCEDURES.values()
    )


def test_a_step_without_an_apply_of_its_own_gives_its_aggregate_what_it_takes() -> None:
    """RecordStep's `apply` calls the aggregate's method named by the action
    with the command's fields under their names, and `meta`: a field it does
    not take, or an argument it needs that no field gives, would only fail
    when the step is recorded."""
    forwarded = 0
    for procedure in PROCEDURES.values():
        for step in procedure.steps:
            if step.apply is not RecordStep.apply:
                continue
            method = getattr(procedure.kind.aggregate, step.action)
            fields = set(step.model_fields) - {"occurred_on"}
            inspect.signature(method).bind(None, meta=None, **dict.fromkeys(fields))
            forwarded += 1
    assert forwarded


def test_every_step_command_of_every_kind_has_its_post_route() -> None:
    """Adding a step command publishes it (api/steps.py builds the routes from
    commands/procedures.py): POST /v1/<kind>s/{<kind>_id}/<slug>, or under
    …/dwellings/{ref}/ for a step naming a dwelling by its URL."""
    settings = Settings(database_url="sqlite:///:memory:", jwt_secret=TEST_JWT_SECRET)
    routes = api_routes(create_app(settings).routes)
    posts = {route.path for route in routes if "POST" in route.methods}
    for name, procedure in PROCEDURES.items():
        record = f"/v1/{name}s/{{{name}_id}}"
        for step in procedure.steps:
            paths = {f"{record}/{step.slug}", f"{record}/dwellings/{{ref}}/{step.slug}"}
            assert paths & posts, f"{step.__name__}: no POST {record}/…/{step.slug}"


def test_every_kind_is_grouped_under_a_scheme_and_named_from_its_first_event() -> None:
    assert sorted(records.BY_SCHEME) == sorted(NAMES)
    assert {k.scheme for k in KINDS} == set(records.SCHEMES)
