"""The LLTS programme: given events, when a command, then events or error."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from domain import programme as p
from domain.liste import ListedCandidate
from domain.programme import Partner, Programme
from domain.programme_steps import CONCERTATION_PARTNERS, KINDS
from domain.shared import ROLES
from tests.helpers.aggregates import given, read_back, then_error, then_event, when
from tests.helpers.chronology import ChronologyTests
from tests.helpers.commissions import (
    CANDIDATE_PROFILE,
    DWELLINGS,
    HOUSEHOLD,
    LANDLORD,
    LEASE_START,
    NEXT_HOUSEHOLD,
    OTHER_COMMUNE,
    OTHER_LANDLORD,
    PARTNERS,
    PROGRAMME_DAY,
    PROGRAMME_STEPS,
    PROPOSED,
    REFS,
    RELET_ON,
    VACATED_ON,
    announce_command,
    attribute,
    concertation_args,
    perform_on_programme,
    programme_after,
    programme_with_history,
)
from tests.helpers.dossiers import COMMUNE, DEPARTMENT, make_meta, make_settings
from tests.helpers.tables import declared_events

# Who records each step, as DOMAIN.md §1, §2 and §10 describe it.
ALLOWED_ROLES = {
    "announce": frozenset({"bailleur"}),
    "hold_concertation": frozenset({"bailleur", "als"}),
    "let_dwelling": frozenset({"bailleur"}),
    "vacate_dwelling": frozenset({"bailleur"}),
    "propose_candidates": frozenset({"bailleur"}),
}
# The steps before each one, and the programme's kind, so it may be taken.
BEFORE: dict[str, tuple[str, ...]] = {
    "hold_concertation": (),
    "let_dwelling": ("hold_concertation", "attributed"),
    "vacate_dwelling": ("hold_concertation", "let_dwelling"),
    "propose_candidates": ("hold_concertation", "let_dwelling", "vacate_dwelling"),
    "relet_dwelling": (
        "hold_concertation",
        "let_dwelling",
        "vacate_dwelling",
        "attributed_again",
    ),
}
EVENT = {
    "hold_concertation": Programme.ConcertationHeld,
    "let_dwelling": Programme.DwellingLet,
    "vacate_dwelling": Programme.DwellingVacated,
    "propose_candidates": Programme.CandidatesProposed,
    "relet_dwelling": Programme.DwellingLet,
}


def concertation(**overrides: Any) -> Any:
    meta = make_meta("als", PROGRAMME_DAY["hold_concertation"])
    return lambda x: x.hold_concertation(**concertation_args(**overrides), meta=meta)


def let(ref: str = REFS[0], dossier_id: Any = HOUSEHOLD, start: Any = None) -> Any:
    meta = make_meta("bailleur", PROGRAMME_DAY["let_dwelling"])
    return lambda x: x.let_dwelling(ref, dossier_id, start or LEASE_START, meta)


class TestAnnounce:
    @pytest.mark.parametrize("kind", KINDS)
    def test_landlord_announces_a_delivery_or_a_vacancy(self, kind: str) -> None:
        meta = make_meta("bailleur", PROGRAMME_DAY["announce"])
        programme_id = uuid4()
        events = when(
            None, announce_command(meta, programme_id=programme_id, kind=kind)
        )
        then_event(
            events,
            Programme.Announced,
            meta,
            originator_id=programme_id,
            kind=kind,
            landlord=LANDLORD,
            department=DEPARTMENT,
            commune=COMMUNE,
            name="Résidence Les Flamboyants",
            dwellings=[
                {
                    "ref": d.ref,
                    "typology": d.typology,
                    "rent": d.rent,
                    "charges": d.charges,
                }
                for d in DWELLINGS
            ],
        )
        programme = given(events)
        assert programme.stage == p.ANNOUNCED
        assert programme.dwellings_to_let == list(REFS)
        assert programme.dwellings[REFS[1]]["rent"] == Decimal("350.00")
        assert programme.concertation is None

    @pytest.mark.parametrize("role", sorted(set(ROLES) - {"bailleur"}))
    def test_other_organisations_cannot_announce(self, role: str) -> None:
        meta = make_meta(role, PROGRAMME_DAY["announce"])
        then_error(None, announce_command(meta), "role_not_allowed")

    @pytest.mark.parametrize(
        "overrides",
        [
            {"kind": "reamenagement"},
            {"landlord": "  "},
            {"name": ""},
            {"commune": OTHER_COMMUNE.replace("972", "971")},  # not in the 972
            {"commune": "9720"},
            {"department": "99"},
            {"dwellings": ()},
            {"dwellings": (DWELLINGS[0], DWELLINGS[0])},
            {"dwellings": (replace(DWELLINGS[0], ref=" "),)},
            {"dwellings": (replace(DWELLINGS[0], typology="T7"),)},
            {"dwellings": (replace(DWELLINGS[0], rent=Decimal(0)),)},
            {"dwellings": (replace(DWELLINGS[0], charges=Decimal("-1")),)},
        ],
    )
    def test_impossible_programme_is_refused(self, overrides: dict[str, Any]) -> None:
        meta = make_meta("bailleur", PROGRAMME_DAY["announce"])
        then_error(None, announce_command(meta, **overrides), "invalid_value")

    def test_dwelling_without_charges_is_accepted(self) -> None:
        meta = make_meta("bailleur", PROGRAMME_DAY["announce"])
        free = (replace(DWELLINGS[0], charges=Decimal(0)),)
        events = when(None, announce_command(meta, dwellings=free))
        assert given(events).dwellings[REFS[0]]["charges"] == Decimal(0)


class TestHoldConcertation:
    @pytest.mark.parametrize("kind", KINDS)
    def test_concertation_sets_three_dossiers_per_dwelling(self, kind: str) -> None:
        programme = programme_after(kind=kind)
        meta = make_meta("als", PROGRAMME_DAY["hold_concertation"])
        events = when(
            programme,
            lambda x: x.hold_concertation(**concertation_args(), meta=meta),
        )
        then_event(
            events,
            Programme.ConcertationHeld,
            meta,
            invited=[
                {"organisation": x.organisation, "role": x.role} for x in PARTNERS
            ],
            programme_presented=True,
            quota_setting=3,
            dossiers_per_dwelling=3,
            dossiers_to_gather=9,
            quota_motive=None,
            candidate_profile=CANDIDATE_PROFILE,
            settings_version=1,
        )
        assert programme.stage == p.CONCERTED
        assert programme.concertation["dossiers_to_gather"] == 9

    def test_quota_per_dwelling_is_a_department_setting(self) -> None:
        programme = programme_after()
        events = when(
            programme, concertation(settings=make_settings(dossiers_per_dwelling=4))
        )
        then_event(events, Programme.ConcertationHeld, dossiers_to_gather=12)

    def test_quota_equal_to_the_setting_needs_no_motive(self) -> None:
        programme = programme_after()
        events = when(programme, concertation(dossiers_per_dwelling=3))
        then_event(events, Programme.ConcertationHeld, dossiers_to_gather=9)

    @pytest.mark.parametrize("quota", [2, 4])
    def test_quota_departing_from_the_setting_needs_a_motive(self, quota: int) -> None:
        programme = programme_after()
        command = concertation(dossiers_per_dwelling=quota, quota_motive="  ")
        then_error(programme, command, "CONC-QUOTA")

    def test_quota_departing_from_the_setting_with_a_motive_is_recorded(self) -> None:
        programme = programme_after()
        motive = "Peu de familles répondent au profil dans la commune."
        events = when(
            programme, concertation(dossiers_per_dwelling=2, quota_motive=motive)
        )
        then_event(
            events,
            Programme.ConcertationHeld,
            quota_setting=3,
            dossiers_per_dwelling=2,
            dossiers_to_gather=6,
            quota_motive=motive,
        )

    def test_quota_of_no_dossier_is_refused(self) -> None:
        command = concertation(dossiers_per_dwelling=0, quota_motive="Aucun")
        then_error(programme_after(), command, "invalid_value")

    @pytest.mark.parametrize("missing", CONCERTATION_PARTNERS)
    def test_every_partner_is_invited(self, missing: str) -> None:
        invited = [x for x in PARTNERS if x.role != missing]
        then_error(programme_after(), concertation(invited=invited), "CONC-QUOTA")

    def test_partners_invited_need_not_all_attend(self) -> None:
        present = [Partner(LANDLORD, "bailleur")]
        events = when(programme_after(), concertation(present=present))
        then_event(
            events,
            Programme.ConcertationHeld,
            present=[{"organisation": LANDLORD, "role": "bailleur"}],
        )

    def test_programme_is_presented(self) -> None:
        command = concertation(programme_presented=False)
        then_error(programme_after(), command, "CONC-QUOTA")

    @pytest.mark.parametrize("profile", ["", "   "])
    def test_candidate_profile_is_defined(self, profile: str) -> None:
        command = concertation(candidate_profile=profile)
        then_error(programme_after(), command, "CONC-QUOTA")

    @pytest.mark.parametrize(
        "overrides",
        [
            {"present": []},
            {"present": [Partner("", "mairie")]},
            {"invited": [*PARTNERS, Partner("Syndic", "syndic")]},
        ],
    )
    def test_impossible_attendance_is_refused(self, overrides: dict[str, Any]) -> None:
        then_error(programme_after(), concertation(**overrides), "invalid_value")

    def test_concertation_is_held_once(self) -> None:
        programme = programme_after("hold_concertation")
        then_error(programme, concertation(), "invalid_transition")


class TestLetDwelling:
    def test_delivered_dwelling_is_let_after_the_concertation(self) -> None:
        programme = programme_after("hold_concertation")
        meta = make_meta("bailleur", PROGRAMME_DAY["let_dwelling"])
        dossier_id = uuid4()
        attribute(programme, dossier_id, REFS[1])
        programme.collect_events()  # saved with the CAL's decision
        events = when(
            programme, lambda x: x.let_dwelling(REFS[1], dossier_id, LEASE_START, meta)
        )
        then_event(
            events,
            Programme.DwellingLet,
            meta,
            ref=REFS[1],
            dossier_id=dossier_id,
            lease_start=LEASE_START,
        )
        assert programme.dwellings[REFS[1]]["status"] == p.LET
        assert programme.dwellings_to_let == [REFS[0], REFS[2]]

    def test_delivered_dwelling_is_not_let_before_the_concertation(self) -> None:
        then_error(programme_after(), let(), "concertation_not_held")

    def test_vacancy_may_be_let_without_concertation(self) -> None:
        # A vacancy goes straight to the CAL when the commune has a valid
        # liste complémentaire (DOMAIN.md §10).
        programme = programme_after("attributed", kind="vacance")
        events = when(programme, let())
        then_event(events, Programme.DwellingLet, ref=REFS[0])

    def test_let_dwelling_is_not_let_again(self) -> None:
        programme = programme_after("hold_concertation", "let_dwelling")
        then_error(programme, let(dossier_id=uuid4()), "dwelling_not_available")

    def test_household_does_not_rent_two_dwellings(self) -> None:
        programme = programme_after("hold_concertation", "let_dwelling")
        then_error(programme, let(REFS[1], HOUSEHOLD), "household_already_housed")

    def test_unknown_dwelling_is_refused(self) -> None:
        programme = programme_after("hold_concertation")
        then_error(programme, let("SIMAR-XX-99"), "unknown_dwelling")


class TestVacateDwelling:
    def test_let_dwelling_falls_vacant(self) -> None:
        programme = programme_after("hold_concertation", "let_dwelling")
        meta = make_meta("bailleur", PROGRAMME_DAY["vacate_dwelling"])
        events = when(programme, lambda x: x.vacate_dwelling(REFS[0], VACATED_ON, meta))
        then_event(
            events, Programme.DwellingVacated, meta, ref=REFS[0], vacated_on=VACATED_ON
        )
        dwelling = programme.dwellings[REFS[0]]
        assert (dwelling["status"], dwelling["dossier_id"]) == (p.VACANT, None)
        assert REFS[0] in programme.dwellings_to_let

    @pytest.mark.parametrize(
        "lease_start",
        [
            pytest.param(RELET_ON, id="again"),
            pytest.param(VACATED_ON, id="from-the-day-it-is-free"),
        ],
    )
    def test_vacant_dwelling_is_let(self, lease_start: date) -> None:
        programme = programme_after(*BEFORE["relet_dwelling"])
        meta = make_meta("bailleur", PROGRAMME_DAY["relet_dwelling"])
        events = when(
            programme,
            lambda x: x.let_dwelling(REFS[0], NEXT_HOUSEHOLD, lease_start, meta),
        )
        then_event(events, Programme.DwellingLet, ref=REFS[0], lease_start=lease_start)
        assert programme.dwellings[REFS[0]]["status"] == p.LET

    def test_vacant_dwelling_is_not_let_before_it_is_free(self) -> None:
        programme = programme_after(
            "hold_concertation", "let_dwelling", "vacate_dwelling"
        )
        meta = make_meta("bailleur", PROGRAMME_DAY["relet_dwelling"])
        early = VACATED_ON - timedelta(days=1)
        then_error(
            programme,
            lambda x: x.let_dwelling(REFS[0], uuid4(), early, meta),
            "dwelling_not_available",
        )

    @pytest.mark.parametrize(
        "steps",
        [
            ("hold_concertation",),
            ("hold_concertation", "let_dwelling", "vacate_dwelling"),
        ],
    )
    def test_dwelling_not_let_does_not_fall_vacant(
        self, steps: tuple[str, ...]
    ) -> None:
        programme = programme_after(*steps)
        meta = make_meta("bailleur", PROGRAMME_DAY["vacate_dwelling"])
        then_error(
            programme,
            lambda x: x.vacate_dwelling(REFS[0], VACATED_ON, meta),
            "dwelling_not_let",
        )

    def test_dwelling_does_not_fall_vacant_before_its_lease(self) -> None:
        programme = programme_after("hold_concertation", "let_dwelling")
        meta = make_meta("bailleur", PROGRAMME_DAY["vacate_dwelling"])
        early = LEASE_START - timedelta(days=1)
        then_error(
            programme,
            lambda x: x.vacate_dwelling(REFS[0], early, meta),
            "vacated_before_lease",
        )


def propose(ref: str = REFS[0], listed: Any = PROPOSED, on: Any = None) -> Any:
    meta = make_meta("bailleur", on or PROGRAMME_DAY["propose_candidates"])
    return lambda x: x.propose_candidates(ref, listed, meta)


def proposed(*listed: ListedCandidate) -> list[dict[str, Any]]:
    """How CandidatesProposed stores the households, and the dwelling keeps them."""
    return [
        {
            "dossier_id": x.dossier_id,
            "commission_id": x.commission_id,
            "position": x.position,
            "valid_until": x.valid_until,
        }
        for x in listed
    ]


VACATED = ("hold_concertation", "let_dwelling", "vacate_dwelling")


class TestProposeCandidates:
    def test_vacancy_receives_the_next_households_of_the_liste(self) -> None:
        programme = programme_after(*VACATED)
        meta = make_meta("bailleur", PROGRAMME_DAY["propose_candidates"])
        events = when(
            programme, lambda x: x.propose_candidates(REFS[0], PROPOSED, meta)
        )
        then_event(
            events,
            Programme.CandidatesProposed,
            meta,
            ref=REFS[0],
            candidates=proposed(*PROPOSED),
        )
        assert programme.dwellings[REFS[0]]["candidates"] == proposed(*PROPOSED)
        assert programme.dwellings[REFS[0]]["status"] == p.VACANT

    def test_dwellings_start_without_candidates(self) -> None:
        programme = programme_after()
        assert [x["candidates"] for x in programme.dwellings.values()] == [[]] * 3

    def test_dwelling_of_a_vacance_programme_receives_candidates(self) -> None:
        # A vacancy goes straight to the CAL with the liste's households (§10).
        programme = programme_after(kind="vacance")
        events = when(programme, propose(REFS[1], on=PROGRAMME_DAY["announce"]))
        then_event(events, Programme.CandidatesProposed, ref=REFS[1])
        assert programme.dwellings[REFS[1]]["candidates"] == proposed(*PROPOSED)
        assert programme.dwellings[REFS[0]]["candidates"] == []

    def test_new_proposal_replaces_the_previous_one(self) -> None:
        programme = programme_after(*VACATED, "propose_candidates")
        events = when(programme, propose(listed=PROPOSED[1:]))
        then_event(
            events, Programme.CandidatesProposed, candidates=proposed(*PROPOSED[1:])
        )
        assert programme.dwellings[REFS[0]]["candidates"] == proposed(*PROPOSED[1:])

    def test_empty_liste_is_recorded_as_no_candidate(self) -> None:
        programme = programme_after(*VACATED, "propose_candidates")
        then_event(when(programme, propose(listed=())), Programme.CandidatesProposed)
        assert programme.dwellings[REFS[0]]["candidates"] == []

    def test_let_dwelling_receives_no_candidates(self) -> None:
        programme = programme_after("hold_concertation", "let_dwelling")
        then_error(programme, propose(), "dwelling_not_vacant")

    def test_unknown_dwelling_is_refused(self) -> None:
        programme = programme_after(*VACATED)
        then_error(programme, propose("SIMAR-XX-99"), "unknown_dwelling")

    def test_candidates_are_cleared_when_the_dwelling_falls_vacant_again(
        self,
    ) -> None:
        programme = programme_after(*VACATED, "propose_candidates", "relet_dwelling")
        meta = make_meta("bailleur", date(2027, 1, 4))
        events = when(
            programme, lambda x: x.vacate_dwelling(REFS[0], date(2026, 12, 31), meta)
        )
        then_event(events, Programme.DwellingVacated, ref=REFS[0])
        assert programme.dwellings[REFS[0]]["candidates"] == []


class TestRoles:
    def test_every_step_has_its_expected_roles(self) -> None:
        assert p.STEP_ROLES == ALLOWED_ROLES

    @pytest.mark.parametrize(
        ("step", "role"),
        [
            (s, r)
            for s in PROGRAMME_STEPS
            for r in sorted(ALLOWED_ROLES[s.replace("relet", "let")])
        ],
    )
    def test_allowed_role_records_the_step(self, step: str, role: str) -> None:
        programme = programme_after(*BEFORE[step])
        events = when(programme, lambda x: perform_on_programme(x, step, role=role))
        assert then_event(events, EVENT[step]).actor.role == role

    @pytest.mark.parametrize(
        ("step", "role"),
        [
            (s, r)
            for s in PROGRAMME_STEPS
            for r in ROLES
            if r not in ALLOWED_ROLES[s.replace("relet", "let")]
        ],
    )
    def test_other_role_is_refused(self, step: str, role: str) -> None:
        programme = programme_after(*BEFORE[step])
        then_error(
            programme,
            lambda x: perform_on_programme(x, step, role=role),
            "role_not_allowed",
        )


class TestLandlord:
    """A landlord's agents record the steps of their own landlord's programmes."""

    @pytest.mark.parametrize("step", PROGRAMME_STEPS)
    def test_another_landlords_agent_is_refused(self, step: str) -> None:
        programme = programme_after(*BEFORE[step])
        error = then_error(
            programme,
            lambda x: perform_on_programme(
                x, step, role="bailleur", organisation=OTHER_LANDLORD
            ),
            "not_the_landlord",
        )
        assert LANDLORD in error.message
        assert OTHER_LANDLORD in error.message

    @pytest.mark.parametrize("step", PROGRAMME_STEPS)
    def test_the_programmes_landlord_records_the_step(self, step: str) -> None:
        programme = programme_after(*BEFORE[step], landlord=OTHER_LANDLORD)
        events = when(
            programme,
            lambda x: perform_on_programme(
                x, step, role="bailleur", organisation=OTHER_LANDLORD
            ),
        )
        assert then_event(events, EVENT[step]).actor.organisation == OTHER_LANDLORD

    def test_the_als_holds_the_concertation_of_any_landlord(self) -> None:
        programme = programme_after(landlord=OTHER_LANDLORD)
        events = when(programme, lambda x: perform_on_programme(x, "hold_concertation"))
        assert then_event(events, Programme.ConcertationHeld).actor.role == "als"


class TestChronology(ChronologyTests):
    event, before = EVENT, BEFORE
    after = staticmethod(programme_after)
    take = staticmethod(perform_on_programme)


class TestReplay:
    @pytest.mark.parametrize("kind", KINDS)
    def test_history_rebuilds_an_equal_programme(self, kind: str) -> None:
        programme, events = programme_with_history(
            *BEFORE["relet_dwelling"], "relet_dwelling", kind=kind
        )
        rebuilt = given(events)
        assert rebuilt == programme
        assert rebuilt.version == len(events) == 7  # with the two attributions
        assert rebuilt.dwellings[REFS[0]]["lease_start"] == RELET_ON

    def test_stored_events_come_back_equal(self) -> None:
        """What the store keeps (JSON through Logis' transcoder) replays the same:
        dates, Decimals, UUIDs and the lists of dwellings and partners included."""
        programme, events = programme_with_history(
            *BEFORE["relet_dwelling"], "relet_dwelling"
        )
        stored = read_back(events)
        assert stored == events
        assert given(stored) == programme

    def test_proposed_candidates_come_back_equal(self) -> None:
        programme, events = programme_with_history(*VACATED, "propose_candidates")
        stored = read_back(events)
        assert stored == events
        rebuilt = given(stored)
        assert rebuilt == programme
        assert rebuilt.dwellings[REFS[0]]["candidates"] == proposed(*PROPOSED)

    def test_replay_does_not_judge_past_facts_by_todays_rules(self) -> None:
        # A concertation recorded without the CAF invited (imported, or before
        # the rule): its history still replays.
        programme, events = programme_with_history()
        held = Programme.ConcertationHeld(
            originator_id=programme.id,
            originator_version=2,
            timestamp=Programme.ConcertationHeld.create_timestamp(),
            invited=[],
            present=[],
            programme_presented=False,
            quota_setting=3,
            dossiers_per_dwelling=1,
            dossiers_to_gather=3,
            quota_motive=None,
            candidate_profile="",
            settings_version=1,
            **make_meta("als", PROGRAMME_DAY["hold_concertation"]).fields(),
        )
        rebuilt = given([*events, held])
        assert (rebuilt.stage, rebuilt.concertation["dossiers_to_gather"]) == (
            p.CONCERTED,
            3,
        )


def test_every_event_has_a_french_label() -> None:
    assert declared_events(Programme) == set(p.EVENT_LABELS)
