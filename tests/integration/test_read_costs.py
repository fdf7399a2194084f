"""What issue 18 made cheaper must still read the same: a department's
settings version is validated once for all the commands that read it, yet a
new version takes effect on the next command and no reader can change the one
the others share; a record read as of a day decodes its events once, only up
to the first beyond the day, and is the record as it stood that day."""

from __future__ import annotations

import copy
import pickle
from contextlib import closing
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import ValidationError

from commands.department import AdoptSettings
from domain.clocks import Clocks
from domain.department_settings import DepartmentSettings
from infra.departments import load_department_settings
from tests.helpers.projections import (
    FIRST_DAY,
    adopt_departments,
    context,
    identify,
    instruction,
    open_system,
    step,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from commands.application import Logis


@pytest.fixture
def app(database_url: str) -> Iterator[Logis]:
    with closing(open_system(database_url)) as system:
        adopt_departments(system.app, ("972",))
        yield system.app


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[Any]:
    """Every call of `owner.name` from now on, by its first argument."""
    calls: list[Any] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else None)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


class TestSettingsVersions:
    def test_a_version_is_validated_once_for_every_command(
        self, app: Logis, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        validated = count_calls(monkeypatch, DepartmentSettings, "model_validate")
        for n in range(5):
            identify(app, FIRST_DAY + timedelta(days=n))
        assert len(validated) == 1

    def test_a_new_version_takes_effect_on_the_next_command(self, app: Logis) -> None:
        identify(app, FIRST_DAY)  # the first version read, and kept
        number, first = app.department_settings("972", FIRST_DAY)
        changed = first.model_copy(update={"dossiers_per_dwelling": 7})
        later = FIRST_DAY + timedelta(days=30)
        app.adopt_settings(
            "972",
            AdoptSettings(effective_from=later, settings=changed),
            context("admin"),
        )
        assert app.department_settings("972", later) == (number + 1, changed)
        # the previous version still rules the days before
        assert app.department_settings("972", FIRST_DAY) == (number, first)

    def test_no_reader_changes_the_version_the_others_read(self, app: Logis) -> None:
        _, settings = app.department_settings("972", FIRST_DAY)
        before = settings.model_dump(mode="json")
        field = next(iter(settings.provenance))
        with pytest.raises(TypeError):
            settings.provenance[field] = settings.provenance[field]
        with pytest.raises(TypeError):
            settings.provenance.clear()
        with pytest.raises(TypeError):
            settings.resource_ceilings[0].by_category[1] = 0  # type: ignore[index]
        with pytest.raises(ValidationError):
            settings.dossiers_per_dwelling = 9  # type: ignore[misc]
        _, again = app.department_settings("972", FIRST_DAY)
        assert again.model_dump(mode="json") == before
        # still copied, pickled and written as before
        assert copy.deepcopy(again) == again
        assert pickle.loads(pickle.dumps(again)) == again
        _, packaged = load_department_settings("972")
        assert again.model_dump_json() == packaged.model_dump_json()


class TestAsOfRead:
    def test_as_of_a_day_is_the_record_as_it_stood_that_day(
        self, app: Logis, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        days = [FIRST_DAY + timedelta(days=10 * n) for n in range(6)]
        dossier_id = identify(app, days[0]).id
        states = {days[0]: state(app.get_dossier(dossier_id))}
        for day, command in zip(days[1:], instruction(days[0]), strict=True):
            step(app, dossier_id, command.model_copy(update={"occurred_on": day}))
            states[day] = state(app.get_dossier(dossier_id))
        total = len(app.history("dossier", dossier_id))
        decoded = count_calls(monkeypatch, app.mapper, "to_domain_event")
        for n, (day, expected) in enumerate(states.items()):
            decoded.clear()
            read = app.read_at("dossier", dossier_id, Clocks(as_of=day))
            assert state(read) == expected, day
            # each event once, none after the first one beyond the day
            assert len(decoded) == min(n + 2, total), day


def state(aggregate: Any) -> dict[str, Any]:
    return copy.deepcopy(aggregate.__dict__)
