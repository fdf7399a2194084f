"""Department settings over the API: adopted by an administrator, versioned, and
the version in force on a date is the one a dossier's step is judged by."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from domain.department import department_id
from domain.shared import ROLE_LABELS, ROLES
from tests.helpers.api import (
    CEILINGS,
    REQUIRED_DOCUMENTS,
    RESOURCES_CHECK,
    StoreSnapshot,
    actor,
    adopt_settings,
    assert_error,
    assert_store_unchanged,
    drive_dossier,
    history,
    identification,
    identify,
    read_json,
    record,
    refused,
    refused_step,
    settings_body,
    store_position,
    take,
    today,
)

if TYPE_CHECKING:
    from starlette.testclient import TestClient


def read_settings(
    client: TestClient, code: str = "972", **params: Any
) -> dict[str, Any]:
    return read_json(client, f"/v1/departments/{code}/settings", **params)


def dossier_under(
    client: TestClient, to: str, settings: dict[str, Any] | None = None
) -> str:
    """A dossier driven to the stage `to` once Martinique adopted `settings`
    (default: the valid ones)."""
    assert adopt_settings(client, "972", settings).status_code == 201
    return drive_dossier(client, to=to)


class TestAdoptSettings:
    def test_admin_adopts_settings(self, client: TestClient) -> None:
        before = store_position(client)

        answer = adopt_settings(client, "972")

        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["id"] == str(department_id("972"))
        assert (body["version"], body["stage"]) == (2, "adopte")  # registered, adopted
        assert answer.headers["ETag"] == '"2"'
        assert body["position"] == store_position(client) == before + 2

    def test_only_an_administrator_adopts_settings(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        before = StoreSnapshot.take(client)
        for role in sorted(set(ROLES) - {"admin"}):
            with subtests.test(role=role):
                answer = adopt_settings(client, "972", role=role)

                error = refused(answer, 403, "role_not_allowed", client, before)
                assert f"« {ROLE_LABELS[role]} »" in error["message"]
        assert_error(
            client.get("/v1/departments/972/settings"), 404, "department_not_found"
        )

    def test_later_version_cannot_take_effect_before_the_previous(
        self, client: TestClient
    ) -> None:
        """A past version comes with the history it governs (`logis import`,
        tests/integration/test_cli_import.py), never alone over the API."""
        first = settings_body(effective_from=today() - timedelta(days=10))
        assert adopt_settings(client, "972", first).status_code == 201
        before = StoreSnapshot.take(client)
        earlier = settings_body(effective_from=today() - timedelta(days=11))

        answer = adopt_settings(client, "972", earlier)

        refused(answer, 409, "invalid_transition", client, before)
        assert "logis import" in answer.json()["message"]
        assert len(read_settings(client)["versions"]) == 1

    def test_adoption_with_a_stale_version_is_refused(self, client: TestClient) -> None:
        assert adopt_settings(client, "972").status_code == 201
        before = StoreSnapshot.take(client)

        stale = client.post(
            "/v1/departments/972/settings",
            json=settings_body(),
            headers={**actor("admin"), "If-Match": '"1"'},
        )
        current = client.post(
            "/v1/departments/972/settings",
            json=settings_body(),
            headers={**actor("admin"), "If-Match": '"2"'},
        )

        assert_error(stale, 409, "version_conflict")
        assert current.status_code == 201, current.text
        assert current.json()["version"] == 3
        assert store_position(client) == before.position + 1

    def test_adoption_replayed_with_its_key_is_recorded_once(
        self, client: TestClient
    ) -> None:
        headers = {**actor("admin"), "Idempotency-Key": "adopt-972-1"}
        first = client.post(
            "/v1/departments/972/settings", json=settings_body(), headers=headers
        )
        assert first.status_code == 201, first.text
        before = StoreSnapshot.take(client)

        again = client.post(
            "/v1/departments/972/settings", json=settings_body(), headers=headers
        )
        other = client.post(
            "/v1/departments/972/settings",
            json=settings_body(dossiers_per_dwelling=4),
            headers=headers,
        )

        assert again.status_code == 201, again.text
        assert again.json() == first.json()
        refused(other, 422, "idempotency_key_reused", client, before)

    def test_invalid_settings_are_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        before = StoreSnapshot.take(client)
        seven = {"year": 2025, "by_category": {"7": "1000"}, "source": "x"}
        negative = {"year": 2025, "by_category": {"1": "-5"}, "source": "x"}
        for name, body, field in (
            (
                "no-documents",
                settings_body(required_documents=[]),
                "required_documents",
            ),
            (
                "category-7",
                settings_body(resource_ceilings=[seven]),
                "resource_ceilings",
            ),
            (
                "negative-ceiling",
                settings_body(resource_ceilings=[negative]),
                "resource_ceilings",
            ),
            ("unknown-setting", settings_body(quota_magique=3), "quota_magique"),
            ("taux-over-1", settings_body(max_taux_effort="1.5"), "max_taux_effort"),
            ("no-date", {"settings": settings_body()["settings"]}, "effective_from"),
        ):
            with subtests.test(name):
                answer = adopt_settings(client, "972", body)

                error = refused(answer, 422, "invalid_input", client, before)
                assert field in error["message"]

    def test_invalid_department_code_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        before = StoreSnapshot.take(client)
        for code in ("00", "96", "977", "2C", "abc", "9720"):
            with subtests.test(code=code):
                for answer in (
                    adopt_settings(client, code),
                    client.get(f"/v1/departments/{code}/settings"),
                ):
                    assert_error(answer, 422, "invalid_input")
                assert_store_unchanged(client, before)


class TestReadSettings:
    def test_read_gives_every_version_and_the_one_in_force(
        self, client: TestClient
    ) -> None:
        two_years_ago = date(today().year - 2, 1, 1)
        last_week = today() - timedelta(days=7)
        next_month = today() + timedelta(days=30)
        for effective_from, per_dwelling in (
            (two_years_ago, 3),
            (last_week, 4),
            (next_month, 5),
        ):
            body = settings_body(
                effective_from=effective_from, dossiers_per_dwelling=per_dwelling
            )
            assert adopt_settings(client, "972", body).status_code == 201

        now = read_settings(client)

        assert now["code"] == "972"
        assert now["in_force_on"] == today().isoformat()
        assert [v["version_number"] for v in now["versions"]] == [1, 2, 3]
        assert [v["effective_from"] for v in now["versions"]] == [
            two_years_ago.isoformat(),
            last_week.isoformat(),
            next_month.isoformat(),
        ]
        assert [v["settings"]["dossiers_per_dwelling"] for v in now["versions"]] == [
            3,
            4,
            5,
        ]
        assert now["in_force"]["version_number"] == 2
        assert now["in_force"]["settings"]["required_documents"] == list(
            REQUIRED_DOCUMENTS
        )
        ceilings = now["in_force"]["settings"]["resource_ceilings"]
        assert {t["year"] for t in ceilings} >= {today().year}
        assert {int(k) for k in ceilings[0]["by_category"]} == set(CEILINGS)

        for on, number in (
            (last_week - timedelta(days=1), 1),
            (last_week, 2),
            (next_month - timedelta(days=1), 2),
            (next_month, 3),
            (two_years_ago - timedelta(days=1), None),
        ):
            in_force = read_settings(client, on=on.isoformat())["in_force"]
            assert (in_force and in_force["version_number"]) == number, on

    def test_unknown_department_has_no_settings(self, client: TestClient) -> None:
        error = assert_error(
            client.get("/v1/departments/971/settings"), 404, "department_not_found"
        )
        assert "971" in error["message"]


class TestDossiersFollowTheSettingsInForce:
    def test_no_dossier_in_a_department_without_settings(
        self, client: TestClient
    ) -> None:
        assert adopt_settings(client, "972").status_code == 201
        before = StoreSnapshot.take(client)

        answer = identify(client, identification(department="971", commune="97101"))

        error = refused(answer, 409, "department_not_configured", client, before)
        assert "971" in error["message"]

    def test_no_dossier_before_the_settings_take_effect(
        self, client: TestClient
    ) -> None:
        body = settings_body(effective_from=today() + timedelta(days=1))
        assert adopt_settings(client, "972", body).status_code == 201
        before = StoreSnapshot.take(client)

        answer = identify(client)

        refused(answer, 409, "department_not_configured", client, before)

    def test_dossier_dated_before_the_settings_is_refused(
        self, client: TestClient
    ) -> None:
        body = settings_body(effective_from=today() - timedelta(days=5))
        assert adopt_settings(client, "972", body).status_code == 201
        before = StoreSnapshot.take(client)

        answer = identify(client, identification(on=today() - timedelta(days=6)))

        refused(answer, 409, "department_not_configured", client, before)
        assert (
            identify(client, identification(on=today() - timedelta(days=5))).status_code
            == 201
        )

    def test_resources_are_checked_against_the_ceiling_in_force(
        self, client: TestClient
    ) -> None:
        checked_before = dossier_under(client, "ressources_controlees")
        lower = settings_body(
            effective_from=today(),
            resource_ceilings=[
                {
                    "year": today().year,
                    "by_category": {"3": "10000"},
                    "source": "arrêté révisé",
                }
            ],
        )
        checked_after = dossier_under(client, "complet", lower)

        answer = take(client, checked_after, RESOURCES_CHECK)

        assert answer.status_code == 200, answer.text
        assert answer.json()["stage"] == "irrecevable"
        [then] = [
            e
            for e in history(client, checked_before)
            if e["type"] == "ResourcesChecked"
        ]
        [now] = [
            e for e in history(client, checked_after) if e["type"] == "ResourcesChecked"
        ]
        assert (then["data"]["settings_version"], then["data"]["ceiling"]) == (
            1,
            "17700",
        )
        assert (now["data"]["settings_version"], now["data"]["ceiling"]) == (2, "10000")
        assert (then["data"]["eligible"], now["data"]["eligible"]) == (True, False)

    def test_no_ceiling_for_the_year_is_refused(self, client: TestClient) -> None:
        body = settings_body(years=[today().year - 5])
        dossier_id = dossier_under(client, "complet", body)

        error = refused_step(
            client,
            dossier_id,
            "resources-check",
            RESOURCES_CHECK.body(today()),
            role="deal",
            code="DEAL-PLAFOND",
        )

        assert str(today().year) in error["message"]

    def test_completeness_follows_the_required_documents_in_force(
        self, client: TestClient
    ) -> None:
        body = settings_body(
            required_documents=[*REQUIRED_DOCUMENTS, "attestation_caf"]
        )
        dossier_id = dossier_under(client, "avis_mairie_rendu", body)

        error = refused_step(
            client,
            dossier_id,
            "completion",
            {"documents": list(REQUIRED_DOCUMENTS)},
            role="ccas",
            code="DOS-COMPLET",
        )
        assert "attestation_caf" in error["message"]

        full = record(
            client,
            dossier_id,
            "completion",
            {"documents": [*REQUIRED_DOCUMENTS, "attestation_caf"]},
            role="ccas",
        )
        assert full.status_code == 200, full.text
