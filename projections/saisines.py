"""The CCAPEX referrals' list (DOMAIN.md §5, §10): one row per referral, its
stage, its enquiry's operator (the association's scope: the referrals whose
enquiry was asked of it) and the day its prevention work is due by, from
CCAPEX-SAISINE's delays (`domain.saisine_rules.prevention_due_on`: the hearing,
the earliest hearing, or a legal-entity landlord's earliest assignation).

Rows keep ids, places, the landlord and dates: no arrears, no enquiry, no
recommendation (the referral's page reads them from its history)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.saisine import Saisine
from domain.saisine_rules import prevention_due_on
from projections.lists import AreaFilter, Counted, equal_to, select_page
from projections.record_tables import record_table
from projections.rows import (
    Row,
    RowProjection,
    RowView,
    event_handlers,
    event_topics,
    fields_of,
)

SAISINES = record_table(
    name="saisines",
    columns={
        "source": "text",
        "household_id": "uuid",
        "department": "text",
        "commune": "text",
        "landlord": "text",
        "landlord_is_legal_entity": "bool",
        "stage": "text",
        "referred_on": "date",
        "registered_on": "date",
        "enquiry_operator": "text",
        "enquiry_operator_role": "text",  # association or departement
        "enquiry_requested_on": "date",
        "enquiry_returned_on": "date",
        "summons_on": "date",
        "hearing_on": "date",
        "due_on": "date",  # prevention_due_on; null once closed (no step after)
        "outcome": "text",
        "closed_on": "date",
    },
    indexes=(
        ("department", "commune", "stage"),
        ("enquiry_operator", "enquiry_operator_role"),
        ("referred_on",),
    ),
)


@dataclass(frozen=True)
class SaisineRow:
    id: UUID
    source: str
    household_id: UUID
    department: str
    commune: str
    landlord: str
    landlord_is_legal_entity: bool
    stage: str
    referred_on: date
    registered_on: date | None
    enquiry_operator: str | None
    enquiry_operator_role: str | None
    enquiry_requested_on: date | None
    enquiry_returned_on: date | None
    summons_on: date | None
    hearing_on: date | None
    due_on: date | None
    outcome: str | None
    closed_on: date | None
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class SaisineFilter(AreaFilter):
    stage: str | None = None
    # the enquiry's operator (its organisation and role): what awaits it
    enquiry_operator: str | None = None
    enquiry_operator_role: str | None = None


class SaisinesProjection(RowProjection):
    name = "saisines"
    tables = (SAISINES,)
    topics = event_topics(Saisine)

    process_event = event_handlers()

    @process_event.register
    def signalled(self, event: Saisine.Signalled, _: Tracking) -> None:
        row = dict.fromkeys(SAISINES.columns)
        row.update(
            fields_of(
                event,
                "source",
                "household_id",
                "department",
                "commune",
                "landlord",
                "landlord_is_legal_entity",
                "summons_on",
                "hearing_on",
            ),
            id=event.originator_id,
            stage=Saisine.Signalled.STAGE,
            referred_on=event.occurred_on,
            version=event.originator_version,
            updated_at=event.timestamp,
        )
        row["due_on"] = _due_on(row)
        self.view.insert("saisines", row)

    @process_event.register
    def registered(self, event: Saisine.Registered, _: Tracking) -> None:
        self._change(event, registered_on=event.occurred_on)

    @process_event.register
    def enquiry_requested(self, event: Saisine.EnquiryRequested, _: Tracking) -> None:
        self._change(
            event,
            enquiry_operator=event.operator,
            enquiry_operator_role=event.operator_role,
            enquiry_requested_on=event.occurred_on,
        )

    @process_event.register
    def enquiry_returned(self, event: Saisine.EnquiryReturned, _: Tracking) -> None:
        self._change(event, enquiry_returned_on=event.occurred_on)

    @process_event.register
    def court_dates_recorded(
        self, event: Saisine.CourtDatesRecorded, _: Tracking
    ) -> None:
        row = self.view.get("saisines", (event.originator_id,))
        assert row is not None, event.originator_id
        dates = {
            "summons_on": event.summons_on or row["summons_on"],
            "hearing_on": event.hearing_on or row["hearing_on"],
        }
        self._change(event, **dates, due_on=_due_on({**row, **dates}))

    @process_event.register
    def closed(self, event: Saisine.Closed, _: Tracking) -> None:
        self._change(
            event, outcome=event.outcome, closed_on=event.occurred_on, due_on=None
        )

    @process_event.register
    def other_step(self, event: Saisine.Event, _: Tracking) -> None:
        """Oriented, examined, avis, follow-up: the stage they lead to; an
        erasure: nothing of the row is personal (its version only)."""
        self._change(event)

    def _change(self, event: Saisine.Event, **changes: Any) -> None:
        if stage := event.resulting_stage(""):
            changes["stage"] = stage
        self.touch("saisines", event, changes)


def _due_on(row: Row) -> date | None:
    return prevention_due_on(
        row["source"],
        row["landlord_is_legal_entity"],
        row["referred_on"],
        row["summons_on"],
        row["hearing_on"],
    )


def select_saisines(
    view: RowView, query: SaisineFilter
) -> tuple[list[SaisineRow], Counted]:
    """Referrals matching the filter, last referred first, and how many match."""
    columns = (
        "department",
        "commune",
        "stage",
        "enquiry_operator",
        "enquiry_operator_role",
    )
    where = equal_to(query, *columns)
    return select_page(view, "saisines", where, ("-referred_on",), query, SaisineRow)
