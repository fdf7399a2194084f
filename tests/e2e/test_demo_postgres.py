"""`logis demo` against PostgreSQL: a fresh database (tests/conftest.py's
`postgres_server`: a failure under CI=true when the server is down, else a skip),
loaded once for the module; then the story it tells in Fort-de-France, read back
from the store: the programme and its concertation, the three commissions, the
ranked list and the liste complémentaire, the CALs, the vacancy served from the
list, the bilans d'installation and the ASLL measure one of them asked for; then
the Loire's ASLL measures at every stage across its associations."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pytest

from api.demo import COMMUNE
from domain.association import AssociationLoad, association_load_id
from domain.commission_steps import CAL, COMMISSION_PREFECTORALE, PRE_COMMISSION
from domain.dossier import Dossier
from domain.mesure import Mesure
from domain.mesure_steps import STAGES as MESURE_STAGES
from domain.shared import add_months
from infra.bootstrap import build_system
from infra.departments import load_department_settings
from infra.projector import ProjectionEngine
from infra.settings import Settings
from projections.dossier_list import DossierFilter, DossierRow, select_dossiers
from projections.lists import Counted
from projections.mesures import select_statistics
from tests.conftest import POSTGRES_SERVER
from tests.e2e.support import (
    DEMO_MESURE_STAGES,
    DEMO_STAGES,
    RunsLogis,
    bilan_mesure_id,
    demo_mesures,
    run_logis,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from commands.application import Logis
    from domain.commission import Commission
    from tests.conftest import TestDatabases

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Demo(RunsLogis):
    database_url: str
    workdir: Path
    report: str
    app: Logis
    rows: list[DossierRow]  # the list view of Fort-de-France, after `logis demo`
    engine: ProjectionEngine

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

    def mesures(self) -> list[Mesure]:
        """The Loire's measures, as the report lists them."""
        return [self.app.get_mesure(UUID(i)) for i in demo_mesures(self.report)]

    def mesure_events(self, mesure: Mesure, topic: type[Mesure.Event]) -> list[Any]:
        return [e for e in self.app.history("mesure", mesure.id) if type(e) is topic]

    def load(self, association: str) -> AssociationLoad:
        load = self.app.repository.get(association_load_id("42", association))
        assert isinstance(load, AssociationLoad)
        return load


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
            assert total == Counted(len(rows))
            yield Demo(
                database_url, workdir, first.stdout, system.app, rows, system.engine
            )
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
        again = demo.logis("demo")
        assert again.returncode == 0, again.stderr
        assert "déjà chargée" in again.stdout
        assert "CAL-PACT Roanne" in again.stdout
        assert demo.app.store.count_events() == events

    def test_the_list_view_holds_every_dossier_at_its_stage(self, demo: Demo) -> None:
        assert Counter(row.stage for row in demo.rows) == DEMO_STAGES
        assert {(r.department, r.commune) for r in demo.rows} == {("972", COMMUNE)}

    def test_the_closed_dossiers_timeline_reads_back(self, demo: Demo) -> None:
        (closed,) = [row for row in demo.rows if row.stage == "clos"]
        history = demo.logis("history", str(closed.id), "--format", "json")
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


class TestBilanMesure:
    def test_the_bilan_with_problems_asked_for_a_measure(self, demo: Demo) -> None:
        dossier = demo.dossier("clos")
        mesure = demo.app.get_mesure(UUID(bilan_mesure_id(demo.report)))
        assert mesure.origin_dossier_id == dossier.id
        assert mesure.household_id == dossier.household_id
        assert (mesure.department, mesure.commune) == ("972", COMMUNE)
        assert (mesure.stage, mesure.kind) == ("demandee", "individuelle")
        # BILAN-SUITE: at least the support the bilan asked for, by the ALS,
        # on the household's adhesion, with the bilan the same day.
        review = demo.event(dossier, Dossier.InstallationReviewed)
        assert mesure.min_months == review.support_months >= 6
        assert mesure.prescriber.role == "als"
        assert mesure.requested_on == review.occurred_on
        (requested,) = demo.mesure_events(mesure, Mesure.Requested)
        assert requested.diagnostic["household_signed"]
        assert requested.diagnostic["signed_on"] <= mesure.requested_on


class TestLoire:
    def test_the_loire_settings_were_adopted(self, demo: Demo) -> None:
        effective_from, packaged = load_department_settings("42")
        assert demo.app.department_settings("42", today()) == (1, packaged)
        (version,) = demo.app.department_versions("42")
        assert version[0] == effective_from

    def test_the_measures_stand_at_every_stage(self, demo: Demo) -> None:
        mesures = demo.mesures()
        assert Counter(m.stage for m in mesures) == DEMO_MESURE_STAGES
        assert set(DEMO_MESURE_STAGES) == set(MESURE_STAGES)
        assert {m.department for m in mesures} == {"42"}
        assert len({m.association for m in mesures if m.association}) >= 8
        for mesure in mesures:
            days = [e.occurred_on for e in demo.app.history("mesure", mesure.id)]
            assert max(days) <= today()
            assert min(days) == mesure.requested_on

    def test_the_channels_instruct_each_kind(self, demo: Demo) -> None:
        # ASLL-CANAL: the CLU, the CLT, the association for its own actions.
        roles = {}
        for mesure in demo.mesures():
            for event in demo.mesure_events(mesure, Mesure.Instructed):
                roles.setdefault(mesure.kind, set()).add(event.actor.role)
        assert roles == {
            "individuelle": {"commission_logement"},
            "bail_glissant": {"commission_logement"},
            "action_specifique": {"association"},
        }
        refused = [m for m in demo.mesures() if m.stage == "refusee"]
        assert [demo.mesure_events(m, Mesure.Instructed)[0].motive for m in refused]

    def test_an_association_runs_at_full_capacity(self, demo: Demo) -> None:
        _, settings = load_department_settings("42")
        mesures = demo.mesures()
        full = []
        for association in settings.associations:
            load = demo.load(association.code)
            held = {
                m.id
                for m in mesures
                if m.association == association.code and m.holds_a_place
            }
            assert set(load.active) == held
            assert len(held) <= association.monthly_capacity
            assert load.renforce_count <= association.renforce_capacity
            if len(held) == association.monthly_capacity:
                full.append(association.code)
        assert full == ["cal_pact_roanne"]
        # The CLT granted one more since: it waits, instructed, for a place.
        (waiting,) = [m for m in mesures if m.stage == "instruite"]
        assert waiting.kind == "bail_glissant"
        renforces = [m for m in mesures if m.renforce]
        assert {m.association for m in renforces} == {"adsea42_plaines_vallees", "anef"}

    def test_the_conventions_orient_and_set_axes(self, demo: Demo) -> None:
        _, settings = load_department_settings("42")
        conventions = [m.convention for m in demo.mesures() if m.convention]
        assert {c["orientation"] for c in conventions} == {
            "acces",
            "maintien",
            "diagnostic",
        }
        assert all(set(c["axes"]) <= set(settings.asll_work_axes) for c in conventions)
        assert len({axis for c in conventions for axis in c["axes"]}) >= 8
        durations = {c["duration_months"] for c in conventions}
        assert settings.asll_min_months <= min(durations) < max(durations)
        assert max(durations) == settings.asll_max_months

    def test_meetings_fall_short_some_months_and_are_missed(self, demo: Demo) -> None:
        # ASLL-RYTHME is read from the history: about two meetings a month.
        missed = [m for m in demo.mesures() if not all(h for _, h in m.meetings)]
        assert len(missed) >= 3
        running = [m for m in demo.mesures() if m.stage == "en_cours"]
        gaps = []
        for mesure in running:
            held = sorted(day for day, h in mesure.meetings if h)
            gaps += [(later - earlier).days for earlier, later in pairwise(held)]
        assert max(gaps) > 31  # a whole month without two meetings
        assert sum(1 for gap in gaps if gap <= 16) > len(gaps) / 2  # as a rule

    def test_renewals_granted_refused_and_pending(self, demo: Demo) -> None:
        mesures = demo.mesures()
        (renewed,) = [m for m in mesures if m.renewals]
        assert renewed.stage == "en_cours"
        assert renewed.ends_on > today()
        refused = [m for m in mesures if demo.mesure_events(m, Mesure.RenewalRefused)]
        assert [m.stage for m in refused] == ["terminee"]
        (pending,) = [m for m in mesures if m.stage == "renouvellement_demande"]
        assert today() <= pending.ends_on <= today() + timedelta(days=30)
        # Past its end, no bilan and no renewal asked: overdue.
        overdue = [m for m in mesures if m.stage == "en_cours" and m.ends_on < today()]
        assert len(overdue) == 1

    def test_measures_end_by_bilan_or_rupture(self, demo: Demo) -> None:
        mesures = demo.mesures()
        ended = [m for m in mesures if m.stage == "terminee"]
        for mesure in ended:
            (bilan,) = demo.mesure_events(mesure, Mesure.Ended)
            assert set(bilan.signed_by) == {"travailleur_social", "menage"}
            assert bilan.relayed_to == mesure.prescriber.organisation
            assert bilan.returned_to == mesure.channel
        (broken,) = [m for m in mesures if m.stage == "rompue"]
        assert demo.mesure_events(broken, Mesure.MeetingMissed)
        (reoriented,) = [m for m in mesures if m.stage == "reorientee"]
        assert reoriented.closure["to"]
        # A re-intervention follows an ended measure of the same household.
        (again,) = [m for m in mesures if m.previous_mesure_id]
        previous = demo.app.get_mesure(again.previous_mesure_id)
        assert previous.stage == "terminee"
        assert previous.household_id == again.household_id
        assert again.requested_on > previous.last_occurred_on

    def test_the_bail_glissant_slid_to_the_household(self, demo: Demo) -> None:
        mesures = demo.mesures()
        (slid,) = [m for m in mesures if (m.bail or {}).get("status") == "bail_glisse"]
        assert slid.association == "call_pact_st_etienne"
        assert slid.bail["reviews"] >= 1
        (glissement,) = demo.mesure_events(slid, Mesure.LeaseSlid)
        assert glissement.actor.role == "bailleur"
        assert glissement.actor.organisation == slid.bail["landlord"]
        assert slid.bail["head_lease_on"] <= slid.bail["sublease_on"]
        assert slid.bail["sublease_on"] < glissement.occurred_on
        assert slid.stage == "terminee"  # then ended by its bilan
        (ended,) = [
            m
            for m in mesures
            if (m.bail or {}).get("status") == "sous_location_terminee"
        ]
        assert demo.mesure_events(ended, Mesure.SubleaseEnded)[0].motive


class TestStatistics:
    """GET /v1/statistics over the demo equals a count made by hand from the
    measures' own events, year by year (DOMAIN §7: the Loire table)."""

    def test_each_years_figures_are_the_events_counted_by_hand(
        self, demo: Demo
    ) -> None:
        histories = [demo.app.history("mesure", m.id) for m in demo.mesures()]
        histories = [h for h in histories if h[0].department == "42"]
        days = [e.occurred_on for h in histories for e in h]
        view = demo.engine.reader("mesures")
        assert view is not None
        years = range(min(days).year, max(days).year + 1)
        assert len(years) >= 2, "the Loire's story spans two civil years"
        for year in years:
            expected = hand_count(histories, year)
            figures = select_statistics(view, "42", year)
            found = {
                "requested": figures.requested,
                "granted": figures.granted,
                "refused": figures.refused,
                "notified": figures.notified,
                "conventions": figures.conventions,
                "orientations": {
                    o.orientation: o.count for o in figures.by_orientation
                },
                "reoriented": figures.reoriented,
                "ended": figures.ended,
                "broken_off": figures.broken_off,
                "baux_glissants_started": figures.baux_glissants_started,
                "baux_glissants_slid": figures.baux_glissants_slid,
                "households_supported": figures.households_supported,
            }
            assert found == expected, year
            assert figures.instructed == figures.granted + figures.refused
            assert figures.demands_processed == figures.instructed
            assert figures.mandats_de_gestion is None
        assert sum(hand_count(histories, y)["conventions"] for y in years) == sum(
            1 for h in histories for e in h if isinstance(e, Mesure.ConventionSigned)
        )


def hand_count(histories: list[list[Any]], year: int) -> dict[str, Any]:
    """Each figure counted from the events themselves, without the read model."""

    def events(kind: type, keep: Any = lambda _: True) -> list[Any]:
        return [
            e
            for h in histories
            for e in h
            if isinstance(e, kind) and e.occurred_on.year == year and keep(e)
        ]

    conventions = events(Mesure.ConventionSigned)
    supported = set()
    first, last = date(year, 1, 1), date(year, 12, 31)
    for history in histories:
        start = next(
            (e.starts_on for e in history if isinstance(e, Mesure.ConventionSigned)),
            None,
        )
        if start is None:
            continue
        end = next(
            (
                e.occurred_on
                for e in history
                if isinstance(e, (Mesure.Ended, Mesure.BrokenOff))
            ),
            date.max,
        )
        if start <= last and end >= first:
            supported.add(history[0].household_id)
    return {
        "requested": len(events(Mesure.Requested)),
        "granted": len(events(Mesure.Instructed, lambda e: e.granted)),
        "refused": len(events(Mesure.Instructed, lambda e: not e.granted)),
        "notified": len(events(Mesure.Notified)),
        "conventions": len(conventions),
        "orientations": {
            o: sum(1 for e in conventions if e.orientation == o)
            for o in ("acces", "maintien", "diagnostic")
        },
        "reoriented": len(
            events(
                Mesure.ComplementaryDiagnosisDone, lambda e: e.outcome == "reoriente"
            )
        ),
        "ended": len(events(Mesure.Ended)),
        "broken_off": len(events(Mesure.BrokenOff)),
        "baux_glissants_started": sum(
            1
            for h in histories
            for e in h
            if isinstance(e, Mesure.SubleaseSigned) and e.starts_on.year == year
        ),
        "baux_glissants_slid": len(events(Mesure.LeaseSlid)),
        "households_supported": len(supported),
    }
