"""LOGEMENT-UNIQUE over the API (issue 14, hole 0): a dwelling is held by one
household at a time and a household by one dwelling. The CAL's attribution is
saved on the dwelling's programme in the same transaction as the decision, so
concurrent sessions on one dwelling meet the store's optimistic concurrency:
exactly one is kept, on both stores. Every other path is refused with the
rule's id as its code, the store unchanged (on SQLite only: the same code)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from tests.helpers import api, procedure
from tests.helpers.backends import EVERY_STORE
from tests.helpers.threads import race

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient

pytestmark = [EVERY_STORE, pytest.mark.usefixtures("department")]
RULE = "LOGEMENT-UNIQUE"
REF = "A1"
SESSIONS = 4  # CAL sessions racing for one dwelling


def cal(client: TestClient, programme_id: str, ref: str = REF) -> str:
    return procedure.in_session(
        client, "cal", programme_id=programme_id, dwelling_refs=[ref]
    )


def attribute(
    client: TestClient, cal_id: str, dossier_id: str, ref: str = REF, **as_: Any
) -> httpx.Response:
    """The CAL attributes the dwelling to the household examined alone."""
    candidates = [procedure.attribution(dossier_id)]
    return procedure.decide(
        client, cal_id, ref, candidates, shortfall_motive=procedure.SHORTFALL, **as_
    )


def lease(
    client: TestClient, programme_id: str, dossier_id: str, ref: str = REF
) -> httpx.Response:
    return client.post(
        f"/v1/programmes/{programme_id}/dwellings/{ref}/lease",
        json={"dossier_id": dossier_id, "lease_start": api.today().isoformat()},
        headers=api.actor("bailleur"),
    )


def dwelling(client: TestClient, programme_id: str, ref: str = REF) -> dict[str, Any]:
    answer = client.get(f"/v1/programmes/{programme_id}")
    assert answer.status_code == 200, answer.text
    [found] = [d for d in answer.json()["dwellings"] if d["ref"] == ref]
    return found


def test_cal_sessions_racing_for_one_dwelling_attribute_it_once(
    client: TestClient,
) -> None:
    programme_id = procedure.concerted_programme(client)
    ranked, _, _ = procedure.ranked_dossiers(client, programme_id, ranked=SESSIONS)
    sessions = [cal(client, programme_id) for _ in ranked]

    answers = race(
        *(
            partial(attribute, client, cal_id, dossier_id)
            for cal_id, dossier_id in zip(sessions, ranked, strict=True)
        )
    )

    won = [i for i, answer in enumerate(answers) if answer.status_code == 200]
    assert len(won) == 1, [a.text for a in answers]
    for answer in answers:  # lost the race (version) or met the winner's hold
        if answer.status_code != 200:
            assert answer.json()["code"] in (RULE, "version_conflict"), answer.text
            assert answer.status_code == 409, answer.text
    stages = [api.stage_of(client, dossier_id) for dossier_id in ranked]
    assert stages.count("decide_cal") == 1
    assert stages.count("classe") == SESSIONS - 1
    [winner] = won
    assert lease(client, programme_id, ranked[winner]).status_code == 200
    for loser in set(range(SESSIONS)) - {winner}:
        api.assert_error(
            lease(client, programme_id, ranked[loser]), 409, "dwelling_not_available"
        )


def test_one_household_attributed_by_two_programmes_at_once_is_kept_once(
    client: TestClient,
) -> None:
    # Vacancies in existing stock: a household of the commune's liste
    # complémentaire may serve either (a new delivery takes its own ranked ones).
    first, second = (
        procedure.concerted_programme(client, kind="vacance") for _ in range(2)
    )
    _, [dossier_id], _ = procedure.ranked_dossiers(client, ranked=1, liste=1)
    sessions = [cal(client, first), cal(client, second)]

    answers = race(*(partial(attribute, client, s, dossier_id) for s in sessions))

    assert sorted(a.status_code for a in answers) == [200, 409], [
        a.text for a in answers
    ]
    won = next(i for i, a in enumerate(answers) if a.status_code == 200)
    programmes = (first, second)
    assert lease(client, programmes[won], dossier_id).status_code == 200
    api.assert_error(lease(client, programmes[1 - won], dossier_id), 409, RULE)


@pytest.mark.parametrize("backend", ["sqlite"])  # the same code on both stores
class TestRefused:
    def test_a_dwelling_held_by_a_household_is_not_attributed_again(
        self, client: TestClient
    ) -> None:
        programme_id = procedure.concerted_programme(client)
        (first, second), _, _ = procedure.ranked_dossiers(
            client, programme_id, ranked=2
        )
        assert attribute(client, cal(client, programme_id), first).status_code == 200
        other = cal(client, programme_id)
        before = api.StoreSnapshot.take(
            client, second, resources=[f"/v1/programmes/{programme_id}"]
        )

        error = api.assert_error(attribute(client, other, second), 409, RULE)

        assert "déjà attribué" in error["message"]
        api.assert_store_unchanged(client, before, second)

    def test_no_cal_is_convened_on_a_let_dwelling(self, client: TestClient) -> None:
        programme_id = procedure.concerted_programme(client)
        ranked, _, _ = procedure.ranked_dossiers(client, programme_id, ranked=2)
        late = cal(client, programme_id)  # convened before the lease
        assert (
            attribute(client, cal(client, programme_id), ranked[0]).status_code == 200
        )
        assert lease(client, programme_id, ranked[0]).status_code == 200
        before = api.StoreSnapshot.take(client, ranked[1])

        convened = procedure.convene(
            client, "cal", programme_id=programme_id, dwelling_refs=[REF]
        )
        error = api.assert_error(convened, 409, RULE)
        assert "déjà loué" in error["message"]
        api.refused(
            attribute(client, late, ranked[1]), 409, RULE, client, before, ranked[1]
        )

    def test_a_lease_goes_only_to_the_household_the_cal_attributed(
        self, client: TestClient
    ) -> None:
        programme_id = procedure.concerted_programme(client)
        [examined, never], _, _ = procedure.ranked_dossiers(
            client, programme_id, ranked=2
        )
        assert attribute(client, cal(client, programme_id), examined).status_code == 200
        path = f"/v1/programmes/{programme_id}"
        before = api.StoreSnapshot.take(client, resources=[path])

        error = api.assert_error(lease(client, programme_id, never), 409, RULE)
        assert "Aucune décision de CAL" in error["message"]
        api.assert_error(lease(client, programme_id, str(uuid4())), 409, RULE)
        api.refused(
            lease(client, programme_id, examined, "A2"), 409, RULE, client, before
        )
        assert dwelling(client, programme_id)["status"] == "a_attribuer"
        assert lease(client, programme_id, examined).status_code == 200

    def test_a_cal_without_programme_examines_no_programmes_dwelling(
        self, client: TestClient
    ) -> None:
        programme_id = procedure.concerted_programme(client)  # SIMAR's A1 and A2
        [household], _, _ = procedure.ranked_dossiers(client, programme_id, ranked=1)
        assert (
            attribute(client, cal(client, programme_id), household).status_code == 200
        )
        assert lease(client, programme_id, household).status_code == 200
        before = api.StoreSnapshot.take(client)

        theirs = procedure.convene(
            client, "cal", dwelling_refs=[REF], organisation=api.OTHER_LANDLORD
        )
        own = procedure.convene(client, "cal", dwelling_refs=["A2"])

        assert "seule sa CAL" in api.assert_error(theirs, 409, RULE)["message"]
        assert "pour ce programme" in api.assert_error(own, 409, RULE)["message"]
        api.assert_store_unchanged(client, before)

    def test_a_programme_announced_after_the_cal_was_convened_still_counts(
        self, client: TestClient
    ) -> None:
        [unowned], _, _ = procedure.ranked_dossiers(
            client, ranked=1
        )  # for no programme
        cal_id = procedure.in_session(
            client, "cal", dwelling_refs=["B7"], organisation=api.OTHER_LANDLORD
        )
        procedure.concerted_programme(client, refs=["B7"])  # SIMAR's
        before = api.StoreSnapshot.take(client, unowned)

        answer = attribute(
            client, cal_id, unowned, "B7", organisation=api.OTHER_LANDLORD
        )

        api.refused(answer, 409, RULE, client, before, unowned)
