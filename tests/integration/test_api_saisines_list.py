"""GET /v1/saisines, the CCAPEX referrals' list, on each store: the referrals
of the caller's scope, each with the day its prevention work is due by
(CCAPEX-SAISINE's delays), every row read logged; a role that lists none, and
bad input, refused with nothing read; the view rebuilt from the first event is
the one built as the events came, in small batches, and holds each referral as
its aggregate stands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from api.access_log import SAISINE_ROW
from api.demo.loire import LOIRE, SAINT_ETIENNE
from domain.shared import add_months
from tests.helpers.api import (
    StoreSnapshot,
    actor,
    adopt_settings,
    assert_error,
    assert_store_unchanged,
)
from tests.helpers.backends import EVERY_STORE
from tests.helpers.projections import dump_active, rebuild_and_compare
from tests.helpers.saisines_http import DAY, HEARING, SUMMONS, signalled
from tests.helpers.web import caught_up, logged_reads

if TYPE_CHECKING:
    from starlette.testclient import TestClient

pytestmark = [EVERY_STORE, pytest.mark.usefixtures("department")]


# Small batches: a referral's events land in several view transactions.
PROJECTOR_BATCH_SIZE = 3


def listed(client: TestClient, role: str = "ccapex", **params: Any) -> Any:
    answer = client.get("/v1/saisines", params=params, headers=actor(role))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_each_referral_of_the_scope_is_listed_with_the_day_it_is_due(
    client: TestClient,
) -> None:
    early = signalled(client)  # SIMAR, a legal entity: two months to assign
    heard = signalled(client, "registration", "court-dates")
    assert adopt_settings(client, LOIRE).status_code == 201
    loire = signalled(client, department=LOIRE, commune=SAINT_ETIENNE)
    caught_up(client)
    page = listed(client)  # Martinique's CCAPEX
    rows = {row["id"]: row for row in page["data"]}
    assert set(rows) == {early, heard}  # not the Loire's
    assert loire not in rows
    assert rows[early]["due_on"] == add_months(DAY["signal"], 2).isoformat()
    assert rows[early]["stage"] == "signalee"
    # the hearing once known: the household's case examined before it
    assert (rows[heard]["summons_on"], rows[heard]["due_on"]) == (
        SUMMONS.isoformat(),
        HEARING.isoformat(),
    )
    assert rows[heard]["stage"] == "enregistree"
    assert "arrears" not in rows[early]  # the debt stays on the referral
    assert logged_reads(client, early, "ccapex") == [("GET /v1/saisines", SAISINE_ROW)]
    staged = listed(client, stage="signalee")
    assert [row["id"] for row in staged["data"]] == [early]
    assert listed(client, commune="97213")["data"] == []  # Le Lamentin: none
    assert listed(client, "auditeur", department=LOIRE)["count"] == 1


@pytest.mark.parametrize("role", ["bailleur", "mairie", "caf", "prescripteur"])
def test_a_role_that_lists_no_referral_is_refused_and_nothing_read(
    client: TestClient, role: str
) -> None:
    saisine = signalled(client)
    caught_up(client)
    answer = client.get("/v1/saisines", headers=actor(role))
    assert_error(answer, 403, "forbidden")
    assert logged_reads(client, saisine, role) == []


@pytest.mark.parametrize(
    "params",
    [{"stage": "inconnu"}, {"limit": "0"}, {"department": "99"}, {"commune": "x"}],
)
def test_bad_input_is_refused_in_french_and_nothing_read(
    client: TestClient, params: dict[str, str]
) -> None:
    saisine = signalled(client)
    caught_up(client)
    before = StoreSnapshot.take(client)
    answer = client.get("/v1/saisines", params=params, headers=actor("ccapex"))
    assert_error(answer, 422, "invalid_input")
    assert_store_unchanged(client, before)
    assert logged_reads(client, saisine, "ccapex") == []


def test_the_view_rebuilt_from_the_first_event_is_the_one_built_as_it_came(
    client: TestClient,
) -> None:
    ids = [
        signalled(client),
        signalled(client, "registration", "enquiry-request", "enquiry-return"),
        signalled(client, "registration", "court-dates", "closure"),
        signalled(
            client,
            "registration",
            "enquiry-request",
            "enquiry-return",
            "orientation",
            "examination",
            "avis",
            "follow-up",
        ),
    ]
    caught_up(client)
    engine = client.app.state.system.engine  # type: ignore[attr-defined]
    app = client.app.state.system.app  # type: ignore[attr-defined]
    _, view = dump_active(engine, "saisines")
    rows = {row["id"]: row for row in view["saisines"]}
    columns = ("stage", "version", "summons_on", "hearing_on", "closed_on")
    # each event applied once: the row is the aggregate as it stands
    assert {i: tuple(rows[i][c] for c in columns) for i in rows} == {
        saisine.id: tuple(getattr(saisine, c) for c in columns)
        for saisine in (app.get_saisine(UUID(i)) for i in ids)
    }
    rebuild_and_compare(engine, "saisines")
