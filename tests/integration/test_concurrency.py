"""Concurrent writers over HTTP: the store's optimistic concurrency lets exactly one
of two writers at the same version through, and never loses nor duplicates an
event. Each race is repeated ROUNDS times, on both stores.

Positions (notification ids) are not dense on PostgreSQL: an insert refused by the
store still consumes its sequence number, so they are compared, not counted.

The writers are threads released together by a barrier; the app runs their sync
endpoints in its worker threads, so both load the dossier before either saves in
most rounds (a writer that loads after the other saved meets the same refusal
through If-Match, or a rule of the procedure)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import api
from tests.helpers.backends import EVERY_STORE
from tests.helpers.procedure import in_session, preselect, solvent_dossiers
from tests.helpers.threads import race

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx
    from starlette.testclient import TestClient

pytestmark = [EVERY_STORE, pytest.mark.usefixtures("department")]
ROUNDS = 10


def raced_steps(
    client: TestClient, dossier_id: str
) -> Iterator[tuple[int, api.Step, int]]:
    """The main line's first ROUNDS dossier endpoints on an identified dossier,
    each to race: its round and the dossier's version before the race, which
    adds one event. The commission steps between them (pré-selection, ranking,
    CAL) are taken once, each adding one event to the dossier."""
    version, raced = 1, 0
    for step in api.main_line():
        if raced == ROUNDS:
            return
        if step.is_endpoint:
            yield raced, step, version
            raced += 1
        else:
            answer = api.take(client, dossier_id, step)
            assert answer.status_code == 200, answer.text
        version += 1


def race_the_step(
    client: TestClient, dossier_id: str, step: api.Step, **options: Any
) -> tuple[list[httpx.Response], int]:
    """Two writers record `step` at once (`options`: If-Match, idempotency key):
    their answers, and the store's position before the race."""
    position = api.store_position(client)
    body = step.body(api.today())
    write = partial(
        api.record, client, dossier_id, step.slug, body, role=step.role, **options
    )
    return race(write, write), position


def assert_history_without_gap(
    client: TestClient, dossier_id: str, length: int
) -> None:
    events = api.history(client, dossier_id)
    assert [e["version"] for e in events] == list(range(1, length + 1))
    assert len({e["command_id"] for e in events}) == length


def test_two_writers_with_the_same_if_match_one_wins(client: TestClient) -> None:
    dossier_id = api.drive_dossier(client, to="identifie")
    for _, step, version in raced_steps(client, dossier_id):
        answers, position = race_the_step(client, dossier_id, step, if_match=version)

        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 409], [a.text for a in answers]
        winner = next(a for a in answers if a.status_code == 200)
        loser = next(a for a in answers if a.status_code == 409)
        api.assert_error(loser, 409, "version_conflict")
        assert (winner.json()["version"], winner.json()["stage"]) == (
            version + 1,
            step.stage,
        )
        assert winner.json()["position"] == api.store_position(client) > position
        assert_history_without_gap(client, dossier_id, version + 1)


def test_two_writers_without_if_match_one_wins(client: TestClient) -> None:
    dossier_id = api.drive_dossier(client, to="identifie")
    refusals: set[str] = set()
    for _, step, version in raced_steps(client, dossier_id):
        answers, position = race_the_step(client, dossier_id, step)

        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 409], [a.text for a in answers]
        winner = next(a for a in answers if a.status_code == 200)
        loser = next(a for a in answers if a.status_code == 409)
        # Loaded before the winner saved: the store refuses the version; loaded
        # after: the procedure refuses a step already recorded.
        refusals.add(api.assert_error(loser, 409)["code"])
        assert winner.json()["version"] == version + 1
        assert winner.json()["position"] == api.store_position(client) > position
        assert_history_without_gap(client, dossier_id, version + 1)
    known = {
        "version_conflict",
        "DOS-ORDRE",
        "DOS-COMPLET",
        "invalid_transition",
    }
    assert refusals <= known


def test_repeatable_step_loses_no_event(client: TestClient) -> None:
    """Two document requests at once: both may be recorded, one after the other,
    or one refused; every accepted request is one event, none lost."""
    dossier_id = api.drive_dossier(client, to="en_analyse")
    version = len(api.history(client, dossier_id))
    for round_ in range(ROUNDS):
        bodies = [
            {
                **api.DOCUMENTS_REQUEST.body(api.today()),
                "documents": [f"piece_{round_}_{w}"],
            }
            for w in (0, 1)
        ]
        position = api.store_position(client)

        answers = race(
            *[
                (
                    lambda b=b: api.record(
                        client, dossier_id, "documents-request", b, role="als"
                    )
                )
                for b in bodies
            ]
        )

        accepted = [a for a in answers if a.status_code == 200]
        for refused in (a for a in answers if a.status_code != 200):
            api.assert_error(refused, 409, "version_conflict")
        assert accepted, [a.text for a in answers]
        versions = sorted(a.json()["version"] for a in accepted)
        assert versions == list(range(version + 1, version + 1 + len(accepted)))
        version += len(accepted)
        assert max(a.json()["position"] for a in accepted) == api.store_position(client)
        assert min(a.json()["position"] for a in accepted) > position
        assert_history_without_gap(client, dossier_id, version)
        events = api.history(client, dossier_id)[-len(accepted) :]
        recorded = sorted(e["data"]["documents"][0] for e in events)
        sent = sorted(
            b["documents"][0]
            for b, a in zip(bodies, answers, strict=True)
            if a.status_code == 200
        )
        assert recorded == sent


def test_same_idempotent_command_sent_twice_at_once_is_recorded_once(
    client: TestClient,
) -> None:
    dossier_id = api.drive_dossier(client, to="identifie")
    for n, step, version in raced_steps(client, dossier_id):
        answers, position = race_the_step(client, dossier_id, step, key=f"k-{n}")

        assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        assert answers[0].json() == answers[1].json()
        assert answers[0].json()["version"] == version + 1
        assert answers[0].json()["position"] == api.store_position(client) > position
        assert_history_without_gap(client, dossier_id, version + 1)


def test_same_identification_sent_twice_at_once_opens_one_dossier(
    client: TestClient,
) -> None:
    for n in range(ROUNDS):
        position = api.store_position(client)
        headers = {"Idempotency-Key": f"ccas-{n}"}

        write = partial(api.identify, client, api.identification(), headers=headers)

        answers = race(write, write)

        assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
        assert answers[0].json() == answers[1].json()
        assert answers[0].json()["position"] == api.store_position(client) > position
        assert_history_without_gap(client, answers[0].json()["id"], 1)
        listed = client.get(
            "/v1/dossiers", params={"min_position": api.store_position(client)}
        )
        assert listed.json()["count"] == n + 1


def test_writers_on_different_dossiers_do_not_conflict(client: TestClient) -> None:
    step = api.main_line()[0]
    for round_ in range(3):
        dossiers = [api.drive_dossier(client, to="identifie") for _ in range(4)]
        position = api.store_position(client)

        answers = race(
            *[
                (
                    lambda d=d: api.record(
                        client,
                        d,
                        step.slug,
                        step.body(api.today()),
                        role=step.role,
                        if_match=1,
                    )
                )
                for d in dossiers
            ]
        )

        assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
        positions = sorted(a.json()["position"] for a in answers)
        assert len(set(positions)) == 4
        assert positions[0] > position
        assert positions[-1] == api.store_position(client)
        listed = client.get(
            "/v1/dossiers", params={"min_position": positions[-1], "stage": step.stage}
        ).json()
        assert listed["count"] == 4 * (round_ + 1)
        assert set(dossiers) <= {r["id"] for r in listed["data"]}


def test_two_commissions_deciding_on_one_dossier_at_once_one_wins(
    client: TestClient,
) -> None:
    """Two pré-commissions select the same dossier at once: the decision is saved
    with the dossier in one transaction, so one wins; the other leaves no event,
    on its commission nor on the dossier."""
    for _ in range(ROUNDS // 2):
        [dossier_id] = solvent_dossiers(client, 1)
        version = len(api.history(client, dossier_id))
        sessions = [in_session(client, "pre_commission") for _ in range(2)]
        position = api.store_position(client)

        answers = race(
            *[
                partial(preselect, client, session, {dossier_id: "prioritaire"})
                for session in sessions
            ]
        )

        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 409], [a.text for a in answers]
        winner = next(a for a in answers if a.status_code == 200).json()
        loser = next(a for a in answers if a.status_code == 409)
        # loaded before the winner saved: the dossier's version conflicts; after:
        # the dossier is no longer at the solvency study
        assert api.assert_error(loser, 409)["code"] in ("version_conflict", "DOS-ORDRE")
        assert winner["position"] == api.store_position(client) > position
        assert_history_without_gap(client, dossier_id, version + 1)
        [selected] = api.history(client, dossier_id)[-1:]
        assert selected["data"]["commission_id"] == winner["id"]
        versions = {s: client.get(f"/v1/commissions/{s}").json() for s in sessions}
        assert {
            s: (c["version"], len(c["preselections"])) for s, c in versions.items()
        } == {s: (3, 1) if s == winner["id"] else (2, 0) for s in sessions}
