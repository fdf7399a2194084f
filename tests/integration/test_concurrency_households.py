"""Two commands writing the first personal data of one household at once, on
both stores: each finds no key stored and draws one, written with its events
(infra/household_writes.py); the second append meets the first one's key. Both
are carried out, under the one key stored: the second command runs again and
reads it, instead of answering a 409 whose record nobody changed.

A household has no key yet when a record names a new id (an import of past
years names its households: commands/history_import.py, through the commands
below) or when its records were written before crypto-shredding, in clear
(a store of 2026-11-27: `legacy`, then steps over HTTP). The API itself assigns
a new household's id, so two HTTP creations never name one without a key.

The race is forced: each racing command, once it holds the household's key
(drawn, nothing stored yet), waits for the other (`keys_chosen_together`)."""

from __future__ import annotations

import threading
from contextlib import closing
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest

from commands.application import Logis
from commands.dossier_identification import IdentifyDossier
from commands.errors import ConcurrencyError
from commands.mesure import RequestMesure
from domain.shared import DomainError
from infra.bootstrap import build_system
from infra.household_keys import HouseholdErasedError, keys_of
from infra.personal_mapper import MARK
from tests.helpers import api
from tests.helpers.backends import EVERY_STORE
from tests.helpers.dossiers import COMMUNE, DEPARTMENT
from tests.helpers.mesures_http import asll  # noqa: F401 (a fixture)
from tests.helpers.stores import context
from tests.helpers.threads import race

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.testclient import TestClient

    from commands.context import CommandResult
    from infra.bootstrap import System

pytestmark = [EVERY_STORE, pytest.mark.usefixtures("asll")]

NAME = "Joséphine Rosette"
SUMMARY = "Dettes de loyer ; budget à reprendre."


@pytest.fixture
def system(client: TestClient) -> System:
    return client.app.state.system  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def household() -> UUID:
    return uuid4()


@pytest.fixture
def keys_chosen_together(
    system: System, household: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first time each of two commands holds `household`'s key, it waits
    for the other: both have drawn one before either appends."""
    keys = keys_of(system.app)
    real = keys.key_for_writing
    barrier = threading.Barrier(2)
    waited: set[int] = set()

    def together(household_id: UUID) -> bytes:
        key = real(household_id)
        me = threading.get_ident()
        in_command = keys.writes.current() is not None
        if household_id == household and in_command and me not in waited:
            waited.add(me)
            barrier.wait(timeout=30)
        return key

    monkeypatch.setattr(keys, "key_for_writing", together)


def identification(household: UUID) -> IdentifyDossier:
    return IdentifyDossier(
        household_id=household,
        applicant_name=NAME,
        household_size=3,
        department=DEPARTMENT,
        commune=COMMUNE,
    )


def mesure_request(household: UUID, *, signed: bool = True) -> RequestMesure:
    return RequestMesure(
        kind="individuelle",
        household_id=household,
        department=DEPARTMENT,
        commune=COMMUNE,
        diagnostic_summary=SUMMARY,
        diagnostic_signed_on=api.today(),
        household_signed=signed,
    )


def create_dossier(app: Logis, household: UUID) -> CommandResult:
    return app.create("dossier", identification(household), context("ccas", COMMUNE))


def request_mesure(app: Logis, household: UUID, **options: Any) -> CommandResult:
    command = mesure_request(household, **options)
    return app.create("mesure", command, context("als", COMMUNE))


@dataclass(frozen=True)
class Refused:
    error: Exception


def outcomes(*commands: Callable[[], Any]) -> list[Any]:
    """Each command's result, or why it was refused: run at once."""

    def caught(command: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            try:
                return command()
            except (DomainError, ConcurrencyError) as error:
                return Refused(error)

        return run

    return race(*[caught(c) for c in commands])


def assert_sealed_under_the_stored_key(
    system: System, household: UUID, records: dict[UUID, Callable[[Any], Any]]
) -> None:
    """Read by a new system (no key in its memory): the household has its
    key, each record of `records` is its subject, its events stored sealed and
    read back under that key as the record's check (`records`' value) wants."""
    with closing(build_system(system.settings)) as fresh:
        keys = keys_of(fresh.app)
        assert keys.key(household) is not None
        assert set(keys.records_of(household)) == set(records)
        for record_id, value in records.items():
            _, events = fresh.app.record_history(record_id)
            assert value(events) is True, record_id
            stored = fresh.app.recorder.select_events(record_id)
            assert all(MARK.encode() in e.state for e in stored)


# ---- creations naming the same new household ------------------------------------


@pytest.mark.usefixtures("keys_chosen_together")
def test_a_dossier_and_a_measure_for_one_new_household_share_its_key(
    system: System, household: UUID
) -> None:
    dossier, mesure = outcomes(
        lambda: create_dossier(system.app, household),
        lambda: request_mesure(system.app, household),
    )

    assert not isinstance(dossier, Refused), dossier
    assert not isinstance(mesure, Refused), mesure
    assert_sealed_under_the_stored_key(
        system,
        household,
        {
            dossier.id: lambda events: events[0].applicant_name == NAME,
            mesure.id: lambda events: events[0].diagnostic["summary"] == SUMMARY,
        },
    )


@pytest.mark.usefixtures("keys_chosen_together")
def test_two_dossiers_for_one_new_household_share_its_key(
    system: System, household: UUID
) -> None:
    answers = outcomes(
        lambda: create_dossier(system.app, household),
        lambda: create_dossier(system.app, household),
    )

    assert not any(isinstance(a, Refused) for a in answers), answers
    assert answers[0].id != answers[1].id
    assert_sealed_under_the_stored_key(
        system,
        household,
        {a.id: lambda events: events[0].applicant_name == NAME for a in answers},
    )


@pytest.mark.usefixtures("keys_chosen_together")
def test_the_same_keyed_creation_twice_at_once_is_one_record(
    system: System, household: UUID
) -> None:
    """An import run twice at once: each line's idempotency key and household."""
    keyed = replace(
        context("ccas", COMMUNE), idempotency_key="import:x:l1", fingerprint="l1"
    )
    command = identification(household)
    answers = outcomes(*[lambda: system.app.create("dossier", command, keyed)] * 2)

    assert not any(isinstance(a, Refused) for a in answers), answers
    assert answers[0].answer() == answers[1].answer()
    assert_sealed_under_the_stored_key(
        system,
        household,
        {answers[0].id: lambda events: events[0].applicant_name == NAME},
    )


def test_a_creation_refused_by_a_rule_leaves_the_other_one_the_key(
    system: System, household: UUID
) -> None:
    dossier, mesure = outcomes(
        lambda: create_dossier(system.app, household),
        lambda: request_mesure(system.app, household, signed=False),
    )

    assert not isinstance(dossier, Refused), dossier
    assert isinstance(mesure, Refused), mesure
    assert isinstance(mesure.error, DomainError), mesure
    assert_sealed_under_the_stored_key(
        system,
        household,
        {dossier.id: lambda events: events[0].applicant_name == NAME},
    )


# ---- steps over HTTP on records written before crypto-shredding ------------------


@pytest.fixture
def legacy(system: System, household: UUID) -> list[UUID]:
    """Two dossiers of `household` written in clear, no key stored: a store of
    2026-11-27, before crypto-shredding (the library's own mapper)."""
    env = {
        **system.settings.eventsourcing_env(),
        "MAPPER_TOPIC": "eventsourcing.persistence:Mapper",
    }
    with closing(Logis(env=env)) as before:
        dossiers = [create_dossier(before, household).id for _ in range(2)]
    assert keys_of(system.app).key(household) is None
    return dossiers


@pytest.mark.usefixtures("keys_chosen_together")
def test_enquiries_on_two_records_in_clear_of_one_household_share_its_key(
    client: TestClient, system: System, household: UUID, legacy: list[UUID]
) -> None:
    step = api.SOCIAL_ENQUIRY
    answers = race(
        *[lambda d=d: api.take(client, str(d), step, if_match=1) for d in legacy]
    )

    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert [a.json()["version"] for a in answers] == [2, 2]
    summary = step.body(api.today())["summary"]
    with closing(build_system(system.settings)) as fresh:
        keys = keys_of(fresh.app)
        assert keys.key(household) is not None
        for dossier_id in legacy:
            _, events = fresh.app.record_history(dossier_id)
            assert events[1].summary == summary
            stored = fresh.app.recorder.select_events(dossier_id, gt=1)
            assert MARK.encode() in stored[0].state


def test_a_household_erased_while_a_creation_draws_its_key_is_refused_as_erased(
    system: System, household: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its key destroyed by an administrator between the command's draw and its
    append (an erasure stores a household without a key, `erased_at` set):
    the command is refused as for an erased household, nothing stored."""
    keys = keys_of(system.app)
    real = keys.key_for_writing

    def then_erased(household_id: UUID) -> bytes:
        key = real(household_id)
        if keys.row(household_id) is None:
            keys.erase(household_id, "admin")
        return key

    monkeypatch.setattr(keys, "key_for_writing", then_erased)
    position = system.app.recorder.max_notification_id()

    with pytest.raises(HouseholdErasedError):
        create_dossier(system.app, household)

    assert system.app.recorder.max_notification_id() == position
    assert keys.key(household) is None
