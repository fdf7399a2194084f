"""A projection that cannot apply an event: named everywhere, the others advance.

On PostgreSQL only: there the event below cannot be written to a view (a NUL in a
text column), while SQLite stores it. The event is saved through the
application with the command's validation bypassed (`model_construct`), as
history written before the edge refused such text would be.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import singledispatchmethod
from typing import TYPE_CHECKING, Any

import pytest
from eventsourcing.persistence import Tracking
from starlette.testclient import TestClient

from api import cli
from api.main import create_app
from commands.dossier_identification import IdentifyDossier
from domain.dossier import Dossier
from domain.shared import Actor
from infra.projector import ProjectionEngine
from infra.rebuild import ProjectionStuckError
from infra.settings import Settings
from projections.rows import RowProjection, Table
from tests.helpers.api import TEST_JWT_SECRET
from tests.helpers.backends import EVERY_STORE
from tests.helpers.projections import (
    FIRST_DAY,
    adopt_departments,
    context,
    identify,
    open_system,
)

if TYPE_CHECKING:
    from commands.application import Logis

pytestmark = [EVERY_STORE, pytest.mark.postgres]

NUL_NAME = "Jean\x00Dupont"


def identify_unchecked(app: Logis, name: str, organisation: str = "org-mairie") -> int:
    """Saves an Identified event whose name (or whose author's organisation) the
    edge's checks would refuse."""
    command = IdentifyDossier.model_construct(
        occurred_on=FIRST_DAY,
        applicant_name=name,
        household_size=2,
        department="972",
        commune="97209",
    )
    ctx = replace(
        context("mairie"),
        actor=Actor("agent.mairie", "mairie", organisation),
        department="972",
        commune="97209",
    )
    result = app.create("dossier", command, ctx)
    return int(result.position)


def test_a_stuck_projection_is_named_and_the_others_advance(
    postgres_database: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    system = open_system(postgres_database)
    try:
        adopt_departments(system.app)
        identify(system.app)
        system.engine.catch_up()
        # The name is sealed in the dossiers' view, its author's organisation is not.
        bad = identify_unchecked(system.app, NUL_NAME, organisation=NUL_NAME)
        identify(system.app)  # after the culprit: only views that skip it see it
        head = system.app.recorder.max_notification_id()
        system.engine.catch_up()  # returns: the stuck view backs off

        statuses = {s.name: s for s in system.engine.status()}
        stuck = {n: s.failure for n, s in statuses.items() if s.failure}
        assert "dossier_list" in stuck
        failure = stuck["dossier_list"]
        assert failure is not None
        assert failure.position == bad
        assert failure.topic == Dossier.Identified.TOPIC
        assert failure.error == "DataError"
        assert "NUL" in failure.message
        assert "Dupont" not in failure.message
        # the events before the culprit are applied; the other views go on
        assert statuses["dossier_list"].position == bad - 1
        assert statuses["stage_counts"].failure is None
        assert statuses["stage_counts"].position == head

        settings = Settings(
            database_url=postgres_database,
            log_json=False,
            jwt_secret=TEST_JWT_SECRET,
            projector_in_process=False,
        )
        with TestClient(create_app(settings)) as client:
            health = client.get("/health")
            assert health.status_code == 503
            body = health.json()
            assert (body["status"], body["code"]) == ("degraded", "projection_stuck")
            assert "dossier_list à " + str(bad) in body["message"]
            named = {s["projection"]: s for s in body["stuck"]}
            assert named["dossier_list"]["position"] == bad
            assert named["dossier_list"]["event_topic"] == Dossier.Identified.TOPIC
            assert "Dupont" not in health.text
            metrics = client.get("/metrics").text
            assert 'logis_projection_failing{projection="dossier_list"} 1.0' in metrics
            assert 'logis_projection_failing{projection="stage_counts"} 0.0' in metrics
            assert (
                'logis_projection_stuck_position{error="DataError",'
                f'event_topic="{Dossier.Identified.TOPIC}",'
                f'projection="dossier_list"}} {float(bad)}'
            ) in metrics

        monkeypatch.setenv("LOGIS_DATABASE_URL", postgres_database)
        capsys.readouterr()
        assert cli.main(["projections", "status"]) == 1
        table = capsys.readouterr().out
        assert f"BLOQUÉE : dossier_list (génération 1) à l'événement {bad}" in table
        assert Dossier.Identified.TOPIC in table
        assert "DataError" in table
        assert cli.main(["projections", "status", "--format", "json"]) == 1
        rows = {r["vue"]: r for r in json.loads(capsys.readouterr().out)}
        assert rows["dossier_list"]["blocage"]["position"] == bad
        assert rows["stage_counts"]["blocage"] is None

        with pytest.raises(ProjectionStuckError, match=f"l'événement {bad} "):
            system.engine.rebuild("dossier_list")
    finally:
        system.close()


# ---- a fixed release: the view advances again ---------------------------------

NAMES = Table(name="names", columns={"id": "uuid", "name": "text"}, key=("id",))


class Names(RowProjection):
    name = "test_names"
    version = 1
    tables = (NAMES,)
    topics = (Dossier.Identified.TOPIC,)

    @singledispatchmethod
    def process_event(self, _: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def dossier_identified(self, event: Dossier.Identified, _: Tracking) -> None:
        self.view.insert(
            "names", {"id": event.originator_id, "name": self.shown(event)}
        )

    def shown(self, event: Dossier.Identified) -> str:
        return str(event.applicant_name)


class MendedNames(Names):
    name = "test_names"
    version = 2

    def shown(self, event: Dossier.Identified) -> str:
        return str(event.applicant_name).replace("\x00", "\ufffd")


def engine_with(system: Any, projection: type[RowProjection]) -> ProjectionEngine:
    return ProjectionEngine(
        system.app, [projection], system.engine.datastore, system.engine.locks
    )


def test_a_fixed_release_unsticks_the_view(postgres_database: str) -> None:
    system = open_system(postgres_database)
    try:
        adopt_departments(system.app)
        bad = identify_unchecked(system.app, NUL_NAME)
        identify(system.app)
        broken = engine_with(system, Names)
        broken.run_once()
        (status,) = broken.status()
        assert status.failure is not None
        assert status.failure.position == bad
        assert broken.stuck()
        broken.run_once()  # backing off: not tried again at once
        (status,) = broken.status()
        assert status.failure.attempts == 1

        mended = engine_with(system, MendedNames)
        mended.catch_up()
        (status,) = mended.status()
        assert status.failure is None
        assert status.active is not None
        assert status.active.version == MendedNames.version
        assert status.position == system.app.recorder.max_notification_id()
        assert mended.stuck() == []
        names = mended.reader("test_names")
        assert names is not None
        rows, total = names.select("names")
        assert total == 2
        assert "Jean\ufffdDupont" in {r["name"] for r in rows}
    finally:
        system.close()
