"""The legality engine on ASLL measure histories: for each rule, a history that
breaks it and one that does not, read before and after the deadlines, each step
judged by the department's settings version in force on its day.

Histories come from measures driven by commands (`tests.helpers.mesure_courses`);
an imported history the commands would have refused is made by building or
altering the events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from domain.department import Department
from domain.department_settings import AssociationSettings, DepartmentSettings
from domain.legality import RULES_BY_ID, Finding, check_association, check_mesure
from domain.legality.rules import SettingsOn
from domain.mesure import Mesure
from domain.shared import Actor, add_months
from tests.helpers.dossiers import imported, make_meta
from tests.helpers.mesure_courses import ASSOCIATIONS, SETTINGS, Course

REQUEST = date(2025, 1, 6)
START = date(2025, 2, 3)  # the convention's first day
ENDS = date(2025, 8, 3)  # six months later: its last day
LATE = date(2026, 6, 30)  # long after every step, before any retention delay
SINCE_LONG_AGO = date(2020, 1, 1)
ONE_DAY = timedelta(days=1)


def department(*adoptions: tuple[date, DepartmentSettings]) -> SettingsOn:
    """A department's settings history, as `Department.settings_on` reads it."""
    dept = Department.register("972", make_meta("admin", SINCE_LONG_AGO))
    for effective_from, settings in adoptions:
        dept.adopt(settings, effective_from, make_meta("admin", effective_from))
    return dept.settings_on


def changed(since: date, **changes: Any) -> SettingsOn:
    """Version 1 (the courses' settings) long ago, version 2 with `changes`
    from `since`."""
    return department(
        (SINCE_LONG_AGO, SETTINGS),
        (since, SETTINGS.model_copy(update=changes)),
    )


def with_settings(**changes: Any) -> SettingsOn:
    return department((SINCE_LONG_AGO, SETTINGS.model_copy(update=changes)))


IN_FORCE = with_settings()


def findings(
    events: list[Any], as_of: date = LATE, settings_on: SettingsOn = IN_FORCE
) -> list[Finding]:
    return check_mesure(events, settings_on, as_of)


def of_rule(
    rule: str, events: list[Any], as_of: date = LATE, **kw: Any
) -> list[Finding]:
    return [f for f in findings(events, as_of, **kw) if f.rule == rule]


def version(events: list[Any], cls: type, index: int = 0) -> int:
    return [e for e in events if type(e) is cls][index].originator_version


def versions(events: list[Any], *classes: type) -> tuple[int, ...]:
    """The versions of the first event of each class, in that order."""
    return tuple(version(events, cls) for cls in classes)


def altered(history: list[Any], cls: type, **changes: Any) -> list[Any]:
    """The same history with the `cls` events' fields changed (an import's error)."""
    return [replace(e, **changes) if type(e) is cls else e for e in history]


def met_twice_a_month(course: Course, months: int = 6, start: date = START) -> Course:
    for month in range(months):
        first = add_months(start, month)
        course.meet(first + timedelta(days=2)).meet(first + timedelta(days=16))
    return course


def running(kind: str = "individuelle", **convention: Any) -> Course:
    """A measure under a six-month convention from START, met twice a month."""
    return met_twice_a_month(
        Course(REQUEST, kind=kind).up_to_convention(START, **convention)
    )


def ended() -> list[Any]:
    return running().end(ENDS).events


BROKEN_OFF = date(2025, 4, 10)


def broken_off() -> list[Any]:
    """Two months of support, then a rupture by the household."""
    course = met_twice_a_month(Course(REQUEST).up_to_convention(START), 2)
    return course.break_off(BROKEN_OFF).events


# ---- the catalogue and a clean history ----------------------------------------


def test_the_measures_and_referrals_rules_are_in_the_catalogue() -> None:
    for rule in (
        "ASLL-ADHESION",
        "ASLL-PRESCRIPTEUR",
        "ASLL-CANAL",
        "ASLL-CAPACITE",
        "ASLL-CONTENU",
        "ASLL-DUREE",
        "ASLL-RYTHME",
        "ASLL-FIN",
        "BG-GLISSEMENT",
        "BILAN-SUITE",
        "RGPD-CONSERVATION",
    ):
        assert "mesure" in RULES_BY_ID[rule].applies_to
        assert RULES_BY_ID[rule].title
        assert RULES_BY_ID[rule].source
    assert RULES_BY_ID["ASLL-RYTHME"].severity == "alerte"
    assert RULES_BY_ID["ASLL-DUREE"].severity == "bloquant"


def test_a_measure_driven_by_commands_breaks_nothing() -> None:
    assert findings(ended()) == []
    assert findings(Course(REQUEST).events) == []  # just asked


def test_a_history_is_read_as_of_a_day() -> None:
    events = ended()
    assert findings(events, REQUEST - ONE_DAY) == []
    assert findings([], LATE) == []


# ---- ASLL-PRESCRIPTEUR -----------------------------------------------------------


def as_actor(history: list[Any], cls: type, role: str, organisation: str) -> list[Any]:
    return altered(history, cls, actor=Actor(f"agent.{role}", role, organisation))


def test_request_by_a_role_that_is_not_a_prescriber_is_reported() -> None:
    events = as_actor(ended(), Mesure.Requested, "bailleur", "SIMAR")
    [finding] = of_rule("ASLL-PRESCRIPTEUR", events)
    assert finding.versions == (1,)
    assert finding.breached_on == REQUEST
    assert finding.settings_version == 1
    assert finding.severity == "bloquant"


def test_prescriber_roles_are_those_in_force_on_the_request_day() -> None:
    events = as_actor(ended(), Mesure.Requested, "bailleur", "SIMAR")
    loire = ("prescripteur", "bailleur")
    # Allowed when asked, withdrawn afterwards: the request stays legal.
    later = department(
        (SINCE_LONG_AGO, SETTINGS.model_copy(update={"prescriber_roles": loire})),
        (date(2025, 3, 1), SETTINGS),
    )
    assert of_rule("ASLL-PRESCRIPTEUR", events, settings_on=later) == []
    # Withdrawn before the request: version 2 judges it.
    before = changed(date(2024, 6, 1), prescriber_roles=("prescripteur",))
    [finding] = of_rule("ASLL-PRESCRIPTEUR", events, settings_on=before)
    assert finding.settings_version == 2


# ---- ASLL-ADHESION ---------------------------------------------------------------


def test_diagnostic_not_signed_by_the_household_is_reported() -> None:
    history = ended()
    request = history[0]
    events = altered(
        history,
        Mesure.Requested,
        diagnostic={**request.diagnostic, "household_signed": False},
    )
    [finding] = of_rule("ASLL-ADHESION", events)
    assert (finding.versions, finding.breached_on) == ((1,), REQUEST)
    assert finding.settings_version is None


def test_convention_without_the_prescribers_signature_is_reported() -> None:
    events = altered(
        ended(), Mesure.ConventionSigned, signed_by=["association", "menage"]
    )
    [finding] = of_rule("ASLL-ADHESION", events)
    assert finding.versions == (version(events, Mesure.ConventionSigned),)
    assert finding.breached_on == START
    assert "prescripteur" in finding.message


def test_meeting_before_any_convention_is_reported() -> None:
    history = Course(REQUEST).instruct(REQUEST).notify(REQUEST).diagnose(REQUEST).events
    day = date(2025, 1, 20)
    events = imported(history, Mesure.MeetingHeld, "association", day, kind="entretien")
    [finding] = of_rule("ASLL-ADHESION", events)
    assert (finding.versions, finding.breached_on) == (
        (events[-1].originator_version,),
        day,
    )


def test_adhesion_recorded_by_commands_is_legal() -> None:
    assert of_rule("ASLL-ADHESION", ended()) == []


# ---- ASLL-CANAL --------------------------------------------------------------------


def test_individual_measure_instructed_by_an_association_is_reported() -> None:
    events = as_actor(ended(), Mesure.Instructed, "association", "AGASEF")
    [finding] = of_rule("ASLL-CANAL", events)
    assert finding.versions == (version(events, Mesure.Instructed),)
    assert finding.breached_on == REQUEST


def test_bail_glissant_instructed_as_an_individual_measure_is_reported() -> None:
    events = altered(
        Course(REQUEST, kind="bail_glissant").up_to_convention(START).events,
        Mesure.Instructed,
        channel="clu",
    )
    [finding] = of_rule("ASLL-CANAL", events)
    assert "CLT" in finding.message


def test_measures_instructed_by_their_commission_are_legal() -> None:
    assert of_rule("ASLL-CANAL", ended()) == []
    bail = Course(REQUEST, kind="bail_glissant").up_to_convention(START).events
    assert of_rule("ASLL-CANAL", bail) == []


# ---- ASLL-CONTENU ------------------------------------------------------------------


def test_convention_without_work_axis_is_reported() -> None:
    events = altered(ended(), Mesure.ConventionSigned, axes=[])
    [finding] = of_rule("ASLL-CONTENU", events)
    assert (finding.breached_on, finding.settings_version) == (START, 1)


def test_work_axes_are_those_in_force_on_the_signing_day() -> None:
    events = altered(
        ended(),
        Mesure.ConventionSigned,
        axes=["gestion_budgetaire", "aide_a_la_recherche"],
    )
    dordogne = SETTINGS.asll_work_axes[:7]  # without the Loire's three
    assert of_rule("ASLL-CONTENU", events) == []
    assert (
        of_rule(
            "ASLL-CONTENU",
            events,
            settings_on=changed(START + ONE_DAY, asll_work_axes=dordogne),
        )
        == []
    )
    [finding] = of_rule(
        "ASLL-CONTENU", events, settings_on=changed(START, asll_work_axes=dordogne)
    )
    assert finding.settings_version == 2
    assert "aide_a_la_recherche" in finding.message


# ---- ASLL-DUREE --------------------------------------------------------------------


def test_measure_running_beyond_its_end_is_reported_the_day_after() -> None:
    events = running().events
    assert of_rule("ASLL-DUREE", events, ENDS) == []
    [finding] = of_rule("ASLL-DUREE", events, ENDS + ONE_DAY)
    assert finding.versions == (version(events, Mesure.ConventionSigned),)
    assert finding.breached_on == ENDS + ONE_DAY
    assert finding.settings_version is None


def test_renewal_decided_after_the_end_is_reported() -> None:
    decided = ENDS + timedelta(days=10)
    events = (
        running()
        .ask_renewal(date(2025, 7, 20))
        .decide_renewal(decided, granted=True)
        .events
    )
    [finding] = of_rule("ASLL-DUREE", events, add_months(ENDS, 3))
    assert finding.versions == versions(events, Mesure.ConventionSigned, Mesure.Renewed)
    assert finding.breached_on == ENDS + ONE_DAY
    assert "renouvellement décidé" in finding.message


def test_renewal_decided_before_the_end_covers_the_measure() -> None:
    course = running().ask_renewal(date(2025, 7, 20)).decide_renewal(ENDS, granted=True)
    renewed_end = add_months(ENDS, 3)
    met_twice_a_month(course, 3, ENDS)
    assert of_rule("ASLL-DUREE", course.events, renewed_end) == []
    [finding] = of_rule("ASLL-DUREE", course.events, renewed_end + ONE_DAY)
    assert finding.versions == (version(course.events, Mesure.Renewed),)
    course.end(renewed_end)
    assert of_rule("ASLL-DUREE", course.events) == []


def test_bilan_after_the_end_is_reported() -> None:
    events = running().end(ENDS + timedelta(days=5)).events
    [finding] = of_rule("ASLL-DUREE", events)
    assert finding.versions == versions(events, Mesure.ConventionSigned, Mesure.Ended)
    assert finding.breached_on == ENDS + ONE_DAY


def test_renewals_beyond_those_in_force_on_the_decision_day_are_reported() -> None:
    decided = date(2025, 7, 28)
    events = (
        running()
        .ask_renewal(date(2025, 7, 20))
        .decide_renewal(decided, granted=True)
        .end(date(2025, 9, 1))
        .events
    )
    assert of_rule("ASLL-DUREE", events) == []
    # No renewal allowed from the day after: the decision stays legal.
    assert (
        of_rule(
            "ASLL-DUREE",
            events,
            settings_on=changed(decided + ONE_DAY, asll_renewals_allowed=0),
        )
        == []
    )
    [finding] = of_rule(
        "ASLL-DUREE", events, settings_on=changed(decided, asll_renewals_allowed=0)
    )
    assert finding.versions == (version(events, Mesure.Renewed),)
    assert (finding.breached_on, finding.settings_version) == (decided, 2)


def test_convention_longer_than_the_department_allows_is_reported() -> None:
    [finding] = of_rule(
        "ASLL-DUREE", ended(), settings_on=with_settings(asll_max_months=4)
    )
    assert (finding.breached_on, finding.settings_version) == (START, 1)


def test_renewal_decided_by_another_commission_is_reported() -> None:
    course = running().ask_renewal(date(2025, 7, 20)).decide_renewal(ENDS, granted=True)
    events = as_actor(
        course.end(ENDS + timedelta(days=30)).events,
        Mesure.Renewed,
        "commission_logement",
        "CLT Forez",
    )
    [finding] = of_rule("ASLL-DUREE", events)
    assert "CLT Forez" in finding.message


# ---- ASLL-RYTHME -------------------------------------------------------------------


def test_a_month_with_one_meeting_is_reported_the_day_after_it_ends() -> None:
    course = Course(REQUEST).up_to_convention(START)
    met_twice_a_month(course, 1)
    course.meet(date(2025, 3, 10))  # the second month: 3 March to 2 April
    met_twice_a_month(course, 4, date(2025, 4, 3))
    events = course.end(ENDS).events
    month_end = date(2025, 4, 2)
    assert of_rule("ASLL-RYTHME", events, month_end) == []
    [finding] = of_rule("ASLL-RYTHME", events, month_end + ONE_DAY)
    meeting = next(
        e for e in events if getattr(e, "occurred_on", None) == date(2025, 3, 10)
    )
    assert finding.versions == (
        version(events, Mesure.ConventionSigned),
        meeting.originator_version,
    )
    assert (finding.breached_on, finding.settings_version) == (month_end + ONE_DAY, 1)
    assert finding.severity == "alerte"


def test_missed_meetings_do_not_count() -> None:
    course = Course(REQUEST).up_to_convention(START)
    course.meet(date(2025, 2, 5)).meet(date(2025, 2, 19), held=False)
    [finding] = of_rule("ASLL-RYTHME", course.events, date(2025, 3, 3))
    assert finding.breached_on == date(2025, 3, 3)
    assert len(finding.versions) == 3  # the convention, the held and the missed


def test_meetings_expected_are_those_in_force_on_the_months_first_day() -> None:
    course = Course(REQUEST).up_to_convention(START)
    for month in range(6):
        course.meet(add_months(START, month) + timedelta(days=2))
    events = course.end(ENDS).events
    one_from_april = changed(date(2025, 4, 3), meetings_per_month=1)
    found = of_rule("ASLL-RYTHME", events, settings_on=one_from_april)
    assert [(f.breached_on, f.settings_version) for f in found] == [
        (date(2025, 3, 3), 1),
        (date(2025, 4, 3), 1),
    ]


def test_a_month_cut_short_by_the_end_is_not_judged() -> None:
    course = met_twice_a_month(Course(REQUEST).up_to_convention(START), 2)
    events = course.end(date(2025, 4, 20)).events  # third month not complete
    assert of_rule("ASLL-RYTHME", events) == []


# ---- ASLL-FIN ----------------------------------------------------------------------


def test_bilan_not_signed_by_the_household_is_reported() -> None:
    events = altered(ended(), Mesure.Ended, signed_by=["travailleur_social"])
    [finding] = of_rule("ASLL-FIN", events)
    assert finding.versions == (version(events, Mesure.Ended),)
    assert finding.breached_on == ENDS


def test_bilan_returned_to_the_wrong_commission_is_reported() -> None:
    events = altered(ended(), Mesure.Ended, returned_to="clt")
    [finding] = of_rule("ASLL-FIN", events)
    assert "bilan retourné à « la CLT » et non à la CLU" in finding.message


def test_rupture_without_relay_is_reported() -> None:
    events = altered(broken_off(), Mesure.BrokenOff, relayed_to=" ")
    [finding] = of_rule("ASLL-FIN", events)
    assert finding.breached_on == BROKEN_OFF


def test_bilan_and_rupture_recorded_by_commands_are_legal() -> None:
    assert of_rule("ASLL-FIN", ended()) == []
    assert of_rule("ASLL-FIN", broken_off()) == []


# ---- BILAN-SUITE -------------------------------------------------------------------


def after_a_bilan(events: list[Any], months: int = 6) -> list[Any]:
    """The measure as asked after a bilan d'installation with problems."""
    return altered(events, Mesure.Requested, min_months=months)


def test_measure_ended_before_the_support_asked_by_the_bilan_is_reported() -> None:
    course = met_twice_a_month(Course(REQUEST).up_to_convention(START), 3)
    events = after_a_bilan(course.end(date(2025, 5, 3)).events)
    [finding] = of_rule("BILAN-SUITE", events)
    assert finding.versions == (1, version(events, Mesure.Ended))
    assert finding.breached_on == date(2025, 5, 3)


def test_convention_shorter_than_the_support_asked_by_the_bilan_is_reported() -> None:
    events = after_a_bilan(Course(REQUEST).up_to_convention(START, months=3).events)
    [finding] = of_rule("BILAN-SUITE", events)
    assert finding.versions == (1, version(events, Mesure.ConventionSigned))
    assert finding.breached_on == START


def test_support_as_long_as_the_bilan_asked_is_legal() -> None:
    assert of_rule("BILAN-SUITE", after_a_bilan(ended())) == []
    # A rupture by the household is not a breach of BILAN-SUITE.
    broken = after_a_bilan(broken_off())
    assert of_rule("BILAN-SUITE", broken) == []


# ---- BG-GLISSEMENT -----------------------------------------------------------------


def sublet() -> Course:
    """A bail glissant: head lease and sublease on the convention's first day."""
    course = Course(REQUEST, kind="bail_glissant").up_to_convention(START)
    return met_twice_a_month(course.head_lease(START).sublease(START))


REVIEW_DUE = date(2025, 8, 3)  # six months after the sublease


def test_sublet_reviewed_in_time_and_slid_is_legal() -> None:
    events = (
        sublet()
        .review_sublease(date(2025, 7, 28))
        .slide(date(2025, 7, 30))
        .end(ENDS)
        .events
    )
    assert findings(events) == []


def test_missing_review_is_reported_the_day_after_it_was_due() -> None:
    events = sublet().events
    assert of_rule("BG-GLISSEMENT", events, REVIEW_DUE) == []
    [finding] = of_rule("BG-GLISSEMENT", events, REVIEW_DUE + ONE_DAY)
    assert finding.versions == (version(events, Mesure.SubleaseSigned),)
    assert (finding.breached_on, finding.settings_version) == (REVIEW_DUE + ONE_DAY, 1)
    # Each missed period is one more finding.
    assert len(of_rule("BG-GLISSEMENT", events, date(2026, 2, 4))) == 2


def test_late_review_is_reported_and_starts_the_next_period() -> None:
    late = date(2025, 8, 20)
    events = sublet().review_sublease(late).events
    [finding] = of_rule("BG-GLISSEMENT", events, add_months(late, 6))
    assert finding.versions == versions(
        events, Mesure.SubleaseSigned, Mesure.SubleaseReviewed
    )
    assert finding.breached_on == REVIEW_DUE + ONE_DAY


def test_review_interval_is_the_one_in_force_when_the_period_starts() -> None:
    reviewed = date(2025, 7, 28)
    events = sublet().review_sublease(reviewed).events
    quarterly = changed(date(2025, 3, 1), bail_glissant_review_months=3)
    # The first period began under version 1 (six months): reviewed in time.
    due = add_months(reviewed, 3)
    assert of_rule("BG-GLISSEMENT", events, due, settings_on=quarterly) == []
    [finding] = of_rule("BG-GLISSEMENT", events, due + ONE_DAY, settings_on=quarterly)
    assert (finding.breached_on, finding.settings_version) == (due + ONE_DAY, 2)


def test_measure_ended_while_the_household_still_sublets_is_reported() -> None:
    events = sublet().review_sublease(date(2025, 7, 28)).end(ENDS).events
    [finding] = of_rule("BG-GLISSEMENT", events)
    assert finding.versions == versions(events, Mesure.SubleaseSigned, Mesure.Ended)
    assert finding.breached_on == ENDS


def test_review_recorded_by_no_party_is_reported_and_does_not_count() -> None:
    history = sublet().events
    day = date(2025, 7, 28)
    events = imported(
        history, Mesure.SubleaseReviewed, "prescripteur", day, findings="Vu."
    )
    found = of_rule("BG-GLISSEMENT", events, REVIEW_DUE + ONE_DAY)
    assert [(f.breached_on, f.versions) for f in found] == [
        (day, (events[-1].originator_version,)),
        (REVIEW_DUE + ONE_DAY, (version(events, Mesure.SubleaseSigned),)),
    ]


# ---- RGPD-CONSERVATION -------------------------------------------------------------


def test_support_data_kept_past_retention_are_due_for_erasure() -> None:
    events = ended()
    until = add_months(ENDS, 24)
    assert of_rule("RGPD-CONSERVATION", events, until) == []
    [finding] = of_rule("RGPD-CONSERVATION", events, until + ONE_DAY)
    assert finding.versions == (events[-1].originator_version,)
    assert (finding.breached_on, finding.settings_version) == (until + ONE_DAY, 1)
    assert finding.severity == "alerte"


def test_retention_is_the_one_in_force_on_the_last_contact() -> None:
    events = ended()
    one_year_later = changed(ENDS + ONE_DAY, support_retention_months=12)
    assert (
        of_rule(
            "RGPD-CONSERVATION",
            events,
            add_months(ENDS, 13),
            settings_on=one_year_later,
        )
        == []
    )
    one_year = changed(ENDS, support_retention_months=12)
    [finding] = of_rule(
        "RGPD-CONSERVATION", events, add_months(ENDS, 13), settings_on=one_year
    )
    assert finding.settings_version == 2


# ---- ASLL-CAPACITE -----------------------------------------------------------------


def capacity(monthly: int, renforce: int = 0) -> tuple[AssociationSettings, ...]:
    return tuple(
        a.model_copy(
            update={"monthly_capacity": monthly, "renforce_capacity": renforce}
        )
        for a in ASSOCIATIONS
    )


def notified(
    on: date, association: str = "agasef", *, renforce: bool = False
) -> Course:
    return Course(on).instruct(on).notify(on, association, renforce=renforce)


def test_notification_above_the_associations_capacity_is_reported() -> None:
    courses = [notified(date(2025, 1, day)) for day in (6, 7, 8)]
    histories = [c.events for c in courses]
    found = check_association(histories, with_settings(associations=capacity(2)), LATE)
    [finding] = found[courses[2].id]
    assert set(found) == {courses[2].id}
    assert finding.rule == "ASLL-CAPACITE"
    assert finding.versions == (version(histories[2], Mesure.Notified),)
    assert (finding.breached_on, finding.settings_version) == (date(2025, 1, 8), 1)
    # Read before the third notification: nothing yet.
    assert (
        check_association(
            histories, with_settings(associations=capacity(2)), date(2025, 1, 7)
        )
        == {}
    )


def test_a_place_given_back_serves_a_later_notification() -> None:
    first = notified(date(2025, 1, 6)).diagnose(date(2025, 1, 8), reorient=True)
    others = [notified(date(2025, 1, 8)), notified(date(2025, 1, 9))]
    histories = [c.events for c in (first, *others)]
    assert (
        check_association(histories, with_settings(associations=capacity(2)), LATE)
        == {}
    )


def test_suivis_renforces_above_their_capacity_are_reported() -> None:
    one = notified(date(2025, 1, 6), "adsea42", renforce=True)
    two = notified(date(2025, 1, 7), "adsea42", renforce=True)
    found = check_association(
        [one.events, two.events], with_settings(associations=capacity(28, 1)), LATE
    )
    [finding] = found[two.id]
    assert "suivis renforcés" in finding.message


def test_capacity_is_the_one_in_force_on_the_notification_day() -> None:
    courses = [notified(date(2025, 1, day)) for day in (6, 7, 8)]
    histories = [c.events for c in courses]
    lowered_after = changed(date(2025, 1, 9), associations=capacity(2))
    assert check_association(histories, lowered_after, LATE) == {}
    lowered_before = changed(date(2025, 1, 8), associations=capacity(2))
    [finding] = check_association(histories, lowered_before, LATE)[courses[2].id]
    assert finding.settings_version == 2
