"""Every refusal leaves as JSON {code, message} with the right status, a French
message, and nothing stored.

Tables of cases run as subtests in one database: each case is reported on its own,
without paying for a new database per case."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import jwt
import pytest

from commands.commission import STEPS as commission_steps
from commands.commission import DecideOnDwelling
from commands.dossier import STEPS
from commands.dossier import STEPS as dossier_steps
from commands.mesure import STEPS as mesure_steps
from commands.saisine import STEPS as saisine_steps
from domain import records
from domain.department import department_id
from domain.shared import ROLE_LABELS, ROLES
from tests.helpers.api import (
    DWELLING,
    REQUIRED_DOCUMENTS,
    TEST_JWT_SECRET,
    StoreSnapshot,
    actor,
    along_main_line,
    anonymous,
    assert_error,
    assert_store_unchanged,
    drive_dossier,
    endpoint_steps,
    identification,
    identify,
    main_line,
    record,
    step_by_slug,
    today,
    token,
)
from tests.helpers.api import refused as refused_unchanged
from tests.helpers.api import refused_step as step_refused
from tests.helpers.procedure import (
    SHORTFALL,
    adjournment,
    attribution,
    concerted_programme,
    decide,
    in_session,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx
    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")
MAX_BODY = 64 * 1024  # Settings.max_body_bytes
FRENCH = (
    "é",
    "è",
    "à",
    "ç",
    "ô",
    "ê",
    "û",
    " de ",
    " du ",
    " la ",
    " le ",
    " les ",
    " une ",
    " est ",
    " : ",
    "introuvable",
)


STEPPED_KINDS = ("dossiers", "mesures", "saisines", "programmes", "commissions")
CREATIONS = {
    "dossiers": "identify",
    "saisines": "signal",
    "programmes": "announce",
    "commissions": "convene",
}
PROGRAMME_STEPS = {
    "concertation": "hold_concertation",
    "lease": "let_dwelling",
    "vacancy": "vacate_dwelling",
    "candidates": "propose_candidates",
}


Identified = tuple[str, StoreSnapshot]


@pytest.fixture
def identified(client: TestClient, department: str) -> Identified:
    """An identified dossier, and the store's snapshot with it."""
    dossier_id = drive_dossier(client, to="identifie")
    return dossier_id, StoreSnapshot.take(client, dossier_id)


def steps_roles(path: str) -> frozenset[str] | None:
    """The roles the registry may ever admit for the POST at `path` (those
    whose attempt a rule answers included), or None where a rule answers every
    role (ASLL-PRESCRIPTEUR for a measure's request)."""
    parts = path.split("/")
    plural, slug = parts[2], parts[-1]
    kind = records.kind(plural.removesuffix("s"))
    if len(parts) == 3:
        action = CREATIONS.get(plural)
        return None if action is None else kind.steps[action]
    if plural == "programmes":
        return kind.steps[PROGRAMME_STEPS[slug]]
    if plural == "commissions":
        return kind.steps[
            {**commission_steps, "decisions": DecideOnDwelling}[slug].action
        ]
    step = {
        "dossiers": dossier_steps,
        "mesures": mesure_steps,
        "saisines": saisine_steps,
    }[plural][slug]
    return step.roles() | getattr(step, "ruled_roles", frozenset)()


def in_french(error: dict[str, Any]) -> dict[str, Any]:
    assert any(mark in error["message"] for mark in FRENCH), error["message"]
    return error


def refused(answer: httpx.Response, *unchanged: Any) -> dict[str, Any]:
    """The error answer is right, its message French, and the store did not move
    (`unchanged`: the status, code, client, snapshot and dossier id of
    tests.helpers.api.refused)."""
    return in_french(refused_unchanged(answer, *unchanged))


def refused_step(*args: Any, **options: Any) -> dict[str, Any]:
    """tests.helpers.api.refused_step, its message French."""
    return in_french(step_refused(*args, **options))


def social_enquiry(client: TestClient, dossier_id: str, **extra: Any) -> httpx.Response:
    """The Département's social enquiry on `dossier_id`, with `extra` fields."""
    body = {"avis": "favorable", "summary": "x", **extra}
    return record(client, dossier_id, "social-enquiry", body, role="departement")


def post_as_json(client: TestClient, path: str, content: bytes | str) -> httpx.Response:
    """`content` posted as it is, declared JSON, by the Département."""
    headers = {**actor("departement"), "Content-Type": "application/json"}
    return client.post(path, content=content, headers=headers)


class TestNotFound:
    def test_unknown_dossier_is_not_found_everywhere(self, client: TestClient) -> None:
        unknown = uuid4()
        before = StoreSnapshot.take(client)

        for answer in (
            client.get(f"/v1/dossiers/{unknown}"),
            client.get(f"/v1/dossiers/{unknown}/history"),
            client.get(
                f"/v1/dossiers/{unknown}", params={"as_of": "2030-01-01T00:00:00Z"}
            ),
            social_enquiry(client, str(unknown)),
            client.post(f"/v1/dossiers/{unknown}/analysis", headers=actor("als")),
        ):
            error = refused(answer, 404, "dossier_not_found", client, before)
            assert str(unknown) in error["message"]

    def test_another_aggregate_is_not_a_dossier(self, client: TestClient) -> None:
        department = department_id("972")  # exists: the department fixture adopted it
        before = StoreSnapshot.take(client)

        for answer in (
            client.get(f"/v1/dossiers/{department}"),
            client.get(f"/v1/dossiers/{department}/history"),
            client.post(f"/v1/dossiers/{department}/analysis", headers=actor("als")),
        ):
            refused(answer, 404, "dossier_not_found", client, before)

    def test_malformed_uuid_in_path_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        before = StoreSnapshot.take(client)
        for method, path in (
            ("GET", "/v1/dossiers/pas-un-uuid"),
            ("GET", "/v1/dossiers/pas-un-uuid/history"),
            ("GET", "/v1/dossiers/1234"),
            ("POST", "/v1/dossiers/pas-un-uuid/analysis"),
        ):
            with subtests.test(method=method, path=path):
                answer = client.request(method, path, headers=actor("als"))

                error = refused(answer, 422, "invalid_input", client, before)
                assert error["details"][0]["field"] == "path.dossier_id"

    def test_unknown_route_answers_404_json(
        self, client: TestClient, identified: Identified, subtests: pytest.Subtests
    ) -> None:
        dossier_id, before = identified
        for method, path in (
            ("GET", "/v1/nulle-part"),
            ("GET", "/nulle-part"),
            ("POST", f"/v1/dossiers/{dossier_id}/etape-inconnue"),
            ("GET", f"/v1/dossiers/{dossier_id}/social-enquiry/extra"),
            ("POST", "/v2/dossiers"),
        ):
            with subtests.test(method=method, path=path):
                answer = client.request(method, path, headers=actor("als"), json={})

                refused(answer, 404, "not_found", client, before, dossier_id)

    def test_wrong_method_answers_405_json(
        self, client: TestClient, identified: Identified
    ) -> None:
        dossier_id, before = identified

        for answer in (
            client.delete(f"/v1/dossiers/{dossier_id}", headers=actor("als")),
            client.get(f"/v1/dossiers/{dossier_id}/analysis"),
            client.put("/v1/dossiers", json=identification(), headers=actor("ccas")),
        ):
            refused(answer, 405, "method_not_allowed", client, before, dossier_id)

    def test_a_date_in_a_query_is_iso_8601_not_a_number(
        self, client: TestClient
    ) -> None:
        """Every date query parameter refuses what pydantic alone would read as
        seconds since 1970 (`?as_of=0`), and a day that is not AAAA-MM-JJ."""
        schema = client.get("/openapi.json").json()
        dated = sorted(
            (path, p["name"])
            for path, item in schema["paths"].items()
            for p in item.get("get", {}).get("parameters", [])
            if p["in"] == "query"
            and any(
                s.get("format") in ("date", "date-time")
                for s in p["schema"].get("anyOf", [p["schema"]])
            )
        )
        assert len(dated) >= 8, dated
        for path, name in dated:
            concrete = path.replace("{code}", "972").replace("{id}", str(uuid4()))
            for bad in ("0", "1700000000", "07/12/2026"):
                answer = client.get(concrete, params={name: bad, "commune": "97209"})
                assert answer.status_code == 422, (path, name, bad, answer.text)
                body = answer.json()
                assert body["code"] == "invalid_input", (path, name, body)
                assert name in body["message"], (path, name, body)

    def test_a_405_names_every_method_of_the_path(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="identifie")
        for method, path, allowed in (
            ("PUT", "/v1/dossiers", "GET, HEAD, POST"),
            ("DELETE", f"/v1/dossiers/{dossier_id}", "GET, HEAD"),
            ("GET", f"/v1/dossiers/{dossier_id}/analysis", "POST"),
            ("POST", "/health", "GET, HEAD"),
        ):
            answer = client.request(method, path, headers=actor("als"))
            assert answer.status_code == 405, (method, path)
            assert answer.headers["allow"] == allowed, (method, path)


class TestInvalidInput:
    def test_wrong_enum_value_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        # in the main line's order: one dossier takes them all
        cases = [
            (
                "identifie",
                "social-enquiry",
                "departement",
                {"avis": "excellent", "summary": "x"},
                "body.avis",
            ),
            (
                "enquete_sociale_rendue",
                "mairie-avis",
                "mairie",
                {"avis": "prioritaire"},
                "body.avis",
            ),
            (
                "complet",
                "resources-check",
                "deal",
                {"annual_resources": "12000", "household_category": 7},
                "body.household_category",
            ),
            (
                "complet",
                "resources-check",
                "deal",
                {"annual_resources": "-1", "household_category": 3},
                "body.annual_resources",
            ),
            (
                "en_analyse",
                "documents-request",
                "als",
                {
                    "documents": ["x"],
                    "through_role": "voisin",
                    "through_organisation": "X",
                },
                "body.through_role",
            ),
            (
                "offre_faite",
                "offer-answer",
                "bailleur",
                {"answer": "peut-etre"},
                "body.answer",
            ),
        ]
        # one dossier along the line, not one driven from the start for each
        dossiers = along_main_line(client, [c[0] for c in cases])
        for (_, slug, role, body, field), dossier_id in zip(
            cases, dossiers, strict=True
        ):
            with subtests.test(slug=slug, field=field, body=body):
                error = refused_step(
                    client,
                    dossier_id,
                    slug,
                    body,
                    role=role,
                    status=422,
                    code="invalid_input",
                )
                assert field in error["message"]
                assert [d["field"] for d in error["details"]] == [field]

    def test_invalid_identification_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        before = StoreSnapshot.take(client)
        for change, field in (
            ({"commune": "Fort-de-France"}, "body.commune"),
            ({"department": "99"}, "body.department"),
            ({"household_size": 0}, "body.household_size"),
            ({"applicant_name": "   "}, "body.applicant_name"),
            ({"numero_unique": "abc"}, "body.numero_unique"),
            ({"occurred_on": "27/11/2025"}, "body.occurred_on"),
            ({"programme_id": "programme-1"}, "body.programme_id"),
            ({"dalo": "peut-être"}, "body.dalo"),
        ):
            with subtests.test(field=field):
                answer = identify(client, {**identification(), **change})

                error = refused(answer, 422, "invalid_input", client, before)
                assert field in {d["field"] for d in error["details"]}

    def test_missing_field_is_refused(self, client: TestClient) -> None:
        body = identification()
        del body["applicant_name"]
        before = StoreSnapshot.take(client)

        error = refused(identify(client, body), 422, "invalid_input", client, before)

        assert "body.applicant_name" in error["message"]

    def test_missing_body_of_a_step_that_needs_one_is_refused(
        self, client: TestClient, identified: Identified
    ) -> None:
        dossier_id, before = identified

        answer = client.post(
            f"/v1/dossiers/{dossier_id}/social-enquiry", headers=actor("departement")
        )

        refused(answer, 422, "invalid_input", client, before, dossier_id)

    def test_malformed_json_is_refused(
        self, client: TestClient, identified: Identified, subtests: pytest.Subtests
    ) -> None:
        dossier_id, before = identified
        payloads = {
            "truncated": b'{"avis": ',
            "single-quotes": b"{'avis': 'favorable'}",
            "trailing-comma": b'{"avis": "favorable",}',
            "not-utf8": b"\xff\xfe",
            "one-byte-not-utf8": b"\xbb",
        }
        for name, payload in payloads.items():
            for path in (f"/v1/dossiers/{dossier_id}/social-enquiry", "/v1/dossiers"):
                with subtests.test(payload=name, path=path):
                    answer = post_as_json(client, path, payload)

                    refused(answer, 422, "malformed_json", client, before, dossier_id)

    def test_json_that_is_not_an_object_is_refused(
        self, client: TestClient, identified: Identified, subtests: pytest.Subtests
    ) -> None:
        dossier_id, before = identified
        for payload in ([1, 2], "favorable", 42, None):
            with subtests.test(payload=payload):
                path = f"/v1/dossiers/{dossier_id}/social-enquiry"
                answer = post_as_json(client, path, json.dumps(payload))

                refused(answer, 422, "invalid_input", client, before, dossier_id)

    def test_unknown_field_is_refused(
        self, client: TestClient, identified: Identified
    ) -> None:
        dossier_id, before = identified

        step = social_enquiry(client, dossier_id, urgence=True)
        creation = identify(client, {**identification(), "stage": "classe"})
        ending = record(
            client, dossier_id, "withdrawal", {"reason": "x", "version": 9}, role="ccas"
        )

        for answer, field in (
            (step, "urgence"),
            (creation, "stage"),
            (ending, "version"),
        ):
            error = refused(answer, 422, "invalid_input", client, before, dossier_id)
            assert f"{field} : champ inconnu" in error["message"]
            assert error["details"] == [
                {"field": f"body.{field}", "problem": "champ inconnu, refusé"}
            ]

    def test_future_occurred_on_is_refused(
        self, client: TestClient, identified: Identified
    ) -> None:
        dossier_id, before = identified
        tomorrow = (today() + timedelta(days=1)).isoformat()

        step = social_enquiry(client, dossier_id, occurred_on=tomorrow)
        creation = identify(
            client,
            identification(
                occurred_on=tomorrow, sne_registered_on=None, numero_unique=None
            ),
        )

        for answer in (step, creation):
            error = refused(
                answer, 422, "occurred_on_in_future", client, before, dossier_id
            )
            assert f"({today() + timedelta(days=1):%d/%m/%Y})" in error["message"]

    def test_step_dated_before_the_previous_one_is_refused(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(client, to="identifie")
        yesterday = today() - timedelta(days=1)

        error = refused_step(
            client,
            dossier_id,
            "social-enquiry",
            {"avis": "favorable", "summary": "x", "occurred_on": yesterday.isoformat()},
            role="departement",
            code="occurred_on_out_of_order",
        )

        # Days for people in French (issue 16 item 6), never ISO as in the JSON.
        assert error["message"] == (
            f"Date de l'étape ({yesterday:%d/%m/%Y}) antérieure à l'étape "
            f"précédente ({today():%d/%m/%Y})."
        )


class TestActor:
    def test_missing_token_is_refused(
        self, client: TestClient, identified: Identified, subtests: pytest.Subtests
    ) -> None:
        dossier_id, before = identified
        commands = (
            (
                f"/v1/dossiers/{dossier_id}/social-enquiry",
                {"avis": "favorable", "summary": "x"},
            ),
            ("/v1/dossiers", identification()),
            ("/v1/departments/972/settings", {}),
        )
        for credentials in (
            {},
            {"Authorization": "Bearer "},
            {"Authorization": "Basic YTpi"},
        ):
            for path, body in commands:
                with subtests.test(credentials=credentials, path=path):
                    answer = anonymous(client).post(
                        path, json=body, headers=credentials
                    )

                    error = refused(
                        answer,
                        401,
                        "authentication_required",
                        client,
                        before,
                        dossier_id,
                    )
                    assert "Bearer" in error["message"]
                    assert answer.headers["WWW-Authenticate"].startswith("Bearer")

    def test_empty_subject_is_refused(self, client: TestClient) -> None:
        before = StoreSnapshot.take(client)
        empty = jwt.encode(
            {
                **jwt.decode(token("ccas"), options={"verify_signature": False}),
                "sub": "",
            },
            TEST_JWT_SECRET,
            algorithm="HS256",
        )

        answer = identify(client, headers={"Authorization": f"Bearer {empty}"})

        refused(answer, 401, "invalid_token", client, before)

    def test_unknown_role_is_refused(
        self, client: TestClient, identified: Identified, subtests: pytest.Subtests
    ) -> None:
        dossier_id, before = identified
        for role in ("maire", "ADMIN", "Als", "root", "ccas,admin"):
            with subtests.test(role=role):
                for answer in (
                    identify(client, role=role),
                    record(
                        client, dossier_id, "withdrawal", {"reason": "x"}, role=role
                    ),
                ):
                    error = refused(
                        answer, 401, "invalid_token", client, before, dossier_id
                    )
                    assert role in error["message"]

    def test_auditor_records_no_step(
        self, client: TestClient, identified: Identified, subtests: pytest.Subtests
    ) -> None:
        dossier_id, before = identified
        for slug, step in sorted(endpoint_steps().items()):
            with subtests.test(slug=slug):
                answer = record(
                    client, dossier_id, slug, step.body(today()), role="auditeur"
                )

                error = refused(
                    answer, 403, "role_not_allowed", client, before, dossier_id
                )
                assert "« Auditeur »" in error["message"]
        assert set(endpoint_steps()) == set(STEPS)

    def test_wrong_role_for_a_step_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        for at, slug, role in (
            ("avis_mairie_rendu", "completion", "mairie"),
            ("identifie", "social-enquiry", "deal"),
            ("enquete_sociale_rendue", "mairie-avis", "ccas"),
            ("complet", "resources-check", "als"),
            ("ressources_controlees", "analysis", "deal"),
            ("decide_cal", "offer", "als"),
            ("entre_dans_les_lieux", "installation-review", "bailleur"),
            ("identifie", "withdrawal", "admin"),
        ):
            with subtests.test(slug=slug, role=role):
                dossier_id = drive_dossier(client, to=at)

                error = refused_step(
                    client,
                    dossier_id,
                    slug,
                    step_by_slug()[slug].body(today()),
                    role=role,
                    status=403,
                    code="role_not_allowed",
                )
                assert f"« {ROLE_LABELS[role]} »" in error["message"]

    def test_a_role_refused_a_step_is_told_so_whatever_its_body(
        self, client: TestClient, identified: Identified, subtests: pytest.Subtests
    ) -> None:
        """Authorisation before validation: the DEAL records no social enquiry,
        whatever it sends and whichever dossier it names (no 404 either)."""
        dossier_id, before = identified
        url = f"/v1/dossiers/{dossier_id}/social-enquiry"
        bodies: dict[str, Any] = {
            "empty": {},
            "wrong types": {"favourable": "peut-être", "occurred_on": 12},
            "unknown field": {"injected": True},
            "not an object": ["x"],
        }
        for name, body in bodies.items():
            with subtests.test(body=name):
                answer = client.post(url, json=body, headers=actor("deal"))
                refused(answer, 403, "role_not_allowed", client, before, dossier_id)
        with subtests.test(body="unknown dossier"):
            answer = client.post(
                f"/v1/dossiers/{uuid4()}/social-enquiry", json={}, headers=actor("deal")
            )
            refused(answer, 403, "role_not_allowed", client, before, dossier_id)
        with subtests.test(body="a role its rule answers"):
            # A landlord's withdrawal is answered by DOS-RETRAIT (409) once the
            # request is whole: an incomplete one is still a bad request.
            answer = record(client, dossier_id, "withdrawal", {}, role="bailleur")
            refused(answer, 422, "invalid_input", client, before, dossier_id)

    def test_every_step_refuses_a_role_it_never_admits_before_reading_the_body(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        """Authorisation before validation on every POST of a record, creation
        and steps of every kind (programmes' and commissions' included): a role
        the registry never admits for it gets 403 for a malformed body and an
        unknown record alike, and the store does not move."""
        before = StoreSnapshot.take(client)
        posts = [
            path
            for path, operations in client.get("/openapi.json").json()["paths"].items()
            if "post" in operations and path.split("/")[2] in STEPPED_KINDS
        ]
        assert len(posts) > 40, posts  # every kind's creation and steps
        for path in posts:
            roles = steps_roles(path)
            if roles is None:  # ASLL-PRESCRIPTEUR answers the role (409)
                continue
            url = re.sub(
                r"\{\w+\}", lambda m: "A1" if m[0] == "{ref}" else str(uuid4()), path
            )
            for role in sorted(set(ROLES) - roles):
                with subtests.test(path=path, role=role):
                    answer = client.post(
                        url, json={"injected": True}, headers=actor(role)
                    )
                    in_french(assert_error(answer, 403, "role_not_allowed"))
            # the store read once a path (a read per refusal doubled the test)
            assert_store_unchanged(client, before)

    def test_only_partners_identify_a_household(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        before = StoreSnapshot.take(client)
        for role in ("auditeur", "admin", "bailleur", "als", "deal"):
            with subtests.test(role=role):
                answer = identify(client, role=role)
                refused(answer, 403, "role_not_allowed", client, before)

    def test_only_the_prefecture_proposes_dalo_dossiers(
        self, client: TestClient
    ) -> None:
        before = StoreSnapshot.take(client)

        for role, dalo in (("prefecture", False), ("ccas", True)):
            answer = identify(client, identification(dalo=dalo), role=role)
            refused(answer, 409, "DOS-ORIGINE", client, before)


class TestProcedureRules:
    def test_step_out_of_order_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        simar = concerted_programme(client)
        for at, slug, role, code in (
            ("identifie", "mairie-avis", "mairie", "DOS-ORDRE"),
            ("identifie", "analysis", "als", "DOS-COMPLET"),
            ("enquete_sociale_rendue", "completion", "ccas", "DOS-ORDRE"),
            ("complet", "analysis", "als", "DOS-ORDRE"),
            ("complet", "solvency", "als", "DOS-ORDRE"),
            ("avis_mairie_rendu", "social-enquiry", "departement", "DOS-ORDRE"),
            ("identifie", "resources-check", "deal", "DOS-COMPLET"),
            ("avis_mairie_rendu", "resources-check", "deal", "DOS-COMPLET"),
            ("ressources_controlees", "documents-request", "als", "invalid_transition"),
            ("en_analyse", "offer", "bailleur", "forbidden"),  # not ranked: no party
            ("classe", "lease", "bailleur", "invalid_transition"),
        ):
            with subtests.test(at=at, slug=slug):
                # A landlord acts on the households ranked for its programme.
                mine = {"programme_id": simar} if role == "bailleur" else {}
                dossier_id = drive_dossier(client, to=at, identify_with=mine)

                refused_step(
                    client,
                    dossier_id,
                    slug,
                    step_by_slug()[slug].body(today()),
                    role=role,
                    status=403 if code == "forbidden" else 409,
                    code=code,
                )
                assert client.get(f"/v1/dossiers/{dossier_id}").json()["stage"] == at

    def test_rule_breach_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        cases = {
            "offer-not-lapsed": (
                "offre_faite",
                "offer-answer",
                "bailleur",
                {"answer": "caduque"},
                "OFFRE-DELAI",
            ),
            "contact-applicant": (
                "en_analyse",
                "documents-request",
                "als",
                {
                    "documents": ["rib"],
                    "through_role": "demandeur",
                    "through_organisation": "X",
                },
                "ALS-CONTACT",
            ),
            "incomplete": (
                "avis_mairie_rendu",
                "completion",
                "ccas",
                {"documents": list(REQUIRED_DOCUMENTS[:2])},
                "DOS-COMPLET",
            ),
            "list-not-expired": (
                "classe",
                "list-expiry",
                "prefecture",
                None,
                "LC-VALIDITE",
            ),
            "demand-still-valid": (
                "identifie",
                "radiation",
                "prefecture",
                {"reason": "x"},
                "SNE-VALIDITE",
            ),
            "short-support": (
                "entre_dans_les_lieux",
                "installation-review",
                "als",
                {"outcome": "problemes", "findings": "Dettes", "support_months": 3},
                "BILAN-SUITE",
            ),
            "favorable-out-of-thresholds": (
                "en_analyse",
                "solvency",
                "als",
                {
                    "monthly_resources": "1000",
                    "rent": "600",
                    "charges": "100",
                    "opinion": "favorable",
                },
                "ALS-SOLVA",
            ),
        }
        for name, (at, slug, role, body, code) in cases.items():
            with subtests.test(name, code=code):
                dossier_id = drive_dossier(client, to=at)

                refused_step(client, dossier_id, slug, body, role=role, code=code)

    def test_offer_with_less_than_ten_days_to_answer_is_refused(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(client, to="decide_cal")
        before = StoreSnapshot.take(client, dossier_id)
        for days in (0, 9):
            deadline = (today() + timedelta(days=days)).isoformat()
            answer = record(
                client,
                dossier_id,
                "offer",
                {"answer_deadline": deadline},
                role="bailleur",
            )
            error = refused(answer, 409, "OFFRE-DELAI", client, before, dossier_id)
            assert "10 jours" in error["message"]

        ten = (today() + timedelta(days=10)).isoformat()
        answer = record(
            client, dossier_id, "offer", {"answer_deadline": ten}, role="bailleur"
        )
        assert answer.status_code == 200, answer.text

    def test_late_acceptance_is_refused(self, client: TestClient) -> None:
        dossier_id = drive_dossier(
            client, to="offre_faite", on=today() - timedelta(days=20)
        )

        refused_step(
            client,
            dossier_id,
            "offer-answer",
            {"answer": "acceptee"},
            role="bailleur",
            code="OFFRE-DELAI",
        )

    def test_offer_before_the_condition_is_fulfilled_is_refused(
        self, client: TestClient
    ) -> None:
        path = [*main_line()[:8], step_by_slug()["cal-decision"]]  # under condition
        dossier_id = drive_dossier(client, to="decide_cal", path=path)

        refused_step(
            client,
            dossier_id,
            "offer",
            step_by_slug()["offer"].body(today()),
            role="bailleur",
            code="CAL-CONDITION",
        )

    def test_cal_examines_no_dossier_without_numero_unique(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(
            client,
            to="classe",
            identify_with={"numero_unique": None, "sne_registered_on": None},
        )
        cal = in_session(client, "cal", dwelling_refs=[DWELLING])
        before = StoreSnapshot.take(
            client, dossier_id, resources=[f"/v1/commissions/{cal}"]
        )

        for candidate in (attribution(dossier_id), adjournment(dossier_id)):
            answer = decide(
                client, cal, DWELLING, [candidate], shortfall_motive=SHORTFALL
            )
            refused(answer, 409, "SNE-NUMERO", client, before, dossier_id)

    def test_cal_examines_no_dossier_whose_demand_expired(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(
            client, to="classe", on=today() - timedelta(days=380)
        )
        cal = in_session(client, "cal", dwelling_refs=[DWELLING])
        before = StoreSnapshot.take(
            client, dossier_id, resources=[f"/v1/commissions/{cal}"]
        )

        answer = decide(
            client, cal, DWELLING, [attribution(dossier_id)], shortfall_motive="x"
        )

        refused(answer, 409, "SNE-NUMERO", client, before, dossier_id)

    def test_numero_unique_goes_with_its_registration_date(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        before = StoreSnapshot.take(client)
        for change in (
            {"sne_registered_on": None},
            {"numero_unique": None},
            {"sne_registered_on": "2100-01-01"},
        ):
            with subtests.test(change=change):
                answer = identify(client, identification(**change))

                refused(answer, 409, "SNE-NUMERO", client, before)

    def test_documents_not_requested_are_refused(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="en_analyse")
        before = StoreSnapshot.take(client, dossier_id)

        answer = record(
            client, dossier_id, "documents-receipt", {"documents": ["rib"]}, role="ccas"
        )

        refused(answer, 409, "documents_not_requested", client, before, dossier_id)


class TestBodyLimit:
    @pytest.fixture
    def dossier_id(self, client: TestClient) -> str:
        return drive_dossier(client, to="identifie")

    @staticmethod
    def _oversized() -> bytes:
        return json.dumps(
            {"avis": "favorable", "summary": "x" * (MAX_BODY + 10)}
        ).encode()

    @staticmethod
    def _padded(size: int) -> bytes:
        bare = json.dumps({"avis": "favorable", "summary": "Enquête faite."}).encode()
        return bare + b" " * (size - len(bare))

    @staticmethod
    def _post(
        client: TestClient, dossier_id: str, content: Any, **headers: str
    ) -> httpx.Response:
        return client.post(
            f"/v1/dossiers/{dossier_id}/social-enquiry",
            content=content,
            headers={
                **actor("departement"),
                "Content-Type": "application/json",
                **headers,
            },
        )

    def test_oversized_body_with_its_content_length_is_refused(
        self, client: TestClient, dossier_id: str
    ) -> None:
        before = StoreSnapshot.take(client, dossier_id)

        answer = self._post(client, dossier_id, self._oversized())

        assert answer.request.headers["Content-Length"] == str(len(self._oversized()))
        error = refused(answer, 413, "payload_too_large", client, before, dossier_id)
        assert str(MAX_BODY) in error["message"]

    def test_oversized_body_without_content_length_is_refused(
        self, client: TestClient, dossier_id: str
    ) -> None:
        before = StoreSnapshot.take(client, dossier_id)
        payload = self._oversized()

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(payload), 4096):
                yield payload[start : start + 4096]

        answer = self._post(client, dossier_id, chunks())

        assert "Content-Length" not in answer.request.headers
        assert answer.request.headers["Transfer-Encoding"] == "chunked"
        refused(answer, 413, "payload_too_large", client, before, dossier_id)

    def test_oversized_body_with_an_understated_content_length_is_refused(
        self, client: TestClient, dossier_id: str
    ) -> None:
        before = StoreSnapshot.take(client, dossier_id)

        answer = self._post(
            client, dossier_id, self._oversized(), **{"Content-Length": "100"}
        )

        assert answer.request.headers["Content-Length"] == "100"
        refused(answer, 413, "payload_too_large", client, before, dossier_id)

    def test_oversized_identification_is_refused(self, client: TestClient) -> None:
        before = StoreSnapshot.take(client)
        body = identification(applicant_name="x" * (MAX_BODY + 1))

        answer = identify(client, body)

        refused(answer, 413, "payload_too_large", client, before)

    def test_body_at_the_limit_is_accepted(
        self, client: TestClient, dossier_id: str
    ) -> None:
        answer = self._post(client, dossier_id, self._padded(MAX_BODY))

        assert answer.status_code == 200, answer.text
        assert answer.json()["version"] == 2

    def test_body_one_byte_over_the_limit_is_refused(
        self, client: TestClient, dossier_id: str
    ) -> None:
        before = StoreSnapshot.take(client, dossier_id)

        answer = self._post(client, dossier_id, self._padded(MAX_BODY + 1))

        refused(answer, 413, "payload_too_large", client, before, dossier_id)


class TestEdgeHeaders:
    @pytest.fixture
    def dossier_id(self, client: TestClient) -> str:
        return drive_dossier(client, to="identifie")

    def test_accented_organisation_is_recorded(self, client: TestClient) -> None:
        answer = identify(
            client, headers=actor("ccas", organisation="CCAS du François")
        )

        assert answer.status_code == 201, answer.text
        events = client.get(f"/v1/dossiers/{answer.json()['id']}/history").json()
        assert events["events"][0]["actor"]["organisation"] == "CCAS du François"

    def test_non_numeric_content_length_is_a_bad_request(
        self, client: TestClient, dossier_id: str
    ) -> None:
        before = StoreSnapshot.take(client, dossier_id)
        answer = client.post(
            f"/v1/dossiers/{dossier_id}/social-enquiry",
            content=b'{"avis": "favorable", "summary": "x"}',
            headers={
                **actor("departement"),
                "Content-Type": "application/json",
                "Content-Length": "beaucoup",
            },
        )
        refused(answer, 400, "bad_content_length", client, before, dossier_id)

    def test_idempotency_keys_belong_to_their_organisation(
        self, client: TestClient
    ) -> None:
        key = {"Idempotency-Key": "dossier-2026-001"}
        first = identify(
            client, headers={**key, **actor("ccas", organisation="CCAS A")}
        )
        second = identify(
            client, headers={**key, **actor("ccas", organisation="CCAS B")}
        )
        again = identify(
            client, headers={**key, **actor("ccas", organisation="CCAS A")}
        )

        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json()["id"] != second.json()["id"]
        assert again.json() == first.json()
