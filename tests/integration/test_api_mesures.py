"""The ASLL measure API over each store: the course of an individual measure, of a
bail glissant and of an association's own action, step by step; every refusal
with its code and the store unchanged; idempotent retries and If-Match; the
association's capacity (ASLL-CAPACITE), also when two notifications race for the
last place; renewals per department; the measure a bilan d'installation opens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest

from domain.association import association_load_id
from tests.helpers.api import (
    COMMUNE,
    DEPARTMENT,
    StoreSnapshot,
    actor,
    adopt_settings,
    anonymous,
    assert_error,
    assert_store_unchanged,
    drive_dossier,
    history,
    record,
    refused,
    store_position,
    today,
)
from tests.helpers.mesures_http import (  # noqa: F401 (asll: a fixture)
    ASSOCIATIONS,
    AXES,
    CLT,
    CONVENTION,
    DIAGNOSIS,
    END,
    HEAD_LEASE,
    INSTRUCTION,
    LANDLORD,
    MEETING,
    MISSED,
    RENEWAL,
    RENEWAL_REQUEST,
    REVIEW,
    RUPTURE,
    SLIDE,
    SUBLEASE,
    Step,
    ask,
    asked_a_month_ago,
    asll,
    asll_settings,
    bilan,
    convention,
    course,
    drive_mesure,
    events_of,
    notification,
    open_mesure,
    post,
    read,
    request_body,
    take,
)
from tests.helpers.threads import race

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.testclient import TestClient

OTHER_LANDLORD = "SMHLM"
ROUNDS = 5


def snapshot(client: TestClient, *mesure_ids: str) -> StoreSnapshot:
    return StoreSnapshot.take(
        client, resources=[f"/v1/mesures/{i}" for i in mesure_ids]
    )


def take_all(
    client: TestClient,
    mesure_id: str,
    steps: list[Step],
    *,
    kind: str = "individuelle",
    association: str = "agasef",
) -> None:
    """Take every step of `steps`, each answer checked."""
    for step in steps:
        answer = take(client, mesure_id, step, kind=kind, association=association)
        assert answer.status_code == 200, f"{step.slug}: {answer.text}"
        assert answer.json()["stage"] == step.stage, step.slug


def load_of(client: TestClient, association: str) -> dict[UUID, bool]:
    """The places the association's load holds (mesure id → suivi renforcé)."""
    app = client.app.state.system.app  # type: ignore[attr-defined]
    load = app.repository.get(association_load_id(DEPARTMENT, association))
    return dict(load.active)


def mesures_requested_since(client: TestClient, position: int) -> list[str]:
    """The measures requested after `position`, read from the store's log: no
    endpoint links a dossier to the measure its bilan asked for (the dossier's
    InstallationReviewed event does not carry the measure's id)."""
    app = client.app.state.system.app  # type: ignore[attr-defined]
    notifications = app.recorder.select_notifications(
        position, 100, topics=["logis.mesure.Requested"], inclusive_of_start=False
    )
    return [str(n.originator_id) for n in notifications]


# ---- the tests --------------------------------------------------------------------


@pytest.mark.usefixtures("asll")
class TestIndividualMeasure:
    def test_whole_course_over_http(self, client: TestClient) -> None:
        before = store_position(client)
        created = ask(client)

        assert created.status_code == 201, created.text
        mesure_id = created.json()["id"]
        assert created.headers["Location"] == f"/v1/mesures/{mesure_id}"
        assert created.headers["ETag"] == '"1"'
        assert created.json()["position"] > before
        mesure = read(client, mesure_id)
        assert (mesure["stage"], mesure["kind"], mesure["channel"]) == (
            "demandee",
            "individuelle",
            "clu",
        )
        assert (mesure["department"], mesure["commune"]) == (DEPARTMENT, COMMUNE)
        assert mesure["prescriber"]["role"] == "prescripteur"
        assert mesure["requested_on"] == today().isoformat()

        checks: dict[str, Callable[[dict[str, Any]], bool]] = {
            "instruction": lambda x: x["closure"] is None,
            "notification": lambda x: (
                x["association"] == "agasef"
                and x["association_name"] == "AGASEF"
                and x["notified_on"] == today().isoformat()
                and x["renforce"] is False
            ),
            "convention": lambda x: (
                x["convention"]["axes"] == AXES
                and x["convention"]["duration_months"] == 6
                and x["ends_on"] is not None
            ),
            "meeting": lambda x: (
                x["meetings"] == [{"on": today().isoformat(), "held": True}]
            ),
            "missed-meeting": lambda x: (
                [m["held"] for m in x["meetings"]] == [True, False]
            ),
            "renewal-decision": lambda x: x["renewals"] == 1,
            "end": lambda x: x["closure"]["reason"] == "terminee",
        }
        for version, step in enumerate(course(), start=2):
            answer = take(client, mesure_id, step)

            assert answer.status_code == 200, f"{step.slug}: {answer.text}"
            assert (answer.json()["version"], answer.json()["stage"]) == (
                version,
                step.stage,
            )
            assert answer.headers["ETag"] == f'"{version}"'
            assert answer.json()["position"] == store_position(client)
            mesure = read(client, mesure_id)
            assert (mesure["version"], mesure["stage"]) == (version, step.stage)
            if step.slug in checks:
                assert checks[step.slug](mesure), (step.slug, mesure)

        assert [e["type"] for e in events_of(client, mesure_id)] == [
            "Requested",
            "Instructed",
            "Notified",
            "ComplementaryDiagnosisDone",
            "ConventionSigned",
            "MeetingHeld",
            "MeetingMissed",
            "RenewalRequested",
            "Renewed",
            "Ended",
        ]
        ended = events_of(client, mesure_id)[-1]
        assert (ended["data"]["returned_to"], ended["actor"]["organisation"]) == (
            "clu",
            "AGASEF",
        )
        assert ended["label"] == "Mesure terminée (bilan co-signé)"
        assert load_of(client, "agasef") == {}

    def test_missed_meeting_needs_no_body(self, client: TestClient) -> None:
        mesure_id = drive_mesure(client, to="en_cours")
        answer = post(client, mesure_id, "missed-meeting", role="association")
        assert answer.status_code == 200, answer.text
        assert read(client, mesure_id)["meetings"][0]["held"] is False

    def test_refusal_of_the_commission_closes_the_request(
        self, client: TestClient
    ) -> None:
        mesure_id = drive_mesure(client)
        answer = post(
            client,
            mesure_id,
            "instruction",
            {"granted": False, "motive": "Relève du FSL accès."},
            role="commission_logement",
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["stage"] == "refusee"
        assert read(client, mesure_id)["closure"] == {"reason": "refusee"}

    def test_reorientation_closes_the_measure_and_frees_the_place(
        self, client: TestClient
    ) -> None:
        mesure_id = drive_mesure(client, to="notifiee", association="adsea_42")
        assert set(load_of(client, "adsea_42")) == {UUID(mesure_id)}
        answer = post(
            client,
            mesure_id,
            "complementary-diagnosis",
            {
                "outcome": "reoriente",
                "summary": "Relève d'un hébergement.",
                "reoriented_to": "SIAO Martinique",
            },
            role="association",
            organisation="ADSEA 42",
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["stage"] == "reorientee"
        assert read(client, mesure_id)["closure"] == {
            "reason": "reorientee",
            "to": "SIAO Martinique",
        }
        assert load_of(client, "adsea_42") == {}

    def test_re_intervention_follows_the_closed_measure_of_the_household(
        self, client: TestClient
    ) -> None:
        previous = drive_mesure(client, path=[*course()[:4], RUPTURE], to="rompue")
        household = read(client, previous)["household_id"]

        answer = ask(client, request_body(previous_mesure_id=previous))

        assert answer.status_code == 201, answer.text
        again = read(client, answer.json()["id"])
        assert (again["previous_mesure_id"], again["household_id"]) == (
            previous,
            household,
        )

    def test_re_intervention_while_the_measure_runs_is_refused(
        self, client: TestClient
    ) -> None:
        previous = drive_mesure(client, to="en_cours")
        before = snapshot(client, previous)
        answer = ask(client, request_body(previous_mesure_id=previous))
        refused(answer, 409, "previous_mesure_open", client, before)

    def test_re_intervention_for_another_household_is_refused(
        self, client: TestClient
    ) -> None:
        previous = drive_mesure(
            client, path=[INSTRUCTION, notification(), RUPTURE], to="rompue"
        )
        other = drive_mesure(client, path=[INSTRUCTION], to="instruite")
        before = snapshot(client, previous)
        household = read(client, other)["household_id"]
        body = request_body(previous_mesure_id=previous, household_id=household)
        refused(ask(client, body), 409, "previous_mesure_open", client, before)


@pytest.mark.usefixtures("asll")
class TestBailGlissant:
    def test_whole_course_over_http(self, client: TestClient) -> None:
        mesure_id = drive_mesure(
            client, kind="bail_glissant", to="notifiee", path=course()[:2]
        )
        mesure = read(client, mesure_id)
        assert (mesure["channel"], mesure["bail"]) == ("clt", None)
        [instructed] = [
            e for e in events_of(client, mesure_id) if e["type"] == "Instructed"
        ]
        assert instructed["actor"]["organisation"] == CLT
        assert instructed["data"]["channel"] == "clt"

        statuses = {
            "head-lease": "bail_principal_signe",
            "sublease": "sous_location_en_cours",
            "complementary-diagnosis": "sous_location_en_cours",
            "convention": "sous_location_en_cours",
            "sublease-review": "sous_location_en_cours",
        }
        for step in (HEAD_LEASE, SUBLEASE, DIAGNOSIS, CONVENTION, REVIEW):
            answer = take(client, mesure_id, step, kind="bail_glissant")
            assert answer.status_code == 200, f"{step.slug}: {answer.text}"
            assert answer.json()["stage"] == step.stage
            mesure = read(client, mesure_id)
            assert mesure["bail"]["status"] == statuses[step.slug]
        assert mesure["bail"]["landlord"] == LANDLORD
        assert mesure["bail"]["reviews"] == 1

        # The glissement is the head-lease landlord's, nobody else's.
        before = snapshot(client, mesure_id)
        other = post(
            client,
            mesure_id,
            "lease-slide",
            role="bailleur",
            organisation=OTHER_LANDLORD,
        )
        refused(other, 403, "forbidden", client, before)  # no party (issue 13)
        by_association = post(client, mesure_id, "lease-slide", role="association")
        refused(by_association, 403, "role_not_allowed", client, before)

        slid = take(client, mesure_id, SLIDE, kind="bail_glissant")

        assert slid.status_code == 200, slid.text
        mesure = read(client, mesure_id)
        assert mesure["bail"]["status"] == "bail_glisse"
        assert mesure["bail"]["ended_on"] == today().isoformat()
        assert mesure["stage"] == "en_cours"
        ended = take(client, mesure_id, END, kind="bail_glissant")
        assert ended.status_code == 200, ended.text
        assert read(client, mesure_id)["stage"] == "terminee"
        assert events_of(client, mesure_id)[-1]["data"]["returned_to"] == "clt"

    def test_sublease_ends_without_sliding(self, client: TestClient) -> None:
        mesure_id = drive_mesure(client, kind="bail_glissant", to="notifiee")
        take_all(client, mesure_id, [HEAD_LEASE, SUBLEASE], kind="bail_glissant")
        answer = post(
            client,
            mesure_id,
            "sublease-end",
            {"motive": "Le ménage quitte le logement."},
            role="association",
        )
        assert answer.status_code == 200, answer.text
        assert read(client, mesure_id)["bail"]["status"] == "sous_location_terminee"
        before = snapshot(client, mesure_id)
        slide = take(client, mesure_id, SLIDE, kind="bail_glissant")
        refused(slide, 409, "invalid_transition", client, before)

    def test_individual_measure_has_no_head_lease(self, client: TestClient) -> None:
        mesure_id = drive_mesure(client, to="notifiee")
        before = snapshot(client, mesure_id)
        answer = take(client, mesure_id, HEAD_LEASE)
        refused(answer, 409, "not_a_bail_glissant", client, before)


@pytest.mark.usefixtures("asll")
class TestAssociationsOwnAction:
    def test_association_asks_instructs_notifies_and_renews_its_action(
        self, client: TestClient
    ) -> None:
        mesure_id = drive_mesure(
            client, kind="action_specifique", association="ariv", to="terminee"
        )
        mesure = read(client, mesure_id)
        assert (mesure["channel"], mesure["association"]) == ("direct", "ariv")
        assert {e["actor"]["organisation"] for e in events_of(client, mesure_id)} == {
            "ARIV"
        }
        assert events_of(client, mesure_id)[-1]["data"]["returned_to"] == "direct"

    def test_association_that_does_not_instruct_has_no_own_action(
        self, client: TestClient
    ) -> None:
        before = snapshot(client)
        body = request_body(kind="action_specifique", association="agasef")
        refused(ask(client, body), 409, "ASLL-CANAL", client, before)

    def test_commission_does_not_instruct_an_associations_action(
        self, client: TestClient
    ) -> None:
        mesure_id = open_mesure(client, "action_specifique", "ariv")
        before = snapshot(client, mesure_id)
        answer = take(client, mesure_id, INSTRUCTION)
        refused(answer, 409, "ASLL-CANAL", client, before)


# ---- refusals ---------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    at: str  # the stage of the measure the step is sent to
    slug: str
    body: dict[str, Any] | None
    role: str
    status: int
    code: str
    organisation: str | None = None
    kind: str = "individuelle"


REFUSALS = {
    # Out of its scope (no party to the measure): 403 before the rule (issue 13).
    "instruction_by_the_association": Refusal(
        "demandee", "instruction", {"granted": True}, "association", 403, "forbidden"
    ),
    "instruction_by_a_ccas": Refusal(
        "demandee", "instruction", {"granted": True}, "ccas", 403, "role_not_allowed"
    ),
    "refusal_without_motive": Refusal(
        "demandee",
        "instruction",
        {"granted": False},
        "commission_logement",
        409,
        "invalid_value",
    ),
    "notification_before_instruction": Refusal(
        "demandee",
        "notification",
        {"association": "agasef"},
        "commission_logement",
        409,
        "invalid_transition",
    ),
    "renforce_without_capacity": Refusal(
        "instruite",
        "notification",
        {"association": "agasef", "renforce": True},
        "commission_logement",
        409,
        "ASLL-CAPACITE",
    ),
    "unknown_association": Refusal(
        "instruite",
        "notification",
        {"association": "inconnue"},
        "commission_logement",
        409,
        "unknown_association",
    ),
    # Out of its scope (no party to the measure): 403 before the rule (issue 13).
    "notification_by_the_association": Refusal(
        "instruite",
        "notification",
        {"association": "agasef"},
        "association",
        403,
        "forbidden",
    ),
    # Out of its scope (no party to the measure): 403 before the rule (issue 13).
    "diagnosis_by_another_association": Refusal(
        "notifiee",
        "complementary-diagnosis",
        DIAGNOSIS.body,
        "association",
        403,
        "forbidden",
        organisation="ANEF",
    ),
    # Out of its scope (no party to the measure): 403 before the rule (issue 13).
    "diagnosis_before_notification": Refusal(
        "instruite",
        "complementary-diagnosis",
        DIAGNOSIS.body,
        "association",
        403,
        "forbidden",
    ),
    "convention_without_the_prescriber": Refusal(
        "diagnostic_fait",
        "convention",
        convention(signed_by=["association", "menage"]),
        "association",
        409,
        "ASLL-ADHESION",
    ),
    "convention_on_an_unknown_axis": Refusal(
        "diagnostic_fait",
        "convention",
        convention(axes=["jardinage"]),
        "association",
        409,
        "ASLL-CONTENU",
    ),
    "convention_too_short": Refusal(
        "diagnostic_fait",
        "convention",
        convention(duration_months=2),
        "association",
        409,
        "ASLL-DUREE",
    ),
    "convention_too_long": Refusal(
        "diagnostic_fait",
        "convention",
        convention(duration_months=7),
        "association",
        409,
        "ASLL-DUREE",
    ),
    # Out of its scope (no party to the measure): 403 before the rule (issue 13).
    "convention_by_another_association": Refusal(
        "diagnostic_fait",
        "convention",
        convention(),
        "association",
        403,
        "forbidden",
        organisation="ANEF",
    ),
    "meeting_before_the_convention": Refusal(
        "diagnostic_fait",
        "meeting",
        MEETING.body,
        "association",
        409,
        "invalid_transition",
    ),
    "renewal_too_long": Refusal(
        "en_cours",
        "renewal-request",
        {"months": 7, "reason": "Budget."},
        "association",
        409,
        "ASLL-DUREE",
    ),
    "renewal_decided_unasked": Refusal(
        "en_cours",
        "renewal-decision",
        {"granted": True},
        "commission_logement",
        409,
        "invalid_transition",
    ),
    "renewal_decided_by_the_association": Refusal(
        "renouvellement_demande",
        "renewal-decision",
        {"granted": True},
        "association",
        409,
        "ASLL-CANAL",
    ),
    "bilan_signed_by_the_worker_alone": Refusal(
        "en_cours",
        "end",
        bilan(signed_by=["travailleur_social"]),
        "association",
        409,
        "ASLL-FIN",
    ),
    # A landlord never ends a measure: told so before anything is read.
    "end_by_a_landlord": Refusal(
        "en_cours", "end", bilan(), "bailleur", 403, "role_not_allowed"
    ),
    # Out of its scope (no party to the measure): 403 before the rule (issue 13).
    "rupture_by_another_association": Refusal(
        "en_cours",
        "rupture",
        RUPTURE.body,
        "association",
        403,
        "forbidden",
        organisation="ANEF",
    ),
    "meeting_after_the_end": Refusal(
        "terminee", "meeting", MEETING.body, "association", 409, "mesure_ended"
    ),
    "renewal_after_the_end": Refusal(
        "terminee",
        "renewal-request",
        RENEWAL_REQUEST.body,
        "association",
        409,
        "mesure_ended",
    ),
    "step_dated_in_the_future": Refusal(
        "en_cours",
        "meeting",
        {**MEETING.body, "occurred_on": (today() + timedelta(days=1)).isoformat()},
        "association",
        422,
        "occurred_on_in_future",
    ),
    "step_dated_before_the_previous_one": Refusal(
        "en_cours",
        "renewal-request",
        {
            **RENEWAL_REQUEST.body,
            "occurred_on": (today() - timedelta(days=1)).isoformat(),
        },
        "association",
        409,
        "occurred_on_out_of_order",
    ),
    "sublease_before_the_head_lease": Refusal(
        "notifiee",
        "sublease",
        SUBLEASE.body,
        "association",
        409,
        "invalid_transition",
        kind="bail_glissant",
    ),
    # The head lease is the association's to record: a landlord is told so
    # before anything is read.
    "head_lease_signed_by_the_landlord": Refusal(
        "notifiee",
        "head-lease",
        HEAD_LEASE.body,
        "bailleur",
        403,
        "role_not_allowed",
        kind="bail_glissant",
    ),
    # Out of its scope (no party to the measure): 403 before the rule (issue 13).
    "slide_before_the_sublease": Refusal(
        "notifiee",
        "lease-slide",
        None,
        "bailleur",
        403,
        "forbidden",
        kind="bail_glissant",
    ),
    "auditor_records_nothing": Refusal(
        "en_cours", "meeting", MEETING.body, "auditeur", 403, "role_not_allowed"
    ),
}


@pytest.mark.usefixtures("asll")
class TestRefusals:
    @pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
    def test_step_is_refused_and_nothing_is_stored(
        self, client: TestClient, refusal: Refusal
    ) -> None:
        mesure_id = drive_mesure(client, to=refusal.at, kind=refusal.kind)
        before = snapshot(client, mesure_id)
        events = len(events_of(client, mesure_id))

        answer = post(
            client,
            mesure_id,
            refusal.slug,
            refusal.body,
            role=refusal.role,
            organisation=refusal.organisation,
        )

        refused(answer, refusal.status, refusal.code, client, before)
        assert len(events_of(client, mesure_id)) == events

    @pytest.mark.parametrize(
        ("role", "overrides", "status", "code"),
        [
            ("ccas", {}, 409, "ASLL-PRESCRIPTEUR"),
            ("association", {}, 409, "ASLL-PRESCRIPTEUR"),
            ("prescripteur", {"household_signed": False}, 409, "ASLL-ADHESION"),
            (
                "prescripteur",
                {"diagnostic_signed_on": (today() + timedelta(days=1)).isoformat()},
                409,
                "invalid_value",
            ),
            (
                "prescripteur",
                {"kind": "action_specifique", "association": "inconnue"},
                409,
                "unknown_association",
            ),
            (
                "prescripteur",
                {"previous_mesure_id": str(uuid4())},
                404,
                "mesure_not_found",
            ),
            ("prescripteur", {"department": "971"}, 409, "department_not_configured"),
            (
                "prescripteur",
                {"occurred_on": (today() + timedelta(days=1)).isoformat()},
                422,
                "occurred_on_in_future",
            ),
            ("prescripteur", {"kind": "mandat_de_gestion"}, 422, "invalid_input"),
            ("prescripteur", {"household_signed": None}, 422, "invalid_input"),
            ("prescripteur", {"department": "99"}, 422, "invalid_input"),
            ("prescripteur", {"commune": "972"}, 422, "invalid_input"),
            ("prescripteur", {"signed_by_the_cat": True}, 422, "invalid_input"),
        ],
        ids=[
            "ccas",
            "association",
            "no_adhesion",
            "diagnostic_after_request",
            "unknown_association",
            "unknown_previous",
            "unconfigured_department",
            "future",
            "unknown_kind",
            "adhesion_missing_from_body",
            "bad_department",
            "bad_commune",
            "unknown_field",
        ],
    )
    def test_request_is_refused_and_nothing_is_stored(
        self,
        client: TestClient,
        role: str,
        overrides: dict[str, Any],
        status: int,
        code: str,
    ) -> None:
        before = snapshot(client)
        answer = ask(client, request_body(**overrides), role=role)
        refused(answer, status, code, client, before)

    @pytest.mark.parametrize(
        ("slug", "body"),
        [
            ("convention", convention(signed_by=["voisin"])),
            ("convention", convention(duration_months=0)),
            ("convention", convention(axes=[])),
            ("convention", {**convention(), "cosigned_by_the_mayor": True}),
            ("end", bilan(signed_by=[])),
            ("meeting", {"kind": "appel"}),
            ("renewal-request", {"months": 0, "reason": "x"}),
            ("instruction", None),
        ],
        ids=[
            "unknown_signatory",
            "no_duration",
            "no_axis",
            "unknown_field",
            "unsigned_bilan",
            "unknown_meeting",
            "renewal_of_nothing",
            "no_body",
        ],
    )
    def test_invalid_body_is_refused(
        self, client: TestClient, slug: str, body: dict[str, Any] | None
    ) -> None:
        mesure_id = drive_mesure(client, to="en_cours")
        before = snapshot(client, mesure_id)
        answer = post(client, mesure_id, slug, body, role="association")
        refused(answer, 422, "invalid_input", client, before)

    def test_malformed_json_is_refused(self, client: TestClient) -> None:
        mesure_id = drive_mesure(client, to="en_cours")
        before = snapshot(client, mesure_id)
        answer = client.post(
            f"/v1/mesures/{mesure_id}/meeting",
            content=b'{"kind": ',
            headers={**actor("association"), "Content-Type": "application/json"},
        )
        refused(answer, 422, "malformed_json", client, before)


def assert_no_measure(client: TestClient, record_id: str) -> None:
    """No measure `record_id`: neither read, nor its history, nor a step taken on
    it; nothing written."""
    before = snapshot(client)
    assert_error(client.get(f"/v1/mesures/{record_id}"), 404, "mesure_not_found")
    history_ = client.get(f"/v1/mesures/{record_id}/history")
    assert_error(history_, 404, "mesure_not_found")
    step = post(
        client, record_id, "instruction", {"granted": True}, role="commission_logement"
    )
    refused(step, 404, "mesure_not_found", client, before)


@pytest.mark.usefixtures("asll")
class TestNotFoundAndForbidden:
    def test_unknown_measure_is_not_found(self, client: TestClient) -> None:
        assert_no_measure(client, str(uuid4()))

    def test_a_dossier_is_not_a_measure(self, client: TestClient) -> None:
        assert_no_measure(client, drive_dossier(client, to="identifie"))

    def test_a_measure_is_not_a_dossier(self, client: TestClient) -> None:
        mesure_id = drive_mesure(client)
        assert_error(client.get(f"/v1/dossiers/{mesure_id}"), 404, "dossier_not_found")

    def test_unknown_step_is_not_found(self, client: TestClient) -> None:
        mesure_id = drive_mesure(client)
        answer = post(client, mesure_id, "teleportation", {}, role="association")
        assert_error(answer, 404)

    def test_malformed_id_is_refused(self, client: TestClient) -> None:
        assert_error(client.get("/v1/mesures/not-a-uuid"), 422, "invalid_input")

    def test_anonymous_caller_is_refused(self, client: TestClient) -> None:
        before = snapshot(client)
        answer = anonymous(client).post("/v1/mesures", json=request_body())
        refused(answer, 401, "authentication_required", client, before)

    @pytest.mark.parametrize(
        "role", ["bailleur", "mairie", "auditeur", "admin", "ccapex", "association"]
    )
    def test_other_roles_do_not_notify(self, client: TestClient, role: str) -> None:
        mesure_id = drive_mesure(client, to="instruite")
        before = snapshot(client, mesure_id)
        answer = post(
            client, mesure_id, "notification", {"association": "agasef"}, role=role
        )
        # An association no party to the measure: out of scope. Every other
        # role never notifies, which it is told before anything is read.
        scoped = role == "association"
        expected = (403, "forbidden") if scoped else (403, "role_not_allowed")
        refused(answer, *expected, client, before)


# ---- idempotency and optimistic concurrency ---------------------------------------


@pytest.mark.usefixtures("asll")
class TestRetries:
    def test_request_retried_with_its_key_opens_one_measure(
        self, client: TestClient
    ) -> None:
        first = ask(client, key="ml-centre-0001")
        assert first.status_code == 201, first.text
        before = snapshot(client, first.json()["id"])

        again = ask(client, key="ml-centre-0001")

        assert again.status_code == 201, again.text
        assert again.json() == first.json()
        assert_store_unchanged(client, before)

    def test_step_retried_with_its_key_is_recorded_once(
        self, client: TestClient
    ) -> None:
        mesure_id = drive_mesure(client, to="en_cours")
        first = take(client, mesure_id, MEETING, key="visite-1")
        assert first.status_code == 200, first.text
        before = snapshot(client, mesure_id)

        again = take(client, mesure_id, MEETING, key="visite-1")

        assert again.status_code == 200, again.text
        assert again.json() == first.json()
        assert_store_unchanged(client, before)
        assert len(read(client, mesure_id)["meetings"]) == 1

    def test_key_reused_for_another_step_is_refused(self, client: TestClient) -> None:
        mesure_id = drive_mesure(client, to="en_cours")
        assert take(client, mesure_id, MEETING, key="k-1").status_code == 200
        before = snapshot(client, mesure_id)
        other = take(client, mesure_id, MISSED, key="k-1")
        refused(other, 422, "idempotency_key_reused", client, before)

    def test_stale_if_match_is_refused(self, client: TestClient) -> None:
        mesure_id = drive_mesure(client, to="en_cours")
        version = read(client, mesure_id)["version"]
        assert take(client, mesure_id, MEETING, if_match=version).status_code == 200
        before = snapshot(client, mesure_id)

        stale = take(client, mesure_id, MISSED, if_match=version)

        refused(stale, 409, "version_conflict", client, before)
        fresh = take(client, mesure_id, MISSED, if_match=version + 1)
        assert fresh.status_code == 200, fresh.text
        assert fresh.json()["version"] == version + 2

    def test_weak_if_match_is_refused(self, client: TestClient) -> None:
        mesure_id = drive_mesure(client, to="en_cours")
        before = snapshot(client, mesure_id)
        answer = take(client, mesure_id, MEETING, if_match='W/"5"')
        refused(answer, 422, "invalid_if_match", client, before)


# ---- ASLL-CAPACITE ----------------------------------------------------------------


FREEING = {
    "end": [DIAGNOSIS, CONVENTION, END],
    "rupture": [RUPTURE],
    "reorientation": [
        Step(
            "complementary-diagnosis",
            "association",
            {
                "outcome": "reoriente",
                "summary": "Relève d'un hébergement.",
                "reoriented_to": "SIAO",
            },
            "reorientee",
        )
    ],
}


@pytest.mark.usefixtures("asll")
class TestCapacity:
    @pytest.mark.parametrize("freed_by", FREEING)
    def test_full_association_takes_a_household_once_a_place_is_free(
        self, client: TestClient, freed_by: str
    ) -> None:
        first = drive_mesure(client, to="notifiee", association="adsea_42")
        second = drive_mesure(client, to="instruite", association="adsea_42")
        before = snapshot(client, first, second)

        full = take(client, second, notification("adsea_42"), association="adsea_42")

        refused(full, 409, "ASLL-CAPACITE", client, before)
        assert read(client, second)["stage"] == "instruite"
        assert set(load_of(client, "adsea_42")) == {UUID(first)}

        path = FREEING[freed_by]
        drive_mesure(
            client,
            mesure_id=first,
            association="adsea_42",
            path=path,
            to=path[-1].stage,
        )
        assert load_of(client, "adsea_42") == {}

        taken = take(client, second, notification("adsea_42"), association="adsea_42")

        assert taken.status_code == 200, taken.text
        assert read(client, second)["stage"] == "notifiee"
        assert set(load_of(client, "adsea_42")) == {UUID(second)}

    def test_suivis_renforces_have_their_own_capacity(self, client: TestClient) -> None:
        renforce = notification("anef", renforce=True)
        first = drive_mesure(client, to="instruite", association="anef")
        assert take(client, first, renforce, association="anef").status_code == 200
        second = drive_mesure(client, to="instruite", association="anef")
        before = snapshot(client, first, second)

        again = take(client, second, renforce, association="anef")

        refused(again, 409, "ASLL-CAPACITE", client, before)
        ordinary = take(client, second, notification("anef"), association="anef")
        assert ordinary.status_code == 200, ordinary.text
        assert load_of(client, "anef") == {UUID(first): True, UUID(second): False}
        assert read(client, first)["renforce"] is True

    def test_capacity_in_force_the_day_of_the_notification(
        self, client: TestClient
    ) -> None:
        # The department raises ADSEA 42's capacity from today: a second place.
        first = drive_mesure(client, to="notifiee", association="adsea_42")
        second = drive_mesure(client, to="instruite", association="adsea_42")
        raised = [
            {**a, "monthly_capacity": 2} if a["code"] == "adsea_42" else a
            for a in ASSOCIATIONS
        ]
        adopted = adopt_settings(
            client,
            DEPARTMENT,
            asll_settings(associations=raised, effective_from=today()),
        )
        assert adopted.status_code == 201, adopted.text

        taken = take(client, second, notification("adsea_42"), association="adsea_42")

        assert taken.status_code == 200, taken.text
        assert set(load_of(client, "adsea_42")) == {UUID(first), UUID(second)}


@pytest.mark.usefixtures("asll")
def test_two_notifications_for_the_last_place_one_wins(client: TestClient) -> None:
    """ADSEA 42 has one place: two measures notified to it at once. The place is
    taken in the association's load, saved with the measure: one notification
    is stored, the other refused, by the store (version_conflict) or, loaded
    after the winner saved, by ASLL-CAPACITE. Repeated ROUNDS times, the winner
    broken off between rounds to free the place."""
    codes: set[str] = set()
    for _ in range(ROUNDS):
        mesures = [
            drive_mesure(client, to="instruite", association="adsea_42")
            for _ in range(2)
        ]
        position = store_position(client)

        answers = race(
            *[
                (
                    lambda m=m: take(
                        client, m, notification("adsea_42"), association="adsea_42"
                    )
                )
                for m in mesures
            ]
        )

        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200, 409], [a.text for a in answers]
        loser = next(a for a in answers if a.status_code == 409)
        codes.add(assert_error(loser, 409)["code"])
        winner = mesures[[a.status_code for a in answers].index(200)]
        stages = {m: read(client, m)["stage"] for m in mesures}
        assert sorted(stages.values()) == ["instruite", "notifiee"], stages
        assert stages[winner] == "notifiee"
        assert set(load_of(client, "adsea_42")) == {UUID(winner)}
        assert store_position(client) > position
        for m in mesures:
            expected = 3 if m == winner else 2
            assert len(events_of(client, m)) == expected

        freed = take(client, winner, RUPTURE, association="adsea_42")
        assert freed.status_code == 200, freed.text
        assert load_of(client, "adsea_42") == {}
    assert codes <= {"version_conflict", "ASLL-CAPACITE"}, codes


# ---- ASLL-DUREE: renewals per department ------------------------------------------


@pytest.mark.parametrize("allowed", [1, 2], ids=["dordogne_once", "loire_twice"])
def test_renewals_beyond_the_departments_limit_are_refused(
    client: TestClient, allowed: int
) -> None:
    adopted = adopt_settings(
        client, DEPARTMENT, asll_settings(asll_renewals_allowed=allowed)
    )
    assert adopted.status_code == 201, adopted.text
    mesure_id = drive_mesure(client, to="en_cours")
    for n in range(allowed):
        asked = take(client, mesure_id, RENEWAL_REQUEST)
        assert asked.status_code == 200, f"renewal {n + 1}: {asked.text}"
        granted = take(client, mesure_id, RENEWAL)
        assert granted.status_code == 200, f"renewal {n + 1}: {granted.text}"
    assert read(client, mesure_id)["renewals"] == allowed
    before = snapshot(client, mesure_id)

    beyond = take(client, mesure_id, RENEWAL_REQUEST)

    refused(beyond, 409, "ASLL-DUREE", client, before)


@pytest.mark.usefixtures("asll")
def test_late_meeting_does_not_let_a_decision_precede_the_renewal_request(
    client: TestClient,
) -> None:
    mesure_id, backdated = asked_a_month_ago(client)
    take_all(client, mesure_id, [*backdated, RENEWAL_REQUEST])
    late = {"kind": "entretien", "occurred_on": str(today() - timedelta(days=20))}
    meeting = post(client, mesure_id, "meeting", late, role="association")
    assert meeting.status_code == 200, meeting.text
    before = snapshot(client, mesure_id)

    decision = post(
        client,
        mesure_id,
        "renewal-decision",
        {"granted": True, "occurred_on": str(today() - timedelta(days=10))},
        role="commission_logement",
    )

    refused(decision, 409, "occurred_on_out_of_order", client, before)


@pytest.mark.usefixtures("asll")
def test_refused_renewal_leaves_the_renewal_to_ask_again(client: TestClient) -> None:
    mesure_id = drive_mesure(client, to="renouvellement_demande")
    no = post(
        client,
        mesure_id,
        "renewal-decision",
        {"granted": False, "motive": "Objectifs en passe d'être atteints."},
        role="commission_logement",
    )
    assert no.status_code == 200, no.text
    assert (no.json()["stage"], read(client, mesure_id)["renewals"]) == ("en_cours", 0)
    assert take(client, mesure_id, RENEWAL_REQUEST).status_code == 200
    assert take(client, mesure_id, RENEWAL).status_code == 200
    assert read(client, mesure_id)["renewals"] == 1


# ---- BILAN-SUITE: the measure a bilan d'installation asks for ---------------------


def installation_review(**overrides: Any) -> dict[str, Any]:
    body = {
        "outcome": "problemes",
        "findings": "Impayés dès le deuxième mois ; isolement.",
        "support_months": 6,
        "adhesion_signed_on": today().isoformat(),
        **overrides,
    }
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.usefixtures("asll")
class TestBilanSuite:
    def test_bilan_with_problems_and_adhesion_asks_for_a_measure(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(client, to="entre_dans_les_lieux")
        position = store_position(client)

        reviewed = record(
            client, dossier_id, "installation-review", installation_review(), role="als"
        )

        assert reviewed.status_code == 200, reviewed.text
        assert reviewed.json()["stage"] == "bilan_installation_fait"
        [mesure_id] = mesures_requested_since(client, position)
        mesure = read(client, mesure_id)
        dossier = client.get(f"/v1/dossiers/{dossier_id}").json()
        assert mesure["stage"] == "demandee"
        assert (mesure["kind"], mesure["channel"]) == ("individuelle", "clu")
        assert mesure["origin_dossier_id"] == dossier_id
        assert mesure["household_id"] == dossier["household_id"]
        assert (mesure["department"], mesure["commune"]) == (DEPARTMENT, COMMUNE)
        assert mesure["min_months"] == 6
        assert mesure["prescriber"]["role"] == "als"
        [requested] = events_of(client, mesure_id)
        [*_, review] = history(client, dossier_id)
        assert review["type"] == "InstallationReviewed"
        # Recorded by one command, in one transaction.
        assert requested["command_id"] == review["command_id"]
        assert requested["correlation_id"] == review["correlation_id"]
        assert requested["data"]["diagnostic"]["household_signed"] is True
        assert reviewed.json()["position"] == store_position(client)

        # The CLU instructs it; its convention lasts the 6 months the bilan asked.
        mesure_id = drive_mesure(client, mesure_id=mesure_id, to="diagnostic_fait")
        before = snapshot(client, mesure_id)
        short = take(
            client,
            mesure_id,
            Step("convention", "association", convention(duration_months=5), ""),
        )
        refused(short, 409, "ASLL-DUREE", client, before)
        assert take(client, mesure_id, CONVENTION).status_code == 200

    @pytest.mark.parametrize(
        "overrides",
        [
            {"adhesion_signed_on": None},
            {
                "outcome": "ok",
                "findings": "Installation sans difficulté.",
                "support_months": None,
            },
        ],
        ids=["adhesion_missing", "no_problem"],
    )
    def test_no_measure_without_problems_and_adhesion(
        self, client: TestClient, overrides: dict[str, Any]
    ) -> None:
        dossier_id = drive_dossier(client, to="entre_dans_les_lieux")
        position = store_position(client)

        reviewed = record(
            client,
            dossier_id,
            "installation-review",
            installation_review(**overrides),
            role="als",
        )

        assert reviewed.status_code == 200, reviewed.text
        assert mesures_requested_since(client, position) == []
        assert reviewed.json()["position"] == store_position(client)

    def test_adhesion_after_the_bilan_is_refused_with_the_bilan(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(client, to="entre_dans_les_lieux")
        before = StoreSnapshot.take(
            client, dossier_id, resources=[f"/v1/dossiers/{dossier_id}"]
        )
        tomorrow = (today() + timedelta(days=1)).isoformat()
        answer = record(
            client,
            dossier_id,
            "installation-review",
            installation_review(adhesion_signed_on=tomorrow),
            role="als",
        )
        refused(answer, 409, "invalid_value", client, before, dossier_id)


def test_bilan_of_an_als_that_does_not_prescribe_is_refused(
    client: TestClient,
) -> None:
    """The department does not count the ALS among its prescribers: the bilan that
    would ask for the measure is refused with it (ASLL-PRESCRIPTEUR)."""
    adopted = adopt_settings(
        client, DEPARTMENT, asll_settings(prescriber_roles=["prescripteur"])
    )
    assert adopted.status_code == 201, adopted.text
    dossier_id = drive_dossier(client, to="entre_dans_les_lieux")
    before = StoreSnapshot.take(
        client, dossier_id, resources=[f"/v1/dossiers/{dossier_id}"]
    )
    answer = record(
        client, dossier_id, "installation-review", installation_review(), role="als"
    )
    refused(answer, 409, "ASLL-PRESCRIPTEUR", client, before, dossier_id)
