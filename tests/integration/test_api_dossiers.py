"""The dossier API over a real store: the procedure step by step, the list, the
history, past states (as_of), optimistic concurrency and idempotency."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest

from commands.dossier import STEPS
from domain.dossier import EVENT_LABELS
from infra.settings import Settings
from tests.helpers.api import (
    CAL_DEFERRAL,
    COMMISSION_SLUGS,
    COMMUNE,
    DEPARTMENT,
    DOCUMENTS_REQUEST,
    DWELLING,
    NUMERO_UNIQUE,
    OTHER_COMMUNE,
    RADIATION,
    TEST_JWT_SECRET,
    Step,
    StoreSnapshot,
    actor,
    adopt_settings,
    along_main_line,
    assert_created,
    assert_error,
    assert_labelled,
    assert_store_unchanged,
    drive_dossier,
    every_step,
    history,
    identification,
    identify,
    main_line,
    organisation_of,
    read_json,
    record,
    refused,
    refused_step,
    step_by_slug,
    store_position,
    take,
    today,
)
from tests.helpers.procedure import announce, concerted_programme
from tests.helpers.projections import assert_views_match_aggregates, rebuild_and_compare

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.testclient import TestClient

pytestmark = pytest.mark.usefixtures("department")


def _to(step: Step, stage: str) -> Step:
    """The same step, expected to lead to another stage."""
    return replace(step, stage=stage)


def read(client: TestClient, dossier_id: str, **params: Any) -> dict[str, Any]:
    return read_json(client, f"/v1/dossiers/{dossier_id}", **params)


class TestIdentifyDossier:
    def test_identify_dossier_answers_201_with_location_etag_and_position(
        self, client: TestClient
    ) -> None:
        before = store_position(client)
        answer = identify(client, identification(), role="ccas")

        body = assert_created(client, answer, "dossiers", "identifie", since=before)

        located = client.get(answer.headers["Location"])
        assert located.status_code == 200
        assert located.headers["ETag"] == '"1"'
        dossier = located.json()
        assert dossier["id"] == body["id"]
        assert dossier["applicant_name"] == "Marie-Josée Lordinot"
        assert dossier["household_size"] == 3
        assert (dossier["department"], dossier["commune"]) == (DEPARTMENT, COMMUNE)
        assert dossier["numero_unique"] == NUMERO_UNIQUE
        assert dossier["origin"] == {
            "subject": "agent.ccas",
            "role": "ccas",
            "organisation": organisation_of("ccas"),
        }
        assert dossier["dalo"] is False

    def test_prefecture_identifies_a_dalo_dossier(self, client: TestClient) -> None:
        answer = identify(client, identification(dalo=True), role="prefecture")

        assert answer.status_code == 201, answer.text
        assert read(client, answer.json()["id"])["dalo"] is True

    def test_prefecture_records_the_dalo_appeal_and_its_recognition(
        self, client: TestClient
    ) -> None:
        days = {"dalo_appeal_on": "2024-09-02", "dalo_recognised_on": "2024-11-28"}
        body = identification(dalo=True, **days)
        answer = identify(client, body, role="prefecture")
        assert answer.status_code == 201, answer.text
        dossier = read(client, answer.json()["id"])
        assert {k: dossier[k] for k in days} == days
        [identified] = history(client, answer.json()["id"])
        assert identified["data"]["dalo_recognised_on"] == "2024-11-28"

    @pytest.mark.parametrize(
        ("dalo", "days"),  # recognised before its appeal, or appealed in 2999
        [
            (False, {"dalo_recognised_on": "2024-11-28"}),
            (
                True,
                {"dalo_appeal_on": "2024-11-28", "dalo_recognised_on": "2024-09-02"},
            ),
            (True, {"dalo_appeal_on": "2999-01-01"}),
        ],
    )
    def test_dalo_days_no_procedure_has_are_refused(
        self, client: TestClient, dalo: bool, days: dict[str, str]
    ) -> None:
        before = StoreSnapshot.take(client)
        role = "prefecture" if dalo else "ccas"
        answer = identify(client, identification(dalo=dalo, **days), role=role)
        refused(answer, 409, "invalid_value", client, before)


class TestProgrammeNamed:
    """A dossier gathered for a programme names a real one of its department."""

    def test_a_dossier_for_a_programme_of_its_department(
        self, client: TestClient
    ) -> None:
        programme_id = concerted_programme(client)
        answer = identify(client, identification(programme_id=programme_id))
        assert answer.status_code == 201, answer.text
        dossier = client.get(f"/v1/dossiers/{answer.json()['id']}").json()
        assert dossier["programme_id"] == programme_id

    def test_an_unknown_programme_is_refused(self, client: TestClient) -> None:
        before = StoreSnapshot.take(client)
        answer = identify(client, identification(programme_id=str(uuid4())))
        refused(answer, 404, "programme_not_found", client, before)

    def test_a_programme_of_another_department_is_refused(
        self, client: TestClient
    ) -> None:
        programme_id = concerted_programme(client)  # in the 972
        assert adopt_settings(client, "971").status_code == 201
        before = StoreSnapshot.take(client)
        body = identification(programme_id=programme_id) | {
            "department": "971",
            "commune": "97101",
        }
        answer = identify(
            client,
            body,
            role="ccas",
            headers=actor("ccas", department="971", commune="97101"),
        )
        refused(answer, 409, "programme_elsewhere", client, before)
        assert "n'est pas situé dans le département 971" in answer.json()["message"]


class TestProcedure:
    def test_every_step_in_order_to_closure(self, client: TestClient) -> None:
        # the terminal steps (withdrawal, inadmissibility, radiation, list expiry)
        # are TestEndings'; pré-selection, ranking and the CAL's decisions are taken
        # by commissions, each recorded on the dossier as one event
        endpoints = {s.slug for s in every_step() if s.is_endpoint}
        assert endpoints | {
            "withdrawal",
            "inadmissibility",
            "radiation",
            "list-expiry",
        } == set(STEPS)
        assert {s.slug for s in every_step() if not s.is_endpoint} == set(
            COMMISSION_SLUGS
        )
        created = identify(client)
        assert created.status_code == 201, created.text
        dossier_id, version = created.json()["id"], 1
        position = created.json()["position"]
        on = today()

        for step in every_step():
            answer = take(client, dossier_id, step, on=on)

            assert answer.status_code == 200, f"{step.slug}: {answer.text}"
            body = answer.json()
            version += 1
            if step.is_endpoint:
                assert body == {
                    "id": dossier_id,
                    "version": version,
                    "position": body["position"],
                    "stage": step.stage,
                }, step.slug
                assert answer.headers["ETag"] == f'"{version}"'
            else:  # the commission's answer: its decision, saved with the dossier
                assert body["id"] != dossier_id
                assert body["stage"] == "en_seance"
            assert body["position"] > position
            position = body["position"]
            assert store_position(client) == position
            now = client.get(f"/v1/dossiers/{dossier_id}")
            assert now.headers["ETag"] == f'"{version}"'
            assert (now.json()["stage"], now.json()["version"]) == (step.stage, version)
            if step.slug == "cal-deferral":
                assert now.json()["deferral"]["motive"] == "Pièce à vérifier"

        dossier = read(client, dossier_id)
        assert dossier["stage"] == "clos"
        assert dossier["avis"] == {
            "enquete_sociale": "prioritaire",
            "mairie": "favorable",
        }
        assert "quittances_loyer" in dossier["documents"]
        assert dossier["outstanding_documents"] == []
        assert dossier["resources"]["eligible"] is True
        assert dossier["solvency"]["opinion"] == "favorable"
        assert dossier["preselection"] == "prioritaire"
        assert dossier["ranking"]["rank"] == 1
        assert dossier["deferral"] is None  # the CAL decided after deferring
        assert (
            dossier["cal_decision"]["decision"]
            == "attribution_sous_condition_suspensive"
        )
        assert dossier["offer"]["dwelling_ref"] == DWELLING
        assert dossier["lease"]["dwelling_ref"] == DWELLING
        assert dossier["entered_on"] == on.isoformat()
        assert len(dossier["information_meetings"]) == 1
        assert dossier["installation_review"]["outcome"] == "ok"
        assert dossier["end_reason"] == "Parcours achevé"
        assert len(history(client, dossier_id)) == version

    def test_a_step_without_fields_needs_no_body(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="ressources_controlees")

        answer = client.post(
            f"/v1/dossiers/{dossier_id}/analysis", headers=actor("als")
        )

        assert answer.status_code == 200, answer.text
        assert answer.json()["stage"] == "en_analyse"
        assert read(client, dossier_id)["last_occurred_on"] == today().isoformat()

    def test_helper_reaches_any_stage_of_the_main_line(
        self, client: TestClient
    ) -> None:
        for step in main_line()[::4]:
            dossier_id = drive_dossier(client, to=step.stage)
            assert read(client, dossier_id)["stage"] == step.stage

    def test_helper_reaches_each_stage_a_commission_decides(
        self, client: TestClient
    ) -> None:
        for stage in ("preselectionne", "classe", "decide_cal"):
            dossier_id = drive_dossier(client, to=stage)
            assert read(client, dossier_id)["stage"] == stage
        deferred = drive_dossier(
            client, to="ajourne", path=[*main_line()[:8], CAL_DEFERRAL]
        )
        assert read(client, deferred)["deferral"]["motive"] == "Pièce à vérifier"

    def test_commission_steps_have_no_dossier_endpoint(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        dossier_id = drive_dossier(client, to="solvabilite_etudiee")
        before = StoreSnapshot.take(client, dossier_id)
        for slug in COMMISSION_SLUGS:
            with subtests.test(slug=slug):
                step = step_by_slug()[slug]

                answer = record(
                    client, dossier_id, slug, step.body(today()), role=step.role
                )

                assert answer.status_code in (404, 405), answer.text
                refused(answer, answer.status_code, None, client, before, dossier_id)
        assert not set(COMMISSION_SLUGS) & set(STEPS)


def said(reason: str) -> dict[str, str]:
    """A withdrawal as the household expressed it (DOS-RETRAIT): by letter, today."""
    return {
        "reason": reason,
        "expressed_on": today().isoformat(),
        "expressed_by": "courrier",
    }


class TestEndings:
    def test_withdrawal_or_inadmissibility_ends_the_dossier(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        simar = concerted_programme(client)
        for at, slug, role, body, stage in (
            ("complet", "withdrawal", "ccas", said("Logé ailleurs"), "retire"),
            ("identifie", "withdrawal", "prefecture", said("Renonce"), "retire"),
            ("classe", "withdrawal", "als", said("Renonce"), "retire"),
            (
                "en_analyse",
                "inadmissibility",
                "deal",
                {"reason": "Fraude"},
                "irrecevable",
            ),
            (
                "ajourne",
                "inadmissibility",
                "deal",
                {"reason": "Fraude"},
                "irrecevable",
            ),
        ):
            with subtests.test(at=at, slug=slug):
                path = [*main_line()[:8], CAL_DEFERRAL]
                # The landlord withdraws a household ranked for its programme only.
                mine = {"programme_id": simar} if role == "bailleur" else {}
                dossier_id = drive_dossier(client, to=at, path=path, identify_with=mine)

                answer = record(client, dossier_id, slug, body, role=role)

                assert answer.status_code == 200, answer.text
                assert answer.json()["stage"] == stage
                assert read(client, dossier_id)["end_reason"] == body["reason"]
                self._assert_nothing_more_is_recorded(client, dossier_id)

    def test_no_withdrawal_after_the_lease(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="bail_signe")

        refused_step(
            client,
            dossier_id,
            "withdrawal",
            said("Trop tard"),
            role="ccas",
            code="invalid_transition",
        )

    def test_unrenewed_demand_is_radiated(self, client: TestClient) -> None:
        dossier_id = drive_dossier(
            client, to="identifie", on=today() - timedelta(days=400)
        )

        answer = record(
            client, dossier_id, "radiation", RADIATION.body(today()), role="prefecture"
        )

        assert answer.status_code == 200, answer.text
        assert answer.json()["stage"] == "radie"
        self._assert_nothing_more_is_recorded(client, dossier_id)

    def test_expired_complementary_list_ends_the_dossier(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(
            client,
            to="classe",
            on=today() - timedelta(days=200),
            bodies={"ranking": {"outcome": "liste_complementaire", "rank": None}},
        )
        assert read(client, dossier_id)["list_valid_until"] < today().isoformat()

        answer = client.post(
            f"/v1/dossiers/{dossier_id}/list-expiry", headers=actor("deal")
        )

        assert answer.status_code == 200, answer.text
        assert answer.json()["stage"] == "liste_expiree"
        self._assert_nothing_more_is_recorded(client, dossier_id)

    def test_resources_over_the_ceiling_make_the_dossier_inadmissible(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(
            client,
            to="irrecevable",
            bodies={"resources-check": {"annual_resources": "50000.00"}},
            path=[
                s if s.slug != "resources-check" else _to(s, "irrecevable")
                for s in main_line()
            ],
        )

        dossier = read(client, dossier_id)
        assert dossier["resources"]["eligible"] is False
        assert dossier["resources"]["ceiling"] == "17700"
        assert dossier["end_reason"] == "ressources_au_dessus_du_plafond"
        self._assert_nothing_more_is_recorded(client, dossier_id)

    def test_negative_outcome_can_be_closed(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        cases = {
            "refused-offer": (
                "offre_refusee",
                {"offer-answer": {"answer": "refusee", "motive": "Trop loin"}},
            ),
            "set-aside": ("preselectionne", {"pre-selection": {"outcome": "ecarte"}}),
            "not-retained": (
                "classe",
                {"ranking": {"outcome": "non_retenu", "rank": None}},
            ),
            "non-attribution": (
                "decide_cal",
                {
                    "cal-decision": {
                        "decision": "non_attribution",
                        "dwelling_ref": None,
                        "motive": "Taux d'effort trop élevé",
                    }
                },
            ),
            "rejection": (
                "decide_cal",
                {
                    "cal-decision": {
                        "decision": "rejet_irrecevabilite",
                        "dwelling_ref": None,
                        "motive": "Irrecevable",
                    }
                },
            ),
        }
        for name, (to, bodies) in cases.items():
            with subtests.test(name):
                path = [_to(s, to) if s.slug in bodies else s for s in main_line()]
                dossier_id = drive_dossier(client, to=to, bodies=bodies, path=path)

                # A household set aside before the ranking never reached a
                # landlord: the ALS closes it (issue 13).
                early = name in ("set-aside", "not-retained")
                answer = record(
                    client,
                    dossier_id,
                    "closure",
                    {"reason": "Issue négative"},
                    role="als" if early else "bailleur",
                )

                assert answer.status_code == 200, answer.text
                assert answer.json()["stage"] == "clos"

    def test_positive_outcome_cannot_be_closed_before_the_installation_review(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        stops = (
            "preselectionne",
            "classe",
            "decide_cal",
            "offre_acceptee",
            "bail_signe",
            "entre_dans_les_lieux",
        )
        # one dossier along the line, not one driven from the start for each
        for at, dossier_id in zip(stops, along_main_line(client, stops), strict=True):
            with subtests.test(at=at):
                refused_step(
                    client,
                    dossier_id,
                    "closure",
                    {"reason": "Trop tôt"},
                    role="als",
                    code="invalid_transition",
                )

    def test_lapsed_offer_can_be_closed(self, client: TestClient) -> None:
        dossier_id = drive_dossier(
            client, to="offre_faite", on=today() - timedelta(days=30)
        )

        lapsed = record(
            client, dossier_id, "offer-answer", {"answer": "caduque"}, role="bailleur"
        )
        assert lapsed.status_code == 200, lapsed.text
        assert lapsed.json()["stage"] == "offre_caduque"

        closed = record(
            client, dossier_id, "closure", {"reason": "Sans réponse"}, role="als"
        )
        assert closed.status_code == 200, closed.text
        assert closed.json()["stage"] == "clos"

    @staticmethod
    def _assert_nothing_more_is_recorded(client: TestClient, dossier_id: str) -> None:
        refused_step(
            client,
            dossier_id,
            "withdrawal",
            said("Après la fin"),
            role="ccas",
            code="dossier_ended",
        )


class TestListDossiers:
    @pytest.fixture
    def dossiers(self, client: TestClient) -> dict[str, Any]:
        """Four dossiers: three in Fort-de-France (two programmes, one older), one
        in Le Lamentin; one of them complete."""
        p1, p2 = (announce(client, on=today() - timedelta(days=10)) for _ in "12")
        p1, p2 = p1.json()["id"], p2.json()["id"]
        older = today() - timedelta(days=3)
        ids = {
            "a": drive_dossier(
                client, to="identifie", identify_with={"programme_id": p1}
            ),
            "b": drive_dossier(
                client, to="complet", identify_with={"programme_id": p2}
            ),
            "c": drive_dossier(
                client, to="identifie", identify_with={"commune": OTHER_COMMUNE}
            ),
            "d": drive_dossier(
                client, to="identifie", on=older, identify_with={"programme_id": p1}
            ),
        }
        return {"ids": ids, "p1": p1, "p2": p2, "position": store_position(client)}

    def _list(self, client: TestClient, position: int, **params: Any) -> dict[str, Any]:
        answer = client.get("/v1/dossiers", params={"min_position": position, **params})
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        assert body["position"] >= position
        return body

    def test_list_filters_dossiers(
        self, client: TestClient, dossiers: dict[str, Any], subtests: pytest.Subtests
    ) -> None:
        by_id = {v: k for k, v in dossiers["ids"].items()}
        for params, expected in (
            ({}, {"a", "b", "c", "d"}),
            ({"commune": COMMUNE}, {"a", "b", "d"}),
            ({"commune": OTHER_COMMUNE}, {"c"}),
            ({"commune": "97201"}, set()),
            ({"programme_id": "p1"}, {"a", "d"}),
            ({"programme_id": "p2"}, {"b"}),
            ({"stage": "complet"}, {"b"}),
            ({"stage": "identifie"}, {"a", "c", "d"}),
            ({"stage": "clos"}, set()),
            ({"commune": COMMUNE, "stage": "identifie"}, {"a", "d"}),
            ({"programme_id": "p1", "commune": OTHER_COMMUNE}, set()),
            ({"department": DEPARTMENT}, {"a", "b", "c", "d"}),
            ({"department": "971"}, set()),
        ):
            with subtests.test(params=params):
                query = {
                    k: dossiers[v] if v in ("p1", "p2") else v
                    for k, v in params.items()
                }

                body = self._list(client, dossiers["position"], **query)

                assert {by_id[row["id"]] for row in body["data"]} == expected
                assert body["count"] == len(expected)

    def test_list_rows_summarise_each_dossier(
        self, client: TestClient, dossiers: dict[str, Any]
    ) -> None:
        body = self._list(client, dossiers["position"], stage="complet")

        [row] = body["data"]
        dossier = read(client, dossiers["ids"]["b"])
        assert row["id"] == dossier["id"]
        assert row["version"] == dossier["version"] == 4
        assert row["programme_id"] == dossiers["p2"]
        assert row["origin_role"] == "ccas"
        assert row["numero_unique"] == NUMERO_UNIQUE
        assert row["identified_on"] == today().isoformat()

    def test_list_pages_through_every_dossier_once_newest_first(
        self, client: TestClient, dossiers: dict[str, Any]
    ) -> None:
        pages = [
            self._list(client, dossiers["position"], limit=2, offset=offset)
            for offset in (0, 2, 4)
        ]

        assert [len(p["data"]) for p in pages] == [2, 2, 0]
        assert {p["count"] for p in pages} == {4}
        rows = [row for page in pages for row in page["data"]]
        assert len({row["id"] for row in rows}) == 4
        assert rows[-1]["id"] == dossiers["ids"]["d"]  # the oldest comes last
        order = [(row["identified_on"], row["id"]) for row in rows[:3]]
        assert order == sorted(order, key=lambda r: r[1])

    def test_list_reads_its_own_writes(self, client: TestClient) -> None:
        for n in range(1, 4):
            created = identify(client, identification(commune=OTHER_COMMUNE))
            body = self._list(client, created.json()["position"], commune=OTHER_COMMUNE)
            assert body["count"] == n
            assert created.json()["id"] in {row["id"] for row in body["data"]}

    def test_list_shows_the_stage_reached(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="identifie")
        answer = record(
            client,
            dossier_id,
            "social-enquiry",
            {"avis": "favorable", "summary": "Enquête faite."},
            role="departement",
        )

        body = self._list(
            client, answer.json()["position"], stage="enquete_sociale_rendue"
        )

        assert [(r["id"], r["version"]) for r in body["data"]] == [(dossier_id, 2)]

    def test_list_holds_the_documents_awaited_since_their_request(
        self, client: TestClient
    ) -> None:
        """The documents asked and not yet received, as the dossier holds them,
        since the request that found none awaited; the view rebuilt from the
        first event is the one built as the events came."""
        first = today() - timedelta(days=20)
        dossier_id = drive_dossier(client, to="en_analyse", on=first)
        asked = DOCUMENTS_REQUEST.body(first)
        steps = (  # (slug, day, documents, awaited after, since)
            ("documents-request", 0, ["a"], ["a"], 0),
            ("documents-request", 5, ["b"], ["a", "b"], 0),
            ("documents-receipt", 6, ["a"], ["b"], 0),
            ("documents-receipt", 7, ["b"], [], None),
            ("documents-request", 9, ["c"], ["c"], 9),
        )
        for slug, day, documents, awaited, since in steps:
            on = (first + timedelta(days=day)).isoformat()
            request = slug == "documents-request"
            body = {**(asked if request else {}), "occurred_on": on}
            body["documents"] = documents
            role = "als" if request else "ccas"
            answer = record(client, dossier_id, slug, body, role=role)
            assert answer.status_code == 200, answer.text

            [row] = self._list(client, answer.json()["position"], stage="en_analyse")[
                "data"
            ]

            requested_on = first + timedelta(days=since) if since is not None else None
            assert (row["outstanding_documents"], row["documents_requested_on"]) == (
                awaited,
                requested_on and requested_on.isoformat(),
            )
        system = client.app.state.system  # type: ignore[attr-defined]
        assert_views_match_aggregates(system.app, system.engine, [UUID(dossier_id)])
        rebuild_and_compare(system.engine, "dossier_list")

    def test_list_refuses_invalid_filters(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        for params in (
            {"stage": "termine"},
            {"stage": "CLOS"},
            {"commune": "972"},
            {"programme_id": "pas-un-uuid"},
            {"limit": 0},
            {"limit": 501},
            {"offset": -1},
            {"min_position": -1},
        ):
            with subtests.test(params=params):
                answer = client.get("/v1/dossiers", params=params)

                error = assert_error(answer, 422, "invalid_input")
                [(name, value)] = params.items()
                assert name in error["message"] or str(value) in error["message"], error

    def test_list_answers_503_while_the_view_lags_behind(self, tmp_path: Path) -> None:
        """On SQLite only: current_view is the same on every store."""
        from starlette.testclient import TestClient as Client

        from api.main import create_app

        settings = Settings(
            # A store of its own: the `client` fixture's projector thread runs
            # on the shared one and would catch up.
            database_url=f"sqlite:///{tmp_path / 'lagging.sqlite3'}",
            log_json=False,
            read_wait_seconds=0.3,
            projector_in_process=False,  # the views move only on catch_up()
            jwt_secret=TEST_JWT_SECRET,
        )
        with Client(create_app(settings), headers=actor("auditeur")) as client:
            client.app.state.system.catch_up()  # type: ignore[attr-defined]
            assert adopt_settings(client).status_code == 201
            written = identify(client, identification()).json()["position"]

            answer = client.get("/v1/dossiers", params={"min_position": written})

        assert_error(answer, 503, "projection_lagging")

    def test_a_position_the_store_has_not_written_is_refused(
        self, client: TestClient
    ) -> None:
        ahead = store_position(client) + 1

        answer = client.get("/v1/dossiers", params={"min_position": ahead})

        error = assert_error(answer, 422, "position_not_written")
        assert str(ahead) in error["message"]


class TestHistory:
    def test_history_lists_every_event_with_its_metadata(
        self, client: TestClient
    ) -> None:
        created = identify(
            client,
            identification(),
            role="ccas",
            headers={
                "X-Correlation-ID": "corr-identify",
                **actor("ccas", subject="m.lordinot"),
            },
        )
        dossier_id = created.json()["id"]
        steps = every_step()[:4]
        for n, step in enumerate(steps):
            answer = take(
                client, dossier_id, step, headers={"X-Correlation-ID": f"corr-{n}"}
            )
            assert answer.status_code == 200, answer.text
            assert answer.headers["X-Correlation-ID"] == f"corr-{n}"

        events = history(client, dossier_id)

        assert [e["version"] for e in events] == [1, 2, 3, 4, 5]
        assert [e["type"] for e in events] == [
            "Identified",
            "SocialEnquiryRendered",
            "MairieAvisRendered",
            "Completed",
            "DemandRenewed",
        ]
        assert_labelled(events, EVENT_LABELS)
        assert events[0]["label"] == "Ménage repéré, dossier LLTS ouvert"
        assert [e["correlation_id"] for e in events] == [
            "corr-identify",
            "corr-0",
            "corr-1",
            "corr-2",
            "corr-3",
        ]
        assert events[0]["actor"] == {
            "subject": "m.lordinot",
            "role": "ccas",
            "organisation": organisation_of("ccas"),
        }
        assert [e["actor"]["role"] for e in events[1:]] == [s.role for s in steps]
        assert {e["occurred_on"] for e in events} == {today().isoformat()}
        command_ids = [UUID(e["command_id"]) for e in events]
        assert len(set(command_ids)) == len(events)
        recorded = [datetime.fromisoformat(e["recorded_at"]) for e in events]
        assert all(r.tzinfo is not None for r in recorded)
        assert recorded == sorted(recorded)
        assert all(abs(datetime.now(UTC) - r) < timedelta(minutes=5) for r in recorded)
        assert events[1]["data"] == {
            "avis": "prioritaire",
            "summary": steps[0].body(today())["summary"],
        }

    def test_history_keeps_the_date_the_step_happened(self, client: TestClient) -> None:
        earlier = today() - timedelta(days=20)
        dossier_id = drive_dossier(client, to="avis_mairie_rendu", on=earlier)

        events = history(client, dossier_id)

        assert {e["occurred_on"] for e in events} == {earlier.isoformat()}
        recorded = [datetime.fromisoformat(e["recorded_at"]) for e in events]
        assert all(r.date() >= today() - timedelta(days=1) for r in recorded)
        assert read(client, dossier_id)["last_occurred_on"] == earlier.isoformat()

    def test_correlation_id_defaults_to_the_request_id(
        self, client: TestClient
    ) -> None:
        created = identify(client, headers={"X-Request-ID": "req-42"})
        assert created.headers["X-Request-ID"] == "req-42"
        assert created.headers["X-Correlation-ID"] == "req-42"

        [event] = history(client, created.json()["id"])

        assert event["correlation_id"] == "req-42"


class TestReadAsOf:
    def test_as_of_each_recorded_moment_gives_the_state_then(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(
            client, to="ressources_controlees", path=every_step()
        )
        events = history(client, dossier_id)
        assert len(events) == 6
        stages = [
            "identifie",
            "enquete_sociale_rendue",
            "avis_mairie_rendu",
            "complet",
            "complet",
            "ressources_controlees",
        ]

        for event, stage in zip(events, stages, strict=True):
            then = read(client, dossier_id, as_of=event["recorded_at"])
            assert (then["version"], then["stage"]) == (event["version"], stage)

        assert read(client, dossier_id, as_of=events[1]["recorded_at"])["avis"] == {
            "enquete_sociale": "prioritaire"
        }
        assert (
            read(client, dossier_id, as_of=events[3]["recorded_at"])["resources"]
            is None
        )

    def test_as_of_between_two_events_gives_the_earlier_state(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(client, to="avis_mairie_rendu")
        first, second, _ = (
            datetime.fromisoformat(e["recorded_at"])
            for e in history(client, dossier_id)
        )
        assert first < second
        between = first + (second - first) / 2

        then = read(client, dossier_id, as_of=between.isoformat())

        assert (then["version"], then["stage"]) == (1, "identifie")

    def test_as_of_in_another_time_zone_or_naive_utc(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="enquete_sociale_rendue")
        second = datetime.fromisoformat(history(client, dossier_id)[1]["recorded_at"])
        martinique = second.astimezone(timezone(timedelta(hours=-4)))
        naive = second.astimezone(UTC).replace(tzinfo=None)

        for moment in (martinique, naive):
            assert read(client, dossier_id, as_of=moment.isoformat())["version"] == 2
        just_before = (second - timedelta(microseconds=1)).astimezone(martinique.tzinfo)
        assert read(client, dossier_id, as_of=just_before.isoformat())["version"] == 1

    def test_as_of_now_gives_the_current_state(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="complet")

        then = read(client, dossier_id, as_of=(today() + timedelta(days=1)).isoformat())

        assert (then["version"], then["stage"]) == (4, "complet")

    def test_known_at_to_come_is_refused(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="complet")
        later = (datetime.now(UTC) + timedelta(days=1)).isoformat()

        for clock in ("known_at", "as_of"):  # a moment in as_of: known_at
            answer = client.get(f"/v1/dossiers/{dossier_id}", params={clock: later})
            assert_error(answer, 422, "known_at_in_future")

    def test_known_at_before_creation_is_not_found(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="complet")
        created = datetime.fromisoformat(history(client, dossier_id)[0]["recorded_at"])

        for moment in (
            created - timedelta(microseconds=1),
            created - timedelta(days=365),
        ):
            answer = client.get(
                f"/v1/dossiers/{dossier_id}", params={"known_at": moment.isoformat()}
            )
            assert_error(answer, 404, "dossier_not_known_at")

    def test_as_of_must_be_a_day(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="identifie")

        answer = client.get(f"/v1/dossiers/{dossier_id}", params={"as_of": "hier"})

        assert_error(answer, 422, "invalid_input")


class TestOptimisticConcurrency:
    def test_step_with_the_current_version_is_recorded(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        step = step_by_slug()["mairie-avis"]
        for tag in ('"2"', "2", ' "2" ', "*"):
            with subtests.test(tag=tag):
                dossier_id = drive_dossier(client, to="enquete_sociale_rendue")

                answer = take(client, dossier_id, step, if_match=tag)

                assert answer.status_code == 200, answer.text
                assert answer.json()["version"] == 3

    def test_step_with_a_stale_version_is_refused_and_nothing_stored(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        dossier_id = drive_dossier(client, to="enquete_sociale_rendue")
        step = step_by_slug()["mairie-avis"]
        for stale in (0, 1, 3, 99):
            with subtests.test(stale=stale):
                error = refused_step(
                    client,
                    dossier_id,
                    step.slug,
                    step.body(today()),
                    role="mairie",
                    if_match=stale,
                    code="version_conflict",
                )

                assert (
                    f"Version attendue {stale}, version actuelle 2" in error["message"]
                )
        assert read(client, dossier_id)["stage"] == "enquete_sociale_rendue"

    def test_stale_version_is_refused_before_any_rule(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="identifie")

        refused_step(
            client,
            dossier_id,
            "mairie-avis",
            {"avis": "favorable"},
            role="mairie",
            if_match=5,
            code="version_conflict",
        )

    def test_malformed_if_match_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        dossier_id = drive_dossier(client, to="enquete_sociale_rendue")
        step = step_by_slug()["mairie-avis"]
        for tag in ("abc", '"v2"', '"1.5"', '"-2"', '""', '"2", "3"', 'W/"2"'):
            with subtests.test(tag=tag):
                error = refused_step(
                    client,
                    dossier_id,
                    step.slug,
                    step.body(today()),
                    role="mairie",
                    if_match=tag,
                    status=422,
                    code="invalid_if_match",
                )

                assert "If-Match" in error["message"]

    def test_etag_of_a_read_is_the_if_match_of_the_next_step(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(client, to="identifie")
        for step in main_line()[:3]:
            etag = client.get(f"/v1/dossiers/{dossier_id}").headers["ETag"]
            answer = take(client, dossier_id, step, if_match=etag)
            assert answer.status_code == 200, answer.text
        assert read(client, dossier_id)["version"] == 4


class TestIdempotency:
    @pytest.mark.parametrize("household", ["generated", "given"])
    def test_identify_twice_with_one_key_opens_one_dossier(
        self, client: TestClient, household: str
    ) -> None:
        body = identification()
        if household == "given":  # a household Logis knows, the caller reads
            known = identify(client, identification())
            body["household_id"] = read(client, known.json()["id"])["household_id"]
        ccas = actor("ccas", commune=COMMUNE)  # reads the household's dossiers
        first = identify(
            client, body, headers={**ccas, "Idempotency-Key": "ccas-2025-0001"}
        )
        assert first.status_code == 201, first.text
        before = StoreSnapshot.take(client, first.json()["id"])
        household_id = read(client, first.json()["id"])["household_id"]

        again = identify(
            client, body, headers={**ccas, "Idempotency-Key": "ccas-2025-0001"}
        )

        assert again.status_code == 201, again.text
        assert again.json() == first.json()
        assert again.headers["Location"] == first.headers["Location"]
        assert again.headers["ETag"] == first.headers["ETag"]
        assert_store_unchanged(client, before, first.json()["id"])
        listed = client.get(
            "/v1/dossiers", params={"min_position": first.json()["position"]}
        )
        assert listed.json()["count"] == (2 if household == "given" else 1)
        assert read(client, first.json()["id"])["household_id"] == household_id
        if household == "given":
            assert household_id == body["household_id"]

    def test_key_reused_for_another_household_is_refused(
        self, client: TestClient
    ) -> None:
        body = identification()
        another = read(client, identify(client, body).json()["id"])["household_id"]
        first = identify(client, body, headers={"Idempotency-Key": "k-h"})
        assert first.status_code == 201, first.text
        before = StoreSnapshot.take(client, first.json()["id"])

        other = identify(
            client,
            {**body, "household_id": another},
            headers={**actor("ccas", commune=COMMUNE), "Idempotency-Key": "k-h"},
        )

        refused(
            other, 422, "idempotency_key_reused", client, before, first.json()["id"]
        )

    def test_step_twice_with_one_key_is_recorded_once(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="identifie")
        step = step_by_slug()["social-enquiry"]
        body = step.body(today())
        first = record(client, dossier_id, step.slug, body, role=step.role, key="enq-1")
        assert first.status_code == 200, first.text
        before = StoreSnapshot.take(client, dossier_id)

        again = record(client, dossier_id, step.slug, body, role=step.role, key="enq-1")

        assert again.status_code == 200, again.text
        assert again.json() == first.json()
        assert again.json()["position"] == first.json()["position"]
        assert again.headers["ETag"] == first.headers["ETag"] == '"2"'
        assert_store_unchanged(client, before, dossier_id)

    def test_replay_after_later_steps_gives_the_first_answer(
        self, client: TestClient
    ) -> None:
        dossier_id = drive_dossier(client, to="identifie")
        enquiry = step_by_slug()["social-enquiry"]
        first = take(client, dossier_id, enquiry, key="k-1")
        avis = step_by_slug()["mairie-avis"]
        assert (
            record(
                client, dossier_id, avis.slug, avis.body(today()), role="mairie"
            ).status_code
            == 200
        )
        before = StoreSnapshot.take(client, dossier_id)

        again = take(client, dossier_id, enquiry, key="k-1")

        assert again.status_code == 200, again.text
        assert again.json() == first.json()
        assert again.json()["stage"] == "enquete_sociale_rendue"
        assert_store_unchanged(client, before, dossier_id)

    def test_key_reused_for_another_identification_is_refused(
        self, client: TestClient
    ) -> None:
        first = identify(client, identification(), headers={"Idempotency-Key": "k-2"})
        assert first.status_code == 201
        before = StoreSnapshot.take(client, first.json()["id"])

        other = identify(
            client,
            identification(applicant_name="Jean Dupont"),
            headers={"Idempotency-Key": "k-2"},
        )

        error = refused(
            other, 422, "idempotency_key_reused", client, before, first.json()["id"]
        )
        assert "clé" in error["message"]

    def test_key_reused_for_another_step_request_is_refused(
        self, client: TestClient, subtests: pytest.Subtests
    ) -> None:
        dossier_id = drive_dossier(client, to="identifie")
        other_id = drive_dossier(client, to="identifie")
        step = step_by_slug()["social-enquiry"]
        body = step.body(today())
        first = record(client, dossier_id, step.slug, body, role=step.role, key="k-3")
        assert first.status_code == 200, first.text
        before = StoreSnapshot.take(client, dossier_id)
        before_other = StoreSnapshot.take(client, other_id)

        # Keys are scoped to the organisation: every change below is made by the
        # same organisation, which must not reuse its key for another request.
        organisation = organisation_of(step.role)
        for change, (target, slug, changed, role, if_match) in {
            "body": (
                dossier_id,
                step.slug,
                {**body, "avis": "favorable"},
                step.role,
                None,
            ),
            "dossier": (other_id, step.slug, body, step.role, None),
            "actor": (dossier_id, step.slug, body, "ccas", None),
            "if-match": (dossier_id, step.slug, body, step.role, 1),
            "step": (dossier_id, "withdrawal", {"reason": "Autre"}, "ccas", None),
        }.items():
            with subtests.test(change):
                again = record(
                    client,
                    target,
                    slug,
                    changed,
                    role=role,
                    key="k-3",
                    if_match=if_match,
                    organisation=organisation,
                )

                refused(
                    again, 422, "idempotency_key_reused", client, before, dossier_id
                )
                assert_store_unchanged(client, before_other, other_id)

    def test_key_of_an_identification_cannot_serve_a_step(
        self, client: TestClient
    ) -> None:
        created = identify(client, headers={"Idempotency-Key": "k-4"})
        dossier_id = created.json()["id"]
        step = step_by_slug()["social-enquiry"]

        same_organisation = organisation_of("ccas")
        refused_step(
            client,
            dossier_id,
            step.slug,
            step.body(today()),
            role=step.role,
            key="k-4",
            organisation=same_organisation,
            status=422,
            code="idempotency_key_reused",
        )

    def test_refused_command_does_not_use_up_its_key(self, client: TestClient) -> None:
        dossier_id = drive_dossier(client, to="identifie")
        avis = step_by_slug()["mairie-avis"]
        refused = record(
            client, dossier_id, avis.slug, avis.body(today()), role="mairie", key="k-5"
        )
        assert_error(refused, 409, "DOS-ORDRE")
        enquiry = step_by_slug()["social-enquiry"]
        assert take(client, dossier_id, enquiry).status_code == 200

        retried = record(
            client, dossier_id, avis.slug, avis.body(today()), role="mairie", key="k-5"
        )

        assert retried.status_code == 200, retried.text
        assert retried.json()["version"] == 3
        assert len(history(client, dossier_id)) == 3

    def test_idempotency_key_length_is_bounded(self, client: TestClient) -> None:
        before = StoreSnapshot.take(client)

        for key in ("", "k" * 201):
            answer = identify(client, headers={"Idempotency-Key": key})
            refused(answer, 422, "invalid_input", client, before)

        longest = identify(client, headers={"Idempotency-Key": "k" * 200})
        assert longest.status_code == 201, longest.text
