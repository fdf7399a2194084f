"""The commissions' read model as a pure function of commission events, on a view
in memory: after every event it holds what the aggregates say, and its queries
answer the sessions, a session's lists and a commune's listes complémentaires."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Tracking

from domain import commission_steps as c
from domain.commission import Commission
from domain.commission_values import RankingEntry
from domain.dossier_rules import ATTRIBUTIONS
from projections.commissions import (
    CommissionFilter,
    CommissionsProjection,
    commission_list,
    listes_complementaires,
    select_commissions,
)
from projections.lists import Counted
from tests.helpers.aggregates import given
from tests.helpers.commission_sessions import (
    LIST_VALID_UNTIL,
    LISTED,
    RANKED,
    SET_ASIDE,
    procedure,
)
from tests.helpers.commissions import (
    ATTENDEES,
    CHAIR,
    OTHER_COMMUNE,
    PROGRAMME,
    REFS,
    RETURN_SESSION_ON,
    convene_command,
    rda_settings,
    session_meta,
)
from tests.helpers.dossiers import COMMUNE, DAY, DEPARTMENT
from tests.helpers.rows import MemoryRowView, projected

if TYPE_CHECKING:
    from collections.abc import Sequence

PREF = c.COMMISSION_PREFECTORALE
ALL_KINDS = set(c.KINDS)
ONE_DAY = timedelta(days=1)
PROGRAMME_ID = PROGRAMME.id


project = partial(projected, CommissionsProjection)


# ---- what the aggregates say ----------------------------------------------------


def replayed(events: Sequence[Commission.Event]) -> list[Commission]:
    ids = list(dict.fromkeys(e.originator_id for e in events))
    return [given(e for e in events if e.originator_id == i) for i in ids]


def expected_session(x: Commission) -> dict[str, Any]:
    ranking = x.ranking or {}
    decisions = [dec for exam in x.examinations for dec in exam["decisions"]]
    return {
        "kind": x.kind,
        "department": x.department,
        "commune": x.commune,
        "programme_id": x.programme_id,
        "landlord": x.landlord,
        "held_on": x.held_on,
        "stage": x.stage,
        "attendees": len(x.attendees),
        "presided_by": x.presided_by,
        "dwellings": list(x.dwelling_refs),
        "decisions": len(x.decided),
        "preselected": len(x.preselections),
        "ranked": len(ranking.get("ranked", [])),
        "listed": len(ranking.get("liste_complementaire", [])),
        "not_retained": len(ranking.get("non_retenus", [])),
        "cal_decisions": len(decisions),
        "attributions": sum(dec["decision"] in ATTRIBUTIONS for dec in decisions),
        "list_valid_until": ranking.get("list_valid_until"),
        "minutes_closed_on": x.minutes_closed_on,
        "version": x.version,
    }


def expected_entries(sessions: list[Commission]) -> dict[tuple[UUID, UUID], tuple]:
    """(section, position, outcome, dwelling, valid_until, (CAL, its decision))."""
    rows: dict[tuple[UUID, UUID], tuple] = {}
    for x in sessions:
        for i, p in enumerate(x.preselections, start=1):
            rows[x.id, p["dossier_id"]] = ("preselection", i, p["outcome"], None)
        ranking = x.ranking or {}
        for e in ranking.get("ranked", []):
            rows[x.id, e["dossier_id"]] = ("rang", e["rank"], "rang", None)
        for e in ranking.get("liste_complementaire", []):
            section = "liste_complementaire"
            rows[x.id, e["dossier_id"]] = (section, e["position"], section, None)
        for i, e in enumerate(ranking.get("non_retenus", []), start=1):
            rows[x.id, e["dossier_id"]] = ("non_retenu", i, "non_retenu", None)
        for exam in x.examinations:
            for i, dec in enumerate(exam["decisions"], start=1):
                ref = exam["dwelling_ref"]
                rows[x.id, dec["dossier_id"]] = ("cal", i, dec["decision"], ref)
    listed = {
        (x.id, e["dossier_id"]): x.ranking["list_valid_until"]
        for x in sessions
        for e in (x.ranking or {}).get("liste_complementaire", [])
    }
    later = {  # a CAL's decision, on the commission préfectorale's entry
        (dec["prior"]["commission_id"], dec["dossier_id"]): (x.id, dec["decision"])
        for x in sessions
        for exam in x.examinations
        for dec in exam["decisions"]
    }
    return {key: (*row, listed.get(key), later.get(key)) for key, row in rows.items()}


def assert_view_says_what_the_events_say(
    view: MemoryRowView, events: Sequence[Commission.Event]
) -> None:
    sessions = replayed(events)
    stored = view.rows["commissions"]
    assert set(stored) == {(x.id,) for x in sessions}
    for x in sessions:
        row = stored[x.id,]
        assert {k: row[k] for k in expected_session(x)} == expected_session(x)
    entries = {
        key: (
            r["section"],
            r["position"],
            r["outcome"],
            r["dwelling_ref"],
            r["valid_until"],
            (r["cal_id"], r["cal_decision"]) if r["cal_id"] else None,
        )
        for key, r in view.rows["entries"].items()
    }
    assert entries == expected_entries(sessions)
    dwellings = {
        key: (r["examined"], r["candidates"], r["exception"])
        for key, r in view.rows["dwellings"].items()
    }
    examined = {
        (x.id, exam["dwelling_ref"]): (True, len(exam["decisions"]), exam["exception"])
        for x in sessions
        for exam in x.examinations
    }
    assert dwellings == {
        (x.id, ref): examined.get((x.id, ref), (False, 0, None))
        for x in sessions
        for ref in x.dwelling_refs
    }


class TestProjection:
    def test_after_each_event_the_view_holds_what_the_events_say(self) -> None:
        events, _ = procedure()
        view = MemoryRowView(CommissionsProjection.tables)
        projection = CommissionsProjection(view=view)
        for position, event in enumerate(events, start=1):
            view.begin()
            projection.prefetch([event])
            projection.process_event(event, Tracking("Logis", position))
            view.commit(Tracking("Logis", position))
            assert_view_says_what_the_events_say(view, events[:position])

    @pytest.mark.parametrize("seed", range(3))
    def test_batch_size_changes_nothing(self, seed: int) -> None:
        events, _ = procedure()
        one_by_one = project(events, 1)
        all_at_once = project(events, len(events))
        some = project(events, random.Random(seed).randint(2, 7))
        assert one_by_one.rows == all_at_once.rows == some.rows
        assert all_at_once.writes == 1

    def test_rows_are_plain_json_values(self) -> None:
        events, _ = procedure()
        view = project(events, len(events))
        (row,) = [
            r for r in view.rows["entries"].values() if r["outcome"] == "ajournement"
        ]
        assert row["details"]["return_session_on"] == RETURN_SESSION_ON.isoformat()
        assert row["details"]["prior"]["outcome"] == "liste_complementaire"
        assert isinstance(row["details"]["prior"]["commission_id"], str)

    def test_a_departure_from_the_rda_order_keeps_its_motive(self) -> None:
        events, sessions = procedure()
        view = project(events, 4)
        row = view.rows["entries"][sessions["pref"].id, RANKED[1]]
        assert row["motive"] == "Rez-de-chaussée adapté."
        assert row["criteria"] == ["sans_logement"]
        assert row["details"] == {"passed_over": [str(RANKED[2])]}


class TestQueries:
    @pytest.fixture
    def view(self) -> MemoryRowView:
        events, _ = procedure()
        other = convene_command(
            c.PRE_COMMISSION, commune=OTHER_COMMUNE, programme=None
        )(None)
        return project([*events, *other.collect_events()], 5)

    def test_sessions_most_recent_first(self, view: MemoryRowView) -> None:
        rows, total = select_commissions(view, CommissionFilter())
        assert total == Counted(4)
        assert [r.held_on for r in rows] == sorted(
            (r.held_on for r in rows), reverse=True
        )

    @pytest.mark.parametrize(
        ("query", "kinds"),
        [
            (CommissionFilter(commune=COMMUNE), ALL_KINDS),
            (CommissionFilter(commune=OTHER_COMMUNE), {"pre_commission"}),
            (CommissionFilter(kind="cal"), {"cal"}),
            (CommissionFilter(DEPARTMENT, programme_id=PROGRAMME_ID), ALL_KINDS),
            (CommissionFilter(department="971"), set()),
            (CommissionFilter(held_from=DAY["rank"]), {"cal", PREF}),
            (CommissionFilter(held_until=DAY["rank"] - ONE_DAY), {"pre_commission"}),
            (CommissionFilter(held_from=DAY["rank"], held_until=DAY["rank"]), {PREF}),
        ],
    )  # fmt: skip
    def test_filters(
        self, view: MemoryRowView, query: CommissionFilter, kinds: set[str]
    ) -> None:
        rows, total = select_commissions(view, query)
        assert {r.kind for r in rows} == kinds
        assert total == Counted(len(rows))

    @pytest.mark.parametrize("period", [False, True])
    def test_pages(self, view: MemoryRowView, period: bool) -> None:
        since = DAY["identify"] if period else None
        first, total = select_commissions(
            view, CommissionFilter(held_from=since, limit=3)
        )
        rest, again = select_commissions(
            view, CommissionFilter(held_from=since, limit=3, offset=3)
        )
        assert total == again == Counted(4)
        assert (len(first), len(rest)) == (3, 1)
        assert not {r.id for r in first} & {r.id for r in rest}

    def test_the_commission_prefectorale_list(self, view: MemoryRowView) -> None:
        (pref_id,) = [
            k[0]
            for k, r in view.rows["commissions"].items()
            if r["kind"] == "commission_prefectorale"
        ]
        lists = commission_list(view, pref_id)
        assert lists is not None
        assert [e.dossier_id for e in lists.ranked] == list(RANKED)
        assert [e.position for e in lists.ranked] == [1, 2, 3]
        assert [e.dossier_id for e in lists.liste_complementaire] == list(LISTED)
        assert {e.valid_until for e in lists.liste_complementaire} == {LIST_VALID_UNTIL}
        assert lists.commission.list_valid_until == LIST_VALID_UNTIL
        assert [e.dossier_id for e in lists.non_retenus] == [SET_ASIDE]
        assert [e.dossier_id for e in lists.agenda] == [*RANKED, *LISTED, SET_ASIDE]
        assert [e.cal_decision for e in lists.ranked] == [
            "attribution",
            "non_attribution",
            "attribution",
        ]
        assert [e.cal_decision for e in lists.liste_complementaire] == [
            "ajournement",
            None,
        ]
        assert lists.dwellings == []

    def test_the_cal_list_groups_candidates_by_dwelling(
        self, view: MemoryRowView
    ) -> None:
        (cal_id,) = [
            k[0] for k, r in view.rows["commissions"].items() if r["kind"] == "cal"
        ]
        lists = commission_list(view, cal_id)
        assert lists is not None
        first, second, third = lists.dwellings
        assert (first.ref, second.ref, third.ref) == REFS
        assert [e.dossier_id for e in first.candidates] == [*RANKED[:2], LISTED[0]]
        assert [e.outcome for e in first.candidates] == [
            "attribution",
            "non_attribution",
            "ajournement",
        ]
        assert (second.exception, [e.dossier_id for e in second.candidates]) == (
            "dalo",
            [RANKED[2]],
        )
        assert (third.examined, third.candidates) == (False, [])
        assert len(lists.agenda) == 4
        assert lists.commission.attributions == 2

    def test_an_unknown_commission_has_no_list(self, view: MemoryRowView) -> None:
        assert commission_list(view, uuid4()) is None

    @pytest.mark.parametrize(
        ("as_of", "listed"),
        [
            (DAY["rank"] - timedelta(days=1), False),  # before the commission
            (DAY["rank"], True),
            (LIST_VALID_UNTIL, True),  # its last day
            (LIST_VALID_UNTIL + timedelta(days=1), False),  # expired
        ],
    )
    def test_a_liste_complementaire_serves_its_commune_while_valid(
        self, view: MemoryRowView, as_of: date, listed: bool
    ) -> None:
        listes = listes_complementaires(view, COMMUNE, as_of)
        assert [[e.dossier_id for e in x.entries] for x in listes] == (
            [list(LISTED)] if listed else []
        )
        assert listes_complementaires(view, OTHER_COMMUNE, as_of) == []

    def test_listes_come_oldest_first(self) -> None:
        events, _ = procedure()
        later = convene_command(
            c.COMMISSION_PREFECTORALE, held_on=DAY["rank"] + timedelta(days=30)
        )(None)
        on = later.held_on
        kind = c.COMMISSION_PREFECTORALE
        later.record_attendance(ATTENDEES[kind], CHAIR[kind], session_meta(kind, on=on))
        newcomer = uuid4()
        later.rank(
            ranked=[],
            liste_complementaire=[RankingEntry(newcomer)],
            non_retenus=[],
            settings=rda_settings(),
            settings_version=1,
            meta=session_meta(kind, on=on),
        )
        view = project([*events, *later.collect_events()], 3)
        listes = listes_complementaires(view, COMMUNE, on)
        assert [x.held_on for x in listes] == [DAY["rank"], on]
        assert [[e.dossier_id for e in x.entries] for x in listes] == [
            list(LISTED),
            [newcomer],
        ]
        assert [x.valid_until for x in listes] == [
            LIST_VALID_UNTIL,
            date(2025, 11, 22),
        ]
