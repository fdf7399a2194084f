"""Issue 13's scenarios, one by one, on both stores: writes that ignored
need-to-know. Each refusal is 403 `forbidden`, tells nothing of the record
(no version, no stage) and leaves the store as it was. One small world per
module and store: a Fort-de-France household ranked for SIMAR's programme, and
one whose social enquiry is not rendered yet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient

from tests.helpers import api
from tests.helpers.backends import BACKENDS, app_client
from tests.helpers.procedure import concerted_programme, ranked_dossiers

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

CAF_LOIRE = api.actor("caf", organisation="CAF de la Loire")
OZANAM = api.actor("bailleur", organisation="Ozanam")
MAIRIE_UNCLAIMED = api.actor("mairie", unclaimed=True)


@dataclass(frozen=True)
class Scene:
    client: TestClient
    ranked: str  # SIMAR's ranked household (stage classe)
    fresh: str  # identified by the CCAS, nothing else yet

    def stage(self, dossier_id: str) -> str:
        return str(self.client.get(f"/v1/dossiers/{dossier_id}").json()["stage"])


@pytest.fixture(scope="module", params=BACKENDS)
def scene(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Scene]:
    with app_client(request, tmp_path_factory.mktemp("scene")) as client:
        assert api.adopt_settings(client).status_code == 201
        programme = concerted_programme(client)
        ranked, _, _ = ranked_dossiers(client, programme, ranked=1)
        fresh = api.identify(client).json()["id"]
        yield Scene(client, ranked[0], fresh)


def refused_and_unchanged(
    scene: Scene, dossier_id: str, post: httpx.Response, before: api.StoreSnapshot
) -> str:
    """403 `forbidden`, nothing of the record in the message; nothing written."""
    error = api.assert_error(post, 403, "forbidden")
    message: str = error["message"]
    assert "version" not in message.lower(), message
    assert scene.stage(dossier_id) not in message, message
    api.assert_store_unchanged(scene.client, before, dossier_id)
    return message


def write_refused(
    scene: Scene,
    dossier_id: str,
    step: tuple[str, dict[str, Any] | None],
    role: str,
    before: api.StoreSnapshot,
    **options: Any,
) -> str:
    """The step (slug, body) recorded by `role` on the dossier, refused as
    `refused_and_unchanged` tells."""
    slug, body = step
    answer = api.record(scene.client, dossier_id, slug, body, role=role, **options)
    return refused_and_unchanged(scene, dossier_id, answer, before)


def test_a_caf_of_the_loire_neither_withdraws_nor_assesses_a_martinique_dossier(
    scene: Scene,
) -> None:
    read = scene.client.get(f"/v1/dossiers/{scene.fresh}", headers=CAF_LOIRE)
    api.assert_error(read, 403, "forbidden")
    before = api.StoreSnapshot.take(scene.client, scene.fresh)
    withdrawal = ("withdrawal", {"reason": "Doublon"})
    write_refused(scene, scene.fresh, withdrawal, "caf", before, headers=CAF_LOIRE)
    enquiry = ("social-enquiry", {"avis": "defavorable", "summary": "Refus de visite."})
    write_refused(scene, scene.fresh, enquiry, "caf", before, headers=CAF_LOIRE)


def test_a_landlord_withdraws_neither_anothers_ranked_household_nor_an_unranked_one(
    scene: Scene,
) -> None:
    withdrawal = ("withdrawal", {"reason": "x"})
    before = api.StoreSnapshot.take(scene.client, scene.ranked)
    write_refused(scene, scene.ranked, withdrawal, "bailleur", before, headers=OZANAM)
    before = api.StoreSnapshot.take(scene.client, scene.fresh)
    write_refused(scene, scene.fresh, withdrawal, "bailleur", before)


def test_a_mairie_without_a_commune_claim_writes_nothing(scene: Scene) -> None:
    before = api.StoreSnapshot.take(scene.client, scene.fresh)
    avis = ("mairie-avis", {"avis": "defavorable"})
    message = write_refused(
        scene, scene.fresh, avis, "mairie", before, headers=MAIRIE_UNCLAIMED
    )
    assert "accréditation" in message, message
    elsewhere = api.identification(department="971", commune="97105")
    opened = api.identify(scene.client, elsewhere, headers=MAIRIE_UNCLAIMED)
    api.assert_error(opened, 403, "forbidden")
    fort_de_france = api.actor("mairie")
    other_commune = api.identify(
        scene.client,
        api.identification(commune=api.OTHER_COMMUNE),
        headers=fort_de_france,
    )
    api.refused(other_commune, 403, "forbidden", scene.client, before, scene.fresh)


def test_an_if_match_out_of_scope_learns_no_version(scene: Scene) -> None:
    before = api.StoreSnapshot.take(scene.client, scene.ranked)
    guadeloupe = api.actor("prefecture", department="971")
    write_refused(
        scene,
        scene.ranked,
        ("withdrawal", {"reason": "x"}),
        "prefecture",
        before,
        if_match=1,  # stale: in scope, 409 "version actuelle …"
        headers=guadeloupe,
    )


def test_a_rule_message_tells_no_stage_to_a_caller_out_of_scope(
    scene: Scene,
) -> None:
    """Steps out of order on SIMAR's ranked household, by callers out of its
    scope: in scope, the rule refusing them would tell where it stands."""
    before = api.StoreSnapshot.take(scene.client, scene.ranked)
    for role, slug, body, headers in (
        ("caf", "social-enquiry", {"avis": "favorable", "summary": "x"}, CAF_LOIRE),
        ("bailleur", "lease", {"lease_start": "2026-01-01", "rent": 1, "charges": 1},
         OZANAM),
        ("bailleur", "entry", None, OZANAM),
    ):  # fmt: skip
        message = write_refused(
            scene, scene.ranked, (slug, body), role, before, headers=headers
        )
        assert "class" not in message, message  # classé, classement
