"""The need-to-know matrix over HTTP (domain/access.py): role by role, endpoint by
endpoint, allowed and refused, lists narrowed to the caller's scope, fields
withheld. One small world is built per module and backend; each case is
generated from the matrix's own cells, and what each record IS (where it sits,
whom it names) is written here by hand, so the test does not reuse the code it
checks to decide who should see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient

from domain import access
from domain.shared import ROLE_LABELS, ROLES
from tests.helpers.api import (
    COMMUNE,
    DEPARTMENT,
    ORGANISATIONS,
    OTHER_COMMUNE,
    actor,
    adopt_settings,
    drive_dossier,
    identification,
    identify,
    record,
)
from tests.helpers.backends import BACKENDS, app_client
from tests.helpers.mesures_http import NAMES, ask, asll_settings, drive_mesure
from tests.helpers.mesures_http import request_body as mesure_request
from tests.helpers.procedure import (
    DWELLINGS,
    concerted_programme,
    in_session,
    ranked_dossiers,
)
from tests.helpers.saisines_http import OPERATOR, signalled

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import httpx

OTHER_DEPARTMENT, ITS_COMMUNE = "971", "97105"  # Basse-Terre
OTHER_LANDLORD = "Ozanam"
OTHER_PRESCRIBER = "Mission Locale Sud"
SIMAR = ORGANISATIONS["bailleur"]
AGASEF = ORGANISATIONS["association"]
ENQUIRY_TEXT = "Famille hebergee chez un tiers ; dettes anciennes."

# Who each role is in these tests: its organisation and territory claims.
TERRITORIAL = {"department": DEPARTMENT}
LOCAL = {"commune": COMMUNE}
CLAIMS: dict[str, dict[str, str]] = {
    role: LOCAL if access.TERRITORY.get(role) == access.COMMUNE else TERRITORIAL
    for role in access.TERRITORY
}


def as_role(role: str, organisation: str | None = None) -> dict[str, str]:
    return actor(role, organisation=organisation, **CLAIMS.get(role, {}))


@dataclass(frozen=True)
class Rec:
    """A record of the world, as these tests know it."""

    kind: str
    id: str
    name: str
    department: str
    commune: str
    parties: frozenset[tuple[str, str]] = frozenset()


@dataclass
class World:
    client: TestClient
    records: list[Rec] = field(default_factory=list)
    position: int = 0  # the last write's: views are read once they reached it
    named: dict[str, str] = field(default_factory=dict)

    def add(
        self,
        kind: str,
        name: str,
        record_id: str,
        *,
        department: str = DEPARTMENT,
        commune: str = COMMUNE,
        parties: Iterable[tuple[str, str]] = (),
    ) -> None:
        """A record of Fort-de-France (Martinique) unless told."""
        rec = Rec(kind, record_id, name, department, commune, frozenset(parties))
        self.records.append(rec)
        self.named[name] = record_id

    def of(self, kind: str) -> list[Rec]:
        return [r for r in self.records if r.kind == kind]

    def get(self, path: str, role: str, **params: Any) -> httpx.Response:
        return self.client.get(path, params=params, headers=as_role(role))


def expected(
    role: str,
    action: str,
    department: str | None,
    commune: str | None,
    parties: frozenset[tuple[str, str]] = frozenset(),
) -> bool:
    """What the matrix's scope for (role, action) means on a record, read here
    independently of domain/access.py's own evaluation."""
    scope = access.scope_of(role, action)
    claims = CLAIMS.get(role, {})
    organisation = ORGANISATIONS[role]
    return {
        "all": True,
        "department": department is not None
        and department == claims.get("department", claims.get("commune", "")[:3]),
        "commune": commune is not None and commune == claims.get("commune"),
        "organisation": (role, organisation) in parties,
        "none": False,
    }[scope]


def may(role: str, rec: Rec, action: str | None = None) -> bool:
    """The record read directly (action None) or through a surface."""
    place = (rec.department, rec.commune, rec.parties)
    allowed = expected(role, rec.kind, *place)
    return allowed and (action is None or expected(role, action, *place))


# ---- the world ----------------------------------------------------------------


def build(client: TestClient) -> World:
    world = World(client)
    for department, body in ((DEPARTMENT, asll_settings()), (OTHER_DEPARTMENT, None)):
        answer = adopt_settings(client, department, body)
        assert answer.status_code == 201, answer.text

    # Programmes: SIMAR's in Fort-de-France, Ozanam's in Le Lamentin.
    simar = concerted_programme(client)
    world.add("programme", "simar", simar, parties={("bailleur", SIMAR)})
    ozanam = concerted_programme(client, commune=OTHER_COMMUNE, landlord=OTHER_LANDLORD)
    world.add(
        "programme",
        "ozanam",
        ozanam,
        commune=OTHER_COMMUNE,
        parties={("bailleur", OTHER_LANDLORD)},
    )

    # Dossiers ranked for each programme (landlord's scope), with their sessions.
    for name, programme, commune, landlord in (
        ("ranked", simar, COMMUNE, SIMAR),
        ("ranked_ozanam", ozanam, OTHER_COMMUNE, OTHER_LANDLORD),
    ):
        # (the helper identifies its dossiers in COMMUNE, whichever session)
        ranked, _, pref = ranked_dossiers(client, programme, ranked=1, commune=commune)
        world.add(
            "dossier",
            name,
            ranked[0],
            parties={("ccas", ORGANISATIONS["ccas"]), ("bailleur", landlord)},
        )
        world.add("commission", f"pref_{name}", pref, commune=commune)
    cal = in_session(client, "cal", programme_id=simar, dwelling_refs=[DWELLINGS[0]])
    world.add("commission", "cal_simar", cal, parties={("bailleur", SIMAR)})

    # A dossier of SIMAR's programme not ranked yet, its social enquiry rendered.
    enquiry = drive_dossier(
        client,
        to="enquete_sociale_rendue",
        identify_with={"programme_id": simar},
        bodies={"social-enquiry": {"summary": ENQUIRY_TEXT}},
    )
    world.add("dossier", "enquiry", enquiry, parties={("ccas", ORGANISATIONS["ccas"])})
    # The CAF's dossier in Le Lamentin, and one in Guadeloupe.
    caf = drive_dossier(
        client,
        to="identifie",
        identifier="caf",
        identify_with={"commune": OTHER_COMMUNE},
    )
    world.add(
        "dossier",
        "caf",
        caf,
        commune=OTHER_COMMUNE,
        parties={("caf", ORGANISATIONS["caf"])},
    )
    answer = identify(
        client,
        identification(department=OTHER_DEPARTMENT, commune=ITS_COMMUNE),
        headers=actor("ccas", commune=ITS_COMMUNE),
    )
    assert answer.status_code == 201, answer.text
    world.add(
        "dossier",
        "guadeloupe",
        answer.json()["id"],
        department=OTHER_DEPARTMENT,
        commune=ITS_COMMUNE,
        parties={("ccas", ORGANISATIONS["ccas"])},
    )

    # Measures: notified to AGASEF, to ANEF; one asked by another prescriber.
    prescriber = ("prescripteur", ORGANISATIONS["prescripteur"])
    for name, code in (("agasef", "agasef"), ("anef", "anef")):
        mesure = drive_mesure(client, to="notifiee", association=code)
        world.add(
            "mesure", name, mesure, parties={prescriber, ("association", NAMES[code])}
        )
    asked = ask(client, mesure_request(), organisation=OTHER_PRESCRIBER)
    assert asked.status_code == 201, asked.text
    world.add(
        "mesure",
        "other_prescriber",
        asked.json()["id"],
        parties={("prescripteur", OTHER_PRESCRIBER)},
    )

    # A CCAPEX referral whose enquiry was asked of the UDAF (an association).
    saisine = signalled(client, "registration", "enquiry-request", "enquiry-return")
    world.add("saisine", "udaf", saisine, parties={("association", OPERATOR)})

    last = client.get("/health").json()
    world.position = last["position"]
    return world


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with app_client(request, tmp_path_factory.mktemp("access")) as client:
        yield build(client)


# ---- the cases, from the matrix -----------------------------------------------------

RECORD_PATHS: dict[str, dict[str, str | None]] = {
    # kind → surface (None: the record itself) → path
    "dossier": {
        None: "/v1/dossiers/{id}",
        "history": "/v1/dossiers/{id}/history",
        "audit": "/v1/dossiers/{id}/audit",
        "legality": "/v1/legality/dossiers/{id}",
        "verify": "/v1/dossiers/{id}/verify",
    },
    "mesure": {
        None: "/v1/mesures/{id}",
        "history": "/v1/mesures/{id}/history",
        "audit": "/v1/mesures/{id}/audit",
        "legality": "/v1/legality/mesures/{id}",
        "verify": "/v1/mesures/{id}/verify",
    },
    "saisine": {
        None: "/v1/saisines/{id}",
        "history": "/v1/saisines/{id}/history",
        "audit": "/v1/saisines/{id}/audit",
        "legality": "/v1/legality/saisines/{id}",
    },
    "programme": {
        None: "/v1/programmes/{id}",
        "audit": "/v1/programmes/{id}/audit",
        "legality": "/v1/legality/programmes/{id}",
        "follow_up": "/v1/programmes/{id}/ready-for-pre-commission",
    },
    "commission": {
        None: "/v1/commissions/{id}",
        "commission": "/v1/commissions/{id}/list",
        "audit": "/v1/commissions/{id}/audit",
        "legality": "/v1/legality/commissions/{id}",
        "minutes": "/v1/commissions/{id}/minutes",
    },
}
LISTS = {
    "dossier": "/v1/dossiers",
    "mesure": "/v1/mesures",
    "saisine": "/v1/saisines",
    "commission": "/v1/commissions",
    "programme": "/v1/programmes",
}
# Surfaces about a place: (path, params, department, commune) → the action.
PLACES: list[tuple[str, str, dict[str, str], str | None, str | None]] = [
    ("stage_counts", "/v1/dashboards/stages", {}, None, None),
    ("asll_dashboards", "/v1/dashboards/workload", {}, None, None),
    ("statistics", "/v1/statistics", {"department": DEPARTMENT}, DEPARTMENT, None),
    (
        "statistics",
        "/v1/statistics",
        {"department": OTHER_DEPARTMENT},
        OTHER_DEPARTMENT,
        None,
    ),
    (
        "statistics",
        f"/v1/departments/{DEPARTMENT}/statistics/llts",
        {},
        DEPARTMENT,
        None,
    ),
    (
        "statistics",
        f"/v1/departments/{OTHER_DEPARTMENT}/statistics/llts",
        {},
        OTHER_DEPARTMENT,
        None,
    ),
    ("follow_up", "/v1/bilans", {}, None, None),
    ("follow_up", "/v1/support-requests", {}, None, None),
    (
        "commune_listes",
        f"/v1/communes/{COMMUNE}/liste-complementaire",
        {},
        DEPARTMENT,
        COMMUNE,
    ),
    (
        "commune_listes",
        f"/v1/communes/{OTHER_COMMUNE}/liste-complementaire",
        {},
        DEPARTMENT,
        OTHER_COMMUNE,
    ),
    (
        "legality_report",
        "/v1/legality/report",
        {"commune": COMMUNE},
        DEPARTMENT,
        COMMUNE,
    ),
    (
        "legality_report",
        "/v1/legality/report",
        {"department": DEPARTMENT},
        DEPARTMENT,
        None,
    ),
    (
        "legality_report",
        "/v1/legality/report",
        {"commune": ITS_COMMUNE},
        OTHER_DEPARTMENT,
        ITS_COMMUNE,
    ),
    (
        "department_settings",
        f"/v1/departments/{DEPARTMENT}/settings",
        {},
        DEPARTMENT,
        None,
    ),
    ("projections", "/v1/projections", {}, None, None),
    ("access_log", "/v1/access-log", {}, None, None),
]
RECORD_NAMES = (
    "simar",
    "ozanam",
    "ranked",
    "ranked_ozanam",
    "pref_ranked",
    "pref_ranked_ozanam",
    "cal_simar",
    "enquiry",
    "caf",
    "guadeloupe",
    "agasef",
    "anef",
    "other_prescriber",
    "udaf",
)


def _refused(answer: httpx.Response, role: str) -> None:
    assert answer.status_code == 403, answer.text
    error = answer.json()
    assert error["code"] == "forbidden"
    # French, names the role by its label
    assert f"« {ROLE_LABELS[role]} »" in error["message"], error["message"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", RECORD_NAMES)
def test_each_role_reads_each_record_within_its_scope_only(
    world: World, role: str, name: str
) -> None:
    rec = next(r for r in world.records if r.id == world.named[name])
    for surface, template in RECORD_PATHS[rec.kind].items():
        path = template.format(id=rec.id)
        answer = world.get(path, role, min_position=world.position)
        if may(role, rec, surface):
            assert answer.status_code == 200, (path, answer.text)
        else:
            _refused(answer, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", LISTS)
def test_each_list_holds_the_callers_scope_only(
    world: World, role: str, kind: str
) -> None:
    answer = world.get(LISTS[kind], role, min_position=world.position, limit=500)
    if access.scope_of(role, kind) == "none":
        _refused(answer, role)
        return
    assert answer.status_code == 200, answer.text
    rows = answer.json()["data"]
    known = {r.id for r in world.of(kind)}
    listed = {row["id"] for row in rows} & known
    assert listed == {r.id for r in world.of(kind) if may(role, r)}
    scope = access.scope_of(role, kind)
    for row in rows:  # the helpers' other records too (pré-commissions…)
        if scope == "department":
            assert row["department"] == DEPARTMENT
        if scope == "commune":
            assert row["commune"] == COMMUNE


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "path", "params", "department", "commune"),
    PLACES,
    ids=[f"{p[1]}{'?' + str(p[2]) if p[2] else ''}" for p in PLACES],
)
def test_each_surface_answers_within_the_callers_scope(
    world: World,
    role: str,
    action: str,
    path: str,
    params: dict[str, str],
    department: str | None,
    commune: str | None,
) -> None:
    answer = world.get(path, role, **params)
    if department is None and commune is None:
        allowed = access.scope_of(role, action) != "none"
    else:
        allowed = expected(role, action, department, commune)
    if not allowed:
        _refused(answer, role)
        return
    assert answer.status_code == 200, answer.text
    body = answer.json()
    rows = body if isinstance(body, list) else body.get("data", [])
    scope = access.scope_of(role, action)
    for row in rows if isinstance(rows, list) else ():
        if scope == "department" and "department" in row:
            assert row["department"] == DEPARTMENT
        if scope == "commune" and "commune" in row:
            assert row["commune"] == COMMUNE


def test_every_read_route_is_in_the_matrix(world: World) -> None:
    """A new GET route must be given its action here and in domain/access.py."""
    public = {"/health", "/metrics", "/v1/legality/rules"}
    covered = {
        template for paths in RECORD_PATHS.values() for template in paths.values()
    } | set(LISTS.values())
    covered |= {
        "/v1/dashboards/stages",
        "/v1/dashboards/workload",
        "/v1/statistics",
        "/v1/departments/{code}/statistics/llts",
        "/v1/bilans",
        "/v1/support-requests",
        "/v1/legality/report",
        "/v1/communes/{code}/liste-complementaire",
        "/v1/projections",
        "/v1/departments/{code}/settings",
        "/v1/access-log",
    }
    for route in world.client.app.routes:  # type: ignore[attr-defined]
        methods = getattr(route, "methods", set())
        path = getattr(route, "path", "")
        if "GET" not in methods or not path.startswith(("/v1", "/health", "/me")):
            continue
        generic = path
        for name in (
            "dossier_id",
            "mesure_id",
            "saisine_id",
            "programme_id",
            "commission_id",
        ):
            generic = generic.replace("{" + name + "}", "{id}")
        assert generic in covered | public, f"{path}: which action reads it?"


# ---- the spec's cases, spelled out ---------------------------------------------------


def test_a_mairie_lists_its_communes_dossiers_and_is_refused_anothers(
    world: World,
) -> None:
    listed = world.get("/v1/dossiers", "mairie", min_position=world.position)
    communes = {row["commune"] for row in listed.json()["data"]}
    assert communes == {COMMUNE}
    asked = world.get("/v1/dossiers", "mairie", commune=OTHER_COMMUNE)
    assert asked.json()["data"] == []  # a filter outside the scope matches nothing
    refused = world.get(f"/v1/dossiers/{world.named['caf']}", "mairie")
    _refused(refused, "mairie")
    assert "97209" in refused.json()["message"]


def test_a_mairie_without_a_commune_claim_reads_nothing(world: World) -> None:
    answer = world.client.get("/v1/dossiers", headers=actor("mairie", unclaimed=True))
    _refused(answer, "mairie")


def test_a_landlord_sees_its_programmes_dossiers_once_ranked_never_a_measure(
    world: World,
) -> None:
    listed = world.get("/v1/dossiers", "bailleur", min_position=world.position)
    assert [row["id"] for row in listed.json()["data"]] == [world.named["ranked"]]
    _refused(
        world.get(f"/v1/dossiers/{world.named['enquiry']}", "bailleur"), "bailleur"
    )
    _refused(
        world.get(f"/v1/dossiers/{world.named['ranked_ozanam']}", "bailleur"),
        "bailleur",
    )
    _refused(world.get("/v1/mesures", "bailleur"), "bailleur")
    _refused(world.get(f"/v1/mesures/{world.named['agasef']}", "bailleur"), "bailleur")


def test_an_association_sees_only_its_notified_measures(world: World) -> None:
    listed = world.get("/v1/mesures", "association", min_position=world.position)
    assert [row["id"] for row in listed.json()["data"]] == [world.named["agasef"]]
    assert world.get(f"/v1/mesures/{world.named['agasef']}", "association").is_success
    _refused(
        world.get(f"/v1/mesures/{world.named['anef']}", "association"), "association"
    )


def test_a_prescriber_sees_the_measures_it_requested(world: World) -> None:
    listed = world.get("/v1/mesures", "prescripteur", min_position=world.position)
    ids = {row["id"] for row in listed.json()["data"]}
    assert ids == {world.named["agasef"], world.named["anef"]}
    _refused(
        world.get(f"/v1/mesures/{world.named['other_prescriber']}", "prescripteur"),
        "prescripteur",
    )


def test_the_enquiry_operator_reads_its_referral(world: World) -> None:
    path = f"/v1/saisines/{world.named['udaf']}"
    operator = world.client.get(
        path, headers=actor("association", organisation=OPERATOR)
    )
    assert operator.status_code == 200, operator.text
    _refused(world.get(path, "association"), "association")  # AGASEF was not asked


@pytest.mark.parametrize("role", ["prefecture", "deal"])
def test_prefecture_and_deal_read_legality_and_commissions_of_their_department(
    world: World, role: str
) -> None:
    listed = world.get("/v1/commissions", role, min_position=world.position)
    assert {row["department"] for row in listed.json()["data"]} == {DEPARTMENT}
    report = world.get("/v1/legality/report", role, commune=COMMUNE)
    assert report.status_code == 200, report.text
    _refused(world.get("/v1/legality/report", role, commune=ITS_COMMUNE), role)
    guadeloupe = world.named["guadeloupe"]
    _refused(world.get(f"/v1/legality/dossiers/{guadeloupe}", role), role)


def test_the_auditor_reads_everything_and_writes_nothing(world: World) -> None:
    client, auditor = world.client, actor("auditeur")
    for rec in world.records:
        assert client.get(RECORD_PATHS[rec.kind][None].format(id=rec.id)).is_success
    writes = [
        ("/v1/dossiers", identification()),
        (f"/v1/dossiers/{world.named['caf']}/withdrawal", {"reason": "audit"}),
        ("/v1/mesures", mesure_request()),
        (f"/v1/departments/{DEPARTMENT}/settings", asll_settings()),
    ]
    for path, body in writes:
        answer = client.post(path, json=body, headers=auditor)
        assert answer.status_code == 403, (path, answer.text)
    for kind, steps in access.WRITES.items():
        for step, roles in steps.items():
            assert not roles & access.READ_ONLY, (kind, step)


def test_a_territorial_caller_writes_only_where_it_acts(world: World) -> None:
    elsewhere = identification(commune=OTHER_COMMUNE)
    mairie = world.client.post(
        "/v1/dossiers", json=elsewhere, headers=as_role("mairie")
    )
    _refused(mairie, "mairie")
    guadeloupe = world.named["guadeloupe"]
    answer = record(
        world.client,
        guadeloupe,
        "withdrawal",
        {"reason": "x"},
        role="prefecture",
        headers=as_role("prefecture"),
    )
    _refused(answer, "prefecture")


def test_a_mairie_reads_the_avis_not_the_social_enquiry(world: World) -> None:
    path = f"/v1/dossiers/{world.named['enquiry']}/history"
    mairie = world.get(path, "mairie").json()["events"]
    enquiry = next(e for e in mairie if e["type"] == "SocialEnquiryRendered")
    assert enquiry["data"]["avis"]
    assert enquiry["data"]["summary"] is None
    assert enquiry["redacted"] == ["summary"]
    auditor = world.get(path, "auditeur").json()["events"]
    enquiry = next(e for e in auditor if e["type"] == "SocialEnquiryRendered")
    assert enquiry["data"]["summary"] == ENQUIRY_TEXT
    assert enquiry["redacted"] == []


def test_a_mairie_reads_no_resource_figures(world: World) -> None:
    path = f"/v1/dossiers/{world.named['ranked']}"
    assert world.get(path, "mairie").json()["resources"] is None
    assert world.get(path, "auditeur").json()["resources"] is not None


def test_out_of_scope_is_403_and_unknown_is_404(world: World) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    answer = world.get(f"/v1/dossiers/{unknown}", "mairie")
    assert answer.status_code == 404, answer.text
