"""The web pages from a test: a browser (no bearer token, cookies kept,
redirects not followed) signed in as a demo person by the sign-in form, and
the access log's rows of one record read by one role."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from html import unescape
from typing import TYPE_CHECKING, Any

import pytest
from markupsafe import escape
from starlette.testclient import TestClient

from api.demo.identities import DEMO_IDENTITIES
from api.web import french
from tests.helpers.api import store_position, today

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import httpx

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def index_of(role: str, organisation: str | None = None) -> int:
    return next(
        i
        for i, (actor, _, _) in enumerate(DEMO_IDENTITIES)
        if actor.role == role
        and (organisation is None or actor.organisation == organisation)
    )


@pytest.fixture
def browser(client: TestClient) -> Iterator[TestClient]:
    """A browser: no bearer token, cookies kept, redirects not followed."""
    with TestClient(client.app, follow_redirects=False) as anonymous:
        yield anonymous


def sign_in(browser: TestClient, role: str, home: str = "/travail") -> httpx.Response:
    page = browser.get("/connexion")
    assert page.status_code == 200
    token = CSRF.search(page.text)[1]
    answer = browser.post(
        "/connexion", data={"csrf_token": token, "identity": str(index_of(role))}
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == home
    return answer


WORK_ROW = re.compile(
    r"<tr( class=\"logis-en-retard\")?>\s*<td>([^<]*)</td>\s*"
    r'<td><a href="/(\w+)/([0-9a-f-]{36})">([^<]*)</a></td>\s*<td>(.*?)</td>',
    re.S,
)


def worklist_rows(html: str) -> list[tuple[bool, str, str, str, str]]:
    """The worklist's rows: (overdue, what to do, record id, record, deadline)."""
    return [
        (
            bool(late),
            unescape(label),
            record_id,
            unescape(record),
            unescape(re.sub(r"<[^>]+>", "", cell)).strip(),
        )
        for late, label, _, record_id, record, cell in WORK_ROW.findall(html)
    ]


def caught_up(client: TestClient) -> None:
    """The views the worklist reads hold every event stored so far."""
    position = store_position(client)
    for path in ("/v1/dossiers", "/v1/bilans", "/v1/saisines"):
        answer = client.get(path, params={"min_position": position, "limit": 1})
        assert answer.status_code == 200, answer.text


HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def hidden_fields(page: httpx.Response, form_id: str) -> dict[str, str]:
    """The hidden fields of the page's form `formulaire-<form_id>`, with the
    session's CSRF token: what a browser sends besides what is typed."""
    assert page.status_code == 200, page.text
    start = page.text.index(f'id="formulaire-{form_id}"')
    form = page.text[start : page.text.index("</form>", start)]
    return {"csrf_token": CSRF.search(page.text)[1], **dict(HIDDEN.findall(form))}


def page_as(browser: TestClient, role: str, path: str, **params: Any) -> httpx.Response:
    """The page at `path` that an agent of `role`, once signed in, opens (200)."""
    sign_in(browser, role)
    page = browser.get(path, params=params)
    assert page.status_code == 200, page.text
    return page


def logged_reads(
    client: TestClient, record_id: str, role: str
) -> list[tuple[str, tuple[Any, ...]]]:
    """The access log's (endpoint, categories) rows of `record_id` read by `role`."""
    log = client.get("/v1/access-log", params={"record_id": record_id}).json()
    return sorted(
        (row["endpoint"], tuple(row["categories"]))
        for row in log["data"]
        if row["role"] == role
    )


def without_links(html: str) -> str:
    """The page without its links' and forms' targets (where identifiers may
    be)."""
    return re.sub(r'(href|action)="[^"]*"', "", html)


def assert_logged_like_the_api(
    client: TestClient,
    record_id: str,
    role: str,
    api_paths: list[str],
    headers: dict[str, str],
    before: Sequence[tuple[str, tuple[Any, ...]]] = (),
) -> None:
    """The rows the pages logged for `record_id` (read by `role`; `before`:
    the rows already there) are those the API logs when the same reads go
    through `api_paths`: as many, with the same categories (their endpoint is
    the page's)."""
    logged = Counter(logged_reads(client, record_id, role))
    pages = list((logged - Counter(before)).elements())
    for path in api_paths:
        assert client.get(path, headers=headers).status_code == 200, path
    everything = Counter(logged_reads(client, record_id, role))
    api = sorted((everything - logged).elements())
    assert sorted(c for _, c in api) == sorted(c for _, c in pages), (api, pages)


def assert_as_of_like_the_api(
    client: TestClient, browser: TestClient, kind: str, record_id: str, badge: str
) -> None:
    """A record's page as of a day answers as its JSON route does (a refusal
    with the API's message), with `badge` and the day in words."""
    for day in ("2000-01-01", today().isoformat()):
        page = browser.get(f"/{kind}s/{record_id}", params={"as_of": day})
        api = client.get(f"/v1/{kind}s/{record_id}", params={"as_of": day})
        assert page.status_code == api.status_code, day
        if api.status_code != 200:
            assert str(escape(api.json()["message"])) in page.text
        else:
            assert f"{badge} {french.day(date.fromisoformat(day))}" in page.text


def assert_stale(answer: httpx.Response, this: str, recorded: str) -> None:
    """A form refused as stale (409): `this` record changed since the form was
    opened, and the step `recorded` since is listed."""
    assert answer.status_code == 409
    text = unescape(answer.text)
    assert f"{this} a changé depuis l'ouverture du formulaire" in text
    since = re.search(r'<ul id="entre-temps">(.*?)</ul>', text, re.S)
    assert since
    assert recorded in since[1]
