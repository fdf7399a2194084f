"""CCAPEX referrals over the API: a valid body and an allowed role for every step,
dated on a calendar of last year's spring and summer (outside the winter truce,
whatever the day the tests run), and a referral signalled by its landlord then
taken through any steps.

    saisine_id = signalled(client, *COURSE[:3])
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tests.helpers.api import (
    COMMUNE,
    DEPARTMENT,
    ORGANISATIONS,
    acting_in,
    today,
    write_headers,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx
    from starlette.testclient import TestClient

OPERATOR = "UDAF 972 (MOUS)"  # ASCII: header values are latin-1
LANDLORD = ORGANISATIONS["bailleur"]
SPRING = date(today().year - 1, 4, 1)
DAY: dict[str, date] = {
    "signal": SPRING,
    "registration": SPRING + timedelta(days=2),
    "enquiry-request": SPRING + timedelta(days=6),
    "enquiry-return": SPRING + timedelta(days=34),
    "orientation": SPRING + timedelta(days=41),
    "examination": SPRING + timedelta(days=49),
    "avis": SPRING + timedelta(days=49),
    "follow-up": SPRING + timedelta(days=76),
    "court-dates": SPRING + timedelta(days=91),
    "closure": date(SPRING.year, 10, 15),
}
SUMMONS = DAY["court-dates"] - timedelta(days=5)
HEARING = SUMMONS + timedelta(weeks=8)


def dated(slug: str, **fields: Any) -> dict[str, Any]:
    return {"occurred_on": DAY[slug].isoformat(), **fields}


# A valid body and an allowed role for every step, in the course's order.
BODIES: dict[str, dict[str, Any]] = {
    "registration": dated("registration"),
    "enquiry-request": dated(
        "enquiry-request", operator=OPERATOR, operator_role="association"
    ),
    "enquiry-return": dated(
        "enquiry-return", summary="Dette née d'une perte d'emploi ; plan accepté."
    ),
    "orientation": dated("orientation", towards="fsl", note="Aide FSL maintien."),
    "examination": {"session_on": DAY["examination"].isoformat()},
    "avis": dated(
        "avis",
        recommendations=["Saisir le FSL", "Plan d'apurement avec le bailleur"],
    ),
    "follow-up": dated("follow-up", note="Aide FSL accordée."),
    "court-dates": dated(
        "court-dates", summons_on=SUMMONS.isoformat(), hearing_on=HEARING.isoformat()
    ),
    "closure": dated("closure", outcome="dette_soldee"),
}
ROLE = {
    "registration": "ccapex",
    "enquiry-request": "ccapex",
    "enquiry-return": "association",
    "orientation": "ccapex",
    "examination": "ccapex",
    "avis": "ccapex",
    "follow-up": "ccapex",
    "court-dates": "prefecture",
    "closure": "ccapex",
}
COURSE = tuple(BODIES)


def signalling(**overrides: Any) -> dict[str, Any]:
    """SIMAR, a legal entity, refers its tenant to the CCAPEX."""
    return {
        "source": "saisine_bailleur",
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "landlord": LANDLORD,
        "landlord_is_legal_entity": True,
        "arrears": "1850.40",
        "occurred_on": DAY["signal"].isoformat(),
        **overrides,
    }


def headers(
    role: str,
    *,
    organisation: str | None = None,
    if_match: int | str | None = None,
    key: str | None = None,
) -> dict[str, str]:
    if organisation is None and role == "association":
        organisation = OPERATOR  # the enquiry's operator
    return write_headers(role, organisation, if_match=if_match, key=key)


def signal(
    client: TestClient,
    body: Mapping[str, Any] | None = None,
    *,
    role: str = "bailleur",
    **options: Any,
) -> httpx.Response:
    return client.post(
        "/v1/saisines",
        json=dict(body) if body is not None else signalling(),
        headers=headers(role, **options),
    )


def step(
    client: TestClient,
    saisine_id: str,
    slug: str,
    body: Mapping[str, Any] | None = None,
    *,
    role: str | None = None,
    **options: Any,
) -> httpx.Response:
    """POST one step: its body and role by default from BODIES and ROLE."""
    return client.post(
        f"/v1/saisines/{saisine_id}/{slug}",
        json=dict(body) if body is not None else BODIES[slug],
        headers=headers(role or ROLE[slug], **options),
    )


def signalled(
    client: TestClient,
    *steps: str,
    bodies: Mapping[str, Mapping[str, Any]] | None = None,
    **signal_with: Any,
) -> str:
    """A referral signalled by SIMAR (`signal_with`: what differs from
    `signalling()`), then taken through `steps` by agents acting where it sits
    (`bodies`: fields that differ from BODIES', by step); its id."""
    body = signalling(**signal_with)
    with acting_in(body["department"], body["commune"]):
        answer = signal(client, body)
        assert answer.status_code == 201, answer.text
        saisine_id: str = answer.json()["id"]
        for slug in steps:
            sent = {**BODIES[slug], **(bodies or {}).get(slug, {})}
            taken = step(client, saisine_id, slug, sent)
            assert taken.status_code == 200, f"{slug}: {taken.text}"
    return saisine_id
