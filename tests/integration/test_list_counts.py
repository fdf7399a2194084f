"""A list counts its matching rows up to LOGIS_LIST_COUNT_LIMIT past its page
(issue 18): an exact count below it, "more than" beyond it (`count_capped`),
on the API, the pages and the command line, on both stores; a page past the
limit still says whether another follows."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from api.web.pages import PAGE_SIZE
from tests.helpers import api as calls
from tests.helpers import web
from tests.helpers.backends import EVERY_STORE
from tests.helpers.prepared_stores import default_settings
from tests.helpers.procedure import announce
from tests.helpers.web import sign_in

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.testclient import TestClient

    from infra.settings import Settings

pytestmark = [EVERY_STORE, pytest.mark.usefixtures("department")]
browser = web.browser  # a fixture
LIMIT = 3  # the test's LOGIS_LIST_COUNT_LIMIT
MANY = PAGE_SIZE + 1  # dossiers in Fort-de-France: more than a page of the web list
FEW = LIMIT  # dossiers in Le Lamentin: exactly the limit, counted exactly


@pytest.fixture
def settings(database_url: str) -> Settings:
    return default_settings(database_url, list_count_limit=LIMIT)


@pytest.fixture
def position(client: TestClient) -> int:
    """MANY dossiers in Fort-de-France and FEW in Le Lamentin, identified."""
    for commune, n in ((calls.COMMUNE, MANY), (calls.OTHER_COMMUNE, FEW)):
        for _ in range(n):
            answer = calls.identify(client, calls.identification(commune=commune))
            assert answer.status_code == 201, answer.text
    return calls.store_position(client)


def listed(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_count_stops_past_the_limit_and_says_so(
    client: TestClient, position: int
) -> None:
    pages = [
        listed(client, "/v1/dossiers", min_position=position, limit=2, offset=offset)
        for offset in (0, 2, MANY + FEW - 2)
    ]

    # Counted to the limit, or to the page's end if further: "more than" that.
    assert [(p["count"], p["count_capped"]) for p in pages] == [
        (LIMIT, True),
        (4, True),
        (MANY + FEW, False),  # the last page's end lies past every row
    ]
    assert [len(p["data"]) for p in pages] == [2, 2, 2]


def test_a_count_up_to_the_limit_is_exact(client: TestClient, position: int) -> None:
    for params, count in (
        ({"commune": calls.OTHER_COMMUNE}, FEW),
        ({"commune": calls.OTHER_COMMUNE, "offset": 1}, FEW),
        ({"commune": "97201"}, 0),
        ({"limit": 500}, MANY + FEW),
    ):
        body = listed(client, "/v1/dossiers", min_position=position, **params)
        assert (body["count"], body["count_capped"]) == (count, False), params


def test_every_list_that_counts_caps_its_count(
    client: TestClient, position: int
) -> None:
    for _ in range(LIMIT + 1):
        assert announce(client).status_code == 201
    at = calls.store_position(client)
    programmes = listed(client, "/v1/programmes", min_position=at, limit=1)
    listed(client, "/v1/dossiers", min_position=position)  # each row read logged
    log = listed(client, "/v1/access-log", limit=1)

    for body in (programmes, log):
        assert (body["count"], body["count_capped"], len(body["data"])) == (
            LIMIT,
            True,
            1,
        )


def test_bad_input_is_still_refused(client: TestClient) -> None:
    for path, params in (
        ("/v1/dossiers", {"limit": 0}),
        ("/v1/dossiers", {"offset": -1}),
        ("/v1/dossiers", {"stage": "termine"}),
        ("/v1/access-log", {"limit": 501}),
    ):
        calls.assert_error(client.get(path, params=params), 422, "invalid_input")


def count_line(page: str) -> str:
    found = re.search(r'<p id="compte">([^<]*)</p>', page)
    assert found, page
    return found[1]


def test_the_page_says_more_than_and_offers_the_next(
    client: TestClient, browser: TestClient, position: int
) -> None:
    listed(client, "/v1/dossiers", min_position=position)  # the view caught up
    sign_in(browser, "auditeur", home="/dossiers")

    first, last, lamentin = (
        browser.get("/dossiers", params=params)
        for params in ({}, {"page": 2}, {"commune": calls.OTHER_COMMUNE})
    )

    assert count_line(first.text) == f"plus de {PAGE_SIZE} dossiers — page 1"
    assert "Page suivante" in first.text
    assert count_line(last.text) == f"{MANY + FEW} dossiers — page 2 sur 2"
    assert "Page suivante" not in last.text
    assert count_line(lamentin.text) == f"{FEW} dossiers"


def test_the_command_line_says_more_than(
    client: TestClient,
    position: int,
    logis: Callable[..., tuple[int, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listed(client, "/v1/dossiers", min_position=position)  # reads logged
    monkeypatch.setenv("LOGIS_LIST_COUNT_LIMIT", str(LIMIT))

    status, out = logis("access-log", "--limit", "1")

    assert status == 0, out
    assert f"lectures 1 à 1 sur plus de {LIMIT}," in out
