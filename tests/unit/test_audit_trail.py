"""The audit trail as a pure function of events, on a view in memory; and every
event class of every record with its French label and its legal basis."""

from __future__ import annotations

import random
from functools import partial
from typing import Any

import pytest

from domain import commission as c
from domain import dossier as d
from domain import mesure as m
from domain import programme as p
from domain import saisine as s
from domain.mesure_steps import ENDED
from domain.records import KINDS
from projections.audit_trail import (
    AuditTrailProjection,
    find_record,
    select_trail,
    summarise,
)
from tests.helpers.commission_sessions import procedure
from tests.helpers.dossiers import history_to
from tests.helpers.mesures import drive_with_history
from tests.helpers.rows import projected
from tests.helpers.saisines import SAISINE_STEPS, saisine_with_history

MODULES = (d, m, p, c, s)
AGGREGATES = (d.Dossier, m.Mesure, p.Programme, c.Commission, s.Saisine)


def stored_classes(aggregate: type) -> set[type]:
    """The event classes a history can hold: the aggregate's events, without an
    abstract base such as Dossier.Ended."""
    (kind,) = [k for k in KINDS if k.aggregate is aggregate]
    classes = set(kind.event_classes())
    return classes - {base for cls in classes for base in cls.__mro__[1:]}


@pytest.mark.parametrize("module", MODULES, ids=lambda x: x.__name__)
def test_every_event_has_a_french_label_and_a_legal_basis(module: Any) -> None:
    aggregate = next(a for a in AGGREGATES if a.__module__ == module.__name__)
    events = stored_classes(aggregate)
    assert events
    assert events == set(module.EVENT_LABELS)
    assert events == set(module.EVENT_BASES)
    assert all(basis.strip() for basis in module.EVENT_BASES.values())


def test_every_kind_of_record_is_in_the_trail() -> None:
    assert {k.aggregate for k in KINDS} == set(AGGREGATES)
    topics = set(AuditTrailProjection.topics)
    for aggregate in AGGREGATES:
        assert {cls.TOPIC for cls in stored_classes(aggregate)} <= topics


def histories() -> list[list[Any]]:
    dossier = history_to(d.CLOSED)
    deferred = history_to(d.DEFERRED)
    mesure = drive_with_history(ENDED)[1]
    saisine = saisine_with_history(*SAISINE_STEPS)[1]
    sessions = procedure()[0]
    return [dossier, deferred, mesure, saisine, sessions]


project = partial(projected, AuditTrailProjection)


def interleaved(seed: int) -> list[Any]:
    queues = [list(h) for h in histories()]
    rng = random.Random(seed)
    events = []
    while any(queues):
        events.append(rng.choice([q for q in queues if q]).pop(0))
    return events


class TestAuditTrail:
    def test_one_row_per_event_in_order_with_who_when_what_and_why(self) -> None:
        events = interleaved(1)
        view = project(events, batch_size=5)
        ids = list(dict.fromkeys(e.originator_id for e in events))
        for record_id in ids:
            own = [e for e in events if e.originator_id == record_id]
            rows = select_trail(view, record_id)
            assert [r.version for r in rows] == [e.originator_version for e in own]
            assert [r.event_type for r in rows] == [type(e).__name__ for e in own]
            positions = [events.index(e) + 1 for e in own]
            assert [r.position for r in rows] == positions
            for row, event in zip(rows, own, strict=True):
                kind = next(k for k in KINDS if k.name == row.kind)
                assert row.label == kind.labels[type(event)]
                assert row.basis == kind.bases[type(event)]
                assert row.actor_subject == event.actor.subject
                assert row.actor_role == event.actor.role
                assert row.actor_organisation == event.actor.organisation
                assert row.recorded_at == event.timestamp
                assert row.occurred_on == event.occurred_on
            first = own[0]
            record = find_record(view, record_id)
            assert record is not None
            assert record.department == first.department
            assert record.commune == first.commune

    def test_commission_of_each_decision_on_a_dossier(self) -> None:
        events = history_to(d.CLOSED)
        view = project(events, batch_size=len(events))
        rows = select_trail(view, events[0].originator_id)
        for row, event in zip(rows, events, strict=True):
            assert row.commission_id == getattr(event, "commission_id", None)
        assert {r.event_type for r in rows if r.commission_id} == {
            "PreSelected",
            "Ranked",
            "CALDecided",
        }

    def test_a_sessions_events_belong_to_it(self) -> None:
        events = procedure()[0]
        view = project(events, batch_size=3)
        for session_id in {e.originator_id for e in events}:
            rows = select_trail(view, session_id)
            assert rows
            assert {r.commission_id for r in rows} == {session_id}
            assert {r.kind for r in rows} == {"commission"}

    @pytest.mark.parametrize("seed", range(3))
    def test_batch_size_changes_nothing(self, seed: int) -> None:
        events = interleaved(seed)
        one_by_one = project(events, batch_size=1)
        all_at_once = project(events, batch_size=len(events))
        assert one_by_one.rows == all_at_once.rows
        assert all_at_once.writes == 1


class TestSummaries:
    def test_decisions_are_summarised(self) -> None:
        events = {type(e): e for e in history_to(d.CLOSED)}
        ranked = summarise(events[d.Dossier.Ranked])
        assert ranked.startswith("Issue : rang")
        assert "Décision : attribution" in summarise(events[d.Dossier.CALDecided])
        assert summarise(events[d.Dossier.AnalysisStarted]) == ""

    def test_no_social_enquiry_text_in_a_summary(self) -> None:
        events = {type(e): e for e in history_to(d.CLOSED)}
        enquiry = events[d.Dossier.SocialEnquiryRendered]
        assert summarise(enquiry) == f"Avis : {enquiry.avis}"
        review = events[d.Dossier.InstallationReviewed]
        assert review.findings not in summarise(review)

    def test_every_event_of_the_histories_has_a_summary_or_none(self) -> None:
        for event in interleaved(0):
            assert isinstance(summarise(event), str)
