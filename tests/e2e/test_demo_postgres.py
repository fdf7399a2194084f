"""`logis demo` against PostgreSQL: a fresh database (tests/conftest.py's
`postgres_server`: a failure under CI=true when the server is down, else a skip),
loaded once for the module; then the story it tells in Fort-de-France, read back
from the store: the programme and its concertation, the three commissions, the
ranked list and the liste complémentaire, the CALs, the vacancy served from the
list, the bilans d'installation."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from commands.demo import COMMUNE
from domain.commission import CAL, COMMISSION_PREFECTORALE, PRE_COMMISSION
from domain.dossier import Dossier
from domain.shared import add_months
from infra.bootstrap import build_system
from infra.departments import load_department_settings
from infra.settings import Settings
from projections.dossier_list import DossierFilter, DossierRow, select_dossiers
from tests.conftest import POSTGRES_SERVER
from tests.e2e.support import DEMO_STAGES, run_logis

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from commands.application import Logis
    from domain.commission import Commission
    from tests.conftest import TestDatabases

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Demo:
    database_url: str
    workdir: Path
    report: str
    app: Logis
    rows: list[DossierRow]  # the list view of Fort-de-France, after `logis demo`

    def dossiers(self, stage: str) -> list[Dossier]:
        return [self.app.get_dossier(r.id) for r in self.rows if r.stage == stage]

    def dossier(self, stage: str) -> Dossier:
        (dossier,) = self.dossiers(stage)
        return dossier

    def commission(self, commission_id: UUID) -> Commission:
        return self.app.get_commission(commission_id)

    def event(self, dossier: Dossier, topic: type[Dossier.Event]) -> Any:
        (found,) = [e for e in self.app.events.get(dossier.id) if type(e) is topic]
        return found


@pytest.fixture(scope="module")
def demo(
    postgres_server: TestDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    name = postgres_server.acquire()
    database_url = f"{POSTGRES_SERVER}/{name}"
    workdir = tmp_path_factory.mktemp("logis-demo-postgres")
    try:
        first = run_logis("demo", database_url=database_url, cwd=workdir)
        assert first.returncode == 0, first.stderr
        system = build_system(Settings(database_url=database_url, log_json=False))
        try:
            view = system.engine.reader("dossier_list")
            assert view is not None, "logis demo builds the views before it returns"
            rows, total = select_dossiers(view, DossierFilter(commune=COMMUNE))
            assert total == len(rows)
            yield Demo(database_url, workdir, first.stdout, system.app, rows)
        finally:
            system.close()
    finally:
        postgres_server.release(name)


def today() -> date:
    return datetime.now(UTC).date()


class TestLoad:
    def test_the_first_run_reports_the_story_in_french(self, demo: Demo) -> None:
        assert demo.report.startswith("Démonstration chargée")
        assert "Résidence Les Flamboyants" in demo.report
        assert "Résidence Bellevue" in demo.report
        assert "présidée par le préfet" in demo.report

    def test_a_second_run_writes_nothing(self, demo: Demo) -> None:
        events = demo.app.store.count_events()
        again = run_logis("demo", database_url=demo.database_url, cwd=demo.workdir)
        assert again.returncode == 0, again.stderr
        assert "déjà chargée" in again.stdout
        assert demo.app.store.count_events() == events

    def test_the_list_view_holds_every_dossier_at_its_stage(self, demo: Demo) -> None:
        assert Counter(row.stage for row in demo.rows) == DEMO_STAGES
        assert {(r.department, r.commune) for r in demo.rows} == {("972", COMMUNE)}

    def test_the_closed_dossiers_timeline_reads_back(self, demo: Demo) -> None:
        (closed,) = [row for row in demo.rows if row.stage == "clos"]
        history = run_logis(
            "history",
            str(closed.id),
            "--format",
            "json",
            database_url=demo.database_url,
            cwd=demo.workdir,
        )
        assert history.returncode == 0, history.stderr
        events = json.loads(history.stdout)
        assert events[-1]["type"] == "Closed"
        assert all(date.fromisoformat(e["occurred_on"]) <= today() for e in events)


class TestStory:
    def test_the_programme_was_concerted_before_its_dossiers(self, demo: Demo) -> None:
        dalo = demo.dossier("clos")
        assert dalo.dalo
        programme = demo.app.get_programme(dalo.programme_id)
        assert (programme.kind, programme.landlord) == ("livraison", "SIMAR")
        assert programme.commune == COMMUNE
        assert 2 <= len(programme.dwellings) <= 3
        concertation = programme.concertation
        assert concertation is not None
        gathered = [r for r in demo.rows if r.programme_id == programme.id]
        assert min(r.identified_on for r in gathered) > concertation["held_on"]

    def test_the_three_commissions_sat_legally(self, demo: Demo) -> None:
        dalo = demo.dossier("clos")
        pre = demo.commission(demo.event(dalo, Dossier.PreSelected).commission_id)
        prefectorale = demo.commission(dalo.ranking["commission_id"])
        cal = demo.commission(dalo.cal_decision["commission_id"])
        assert [c.kind for c in (pre, prefectorale, cal)] == [
            PRE_COMMISSION,
            COMMISSION_PREFECTORALE,
            CAL,
        ]
        assert pre.held_on < prefectorale.held_on < cal.held_on < today()
        # PRECOM-QUORUM; COMPREF-PRESIDENCE: the préfet presides, the DEAL attends.
        assert {"prefecture", "deal"} <= {a["role"] for a in pre.attendees}
        assert prefectorale.presided_by is not None
        assert prefectorale.presided_by["function"] == "prefet"
        assert "deal" in {a["role"] for a in prefectorale.attendees}
        assert {c.stage for c in (pre, prefectorale, cal)} == {"pv_clos"}
        outcomes = Counter(p["outcome"] for p in pre.preselections)
        assert outcomes == {"prioritaire": 6, "liste_complementaire": 4, "ecarte": 1}
        # Every decision is a fact of its session's day, on the dossier too.
        assert demo.event(dalo, Dossier.PreSelected).occurred_on == pre.held_on
        assert demo.event(dalo, Dossier.Ranked).occurred_on == prefectorale.held_on
        assert demo.event(dalo, Dossier.CALDecided).occurred_on == cal.held_on

    def test_the_ranking_follows_the_rda_and_sets_a_valid_liste(
        self, demo: Demo
    ) -> None:
        prefectorale = demo.commission(demo.dossier("clos").ranking["commission_id"])
        ranking = prefectorale.ranking
        assert ranking is not None
        assert [e["rank"] for e in ranking["ranked"]] == [1, 2, 3, 4, 5, 6]
        assert all(e["criteria"] for e in ranking["ranked"])
        assert ranking["ranked"][0]["criteria"][0] == "dalo"
        motivated = [e for e in ranking["ranked"] if e["motive"]]
        assert len(motivated) == 1  # the one departure from the RDA order
        # LC-VALIDITE: six months from the session, still valid, on the commune's
        # register, one household still waiting on it.
        valid_until = ranking["list_valid_until"]
        assert valid_until == add_months(prefectorale.held_on, 6)
        assert valid_until >= today()
        assert len(ranking["liste_complementaire"]) == 4
        register = demo.app.commune_listes(COMMUNE)
        assert register is not None
        assert [liste.commission_id for liste in register.listes] == [prefectorale.id]
        waiting = demo.dossier("classe")
        assert waiting.ranking["outcome"] == "liste_complementaire"

    def test_the_landlords_cal_examined_three_candidates_per_dwelling(
        self, demo: Demo
    ) -> None:
        cal = demo.commission(demo.dossier("clos").cal_decision["commission_id"])
        assert cal.landlord == "SIMAR"
        assert sorted(e["dwelling_ref"] for e in cal.examinations) == sorted(
            cal.dwelling_refs
        )
        decisions = Counter()
        for examination in cal.examinations:
            assert len(examination["decisions"]) >= 3  # CAL-TROIS
            assert examination["exception"] is None
            decisions.update(d["decision"] for d in examination["decisions"])
        assert decisions["attribution"] == len(cal.examinations)
        assert decisions["non_attribution"] >= 1
        assert decisions["ajournement"] == 1
        deferred = demo.dossier("ajourne")
        assert deferred.deferral["commission_id"] == cal.id
        assert deferred.deferral["motive"]

    def test_a_vacancy_of_another_landlord_was_served_by_the_liste(
        self, demo: Demo
    ) -> None:
        tenant = demo.dossier("entre_dans_les_lieux")
        cal = demo.commission(tenant.cal_decision["commission_id"])
        assert cal.landlord == "Ozanam"
        vacancy = demo.app.get_programme(cal.programme_id)
        assert (vacancy.kind, vacancy.landlord, vacancy.commune) == (
            "vacance",
            "Ozanam",
            COMMUNE,
        )
        (ref,) = vacancy.dwellings
        assert vacancy.dwellings[ref]["dossier_id"] == tenant.id
        # As announced: the first three households of the commune's liste.
        prefectorale = tenant.ranking["commission_id"]
        announced = demo.app.repository.get(vacancy.id, version=2)
        proposed = announced.dwellings[ref]["candidates"]
        assert [c["position"] for c in proposed] == [1, 2, 3]
        assert {c["commission_id"] for c in proposed} == {prefectorale}
        # Its CAL decided on those still candidates (one withdrew): fewer than
        # three, the shortfall motivated (CAL-TROIS).
        (examination,) = cal.examinations
        assert examination["exception"] == "candidats_insuffisants"
        examined = [d["dossier_id"] for d in examination["decisions"]]
        withdrawn = demo.dossier("retire")
        assert set(examined) | {withdrawn.id} == {c["dossier_id"] for c in proposed}
        assert {d["prior"]["outcome"] for d in examination["decisions"]} == {
            "liste_complementaire"
        }

    def test_the_bilans_d_installation(self, demo: Demo) -> None:
        _, settings = load_department_settings("972")
        minimum = settings.min_support_months_after_bilan
        # Problems found: support asked for, at least the department's minimum.
        supported = demo.dossier("clos")
        assert supported.installation_review["outcome"] == "problemes"
        assert supported.installation_review["support_months"] >= minimum
        assert demo.dossier("bilan_installation_fait").installation_review == {
            "outcome": "ok",
            "support_months": None,
        }
        # One entry whose bilan is still due, within two months of it (BILAN-DELAI).
        due = demo.dossier("entre_dans_les_lieux")
        assert due.installation_review is None
        assert due.entered_on is not None
        deadline = add_months(
            due.entered_on, settings.bilan_installation_deadline_months
        )
        assert today() <= deadline
        for dossier in (supported, due):
            assert dossier.information_meetings
            assert dossier.lease is not None
