"""HTTP-level builders: actor headers, department settings, request bodies, and a
dossier driven through the whole procedure over the API, step by step, each with
a role allowed to record it.

    dossier_id = drive_dossier(client, to="classe")            # the main line
    dossier_id = drive_dossier(client, to="clos", path=every_step())  # every step

Most steps are the dossier's own endpoints (POST /v1/dossiers/{id}/{slug}). The
pré-selection, the ranking and the CAL's decisions are taken by commissions: their
`Step` has a `run` hook that holds a session for the one dossier (convened, legal
attendance recorded, on the step's day) and decides there (tests/helpers/
procedure.py). Their slug only names them, for `bodies` and `step_by_slug`.

All the steps of one driven dossier share one date (`on`, default today), so the
procedure's chronology always holds; pass a past `on` to build old dossiers.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import jwt

from domain.department import local_today
from tests.helpers import dossiers
from tests.helpers.dossiers import (
    COMMUNE,
    DEPARTMENT,
    DWELLING,
    NUMERO_UNIQUE,
    REQUIRED_DOCUMENTS,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    import httpx
    from starlette.testclient import TestClient

    # A commission's decision on one dossier: (client, dossier id, body) → the
    # answer of the commission's step; the body has the fields of the Step's body.
    Run = Callable[[TestClient, str, dict[str, Any]], httpx.Response]

OTHER_COMMUNE = "97213"  # Le Lamentin
OTHER_LANDLORD = "OZANAM"  # another landlord of the commune
# The test RDA priority order: the first criterion weighs most.
RDA = ("dalo", "sans_logement", "hebergement_tiers", "sur_occupation")
LATE_ENTRY_DAYS = 3650  # the longest delay a department may set
# Annual LLTS ceilings by household category: test values, not an arrêté's.
CEILINGS = {size: str(amount) for size, amount in dossiers.CEILINGS.items()}


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


# The unit tests' organisations, in ASCII (the credentials name them in headers).
ORGANISATIONS = {role: _ascii(name) for role, name in dossiers.ORGANISATIONS.items()}


def today() -> date:
    """The server's today: it judges `occurred_on` against the date it is in the
    department (Martinique, UTC−4), not the UTC date, which is already the next
    day between 00:00 and 04:00 UTC."""
    return local_today(DEPARTMENT, datetime.now(UTC))


# The secret every test's settings and `logis` process verify tokens with
# (LOGIS_JWT_SECRET): at least 32 bytes, and not a placeholder.
TEST_JWT_SECRET = "logis-tests-only-7f3c9a1e5b2d8c6f4a0e9b7d1c3f5a8e"
TEST_ISSUER = TEST_AUDIENCE = "logis"  # the settings' defaults


def token(
    role: str,
    *,
    organisation: str | None = None,
    subject: str | None = None,
    department: str | None = None,
    commune: str | None = None,
    ttl: timedelta = timedelta(hours=1),
) -> str:
    """A development token (HS256, TEST_JWT_SECRET) naming an agent of `role`."""
    now = int(datetime.now(UTC).timestamp())
    claims: dict[str, Any] = {
        "iss": TEST_ISSUER,
        "aud": TEST_AUDIENCE,
        "sub": subject or f"agent.{role}",
        "role": role,
        "org": organisation or ORGANISATIONS.get(role, role),
        "iat": now,
        "exp": now + int(ttl.total_seconds()),
    }
    if department is not None:
        claims["department"] = department
    if commune is not None:
        claims["commune"] = commune
    return jwt.encode(claims, TEST_JWT_SECRET, algorithm="HS256")


# Where a territorial role acts when a test does not say (its credentials'
# claim): a Mairie or a CCAS in its commune, the others in its department;
# Fort-de-France and Martinique, or the place of the record being driven
# (`acting_in`).
COMMUNE_ROLES = frozenset({"mairie", "ccas"})
DEPARTMENT_ROLES = frozenset(
    {"als", "prefecture", "deal", "departement", "commission_logement", "ccapex"}
)
_WHERE = {"department": DEPARTMENT, "commune": COMMUNE}


def place_of(body: Mapping[str, Any]) -> tuple[str, str]:
    """The department and commune a creation's body names, where well formed
    (a test of bad input keeps the defaults' credentials)."""
    department, commune = body.get("department"), body.get("commune")
    if not (isinstance(commune, str) and re.fullmatch(r"\d{5}|2[AB]\d{3}", commune)):
        commune = COMMUNE
    if not (isinstance(department, str) and re.fullmatch(r"\d{2,3}|2[AB]", department)):
        department = DEPARTMENT
    return department, commune


@contextmanager
def acting_in(department: str, commune: str) -> Iterator[None]:
    """Territorial agents claim `department` and `commune` meanwhile."""
    before = dict(_WHERE)
    _WHERE.update(department=department, commune=commune)
    try:
        yield
    finally:
        _WHERE.update(before)


def actor(
    role: str,
    *,
    department: str | None = None,
    commune: str | None = None,
    unclaimed: bool = False,
    **agent: str | None,
) -> dict[str, str]:
    """The credentials of an agent of `role` (`agent`: its `organisation` and
    `subject`, as `token` takes them), acting in `department` or `commune`
    where its role is territorial, by default Fort-de-France or Martinique
    (`unclaimed`: no territory at all): a bearer token."""
    if not unclaimed and department is None and commune is None:
        if role in COMMUNE_ROLES:
            commune = _WHERE["commune"]
        elif role in DEPARTMENT_ROLES:
            department = _WHERE["department"]
    signed = token(role, department=department, commune=commune, **agent)
    return {"Authorization": f"Bearer {signed}"}


def organisation_of(role: str) -> str:
    """The organisation `actor(role)` acts for."""
    return ORGANISATIONS.get(role, role)


def anonymous(client: TestClient) -> TestClient:
    """The same running app, called with no credentials at all (the fixtures'
    clients carry a default identity)."""
    from starlette.testclient import TestClient

    return TestClient(client.app, base_url=str(client.base_url))


# ---- department settings ----------------------------------------------------------


def settings_body(
    *,
    effective_from: date | None = None,
    years: Sequence[int] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """An AdoptSettings body: documents, ceilings for the current year (and the
    years around it, so a dossier driven up to 400 days in the past, or on
    31 December, still finds its ceiling), categories 1 to 6, a late-entry
    delay no back-dated test reaches; in force since 1 January two years ago."""
    year = today().year
    years = years if years is not None else (year - 2, year - 1, year, year + 1)
    settings: dict[str, Any] = {
        # Tests build their histories today with back-dated steps (as an import
        # would): no SAISIE-TARDIVE on them unless a test sets its own delay
        # (tests/integration/test_api_late_entry.py).
        "late_entry_days": LATE_ENTRY_DAYS,
        "required_documents": list(REQUIRED_DOCUMENTS),
        "rda_priority_criteria": list(RDA),
        "resource_ceilings": [
            {"year": y, "by_category": dict(CEILINGS), "source": f"arrêté test {y}"}
            for y in years
        ],
        **overrides,
    }
    return {
        "effective_from": (effective_from or date(year - 2, 1, 1)).isoformat(),
        "settings": settings,
    }


def adopt_settings(
    client: TestClient,
    department: str = DEPARTMENT,
    body: Mapping[str, Any] | None = None,
    *,
    role: str = "admin",
) -> httpx.Response:
    return client.post(
        f"/v1/departments/{department}/settings",
        json=dict(body) if body is not None else settings_body(),
        headers=actor(role),
    )


# ---- dossiers -----------------------------------------------------------------


def identification(on: date | None = None, **overrides: Any) -> dict[str, Any]:
    """An IdentifyDossier body: a household of 3 in Fort-de-France, registered in
    the SNE on the day it is identified."""
    body: dict[str, Any] = {
        "applicant_name": "Marie-Josée Lordinot",
        "household_size": 3,
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "numero_unique": NUMERO_UNIQUE,
        "sne_registered_on": (on or today()).isoformat(),
    }
    if on is not None:
        body["occurred_on"] = on.isoformat()
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def identify(
    client: TestClient,
    body: Mapping[str, Any] | None = None,
    *,
    role: str = "ccas",
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """POST a dossier as a `role` agent acting where it sits (`headers` may
    say otherwise)."""
    body = dict(body) if body is not None else identification()
    with acting_in(*place_of(body)):
        credentials = actor(role)
    return client.post(
        "/v1/dossiers", json=body, headers={**credentials, **(headers or {})}
    )


def write_headers(
    role: str,
    organisation: str | None = None,
    *,
    if_match: int | str | None = None,
    key: str | None = None,
) -> dict[str, str]:
    """A `role` agent of `organisation` (default: the role's) writing;
    `if_match` an int is sent as the ETag "n"."""
    extra: dict[str, str] = {}
    if if_match is not None:
        extra["If-Match"] = f'"{if_match}"' if isinstance(if_match, int) else if_match
    if key is not None:
        extra["Idempotency-Key"] = key
    return {**actor(role, organisation=organisation), **extra}


def post_step(
    resource: str,
    client: TestClient,
    record_id: str,
    slug: str,
    body: Mapping[str, Any] | None = None,
    *,
    role: str,
    organisation: str | None = None,
    if_match: int | str | None = None,
    key: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """POST /v1/{resource}/{record_id}/{slug} as `write_headers` says, `headers`
    over them."""
    return client.post(
        f"/v1/{resource}/{record_id}/{slug}",
        json=dict(body) if body is not None else None,
        headers={
            **write_headers(role, organisation, if_match=if_match, key=key),
            **(headers or {}),
        },
    )


# POST one step of a dossier.
record = partial(post_step, "dossiers")


@dataclass(frozen=True)
class Step:
    """One step of the procedure: its endpoint (or, with `run`, the commission
    that takes it), who records it, its body, and the stage the dossier is at
    afterwards."""

    slug: str
    role: str
    body: Callable[[date], dict[str, Any]]
    stage: str
    run: Run | None = None

    @property
    def is_endpoint(self) -> bool:
        """A dossier endpoint: POST /v1/dossiers/{id}/{slug}."""
        return self.run is None


def take(
    client: TestClient,
    dossier_id: str,
    step: Step,
    body: Mapping[str, Any] | None = None,
    *,
    on: date | None = None,
    **options: Any,
) -> httpx.Response:
    """Take one step for a dossier: its endpoint (`record`, with `options`), or
    its commission's decision. `body` default: the step's body on `on` (default
    today)."""
    fields = dict(body) if body is not None else step.body(on or today())
    if step.run is not None:
        assert not options, f"{step.slug} is a commission's: no {options}"
        return step.run(client, dossier_id, fields)
    return record(client, dossier_id, step.slug, fields, role=step.role, **options)


def stage_of(client: TestClient, dossier_id: str) -> str:
    answer = client.get(f"/v1/dossiers/{dossier_id}")
    assert answer.status_code == 200, answer.text
    stage: str = answer.json()["stage"]
    return stage


def _dated(on: date, **fields: Any) -> dict[str, Any]:
    return {**fields, "occurred_on": on.isoformat()}


def _step(
    slug: str, role: str, stage: str, run: Run | None = None, **fields: Any
) -> Step:
    return Step(slug, role, lambda on: _dated(on, **fields), stage, run)


SOCIAL_ENQUIRY = _step(
    "social-enquiry",
    "departement",
    "enquete_sociale_rendue",
    avis="prioritaire",
    summary="Famille hébergée chez un tiers, trois personnes.",
)
MAIRIE_AVIS = _step(
    "mairie-avis",
    "mairie",
    "avis_mairie_rendu",
    avis="favorable",
    comment="Priorité communale.",
)
COMPLETION = _step("completion", "ccas", "complet", documents=list(REQUIRED_DOCUMENTS))
DEMAND_RENEWAL = _step("demand-renewal", "ccas", "complet", numero_unique=NUMERO_UNIQUE)
RESOURCES_CHECK = _step(
    "resources-check",
    "deal",
    "ressources_controlees",
    annual_resources="12000.00",
    household_category=3,
)
ANALYSIS = _step("analysis", "als", "en_analyse")
DOCUMENTS_REQUEST = _step(
    "documents-request",
    "als",
    "en_analyse",
    documents=["quittances_loyer"],
    through_role="ccas",
    through_organisation=ORGANISATIONS["ccas"],
)
DOCUMENTS_RECEIPT = _step(
    "documents-receipt", "ccas", "en_analyse", documents=["quittances_loyer"]
)
SOLVENCY = _step(
    "solvency",
    "als",
    "solvabilite_etudiee",
    monthly_resources="1500.00",
    rent="350.00",
    charges="50.00",
    housing_benefit="200.00",
    opinion="favorable",
)


def _by_commission(name: str) -> Run:
    """The hook of a commission step: procedure.<name>(client, dossier_id, body),
    imported when called (procedure.py builds on this module)."""

    def run(
        client: TestClient, dossier_id: str, body: dict[str, Any]
    ) -> httpx.Response:
        from tests.helpers import procedure

        hook: Run = getattr(procedure, name)
        return hook(client, dossier_id, body)

    return run


# Taken by commissions: a pré-commission, a commission préfectorale, a CAL (with
# the shortfall motive CAL-TROIS asks of a single candidate), each for the dossier.
PRE_SELECTION = _step(
    "pre-selection",
    "als",
    "preselectionne",
    _by_commission("preselect_alone"),
    outcome="prioritaire",
)
RANKING = _step(
    "ranking", "prefecture", "classe", _by_commission("rank_alone"), outcome="rang"
)
CAL_DEFERRAL = Step(
    "cal-deferral",
    "bailleur",
    lambda on: _dated(
        on,
        decision="ajournement",
        motive="Pièce à vérifier",
        return_session_on=(on + timedelta(days=7)).isoformat(),
    ),
    "ajourne",
    _by_commission("decide_alone"),
)
CAL_DECISION = _step(
    "cal-decision",
    "bailleur",
    "decide_cal",
    _by_commission("decide_alone"),
    decision="attribution",
    dwelling_ref=DWELLING,
)
CAL_DECISION_UNDER_CONDITION = Step(
    "cal-decision",
    "bailleur",
    lambda on: _dated(
        on,
        decision="attribution_sous_condition_suspensive",
        dwelling_ref=DWELLING,
        missing_document="avis_imposition_n_1",
        condition_deadline=(on + timedelta(days=30)).isoformat(),
    ),
    "decide_cal",
    _by_commission("decide_alone"),
)
CONDITION_FULFILMENT = _step("condition-fulfilment", "bailleur", "condition_levee")
OFFER = Step(
    "offer",
    "bailleur",
    lambda on: _dated(on, answer_deadline=(on + timedelta(days=15)).isoformat()),
    "offre_faite",
)
OFFER_ANSWER = _step("offer-answer", "bailleur", "offre_acceptee", answer="acceptee")
LEASE = Step(
    "lease",
    "bailleur",
    lambda on: _dated(on, lease_start=on.isoformat(), rent="350.00", charges="50.00"),
    "bail_signe",
)
ENTRY = _step("entry", "bailleur", "entre_dans_les_lieux")
INFORMATION_MEETING = _step(
    "information-meeting",
    "als",
    "entre_dans_les_lieux",
    topics=["droits et devoirs du locataire", "eau et électricité"],
)
INSTALLATION_REVIEW = _step(
    "installation-review",
    "als",
    "bilan_installation_fait",
    outcome="ok",
    findings="Installation sans difficulté.",
)
CLOSURE = _step("closure", "als", "clos", reason="Parcours achevé")

# Terminal steps: the dossier goes no further.
WITHDRAWAL = Step(
    "withdrawal",
    "ccas",
    lambda on: _dated(
        on,
        reason="Le ménage a trouvé un logement.",
        expressed_on=on.isoformat(),
        expressed_by="courrier",
    ),
    "retire",
)
INADMISSIBILITY = _step(
    "inadmissibility", "deal", "irrecevable", reason="Pièces falsifiées."
)
RADIATION = _step("radiation", "prefecture", "radie", reason="Demande non renouvelée.")
LIST_EXPIRY = _step("list-expiry", "prefecture", "liste_expiree")


def main_line() -> list[Step]:
    """The shortest path from repérage to closure (after identification)."""
    return [
        SOCIAL_ENQUIRY,
        MAIRIE_AVIS,
        COMPLETION,
        RESOURCES_CHECK,
        ANALYSIS,
        SOLVENCY,
        PRE_SELECTION,
        RANKING,
        CAL_DECISION,
        *from_the_offer(),
    ]


def from_the_offer() -> list[Step]:
    """The main line's steps from the offer to closure."""
    return [
        OFFER,
        OFFER_ANSWER,
        LEASE,
        ENTRY,
        INFORMATION_MEETING,
        INSTALLATION_REVIEW,
        CLOSURE,
    ]


def every_step() -> list[Step]:
    """A path to closure through every non-terminal step endpoint: demand renewal,
    a documents request and receipt, a CAL deferral, then an attribution under a
    condition suspensive that is fulfilled."""
    return [
        SOCIAL_ENQUIRY,
        MAIRIE_AVIS,
        COMPLETION,
        DEMAND_RENEWAL,
        RESOURCES_CHECK,
        ANALYSIS,
        DOCUMENTS_REQUEST,
        DOCUMENTS_RECEIPT,
        SOLVENCY,
        PRE_SELECTION,
        RANKING,
        CAL_DEFERRAL,
        CAL_DECISION_UNDER_CONDITION,
        CONDITION_FULFILMENT,
        *from_the_offer(),
    ]


def step_by_slug() -> dict[str, Step]:
    """A step with a valid body for every dossier endpoint, and the commission
    steps (pre-selection, ranking, cal-decision, cal-deferral)."""
    steps = [*every_step(), WITHDRAWAL, INADMISSIBILITY, RADIATION, LIST_EXPIRY]
    return {step.slug: step for step in steps}


def endpoint_steps() -> dict[str, Step]:
    """The dossier's own step endpoints, by slug: commands/dossier.py STEPS."""
    return {slug: step for slug, step in step_by_slug().items() if step.is_endpoint}


# The dossier step endpoints that commissions replaced (POST …/{slug} is gone).
COMMISSION_SLUGS = ("pre-selection", "ranking", "cal-decision", "cal-deferral")


def drive_dossier(
    client: TestClient,
    *,
    to: str = "clos",
    on: date | None = None,
    path: Sequence[Step] | None = None,
    identify_with: Mapping[str, Any] | None = None,
    bodies: Mapping[str, Mapping[str, Any]] | None = None,
    identifier: str = "ccas",
) -> str:
    """Identify a dossier, then take the steps of `path` (default: the main line)
    until the dossier reaches stage `to`; returns its id. `bodies` overrides fields
    of a step's body, by slug. Every answer is checked as it comes; a commission
    step is checked on the dossier it decided on."""
    on = on or today()
    body = identification(on, **(identify_with or {}))
    with acting_in(*place_of(body)):
        return _drive(client, body, to, on, path, bodies, identifier)


def _drive(
    client: TestClient,
    identified: dict[str, Any],
    to: str,
    on: date,
    path: Sequence[Step] | None,
    bodies: Mapping[str, Mapping[str, Any]] | None,
    identifier: str,
) -> str:
    created = identify(client, identified, role=identifier)
    assert created.status_code == 201, created.text
    dossier_id: str = created.json()["id"]
    stage = created.json()["stage"]
    for step in path if path is not None else main_line():
        if stage == to:
            break
        body = {**step.body(on), **(bodies or {}).get(step.slug, {})}
        answer = take(client, dossier_id, step, body)
        assert answer.status_code == 200, f"{step.slug}: {answer.text}"
        stage = (
            answer.json()["stage"] if step.is_endpoint else stage_of(client, dossier_id)
        )
        assert stage == step.stage, f"{step.slug} led to {stage}, not {step.stage}"
    assert stage == to, f"the path never reached {to!r} (stopped at {stage!r})"
    return dossier_id


def along_main_line(client: TestClient, stops: Sequence[str]) -> Iterator[str]:
    """One dossier taken along the main line, stopping at each of `stops` (in
    the line's order; `identifie` for its start): its id at each stop, the
    dossier standing there. What the caller does at a stop must store nothing
    (a refusal): the next step follows as if it had not come."""
    dossier_id = drive_dossier(client, to=stops[0])
    line = main_line()
    ahead = iter(line[["identifie", *(s.stage for s in line)].index(stops[0]) :])
    stage = stops[0]
    for stop in stops:
        while stage != stop:
            step = next(ahead)
            answer = take(client, dossier_id, step)
            assert answer.status_code == 200, f"{step.slug}: {answer.text}"
            stage = step.stage
        assert stage_of(client, dossier_id) == stop
        yield dossier_id


# ---- reading the store ------------------------------------------------------------


def read_json(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    """GET `path` with `params` as its query, answered: its body."""
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def read_record(client: TestClient, resource: str, record_id: str) -> dict[str, Any]:
    """GET /v1/{resource}/{record_id}: answered, its ETag its version."""
    answer = client.get(f"/v1/{resource}/{record_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert answer.headers["ETag"] == f'"{body["version"]}"'
    return body


def history_of(
    client: TestClient, resource: str, record_id: str
) -> list[dict[str, Any]]:
    """The events of GET /v1/{resource}/{record_id}/history."""
    answer = client.get(f"/v1/{resource}/{record_id}/history")
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == record_id
    events: list[dict[str, Any]] = answer.json()["events"]
    return events


def history(client: TestClient, dossier_id: str) -> list[dict[str, Any]]:
    return history_of(client, "dossiers", dossier_id)


def assert_labelled(events: list[dict[str, Any]], labels: Mapping[type, str]) -> None:
    """Each event of a history read through the API carries the French label
    `labels` gives its class (an aggregate's EVENT_LABELS)."""
    by_name = {cls.__name__: label for cls, label in labels.items()}
    assert [e["label"] for e in events] == [by_name[e["type"]] for e in events]


def store_position(client: TestClient) -> int:
    answer = client.get("/health")
    assert answer.status_code == 200, answer.text
    position: int = answer.json()["position"]
    return position


def assert_created(
    client: TestClient,
    answer: httpx.Response,
    resource: str,
    stage: str,
    *,
    since: int,
    events: int = 1,
) -> dict[str, Any]:
    """A 201 for a new record of `resource` (its path under /v1), at version 1 in
    `stage`: its Location and ETag, and the store's position `events` past
    `since`, the last one written. The answer's body."""
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    assert (body["version"], body["stage"]) == (1, stage)
    assert answer.headers["Location"] == f"/v1/{resource}/{body['id']}"
    assert answer.headers["ETag"] == '"1"'
    assert body["position"] == since + events == store_position(client)
    return body


@dataclass(frozen=True)
class StoreSnapshot:
    """What must not move when a command is refused or replayed: the store's
    position, the dossier's history length, and the ETag of each resource read
    (e.g. "/v1/commissions/<id>", "/v1/dossiers/<id>", "/v1/programmes/<id>")."""

    position: int
    events: int | None  # the dossier's history length, when there is a dossier
    etags: tuple[tuple[str, str], ...] = ()

    @classmethod
    def take(
        cls,
        client: TestClient,
        dossier_id: str | None = None,
        *,
        resources: Sequence[str] = (),
    ) -> StoreSnapshot:
        events = len(history(client, dossier_id)) if dossier_id else None
        etags = []
        for path in resources:
            answer = client.get(path)
            assert answer.status_code == 200, answer.text
            etags.append((path, answer.headers["ETag"]))
        return cls(store_position(client), events, tuple(etags))


def assert_store_unchanged(
    client: TestClient, before: StoreSnapshot, dossier_id: str | None = None
) -> None:
    resources = [path for path, _ in before.etags]
    after = StoreSnapshot.take(client, dossier_id, resources=resources)
    assert after == before, f"the store moved: {before} → {after}"


def assert_replayed(
    client: TestClient, send: Callable[[], httpx.Response], status: int
) -> httpx.Response:
    """`send` and its retry (the same Idempotency-Key): both answered `status`
    with the same body, the retry writing nothing. The first answer."""
    first = send()
    assert first.status_code == status, first.text
    position = store_position(client)
    again = send()
    assert again.status_code == status, again.text
    assert again.json() == first.json()
    assert store_position(client) == position
    return first


def assert_error(
    answer: httpx.Response, status: int, code: str | None = None
) -> dict[str, Any]:
    """A JSON error {code, message}: the status, the stable code, a French message."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = answer.json()
    if code is not None:
        assert error["code"] == code, error
    assert isinstance(error["message"], str)
    assert error["message"].strip(), error
    return error


def refused(
    answer: httpx.Response,
    status: int,
    code: str | None,
    client: TestClient,
    before: StoreSnapshot,
    dossier_id: str | None = None,
) -> dict[str, Any]:
    """The error answer (`assert_error`), and a store that did not move."""
    error = assert_error(answer, status, code)
    assert_store_unchanged(client, before, dossier_id)
    return error


def refused_step(
    client: TestClient,
    dossier_id: str,
    slug: str,
    body: Mapping[str, Any] | None,
    *,
    status: int = 409,
    code: str,
    **options: Any,
) -> dict[str, Any]:
    """POST a dossier's step (`record` and its `options`, the role among them)
    that must be refused: the error answer (`assert_error`), nothing stored."""
    before = StoreSnapshot.take(client, dossier_id)
    answer = record(client, dossier_id, slug, body, **options)
    return refused(answer, status, code, client, before, dossier_id)
