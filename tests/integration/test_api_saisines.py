"""The CCAPEX referral API over a real store: the whole course from the signal to
the closure, each refusal with its code and nothing stored, roles, unknown
referrals, invalid bodies, idempotent retries and optimistic concurrency.

Every step is dated (`occurred_on`) on a calendar of last year's spring and
summer: outside the winter truce, whatever the day the tests run.

Tables of cases run as subtests in one database."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import pytest

from commands.saisine import STEPS
from domain.saisine import EVENT_LABELS
from domain.saisine_steps import STEP_ROLES
from domain.shared import ROLES
from tests.helpers.api import (
    StoreSnapshot,
    actor,
    anonymous,
    assert_created,
    assert_error,
    assert_labelled,
    assert_replayed,
    assert_store_unchanged,
    history_of,
    identify,
    read_record,
    refused,
    store_position,
    today,
)
from tests.helpers.saisines_http import (
    BODIES,
    COURSE,
    DAY,
    HEARING,
    LANDLORD,
    OPERATOR,
    ROLE,
    SUMMONS,
    dated,
    headers,
    signal,
    signalled,
    signalling,
    step,
)

if TYPE_CHECKING:
    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")


BEFORE: dict[str, tuple[str, ...]] = {
    slug: COURSE[: COURSE.index(slug)] for slug in COURSE if slug != "court-dates"
}
BEFORE["court-dates"] = BEFORE["follow-up"]


def read(client: TestClient, saisine_id: str) -> dict[str, Any]:
    return read_record(client, "saisines", saisine_id)


def history(client: TestClient, saisine_id: str) -> list[dict[str, Any]]:
    return history_of(client, "saisines", saisine_id)


def snapshot(client: TestClient, saisine_id: str) -> StoreSnapshot:
    return StoreSnapshot.take(client, resources=[f"/v1/saisines/{saisine_id}"])


class TestSignalSaisine:
    def test_signal_answers_201_with_location_etag_and_position(
        self, client: TestClient
    ) -> None:
        before = store_position(client)
        answer = signal(client)

        body = assert_created(client, answer, "saisines", "signalee", since=before)
        saisine = read(client, body["id"])
        signalled = signalling()  # what signal() sent: SIMAR, a legal entity
        assert signalled.pop("occurred_on") == DAY["signal"].isoformat()
        assert saisine == {
            **saisine,
            **signalled,
            "referred_on": DAY["signal"].isoformat(),
            "signalled_by": {
                "subject": "agent.bailleur",
                "role": "bailleur",
                "organisation": LANDLORD,
            },
            "registered_on": None,
            "summons_on": None,
            "hearing_on": None,
            "enquiry": None,
            "outcome": None,
            "findings": [],
        }

    @pytest.mark.parametrize(
        ("source", "role"),
        [
            ("impayes_caf", "caf"),
            ("commandement_de_payer", "ccas"),
            ("assignation", "prefecture"),
            ("commandement_de_quitter", "departement"),
        ],
    )
    def test_partners_signal_what_they_know_of(
        self, client: TestClient, source: str, role: str
    ) -> None:
        court = {"summons_on": (DAY["signal"] - timedelta(days=20)).isoformat()}
        body = signalling(source=source, **(court if source == "assignation" else {}))

        answer = signal(client, body, role=role)

        assert answer.status_code == 201, answer.text
        saisine = read(client, answer.json()["id"])
        assert (saisine["source"], saisine["signalled_by"]["role"]) == (source, role)

    def test_assignation_without_prior_referral_is_found_not_refused(
        self, client: TestClient
    ) -> None:
        summons = DAY["signal"] - timedelta(days=20)
        body = signalling(
            source="assignation",
            summons_on=summons.isoformat(),
            hearing_on=(summons + timedelta(days=30)).isoformat(),
        )

        answer = signal(client, body, role="prefecture")

        assert answer.status_code == 201, answer.text
        findings = read(client, answer.json()["id"])["findings"]
        assert len(findings) == 2
        assert "sans saisine préalable" in findings[0]
        assert "moins de six semaines" in findings[1]

    def test_role_that_does_not_know_of_the_source_is_forbidden(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        cases = [
            ("saisine_bailleur", "ccas"),
            ("impayes_caf", "bailleur"),
            ("assignation", "caf"),
            ("commandement_de_payer", "ccapex"),
            ("commandement_de_quitter", "auditeur"),
        ]
        before = store_position(client)
        for source, role in cases:
            with subtests.test(source=source, role=role):
                body = signalling(source=source, summons_on=str(DAY["signal"]))
                assert_error(signal(client, body, role=role), 403, "role_not_allowed")
        assert store_position(client) == before

    def test_landlord_signals_its_own_tenants_only(self, client: TestClient) -> None:
        before = store_position(client)
        answer = signal(client, organisation="Ozanam")
        assert_error(answer, 403, "not_the_landlord")
        assert store_position(client) == before

    def test_department_without_settings_is_refused(self, client: TestClient) -> None:
        body = signalling(department="971", commune="97101")
        assert_error(signal(client, body), 409, "department_not_configured")

    def test_impossible_signal_is_refused_and_nothing_stored(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        cases = {
            "commune_of_another_department": {"commune": "97101"},
            "hearing_without_summons": {"hearing_on": str(DAY["signal"])},
            "summons_not_yet_delivered": {
                "summons_on": str(DAY["signal"] + timedelta(days=1))
            },
        }
        before = store_position(client)
        for name, overrides in cases.items():
            with subtests.test(case=name):
                answer = signal(client, signalling(**overrides))
                assert_error(answer, 409, "invalid_value")
        assert store_position(client) == before

    def test_invalid_signal_body_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        missing = signalling()
        del missing["landlord_is_legal_entity"]
        cases: dict[str, tuple[dict[str, Any], str]] = {
            "unknown_source": (signalling(source="expulsion"), "invalid_input"),
            "negative_arrears": (signalling(arrears="-1"), "invalid_input"),
            "arrears_not_a_number": (signalling(arrears="beaucoup"), "invalid_input"),
            "blank_landlord": (signalling(landlord="  "), "invalid_input"),
            "bad_commune": (signalling(commune="972"), "invalid_input"),
            "unknown_field": (signalling(tenant="X"), "invalid_input"),
            "missing_field": (missing, "invalid_input"),
            "future": (
                signalling(occurred_on=str(today() + timedelta(days=2))),
                "occurred_on_in_future",
            ),
        }
        before = store_position(client)
        for name, (body, code) in cases.items():
            with subtests.test(case=name):
                assert_error(signal(client, body), 422, code)
        malformed = client.post(
            "/v1/saisines",
            content=b'{"source": ',
            headers={**headers("bailleur"), "Content-Type": "application/json"},
        )
        assert_error(malformed, 422, "malformed_json")
        assert store_position(client) == before


class TestSaisineCourse:
    def test_from_the_signal_to_the_closure(self, client: TestClient) -> None:
        saisine_id = signalled(client)
        stages = {
            "registration": "enregistree",
            "enquiry-request": "enquete_demandee",
            "enquiry-return": "enquete_rendue",
            "orientation": "orientee",
            "examination": "examinee",
            "avis": "avis_emis",
            "follow-up": "en_suivi",
            "court-dates": "en_suivi",  # the stage is unchanged
            "closure": "close",
        }
        for version, slug in enumerate(COURSE, start=2):
            answer = step(client, saisine_id, slug, if_match=version - 1)
            assert answer.status_code == 200, f"{slug}: {answer.text}"
            assert (answer.json()["version"], answer.json()["stage"]) == (
                version,
                stages[slug],
            )
            assert answer.headers["ETag"] == f'"{version}"'

        saisine = read(client, saisine_id)
        assert saisine == {
            **saisine,
            "version": 10,
            "stage": "close",
            "registered_on": DAY["registration"].isoformat(),
            "enquiry": {
                "operator": OPERATOR,
                "operator_role": "association",
                "requested_on": DAY["enquiry-request"].isoformat(),
                "returned_on": DAY["enquiry-return"].isoformat(),
                "summary": BODIES["enquiry-return"]["summary"],
            },
            "orientations": [
                {
                    "towards": "fsl",
                    "note": "Aide FSL maintien.",
                    "on": DAY["orientation"].isoformat(),
                }
            ],
            "examinations": [DAY["examination"].isoformat()],
            "avis": [
                {
                    "on": DAY["avis"].isoformat(),
                    "recommendations": BODIES["avis"]["recommendations"],
                }
            ],
            "follow_ups": [
                {"on": DAY["follow-up"].isoformat(), "note": "Aide FSL accordée."}
            ],
            "summons_on": SUMMONS.isoformat(),
            "hearing_on": HEARING.isoformat(),
            "outcome": "dette_soldee",
            "closed_on": DAY["closure"].isoformat(),
            "findings": [],
            "last_occurred_on": DAY["closure"].isoformat(),
        }

        events = history(client, saisine_id)
        assert [(e["version"], e["type"]) for e in events] == [
            (1, "Signalled"),
            (2, "Registered"),
            (3, "EnquiryRequested"),
            (4, "EnquiryReturned"),
            (5, "Oriented"),
            (6, "Examined"),
            (7, "AvisIssued"),
            (8, "FollowUpRecorded"),
            (9, "CourtDatesRecorded"),
            (10, "Closed"),
        ]
        assert_labelled(events, EVENT_LABELS)
        assert [e["actor"]["role"] for e in events] == [
            "bailleur",
            *(ROLE[slug] for slug in COURSE),
        ]
        assert events[3]["actor"]["organisation"] == OPERATOR
        assert events[0]["data"]["arrears"] == "1850.40"
        assert events[5]["data"] == {"session_on": DAY["examination"].isoformat()}
        assert events[5]["occurred_on"] == DAY["examination"].isoformat()
        assert events[9]["data"] == {"outcome": "dette_soldee", "truce_exception": None}

    def test_referral_examined_again_after_its_follow_up(
        self, client: TestClient
    ) -> None:
        saisine_id = signalled(client, *BEFORE["court-dates"], "follow-up")
        session = DAY["follow-up"] + timedelta(days=14)

        examined = step(
            client, saisine_id, "examination", {"session_on": session.isoformat()}
        )
        avis = step(
            client,
            saisine_id,
            "avis",
            {"occurred_on": session.isoformat(), "recommendations": ["Relogement"]},
        )

        assert examined.status_code == avis.status_code == 200, avis.text
        saisine = read(client, saisine_id)
        assert saisine["examinations"] == [
            DAY["examination"].isoformat(),
            session.isoformat(),
        ]
        assert len(saisine["avis"]) == 2

    def test_expulsion_outside_the_truce_closes_the_referral(
        self, client: TestClient
    ) -> None:
        saisine_id = signalled(client, "registration")
        body = dated("closure", outcome="expulsion")
        answer = step(client, saisine_id, "closure", body)
        assert answer.status_code == 200, answer.text
        assert read(client, saisine_id)["outcome"] == "expulsion"

    def test_summons_within_two_months_of_the_referral_is_found(
        self, client: TestClient
    ) -> None:
        saisine_id = signalled(client, "registration")
        summons = DAY["signal"] + timedelta(days=30)
        body = {"occurred_on": summons.isoformat(), "summons_on": summons.isoformat()}

        answer = step(client, saisine_id, "court-dates", body, role="bailleur")

        assert answer.status_code == 200, answer.text
        [finding] = read(client, saisine_id)["findings"]
        assert "moins de deux mois" in finding


class TestRefusals:
    """Each refusal answers its code and leaves the store as it was."""

    @pytest.mark.parametrize(
        ("done", "slug", "body", "status", "code"),
        [
            pytest.param(
                # no enquiry asked of the UDAF yet: no party, 403 before the rule
                (), "enquiry-return", None, 403, "forbidden", id="enquiry"
            ),
            pytest.param(
                BEFORE["examination"], "avis", None, 409, "invalid_transition",
                id="avis_before_examination",
            ),
            pytest.param(
                ("registration",), "registration", None, 409, "invalid_transition",
                id="registered_twice",
            ),
            pytest.param(
                BEFORE["enquiry-return"], "examination", None, 409,
                "invalid_transition", id="examination_while_enquiry_pending",
            ),
            pytest.param(
                BEFORE["avis"], "follow-up", None, 409, "invalid_transition",
                id="follow_up_before_avis",
            ),
            pytest.param(
                BEFORE["examination"],
                "examination",
                {
                    "session_on": DAY["examination"].isoformat(),
                    "occurred_on": (
                        DAY["examination"] + timedelta(days=1)
                    ).isoformat(),
                },
                409,
                "not_the_session_day",
                id="not_the_session_day",
            ),
            pytest.param(
                ("registration",),
                "orientation",
                {**BODIES["orientation"], "occurred_on": str(DAY["signal"])},
                409,
                "occurred_on_out_of_order",
                id="out_of_order",
            ),
            pytest.param(
                ("registration",), "court-dates", {}, 409, "invalid_value",
                id="no_court_date",
            ),
            pytest.param(
                ("registration", "closure"), "orientation", None, 409,
                "saisine_closed", id="after_closure",
            ),
        ],
    )  # fmt: skip
    def test_refusal_answers_its_code_and_stores_nothing(
        self,
        client: TestClient,
        done: tuple[str, ...],
        slug: str,
        body: dict[str, Any] | None,
        status: int,
        code: str,
    ) -> None:
        saisine_id = signalled(client, *done)
        before = snapshot(client, saisine_id)

        answer = step(client, saisine_id, slug, body)

        error = assert_error(answer, status, code)
        if code == "CCAPEX-SAISINE":
            assert "trêve hivernale" in error["message"]
        assert_store_unchanged(client, before)
        assert len(history(client, saisine_id)) == 1 + len(done)

    @pytest.mark.parametrize(
        ("role", "organisation"),
        [("association", "AGASEF"), ("departement", None)],
    )
    def test_only_the_operator_asked_returns_the_enquiry(
        self, client: TestClient, role: str, organisation: str | None
    ) -> None:
        saisine_id = signalled(client, *BEFORE["enquiry-return"])
        before = snapshot(client, saisine_id)

        answer = step(
            client, saisine_id, "enquiry-return", role=role, organisation=organisation
        )

        # An association not asked is no party to the referral (issue 13); the
        # Département reads its department's, and is told it was not asked.
        code = "forbidden" if role == "association" else "not_the_operator"
        refused(answer, 403, code, client, before)


class TestNeedToKnow:
    def test_the_enquiry_text_is_withheld_alike_on_the_record_and_its_history(
        self, client: TestClient
    ) -> None:
        """The MOUS's enquiry is Soc (DOMAIN.md §9): the Préfecture reads
        neither its text on the referral nor in the referral's history; the
        CCAPEX reads both."""
        saisine_id = signalled(client, *BEFORE["enquiry-return"], "enquiry-return")
        text = BODIES["enquiry-return"]["summary"]
        for role, reads in (("prefecture", False), ("ccapex", True)):
            url = f"/v1/saisines/{saisine_id}"
            record = client.get(url, headers=actor(role))
            trail = client.get(f"{url}/history", headers=actor(role))
            assert record.status_code == trail.status_code == 200, role
            returned = [
                e for e in trail.json()["events"] if e["type"] == "EnquiryReturned"
            ]
            assert len(returned) == 1, trail.json()
            shown = (
                record.json()["enquiry"]["summary"],
                returned[0]["data"]["summary"],
            )
            assert shown == ((text, text) if reads else (None, None)), role
            assert ("summary" in returned[0]["redacted"]) is not reads, role


class TestRoles:
    def test_role_not_allowed_is_forbidden_and_stores_nothing(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        for slug in COURSE:
            saisine_id = signalled(client, *BEFORE[slug])
            before = snapshot(client, saisine_id)
            allowed = STEP_ROLES[STEPS[slug].action]
            for role in sorted(set(ROLES) - allowed):
                with subtests.test(slug=slug, role=role):
                    answer = step(client, saisine_id, slug, role=role)
                    # The UDAF, before its enquiry is asked, is out of scope.
                    error = assert_error(answer, 403)
                    assert error["code"] in ("role_not_allowed", "forbidden")
            assert_store_unchanged(client, before)

    def test_other_landlord_does_not_record_court_dates(
        self, client: TestClient
    ) -> None:
        saisine_id = signalled(client, "registration")
        before = snapshot(client, saisine_id)
        answer = step(
            client, saisine_id, "court-dates", role="bailleur", organisation="Ozanam"
        )
        # not its referral (issue 13)
        refused(answer, 403, "forbidden", client, before)

    def test_identity_is_required(self, client: TestClient) -> None:
        answer = anonymous(client).post("/v1/saisines", json=signalling())
        assert_error(answer, 401, "authentication_required")


class TestNotFound:
    def test_unknown_referral_is_not_found(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        unknown = uuid4()
        before = store_position(client)
        for path in (f"/v1/saisines/{unknown}", f"/v1/saisines/{unknown}/history"):
            with subtests.test(path=path):
                assert_error(client.get(path), 404, "saisine_not_found")
        for slug in COURSE:
            with subtests.test(slug=slug):
                answer = step(client, str(unknown), slug)
                assert_error(answer, 404, "saisine_not_found")
        assert store_position(client) == before

    def test_a_dossier_is_not_a_referral(self, client: TestClient) -> None:
        created = identify(client)
        assert created.status_code == 201, created.text
        dossier_id = created.json()["id"]
        for path in (
            f"/v1/saisines/{dossier_id}",
            f"/v1/saisines/{dossier_id}/history",
        ):
            assert_error(client.get(path), 404, "saisine_not_found")
        answer = step(client, dossier_id, "registration")
        assert_error(answer, 404, "saisine_not_found")

    def test_unknown_step_is_not_found(self, client: TestClient) -> None:
        saisine_id = signalled(client)
        answer = step(client, saisine_id, "expulsion", {}, role="ccapex")
        assert_error(answer, 404)


class TestInvalidBodies:
    def test_invalid_step_body_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        saisine_id = signalled(client, *BEFORE["follow-up"])
        cases: dict[str, tuple[str, dict[str, Any]]] = {
            "unknown_operator_role": (
                "enquiry-request",
                {**BODIES["enquiry-request"], "operator_role": "ccas"},
            ),
            "blank_operator": (
                "enquiry-request",
                {**BODIES["enquiry-request"], "operator": " "},
            ),
            "blank_summary": ("enquiry-return", {"summary": ""}),
            "unknown_orientation": (
                "orientation",
                {**BODIES["orientation"], "towards": "logement_social"},
            ),
            "orientation_without_note": ("orientation", {"towards": "fsl"}),
            "examination_without_session": ("examination", {}),
            "session_not_a_date": ("examination", {"session_on": "mardi"}),
            "avis_without_recommendation": (
                "avis",
                {**BODIES["avis"], "recommendations": []},
            ),
            "blank_recommendation": ("avis", {"recommendations": ["  "]}),
            "follow_up_without_note": ("follow-up", {}),
            "unknown_outcome": ("closure", {"outcome": "radiation"}),
            "unknown_field": ("registration", {"reference": "2024-12"}),
        }
        before = snapshot(client, saisine_id)
        for name, (slug, body) in cases.items():
            with subtests.test(case=name):
                answer = step(client, saisine_id, slug, body)
                assert_error(answer, 422, "invalid_input")
        future = {"session_on": str(today() + timedelta(days=3))}
        assert_error(
            step(client, saisine_id, "examination", future),
            422,
            "occurred_on_in_future",
        )
        assert_error(
            step(client, saisine_id, "avis", if_match="W/2"), 422, "invalid_if_match"
        )
        assert_store_unchanged(client, before)


class TestIdempotencyAndConcurrency:
    def test_signal_twice_with_one_key_signals_once(self, client: TestClient) -> None:
        assert_replayed(client, lambda: signal(client, key="signal-1"), 201)
        position = store_position(client)
        other = signal(client, signalling(arrears="10.00"), key="signal-1")
        assert_error(other, 422, "idempotency_key_reused")
        assert store_position(client) == position

    def test_step_twice_with_one_key_is_recorded_once(self, client: TestClient) -> None:
        saisine_id = signalled(client, *BEFORE["orientation"])
        orient = partial(step, client, saisine_id, "orientation", key="orient-1")
        assert_replayed(client, orient, 200)
        assert len(read(client, saisine_id)["orientations"]) == 1
        # The same key on another step is another request: refused, not replayed.
        other = step(client, saisine_id, "examination", key="orient-1")
        assert_error(other, 422, "idempotency_key_reused")

    def test_stale_if_match_is_refused_and_nothing_stored(
        self, client: TestClient
    ) -> None:
        saisine_id = signalled(client, "registration")
        before = snapshot(client, saisine_id)

        answer = step(client, saisine_id, "enquiry-request", if_match=1)

        refused(answer, 409, "version_conflict", client, before)
        current = step(client, saisine_id, "enquiry-request", if_match=2)
        assert current.status_code == 200, current.text
        assert current.json()["version"] == 3


def test_openapi_has_a_post_route_for_every_step(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/v1/saisines"]
    assert {"get"} <= set(paths["/v1/saisines/{saisine_id}"])
    assert {"get"} <= set(paths["/v1/saisines/{saisine_id}/history"])
    for slug in STEPS:
        operation = paths[f"/v1/saisines/{{saisine_id}}/{slug}"]["post"]
        assert operation["summary"] == STEPS[slug].title
        assert operation["operationId"] == f"saisine_{slug.replace('-', '_')}"
