"""Need-to-know on writes (issue 13): every write route of the OpenAPI schema,
crossed with every role and every scope it may be called from (in scope,
another commune, another department, another organisation, no territory
claim). Out of scope: 403 `forbidden` (or `role_not_allowed` for a role with
no step on that kind of record), nothing of the record in the message (no
version, no stage), the store unchanged; in scope, a role allowed the step is
not refused. Every request carries a wrong `If-Match`: a caller in scope meets
409 and writes nothing, so one world serves the whole module.

The check is the command layer's, whatever the store: SQLite only. What each
record IS (where it sits, whom it names) is written here by hand, not read
from the code under test; the matrix's scopes are (domain/access.py)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest
from starlette.testclient import TestClient

from api.main import create_app
from domain import access
from domain.shared import ROLES
from infra.settings import Settings
from tests.helpers.api import (
    COMMUNE,
    DEPARTMENT,
    NUMERO_UNIQUE,
    ORGANISATIONS,
    OTHER_COMMUNE,
    TEST_JWT_SECRET,
    actor,
    adopt_settings,
    today,
)
from tests.helpers.mesures_http import NAMES, asll_settings, drive_mesure
from tests.helpers.procedure import (
    DWELLINGS,
    concerted_programme,
    in_session,
    ranked_dossiers,
)
from tests.helpers.saisines_http import OPERATOR, signalled

if TYPE_CHECKING:
    from collections.abc import Iterator


OTHER_DEPARTMENT, ITS_COMMUNE = "971", "97105"
SIMAR = ORGANISATIONS["bailleur"]
STRANGER = "Organisation tierce"
WRONG_VERSION = '"999"'
# A refusal tells no version (nor the record's stage: checked on each).
LEAK = re.compile(r"version", re.IGNORECASE)


@dataclass(frozen=True)
class Rec:
    """A record as these tests know it: where it sits, whom it names."""

    kind: str
    id: str
    department: str = DEPARTMENT
    commune: str = COMMUNE
    parties: frozenset[tuple[str, str]] = frozenset()


@dataclass
class World:
    client: TestClient
    records: dict[str, Rec]
    schema: dict[str, Any]

    def position(self) -> int:
        return int(self.client.get("/health").json()["position"])

    def stage(self, rec: Rec) -> str | None:
        path = {"department": None}.get(rec.kind, f"/v1/{rec.kind}s/{rec.id}")
        if path is None:
            return None
        return self.client.get(path).json().get("stage")


def build(client: TestClient) -> World:
    for department, body in ((DEPARTMENT, asll_settings()), (OTHER_DEPARTMENT, None)):
        answer = adopt_settings(client, department, body)
        assert answer.status_code == 201, answer.text
    simar = concerted_programme(client)
    ranked, _, pref = ranked_dossiers(client, simar, ranked=1)
    pre = in_session(client, "pre_commission", programme_id=simar, commune=COMMUNE)
    cal = in_session(client, "cal", programme_id=simar, dwelling_refs=[DWELLINGS[0]])
    mesure = drive_mesure(client, to="notifiee", association="agasef")
    saisine = signalled(client, "registration", "enquiry-request")
    ccas = ("ccas", ORGANISATIONS["ccas"])
    landlord = ("bailleur", SIMAR)
    records = {
        "dossier": Rec("dossier", ranked[0], parties=frozenset({ccas, landlord})),
        "programme": Rec("programme", simar, parties=frozenset({landlord})),
        "pre_commission": Rec("commission", pre),
        "commission_prefectorale": Rec("commission", pref),
        "cal": Rec("commission", cal, parties=frozenset({landlord})),
        "mesure": Rec(
            "mesure",
            mesure,
            parties=frozenset(
                {
                    ("prescripteur", ORGANISATIONS["prescripteur"]),
                    ("association", NAMES["agasef"]),
                }
            ),
        ),
        "saisine": Rec(
            "saisine",
            saisine,
            parties=frozenset({("association", OPERATOR), landlord}),
        ),
        "department": Rec("department", DEPARTMENT),
    }
    return World(client, records, client.app.openapi())  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = f"sqlite:///{tmp_path_factory.mktemp('writes')}/l.db"
    settings = Settings(database_url=url, log_json=False, jwt_secret=TEST_JWT_SECRET)
    with TestClient(create_app(settings), headers=actor("auditeur")) as client:
        yield build(client)


# ---- the routes, from the schema ---------------------------------------------------


def _routes() -> list[tuple[str, str]]:
    """Every write operation of the schema (the app opens no store to say it)."""
    unopened = f"sqlite:///{tempfile.gettempdir()}/logis-never-opened.db"
    settings = Settings(database_url=unopened, jwt_secret=TEST_JWT_SECRET)
    schema = create_app(settings).openapi()
    return [
        (path, operation["operationId"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method != "get"
    ]


ROUTES = _routes()
ALLOWED = re.compile(r"Rôles autorisés : ([a-z_, ]+)\.")

# Routes whose description names no roles: the record they act on (a key of
# the world's records, None for a creation) and who may take them, by hand.
OTHER_ROUTES: dict[str, tuple[str | None, set[str]]] = {
    "/v1/dossiers": (None, {"mairie", "ccas", "departement", "caf", "prefecture"}),
    "/v1/programmes": (None, {"bailleur"}),
    "/v1/programmes/{programme_id}/concertation": ("programme", {"bailleur", "als"}),
    "/v1/programmes/{programme_id}/dwellings/{ref}/lease": ("programme", {"bailleur"}),
    "/v1/programmes/{programme_id}/dwellings/{ref}/vacancy": (
        "programme",
        {"bailleur"},
    ),
    "/v1/programmes/{programme_id}/dwellings/{ref}/candidates": (
        "programme",
        {"bailleur"},
    ),
    "/v1/commissions": (None, {"bailleur"}),  # a CAL for SIMAR's programme
    "/v1/commissions/{commission_id}/attendance": (
        "commission_prefectorale",
        {"prefecture", "deal"},
    ),
    "/v1/commissions/{commission_id}/preselection": ("pre_commission", {"als"}),
    "/v1/commissions/{commission_id}/ranking": (
        "commission_prefectorale",
        {"prefecture"},
    ),
    "/v1/commissions/{commission_id}/dwellings/{ref}/decisions": (
        "cal",
        {"bailleur"},
    ),
    "/v1/commissions/{commission_id}/minutes": (
        "commission_prefectorale",
        {"prefecture"},
    ),
    "/v1/mesures": (None, {"prescripteur"}),
    "/v1/saisines": (None, {"bailleur"}),  # a landlord's own referral
    "/v1/departments/{code}/settings": ("department", {"admin"}),
    "/v1/admin/households/{household_id}/erasure": ("erasure", {"admin"}),
}
KIND_OF_PATH = {
    "dossier_id": "dossier",
    "mesure_id": "mesure",
    "saisine_id": "saisine",
}


def target_and_roles(
    world: World, path: str, operation_id: str
) -> tuple[str | None, set[str]]:
    if path in OTHER_ROUTES:
        return OTHER_ROUTES[path]
    operation = world.schema["paths"][path]["post"]
    found = ALLOWED.search(operation.get("description", ""))
    assert found, f"{path}: which record does it write on, and who may?"
    name = next(KIND_OF_PATH[k] for k in KIND_OF_PATH if "{" + k + "}" in path)
    return name, set(found.group(1).replace(" ", "").split(","))


# ---- valid bodies, from the schema -------------------------------------------------


def example(world: World, schema: dict[str, Any], name: str = "") -> Any:
    """A value the schema accepts: the request must reach the command layer."""
    components = world.schema["components"]["schemas"]
    if "$ref" in schema:
        return example(world, components[schema["$ref"].split("/")[-1]], name)
    if "anyOf" in schema:
        options = [o for o in schema["anyOf"] if o.get("type") != "null"]
        return example(world, options[0], name)
    if "allOf" in schema:
        return example(world, schema["allOf"][0], name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", [])
        return {
            key: example(world, sub, key)
            for key, sub in schema.get("properties", {}).items()
            if key in required
        }
    if kind == "array":
        return [
            example(world, schema.get("items", {}), name)
            for _ in range(max(1, schema.get("minItems", 1)))
        ]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    return _string(world, schema, name)


def _string(world: World, schema: dict[str, Any], name: str) -> str:
    if schema.get("format") == "date":
        return (today() - timedelta(days=1)).isoformat()
    if schema.get("format") == "uuid" or name.endswith("_id"):
        named = {"programme_id": "programme", "dossier_id": "dossier"}
        return world.records[named.get(name, "dossier")].id
    return {
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "numero_unique": NUMERO_UNIQUE,
        "landlord": SIMAR,
        "role": "bailleur",
        "organisation": SIMAR,
    }.get(name, "Texte")


BODY_OVERRIDES: dict[str, dict[str, Any]] = {
    "/v1/commissions": {"kind": "cal", "dwelling_refs": [DWELLINGS[0]]},
    "/v1/saisines": {"source": "saisine_bailleur", "arrears": "100"},
    "/v1/departments/{code}/settings": {},  # filled from the helpers
}


def body_for(world: World, path: str) -> Any:
    operation = world.schema["paths"][path]["post"]
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        return None
    body = example(world, schema)
    if isinstance(body, dict):
        body.update(BODY_OVERRIDES.get(path, {}))
        if path == "/v1/commissions":
            body["programme_id"] = world.records["programme"].id
    return body


def url_for(world: World, path: str, target: str | None) -> str:
    rec = world.records.get(target or "")
    ids = {
        "dossier_id": rec.id if rec else "",
        "mesure_id": rec.id if rec else "",
        "saisine_id": rec.id if rec else "",
        "programme_id": rec.id if rec else "",
        "commission_id": rec.id if rec else "",
        "code": DEPARTMENT,
        "ref": DWELLINGS[0],
        "household_id": str(uuid4()),
    }
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


# ---- who calls, from where ---------------------------------------------------------

VARIANTS = ("in_scope", "other_commune", "other_department", "other_org", "no_claim")


def credentials(
    role: str, variant: str, rec: Rec | None
) -> tuple[dict[str, str], str, dict[str, str]]:
    """The headers of `role` called from `variant`, its organisation and claims.
    In scope, an organisation the record names for that role, if it names one."""
    named = [o for r, o in (rec.parties if rec else ()) if r == role]
    organisation = named[0] if named else ORGANISATIONS[role]
    claims: dict[str, str] = {}
    local = role in ("mairie", "ccas")
    territorial = role in (
        "als", "prefecture", "deal", "departement", "commission_logement", "ccapex"
    )  # fmt: skip
    if local or territorial:
        claims = {
            "in_scope": {"commune": COMMUNE} if local else {"department": DEPARTMENT},
            "other_commune": {"commune": OTHER_COMMUNE},
            "other_department": {"commune": ITS_COMMUNE}
            if local
            else {"department": OTHER_DEPARTMENT},
            "other_org": {"commune": COMMUNE} if local else {"department": DEPARTMENT},
            "no_claim": {},
        }[variant]
    if variant == "other_org":
        organisation = STRANGER
    headers = actor(role, organisation=organisation, unclaimed=not claims, **claims)
    return headers, organisation, claims


# A role not allowed the step may be refused for that first: its
# role, not the record, is what the answer tells.
REFUSALS = {"forbidden", "role_not_allowed"}
# A creation naming another record's party: a CAL convened for SIMAR's
# programme, a referral by its landlord SIMAR.
CREATION_PARTIES = {
    "/v1/commissions": {("bailleur", SIMAR)},
    "/v1/saisines": {("bailleur", SIMAR)},
}


def admitted(
    path: str,
    role: str,
    kind: str,
    rec: Rec | None,
    organisation: str,
    claims: dict[str, str],
) -> bool:
    """Whether the matrix's write scope admits the caller, read here on the
    record's facts as written by hand above."""
    department = claims.get("department") or claims.get("commune", "")[:3] or None
    if kind == "erasure":
        return role == "admin"
    if rec is None:  # a creation: where it will sit (DEPARTMENT, COMMUNE)
        named = {o for r, o in CREATION_PARTIES.get(path, ()) if r == role}
        if named and organisation not in named:
            return False
        if role in ("mairie", "ccas"):
            return claims.get("commune") == COMMUNE
        if role in access.TERRITORY:
            return department == DEPARTMENT
        return True
    scope = access.write_scope(role, rec.kind)
    return {
        "all": True,
        "department": department == rec.department,
        "commune": claims.get("commune") == rec.commune,
        "organisation": (role, organisation) in rec.parties,
        "none": False,
    }[scope]


@pytest.mark.parametrize(("path", "operation_id"), ROUTES, ids=[r[1] for r in ROUTES])
def test_every_write_route_obeys_the_callers_scope(
    world: World, path: str, operation_id: str
) -> None:
    target, allowed = target_and_roles(world, path, operation_id)
    rec = world.records.get(target or "")
    kind = rec.kind if rec else (target or "creation")
    url = url_for(world, path, target)
    body = body_for(world, path)
    if path == "/v1/departments/{code}/settings":
        body = asll_settings()
    stage = world.stage(rec) if rec else None
    for role in ROLES:
        calls = [(v, *credentials(role, v, rec)) for v in VARIANTS]
        refused = [c for c in calls if not admitted(path, role, kind, rec, c[2], c[3])]
        before = world.position()
        for variant, headers, _, _ in refused:
            answer = world.client.post(
                url, json=body, headers={**headers, "If-Match": WRONG_VERSION}
            )
            where = (role, variant, answer.text)
            assert answer.status_code == 403, where
            error = answer.json()
            expected = {"forbidden"} if role in allowed else REFUSALS
            if rec is None and path in CREATION_PARTIES:
                expected |= {"not_the_landlord"}  # the body names another's
            assert error["code"] in expected, where
            assert not LEAK.search(error["message"]), where
            if stage:
                assert stage not in error["message"], where
        assert world.position() == before, (role, "the store moved")
        if role not in allowed:
            continue
        for variant, headers, _, _ in (c for c in calls if c not in refused):
            answer = world.client.post(
                url, json=body, headers={**headers, "If-Match": WRONG_VERSION}
            )
            assert answer.status_code != 403, (role, variant, answer.text)
            assert answer.status_code != 422 or answer.json()["code"] != (
                "invalid_input"
            ), (role, variant, answer.text)
