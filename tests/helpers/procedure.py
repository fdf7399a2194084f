"""The collective LLTS procedure over the API: a programme, its concertation, the
pré-commission, the commission préfectorale and the landlord's CAL, each session
held legally by default (the right hosts, attendance and presidency).

    programme_id = concerted_programme(client)
    ranked, liste = ranked_dossiers(client, programme_id, ranked=3, liste=2)
    cal_id = in_session(client, "cal", programme_id=programme_id, dwelling_refs=["A1"])
    answer = decide(client, cal_id, "A1", [attribution(ranked[0]), ...])

Every session is held on `on` (default today): attendance and decisions are
dated the session's day, as the domain requires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from domain.programme_steps import CONCERTATION_PARTNERS
from tests.helpers import api
from tests.helpers.api import (
    COMMUNE,
    DEPARTMENT,
    DWELLING,
    ORGANISATIONS,
    actor,
    drive_dossier,
    today,
)

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient

HOSTS = {
    "pre_commission": "als",
    "commission_prefectorale": "prefecture",
    "cal": "bailleur",
}
DWELLINGS = ("A1", "A2")


def attendee(
    role: str, function: str = "agent", organisation: str | None = None
) -> dict[str, str]:
    return {
        "organisation": organisation or ORGANISATIONS[role],
        "role": role,
        "function": function,
    }


PREFET = attendee("prefecture", "prefet")
LEGAL_ATTENDANCE: dict[str, dict[str, Any]] = {
    "pre_commission": {
        "attendees": [attendee("als"), attendee("prefecture"), attendee("deal")]
    },
    "commission_prefectorale": {
        "attendees": [PREFET, attendee("deal"), attendee("als")],
        "presided_by": PREFET,
    },
    "cal": {"attendees": [attendee("bailleur", "president_cal")]},
}


# ---- programmes ----------------------------------------------------------------


def announce(
    client: TestClient,
    *,
    kind: str = "livraison",
    refs: Sequence[str] = DWELLINGS,
    commune: str = COMMUNE,
    landlord: str | None = None,
    on: date | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {
        "kind": kind,
        "name": "Résidence Les Flamboyants",
        "department": DEPARTMENT,
        "commune": commune,
        "dwellings": [
            {"ref": ref, "typology": "T3", "rent": "350.00", "charges": "50.00"}
            for ref in refs
        ],
    }
    if on is not None:
        body["occurred_on"] = on.isoformat()
    return client.post(
        "/v1/programmes", json=body, headers=actor("bailleur", organisation=landlord)
    )


def concerted_programme(
    client: TestClient, *, on: date | None = None, **announce_args: Any
) -> str:
    """A delivery announced and its concertation held (3 dossiers per dwelling)."""
    announced = announce(client, on=on, **announce_args)
    assert announced.status_code == 201, announced.text
    programme_id: str = announced.json()["id"]
    partners = [
        {"organisation": ORGANISATIONS[r], "role": r} for r in CONCERTATION_PARTNERS
    ]
    body: dict[str, Any] = {
        "invited": partners,
        "present": [
            {"organisation": ORGANISATIONS["bailleur"], "role": "bailleur"},
            {"organisation": ORGANISATIONS["als"], "role": "als"},
            *partners,
        ],
        "programme_presented": True,
        "candidate_profile": "Familles hébergées chez un tiers.",
    }
    if on is not None:
        body["occurred_on"] = on.isoformat()
    held = client.post(
        f"/v1/programmes/{programme_id}/concertation", json=body, headers=actor("als")
    )
    assert held.status_code == 200, held.text
    return programme_id


# ---- commissions ----------------------------------------------------------------


def convene(
    client: TestClient,
    kind: str,
    *,
    on: date | None = None,
    programme_id: str | None = None,
    commune: str = COMMUNE,
    department: str = DEPARTMENT,
    dwelling_refs: Sequence[str] = (),
    role: str | None = None,
    organisation: str | None = None,
    convened_on: date | None = None,
) -> httpx.Response:
    held_on = on or today()
    body: dict[str, Any] = {
        "kind": kind,
        "held_on": held_on.isoformat(),
        "department": department,
        "commune": commune,
        "occurred_on": (convened_on or held_on).isoformat(),
    }
    if programme_id is not None:
        body["programme_id"] = programme_id
    if dwelling_refs:
        body["dwelling_refs"] = list(dwelling_refs)
    return client.post(
        "/v1/commissions",
        json=body,
        headers=actor(role or HOSTS[kind], organisation=organisation),
    )


def post_step(
    client: TestClient,
    commission_id: str,
    path: str,
    body: Mapping[str, Any],
    *,
    on: date | None = None,
    **writer: Any,
) -> httpx.Response:
    """POST /v1/commissions/{id}/{path}, dated `on` (default today), by the
    `writer` api.post_step takes (`role`, `organisation`, `if_match`, `key`)."""
    dated = {"occurred_on": (on or today()).isoformat(), **body}
    return api.post_step("commissions", client, commission_id, path, dated, **writer)


def in_session(
    client: TestClient,
    kind: str,
    *,
    on: date | None = None,
    attendance: Mapping[str, Any] | None = None,
    organisation: str | None = None,
    **convene_args: Any,
) -> str:
    """A session convened and its attendance recorded (legal by default)."""
    convened = convene(client, kind, on=on, organisation=organisation, **convene_args)
    assert convened.status_code == 201, convened.text
    commission_id: str = convened.json()["id"]
    recorded = post_step(
        client,
        commission_id,
        "attendance",
        attendance if attendance is not None else LEGAL_ATTENDANCE[kind],
        role=HOSTS[kind],
        on=on,
        organisation=organisation,
    )
    assert recorded.status_code == 200, recorded.text
    return commission_id


def preselect(
    client: TestClient,
    commission_id: str,
    outcomes: Mapping[str, str],
    *,
    on: date | None = None,
    **kwargs: Any,
) -> httpx.Response:
    decisions = [{"dossier_id": i, "outcome": o} for i, o in outcomes.items()]
    return post_step(
        client,
        commission_id,
        "preselection",
        {"decisions": decisions},
        role="als",
        on=on,
        **kwargs,
    )


def entry(
    dossier_id: str, criteria: Sequence[str] = (), motive: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"dossier_id": dossier_id, "criteria": list(criteria)}
    if motive is not None:
        body["motive"] = motive
    return body


def rank(
    client: TestClient,
    commission_id: str,
    *,
    ranked: Sequence[str | Mapping[str, Any]] = (),
    liste: Sequence[str | Mapping[str, Any]] = (),
    non_retenus: Sequence[str | Mapping[str, Any]] = (),
    on: date | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Entries are dossier ids (no RDA criterion) or `entry(...)` bodies."""

    def entries(items: Sequence[str | Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [entry(i) if isinstance(i, str) else dict(i) for i in items]

    body = {
        "ranked": entries(ranked),
        "liste_complementaire": entries(liste),
        "non_retenus": entries(non_retenus),
    }
    return post_step(
        client, commission_id, "ranking", body, role="prefecture", on=on, **kwargs
    )


def attribution(dossier_id: str, **fields: Any) -> dict[str, Any]:
    return {"dossier_id": dossier_id, "decision": "attribution", **fields}


def refusal(dossier_id: str, decision: str = "non_attribution") -> dict[str, Any]:
    return {"dossier_id": dossier_id, "decision": decision, "motive": "Ressources."}


def adjournment(dossier_id: str, on: date | None = None) -> dict[str, Any]:
    back = (on or today()) + timedelta(days=14)
    return {
        "dossier_id": dossier_id,
        "decision": "ajournement",
        "motive": "Pièce à vérifier.",
        "return_session_on": back.isoformat(),
    }


def decide(
    client: TestClient,
    commission_id: str,
    ref: str,
    candidates: Sequence[Mapping[str, Any]],
    *,
    shortfall_motive: str | None = None,
    on: date | None = None,
    **kwargs: Any,
) -> httpx.Response:
    body: dict[str, Any] = {"candidates": [dict(c) for c in candidates]}
    if shortfall_motive is not None:
        body["shortfall_motive"] = shortfall_motive
    return post_step(
        client,
        commission_id,
        f"dwellings/{ref}/decisions",
        body,
        role="bailleur",
        on=on,
        **kwargs,
    )


# ---- dossiers through the commissions ------------------------------------------------


def solvent_dossiers(
    client: TestClient,
    count: int,
    *,
    programme_id: str | None = None,
    on: date | None = None,
) -> list[str]:
    """`count` dossiers gathered for the programme, up to the solvency study."""
    identify_with = {"programme_id": programme_id} if programme_id else None
    return [
        drive_dossier(
            client, to="solvabilite_etudiee", on=on, identify_with=identify_with
        )
        for _ in range(count)
    ]


def ranked_dossiers(
    client: TestClient,
    programme_id: str | None = None,
    *,
    ranked: int = 3,
    liste: int = 0,
    on: date | None = None,
    commune: str = COMMUNE,
) -> tuple[list[str], list[str], str]:
    """Dossiers through a legal pré-commission and commission préfectorale:
    `ranked` ranked 1..n, then `liste` on the liste complémentaire. Returns the
    ranked ids, the listed ids and the commission préfectorale's id."""
    dossiers = solvent_dossiers(
        client, ranked + liste, programme_id=programme_id, on=on
    )
    where = {"programme_id": programme_id, "commune": commune, "on": on}
    pre = in_session(client, "pre_commission", **where)
    outcomes = {i: "prioritaire" for i in dossiers[:ranked]}
    outcomes |= {i: "liste_complementaire" for i in dossiers[ranked:]}
    selected = preselect(client, pre, outcomes, on=on)
    assert selected.status_code == 200, selected.text
    pref = in_session(client, "commission_prefectorale", **where)
    ranking = rank(
        client, pref, ranked=dossiers[:ranked], liste=dossiers[ranked:], on=on
    )
    assert ranking.status_code == 200, ranking.text
    return dossiers[:ranked], dossiers[ranked:], pref


# ---- one dossier's commission steps (tests/helpers/api.py Step.run) ---------------
# Each holds a legal session for the dossier alone, in its department and commune,
# on the body's `occurred_on`, and decides there; the body has the fields of the
# dossier's former step endpoint (`outcome`, `decision`, `motive`…).

SHORTFALL = "Un seul candidat présenté pour ce logement."


def _session_for(
    client: TestClient, kind: str, dossier_id: str, on: date, **convene_args: Any
) -> str:
    dossier = client.get(f"/v1/dossiers/{dossier_id}")
    assert dossier.status_code == 200, dossier.text
    place = {k: dossier.json()[k] for k in ("department", "commune")}
    return in_session(client, kind, on=on, **place, **convene_args)


def _day(body: Mapping[str, Any]) -> date:
    on = body.get("occurred_on")
    return date.fromisoformat(on) if on else today()


def preselect_alone(
    client: TestClient, dossier_id: str, body: Mapping[str, Any]
) -> httpx.Response:
    """A pré-commission selects the dossier: `outcome` (default prioritaire)."""
    on = _day(body)
    pre = _session_for(client, "pre_commission", dossier_id, on)
    outcome = body.get("outcome", "prioritaire")
    return preselect(client, pre, {dossier_id: outcome}, on=on)


def rank_alone(
    client: TestClient, dossier_id: str, body: Mapping[str, Any]
) -> httpx.Response:
    """A commission préfectorale ranks the dossier: `outcome` rang (1st),
    liste_complementaire or non_retenu; `criteria` and `motive` optional."""
    on = _day(body)
    pref = _session_for(client, "commission_prefectorale", dossier_id, on)
    ranking = entry(dossier_id, body.get("criteria", ()), body.get("motive"))
    lists = {"rang": "ranked", "liste_complementaire": "liste"}
    where = lists.get(body.get("outcome", "rang"), "non_retenus")
    return rank(client, pref, **{where: [ranking]}, on=on)


def decide_alone(
    client: TestClient, dossier_id: str, body: Mapping[str, Any]
) -> httpx.Response:
    """A CAL examines the dossier alone for `dwelling_ref` (default DWELLING), with
    the shortfall motive CAL-TROIS asks (unless `dalo_designated`); the other
    fields are its decision (default attribution)."""
    on = _day(body)
    ref = body.get("dwelling_ref") or DWELLING
    cal = _session_for(client, "cal", dossier_id, on, dwelling_refs=[ref])
    omitted = ("occurred_on", "dwelling_ref", "shortfall_motive")
    candidate = {k: v for k, v in body.items() if k not in omitted}
    candidate = {"dossier_id": dossier_id, "decision": "attribution", **candidate}
    motive = body.get("shortfall_motive", SHORTFALL)
    if candidate.get("dalo_designated"):
        motive = body.get("shortfall_motive")
    return decide(client, cal, ref, [candidate], shortfall_motive=motive, on=on)


@dataclass(frozen=True)
class Procedure:
    programme_id: str
    ranked: list[str]
    listed: list[str]
    prefectorale: str
    cal: str
    position: int  # the last write's: read the views at least there

    def get(self, client: TestClient, path: str, **params: Any) -> Any:
        answer = client.get(path, params={"min_position": self.position, **params})
        assert answer.status_code == 200, answer.text
        return answer.json()


def cal_on_three(
    client: TestClient,
    programme_id: str,
    ranked: Sequence[str],
    *,
    refs: Sequence[str] = ("A1",),
    on: date | None = None,
    motive: str = "Ressources.",
) -> str:
    """The programme's CAL on its dwellings `refs`, the first decided for three
    ranked households: attributed to the first, refused to the second (for
    `motive`), the third adjourned. The session's id."""
    cal = in_session(
        client, "cal", programme_id=programme_id, dwelling_refs=list(refs), on=on
    )
    candidates = [
        attribution(ranked[0]),
        {**refusal(ranked[1]), "motive": motive},
        adjournment(ranked[2], on),
    ]
    decided = decide(client, cal, refs[0], candidates, on=on)
    assert decided.status_code == 200, decided.text
    return cal


def full_procedure(
    client: TestClient, *, on: date | None = None, motive: str = "Ressources."
) -> Procedure:
    """A programme of two dwellings: three households ranked, two on the liste
    complémentaire; the CAL attributes A1 to the first, refuses the second
    (for `motive`), adjourns the third; A2 is still to examine; its minutes
    are closed."""
    programme_id = concerted_programme(client, on=on)
    ranked, listed, prefectorale = ranked_dossiers(
        client, programme_id, ranked=3, liste=2, on=on
    )
    cal = cal_on_three(
        client, programme_id, ranked, refs=("A1", "A2"), on=on, motive=motive
    )
    closed = post_step(
        client, cal, "minutes", {"summary": "Séance close."}, role="bailleur", on=on
    )
    assert closed.status_code == 200, closed.text
    return Procedure(
        programme_id, ranked, listed, prefectorale, cal, closed.json()["position"]
    )
