"""GET /v1/{dossiers|mesures|programmes|commissions|saisines}/{id}/audit: every
event of the record in order, with who, when, what, on which legal basis and in
which commission; nothing more than the store holds. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest

from api.demo import load_demo
from domain import commission as c
from domain import dossier as d
from domain import mesure as m
from domain.records import kind_of
from infra.departments import load_department_settings
from tests.helpers.api import assert_error, history, store_position
from tests.helpers.backends import EVERY_STORE
from tests.helpers.mesures_http import (  # noqa: F401 (a fixture)
    asll,
    drive_mesure,
    events_of,
)
from tests.helpers.procedure import (
    cal_on_three,
    concerted_programme,
    ranked_dossiers,
)
from tests.helpers.saisines_http import COURSE, signalled

pytestmark = EVERY_STORE

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from infra.bootstrap import System

PLURAL = {
    "dossier": "dossiers",
    "mesure": "mesures",
    "programme": "programmes",
    "commission": "commissions",
    "saisine": "saisines",
}


def audit(client: TestClient, kind: str, record_id: str) -> dict[str, Any]:
    """The record's trail, once the view has every event written so far."""
    answer = client.get(
        f"/v1/{PLURAL[kind]}/{record_id}/audit",
        params={"min_position": store_position(client)},
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body["id"] == record_id
    assert body["kind"] == kind
    assert body["count"] == len(body["events"])
    return body


def system_of(client: TestClient) -> System:
    return client.app.state.system  # type: ignore[attr-defined,no-any-return]


def stored_records(system: System) -> dict[UUID, list[Any]]:
    """Every record's events, read straight from the store, in order."""
    app = system.app
    head = app.recorder.max_notification_id() or 0
    notifications = app.recorder.select_notifications(start=1, limit=head + 1)
    records: dict[UUID, list[Any]] = defaultdict(list)
    for notification in notifications:
        event = app.mapper.to_domain_event(notification)
        if kind_of(event) is not None:
            records[event.originator_id].append((notification.id, event))
    return records


def assert_trail_is_the_history(
    trail: dict[str, Any], events: list[dict[str, Any]]
) -> None:
    """The audit lists exactly the events of /history, in order."""
    assert len(trail["events"]) == len(events)
    for entry, event in zip(trail["events"], events, strict=True):
        assert entry["version"] == event["version"]
        assert entry["type"] == event["type"]
        assert entry["label"] == event["label"]
        assert entry["actor"] == event["actor"]
        assert entry["occurred_on"] == event["occurred_on"]
        assert datetime.fromisoformat(entry["recorded_at"]) == datetime.fromisoformat(
            event["recorded_at"]
        )
        assert entry["basis"].strip()
        assert entry["commission_id"] == event["data"].get("commission_id")
    positions = [entry["position"] for entry in trail["events"]]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)


class TestProcedure:
    def test_dossiers_programme_and_sessions_through_the_procedure(
        self, client: TestClient, department: str
    ) -> None:
        programme_id = concerted_programme(client)
        ranked, listed, pref = ranked_dossiers(client, programme_id, ranked=3, liste=1)
        cal = cal_on_three(client, programme_id, ranked)

        for dossier_id in ranked:
            trail = audit(client, "dossier", dossier_id)
            assert trail["department"] == department
            assert_trail_is_the_history(trail, history(client, dossier_id))
            by_type = {e["type"]: e for e in trail["events"]}
            assert by_type["Ranked"]["commission_id"] == pref
            assert by_type["Ranked"]["label"] == d.EVENT_LABELS[d.Dossier.Ranked]
            assert by_type["Ranked"]["basis"] == d.EVENT_BASES[d.Dossier.Ranked]
            assert "PreSelected" in by_type
            assert by_type["PreSelected"]["commission_id"] not in (None, pref, cal)
            decision = by_type.get("CALDecided") or by_type["Deferred"]
            assert decision["commission_id"] == cal
            assert decision["actor"]["role"] == "bailleur"
        first = audit(client, "dossier", ranked[0])["events"]
        assert first[0]["type"] == "Identified"
        assert first[0]["actor"]["role"] == "ccas"
        assert first[-1]["summary"].startswith("Décision : attribution")
        listed_trail = audit(client, "dossier", listed[0])
        assert_trail_is_the_history(listed_trail, history(client, listed[0]))
        assert listed_trail["events"][-1]["type"] == "Ranked"
        deferred = audit(client, "dossier", ranked[2])["events"][-1]
        assert deferred["type"] == "Deferred"

        session = audit(client, "commission", cal)
        assert [e["type"] for e in session["events"]] == [
            "Convened",
            "AttendanceRecorded",
            "CALDecisionsTaken",
        ]
        assert {e["commission_id"] for e in session["events"]} == {cal}
        assert (
            session["events"][-1]["basis"]
            == (c.EVENT_BASES[c.Commission.CALDecisionsTaken])
        )
        programme = audit(client, "programme", programme_id)
        assert [e["type"] for e in programme["events"]] == [
            "Announced",
            "ConcertationHeld",
            "DwellingAttributed",  # the CAL's attribution (LOGEMENT-UNIQUE)
        ]

    def test_a_mesure_and_a_saisine(self, client: TestClient, asll: str) -> None:  # noqa: F811
        mesure_id = drive_mesure(client, to="terminee")
        trail = audit(client, "mesure", mesure_id)
        events = events_of(client, mesure_id)
        assert_trail_is_the_history(trail, events)
        assert trail["events"][0]["label"] == m.EVENT_LABELS[m.Mesure.Requested]
        assert "loi 90-449 art. 6" in trail["events"][0]["basis"]
        assert trail["events"][-1]["type"] == "Ended"
        assert {e["commission_id"] for e in trail["events"]} == {None}

        saisine_id = signalled(client, *(s for s in COURSE if s != "court-dates"))
        trail = audit(client, "saisine", saisine_id)
        answer = client.get(f"/v1/saisines/{saisine_id}/history")
        assert_trail_is_the_history(trail, answer.json()["events"])
        assert trail["events"][-1]["type"] == "Closed"

    def test_a_step_written_is_in_the_trail_read_with_its_position(
        self, client: TestClient, department: str
    ) -> None:
        programme_id = concerted_programme(client)
        position = store_position(client)
        answer = client.get(
            f"/v1/programmes/{programme_id}/audit", params={"min_position": position}
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["position"] >= position
        assert body["events"][-1]["position"] == position


class TestNotFound:
    @pytest.mark.parametrize("kind", list(PLURAL))
    def test_unknown_id_is_not_found(self, client: TestClient, kind: str) -> None:
        answer = client.get(f"/v1/{PLURAL[kind]}/{uuid4()}/audit")
        assert_error(answer, 404, f"{kind}_not_found")

    def test_a_record_of_another_kind_is_not_found(
        self, client: TestClient, department: str
    ) -> None:
        programme_id = concerted_programme(client)
        position = store_position(client)
        for kind in ("dossier", "mesure", "commission", "saisine"):
            answer = client.get(
                f"/v1/{PLURAL[kind]}/{programme_id}/audit",
                params={"min_position": position},
            )
            assert_error(answer, 404, f"{kind}_not_found")

    def test_invalid_id_is_refused(self, client: TestClient) -> None:
        assert_error(client.get("/v1/dossiers/pas-un-uuid/audit"), 422)


def test_the_demos_audit_trails_hold_every_event_of_the_store_and_nothing_more(
    client: TestClient,
) -> None:
    system = system_of(client)
    effective_from, settings = load_department_settings("972")
    loire = load_department_settings("42")
    today = datetime.now(UTC).date()
    load_demo(system.app, "972", effective_from, settings, today, loire)
    records = stored_records(system)
    kinds = defaultdict(int)
    for record_id, stored in records.items():
        kind = kind_of(stored[0][1])
        assert kind is not None
        kinds[kind.name] += 1
        trail = audit(client, kind.name, str(record_id))
        assert [(e["version"], e["type"], e["position"]) for e in trail["events"]] == [
            (event.originator_version, type(event).__name__, position)
            for position, event in stored
        ]
        for entry, (_, event) in zip(trail["events"], stored, strict=True):
            assert entry["label"] == kind.labels[type(event)]
            assert entry["basis"] == kind.bases[type(event)]
            assert entry["actor"] == event.actor.__dict__
        if kind.name == "dossier":
            assert_trail_is_the_history(trail, history(client, str(record_id)))
    assert kinds["dossier"] >= 19
    assert kinds["mesure"] >= 27
    assert kinds["programme"] >= 1
    assert kinds["commission"] >= 3
    assert kinds["saisine"] == 3  # the Loire's CCAPEX
    total = sum(len(stored) for stored in records.values())
    view = system.engine.reader("audit_trail")
    assert view is not None
    assert view.select("events")[1] == total
    assert view.select("records")[1] == len(records)
