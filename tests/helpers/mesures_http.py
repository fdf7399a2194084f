"""ASLL measures over the API: department 972 with its associations (the `asll`
fixture), request bodies and headers, and a measure driven along its course,
step by step, each step recorded by an agent allowed to take it.

    mesure_id = drive_mesure(client, to="en_cours")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers.api import (
    COMMUNE,
    DEPARTMENT,
    ORGANISATIONS,
    adopt_settings,
    history_of,
    post_step,
    read_record,
    settings_body,
    today,
)
from tests.helpers.api import write_headers as headers

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx
    from starlette.testclient import TestClient

# ADSEA 42 takes one household at a time here, so its last place is easy to race
# for; ANEF runs one suivi renforcé; ARIV instructs its own actions [seed 002].
ASSOCIATIONS: list[dict[str, Any]] = [
    {"code": "agasef", "name": "AGASEF", "monthly_capacity": 30},
    {
        "code": "adsea_42",
        "name": "ADSEA 42",
        "monthly_capacity": 1,
        "renforce_capacity": 1,
    },
    {"code": "anef", "name": "ANEF", "monthly_capacity": 5, "renforce_capacity": 1},
    {"code": "ariv", "name": "ARIV", "monthly_capacity": 5, "direct": True},
]
NAMES = {a["code"]: a["name"] for a in ASSOCIATIONS}
PRESCRIBERS = ["prescripteur", "als"]
CLU = ORGANISATIONS["commission_logement"]
CLT = "CLT Gier-Pilat"
LANDLORD = ORGANISATIONS["bailleur"]
AXES = ["gestion_budgetaire", "appropriation_et_usage_du_logement"]


def asll_settings(**overrides: Any) -> dict[str, Any]:
    return settings_body(
        **{"associations": ASSOCIATIONS, "prescriber_roles": PRESCRIBERS, **overrides}
    )


@pytest.fixture
def asll(client: TestClient) -> str:
    """Department 972 with its ASLL associations, the ALS among the prescribers."""
    answer = adopt_settings(client, DEPARTMENT, asll_settings())
    assert answer.status_code == 201, answer.text
    return DEPARTMENT


# ---- requests ---------------------------------------------------------------------


def request_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "individuelle",
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "diagnostic_summary": "Dettes de loyer ; budget à reprendre ; projet d'accès.",
        "diagnostic_signed_on": today().isoformat(),
        "household_signed": True,
        **overrides,
    }
    return {k: v for k, v in body.items() if v is not None}


def ask(
    client: TestClient,
    body: Mapping[str, Any] | None = None,
    *,
    role: str = "prescripteur",
    organisation: str | None = None,
    key: str | None = None,
) -> httpx.Response:
    return client.post(
        "/v1/mesures",
        json=dict(body) if body is not None else request_body(),
        headers=headers(role, organisation, key=key),
    )


# POST one step of a measure.
post = partial(post_step, "mesures")


def read(client: TestClient, mesure_id: str) -> dict[str, Any]:
    return read_record(client, "mesures", mesure_id)


def events_of(client: TestClient, mesure_id: str) -> list[dict[str, Any]]:
    return history_of(client, "mesures", mesure_id)


# ---- the course -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step: its endpoint, who records it, its body, the stage after it."""

    slug: str
    role: str
    body: dict[str, Any]
    stage: str


def convention(**overrides: Any) -> dict[str, Any]:
    return {
        "orientation": "acces",
        "axes": AXES,
        "duration_months": 6,
        "starts_on": today().isoformat(),
        "worker": "Claire Vidal, conseillère ESF",
        "signed_by": ["association", "menage", "prescripteur"],
        **overrides,
    }


def bilan(**overrides: Any) -> dict[str, Any]:
    return {
        "bilan": "Objectifs atteints : loyer payé, droits ouverts.",
        "signed_by": ["travailleur_social", "menage"],
        "relayed_to": ORGANISATIONS["prescripteur"],
        **overrides,
    }


INSTRUCTION = Step("instruction", "commission_logement", {"granted": True}, "instruite")
DIAGNOSIS = Step(
    "complementary-diagnosis",
    "association",
    {"outcome": "confirme", "summary": "Projet confirmé : accès à un T2."},
    "diagnostic_fait",
)
CONVENTION = Step("convention", "association", convention(), "en_cours")
MEETING = Step("meeting", "association", {"kind": "visite_a_domicile"}, "en_cours")
MISSED = Step("missed-meeting", "association", {"relaunched": True}, "en_cours")
RENEWAL_REQUEST = Step(
    "renewal-request",
    "association",
    {"months": 3, "reason": "Budget pas encore stabilisé."},
    "renouvellement_demande",
)
RENEWAL = Step("renewal-decision", "commission_logement", {"granted": True}, "en_cours")
END = Step("end", "association", bilan(), "terminee")
RUPTURE = Step("rupture", "association", {"motive": "Ne répond plus."}, "rompue")
HEAD_LEASE = Step(
    "head-lease",
    "association",
    {
        "landlord": LANDLORD,
        "dwelling_ref": "SIMAR-FDF-BAT-C-04",
        "starts_on": today().isoformat(),
    },
    "notifiee",
)
SUBLEASE = Step(
    "sublease", "association", {"starts_on": today().isoformat()}, "notifiee"
)
REVIEW = Step("sublease-review", "bailleur", {"findings": "Loyer payé."}, "en_cours")
SLIDE = Step("lease-slide", "bailleur", {}, "en_cours")


def notification(association: str = "agasef", renforce: bool = False) -> Step:
    body = {"association": association, "renforce": renforce}
    return Step("notification", "commission_logement", body, "notifiee")


def course(association: str = "agasef") -> list[Step]:
    """An individual measure from its instruction to its bilan."""
    return [
        INSTRUCTION,
        notification(association),
        DIAGNOSIS,
        CONVENTION,
        MEETING,
        MISSED,
        RENEWAL_REQUEST,
        RENEWAL,
        END,
    ]


def asked_a_month_ago(client: TestClient) -> tuple[str, list[Step]]:
    """A measure asked a month ago, and its steps to a convention starting that
    day, each dated that day (not taken yet)."""
    month_ago = (today() - timedelta(days=30)).isoformat()
    dated = {"occurred_on": month_ago}
    created = ask(
        client, request_body(diagnostic_signed_on=month_ago, occurred_on=month_ago)
    )
    assert created.status_code == 201, created.text
    backdated = [
        Step(s.slug, s.role, {**s.body, **dated}, s.stage) for s in course()[:4]
    ]
    backdated[3] = Step(
        "convention",
        "association",
        {**convention(starts_on=month_ago), **dated},
        "en_cours",
    )
    return created.json()["id"], backdated


def organisation_for(step: Step, kind: str, association: str) -> str:
    """Who in `step.role` acts on a measure of `kind` run by `association`."""
    if step.role == "association" or kind == "action_specifique":
        return NAMES[association]
    if step.role == "commission_logement":
        return CLT if kind == "bail_glissant" else CLU
    return ORGANISATIONS[step.role]


def role_for(step: Step, kind: str) -> str:
    if kind == "action_specifique" and step.role == "commission_logement":
        return "association"
    return step.role


def take(
    client: TestClient,
    mesure_id: str,
    step: Step,
    *,
    kind: str = "individuelle",
    association: str = "agasef",
    **headers_: Any,
) -> httpx.Response:
    return post(
        client,
        mesure_id,
        step.slug,
        step.body,
        role=role_for(step, kind),
        organisation=organisation_for(step, kind, association),
        **headers_,
    )


def open_mesure(
    client: TestClient, kind: str = "individuelle", association: str = "agasef"
) -> str:
    if kind == "action_specifique":
        answer = ask(
            client,
            request_body(kind=kind, association=association),
            role="association",
            organisation=NAMES[association],
        )
    else:
        answer = ask(client, request_body(kind=kind))
    assert answer.status_code == 201, answer.text
    mesure_id: str = answer.json()["id"]
    return mesure_id


def drive_mesure(
    client: TestClient,
    *,
    to: str = "demandee",
    kind: str = "individuelle",
    association: str = "agasef",
    path: list[Step] | None = None,
    mesure_id: str | None = None,
) -> str:
    """A new measure (or `mesure_id`) taken along `path` (default: the course)
    until it reaches stage `to`; every answer checked."""
    mesure_id = mesure_id or open_mesure(client, kind, association)
    stage = read(client, mesure_id)["stage"]
    for step in path if path is not None else course(association):
        if stage == to:
            break
        answer = take(client, mesure_id, step, kind=kind, association=association)
        assert answer.status_code == 200, f"{step.slug}: {answer.text}"
        stage = answer.json()["stage"]
        assert stage == step.stage, f"{step.slug} led to {stage}, not {step.stage}"
    assert stage == to, f"the course never reached {to!r} (stopped at {stage!r})"
    return mesure_id
