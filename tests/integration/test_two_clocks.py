"""Two clocks on every read (issue 14): `as_of` is a day, the steps that had
happened by its end (`occurred_on`); `known_at` is a moment, what the store
held then (recording time). A dossier examined at its CAL on day D exists
`as_of` D and is judged then, though it was recorded later; a step recorded a
week after it happened is in the record `as_of` its day only when `known_at`
is after its recording; bad clocks are 422, a record before it existed 404,
saying which clock. Both stores for the replay by `occurred_on`."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import pytest

from tests.helpers.api import (
    CAL_DECISION,
    COMMUNE,
    RANKING,
    assert_error,
    drive_dossier,
    main_line,
    store_position,
    take,
    today,
)
from tests.helpers.backends import EVERY_STORE
from tests.helpers.mesures_http import (  # noqa: F401 (asll: a fixture)
    Step,
    ask,
    asked_a_month_ago,
    asll,
    convention,
    course,
    drive_mesure,
    post,
    request_body,
)

pytestmark = EVERY_STORE

if TYPE_CHECKING:
    from datetime import date

    from starlette.testclient import TestClient


def now() -> str:
    moment = datetime.now(UTC).isoformat()
    time.sleep(0.01)  # the next event is recorded strictly later
    return moment


def get(client: TestClient, path: str, **clocks: Any) -> Any:
    # httpx's `params` replace a query already in the URL: merge them.
    path, _, query = path.partition("?")
    params = dict(parse_qsl(query)) | {k: str(v) for k, v in clocks.items()}
    return client.get(f"/v1/{path}", params=params)


def ok(client: TestClient, path: str, **clocks: Any) -> dict[str, Any]:
    answer = get(client, path, **clocks)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def reads(dossier_id: str) -> list[str]:
    """The dossier, its legality, audit trail and history: every read by id."""
    return [
        f"dossiers/{dossier_id}",
        f"legality/dossiers/{dossier_id}",
        f"dossiers/{dossier_id}/audit",
        f"dossiers/{dossier_id}/history",
    ]


@pytest.mark.usefixtures("department")
def test_a_dossier_exists_on_the_day_of_its_own_commission(
    client: TestClient,
) -> None:
    """The demo's case: every step dated D (its CAL's day), recorded today."""
    day = today() - timedelta(days=40)
    before = now()
    dossier_id = drive_dossier(client, to=CAL_DECISION.stage, on=day)
    current = ok(client, f"dossiers/{dossier_id}")

    then = ok(client, f"dossiers/{dossier_id}", as_of=day)
    assert then == current  # every step happened on D
    judged = ok(client, f"legality/dossiers/{dossier_id}", as_of=day)
    assert judged["as_of"] == day.isoformat()
    assert judged["findings"] == []
    trail = ok(
        client,
        f"dossiers/{dossier_id}/audit",
        as_of=day,
        min_position=store_position(client),
    )
    assert trail["count"] == current["version"]
    for event in trail["events"]:  # both dates on every event
        assert event["occurred_on"] == day.isoformat()
        assert event["recorded_at"] > before

    for path in reads(dossier_id):  # the day before: no step had happened
        error = assert_error(
            get(client, path, as_of=day - timedelta(days=1)),
            404,
            "dossier_not_found_at_date",
        )
        assert "as_of" in error["message"]
        error = assert_error(  # known before it was recorded: unknown
            get(client, path, as_of=day, known_at=before), 404, "dossier_not_known_at"
        )
        assert "known_at" in error["message"]


@pytest.mark.usefixtures("department")
def test_a_late_entry_shows_on_its_day_once_it_is_recorded(client: TestClient) -> None:
    """A ranking that happened a week ago, recorded now: `as_of` its day, it is
    there when known now, not when known before its recording."""
    week_ago = today() - timedelta(days=7)
    steps = main_line()
    ranking = steps.index(RANKING)
    dossier_id = drive_dossier(
        client, to=steps[ranking - 1].stage, on=week_ago - timedelta(days=3)
    )
    before_entry = now()
    answer = take(client, dossier_id, RANKING, RANKING.body(week_ago))
    assert answer.status_code == 200, answer.text

    known_now = ok(client, f"dossiers/{dossier_id}", as_of=week_ago)
    assert known_now["stage"] == RANKING.stage
    known_then = ok(
        client, f"dossiers/{dossier_id}", as_of=week_ago, known_at=before_entry
    )
    assert known_then["stage"] == steps[ranking - 1].stage
    assert known_then["version"] == known_now["version"] - 1
    day_before = ok(
        client, f"dossiers/{dossier_id}", as_of=week_ago - timedelta(days=1)
    )
    assert day_before == known_then

    audit = f"dossiers/{dossier_id}/audit?min_position={store_position(client)}"
    for path in (f"dossiers/{dossier_id}/history", audit):
        late = ok(client, path, as_of=week_ago)["events"]
        assert late[-1]["occurred_on"] == week_ago.isoformat()
        assert late[-1]["recorded_at"] > before_entry  # its two dates differ
        earlier = ok(client, path, as_of=week_ago, known_at=before_entry)
        assert len(earlier["events"]) == len(late) - 1


@pytest.mark.usefixtures("department")
@pytest.mark.parametrize(
    ("clocks", "code"),
    [
        ({"as_of": "hier"}, "invalid_input"),
        ({"as_of": "2026-02-30"}, "invalid_input"),
        ({"known_at": "2026-03-12"}, "invalid_input"),  # a day: which hour?
        ({"known_at": "demain 10h"}, "invalid_input"),
        (
            {"as_of": "2026-03-12T10:00:00", "known_at": "2026-03-12T10:00:00"},
            ("ambiguous_clocks"),
        ),
        ({"known_at": "future"}, "known_at_in_future"),
    ],
)
def test_bad_clocks_are_refused_on_every_read(
    client: TestClient, clocks: dict[str, str], code: str
) -> None:
    dossier_id = drive_dossier(client, to="complet")
    future = {
        "as_of": (today() + timedelta(days=2)).isoformat(),
        "known_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    }
    clocks = {k: future[k] if v == "future" else v for k, v in clocks.items()}
    for path in reads(dossier_id):
        error = assert_error(get(client, path, **clocks), 422, code)
        assert error["message"]


@pytest.mark.usefixtures("department")
def test_the_commune_report_reads_only_what_was_known(client: TestClient) -> None:
    """A record recorded after `known_at` is not in the report as known then."""
    before = now()
    drive_dossier(client, to="complet")
    params = {"commune": COMMUNE, "min_position": store_position(client)}
    then = ok(client, "legality/report", **params, known_at=before)
    assert then["checked"]["dossier"] == 0
    later = ok(client, "legality/report", **params)
    assert later["checked"]["dossier"] == 1


def late_meetings(client: TestClient) -> tuple[str, date, date]:
    """A measure under convention a month ago, a meeting ten days ago, then a
    meeting twenty days ago recorded after it (out of `occurred_on` order)."""
    mesure_id, backdated = asked_a_month_ago(client)
    drive_mesure(client, to="en_cours", path=backdated, mesure_id=mesure_id)
    ten, twenty = today() - timedelta(days=10), today() - timedelta(days=20)
    for on in (ten, twenty):
        body = {"kind": "entretien", "occurred_on": on.isoformat()}
        answer = post(client, mesure_id, "meeting", body, role="association")
        assert answer.status_code == 200, answer.text
    return mesure_id, ten, twenty


@pytest.mark.usefixtures("asll")
def test_a_step_recorded_behind_a_later_one(client: TestClient) -> None:
    """As of fifteen days ago, the meeting of twenty days ago had happened, that
    of ten days ago had not: the history, the audit trail and legality hold
    the first and not the second; the state stops before the second (it cannot
    replay a version gap: domain/clocks.py)."""
    mesure_id, ten, twenty = late_meetings(client)
    current = ok(client, f"mesures/{mesure_id}")
    as_of = today() - timedelta(days=15)

    audit = f"mesures/{mesure_id}/audit?min_position={store_position(client)}"
    for path in (f"mesures/{mesure_id}/history", audit):
        days = [e["occurred_on"] for e in ok(client, path, as_of=as_of)["events"]]
        assert twenty.isoformat() in days
        assert ten.isoformat() not in days
        versions = [e["version"] for e in ok(client, path, as_of=as_of)["events"]]
        assert versions == sorted(versions)
        assert current["version"] in versions  # the late meeting, last recorded
        assert current["version"] - 1 not in versions

    state = ok(client, f"mesures/{mesure_id}", as_of=as_of)
    assert state["version"] == current["version"] - 2  # before ten days ago
    assert state["meetings"] == []
    assert ok(client, f"legality/mesures/{mesure_id}", as_of=as_of)["as_of"] == (
        as_of.isoformat()
    )


@pytest.mark.usefixtures("department")
def test_a_day_to_come_reads_what_is_recorded_judged_then(client: TestClient) -> None:
    """`as_of` a day to come is allowed (documented): the steps recorded so far,
    legality judged on that day; `known_at` to come is not (above)."""
    dossier_id = drive_dossier(client, to="complet")
    later = today() + timedelta(days=400)
    assert ok(client, f"dossiers/{dossier_id}", as_of=later) == ok(
        client, f"dossiers/{dossier_id}"
    )
    judged = ok(client, f"legality/dossiers/{dossier_id}", as_of=later)
    assert judged["as_of"] == later.isoformat()
