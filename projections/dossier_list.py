"""The dossier list: one row per dossier, filterable by commune, programme, stage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.dossier import Dossier
from domain.facts import LANDLORD_OUTCOMES
from domain.personal import ERASED
from domain.programme import Programme
from projections.rows import (
    Between,
    PlaceFilter,
    RowProjection,
    RowView,
    Table,
    equal_to,
    event_handlers,
    event_topics,
    fields_of,
    select_page,
)

DOSSIERS = Table(
    name="dossiers",
    columns={
        "id": "uuid",
        "applicant_name": "text",
        "household_size": "int",
        "department": "text",
        "commune": "text",
        "programme_id": "uuid",
        "dalo": "bool",
        "numero_unique": "text",
        "origin_role": "text",
        "origin_organisation": "text",
        # The landlord who may read it (DOMAIN.md §9, domain/access.py): its
        # programme's, or the CAL's that decided on it; once `ranked`.
        "landlord": "text",
        "ranked": "bool",
        "stage": "text",
        # OFFRE-DELAI: while the dossier awaits the household's answer to an
        # offer (stage offre_faite), the offer's answer deadline
        "answer_deadline": "date",
        # The documents asked during the analysis (ALS-CONTACT) and not yet
        # received, as the dossier holds them (their names, not personal
        # data), and the day of the request since which some have been awaited
        # (null while none is).
        "outstanding_documents": "json",
        "documents_requested_on": "date",
        "version": "int",
        "identified_on": "date",
        "last_occurred_on": "date",
        "updated_at": "datetime",
    },
    key=("id",),
    personal={"applicant_name": "id"},
    indexes=(
        ("commune", "stage"),
        ("programme_id",),
        ("identified_on",),
        ("landlord", "ranked"),
    ),
)
# Each programme's landlord, for the dossiers identified for it.
PROGRAMME_LANDLORDS = Table(
    name="programme_landlords",
    columns={"programme_id": "uuid", "landlord": "text"},
    key=("programme_id",),
)


@dataclass(frozen=True)
class DossierRow:
    id: UUID
    applicant_name: str
    household_size: int
    department: str
    commune: str
    programme_id: UUID | None
    dalo: bool
    numero_unique: str | None
    origin_role: str
    origin_organisation: str
    landlord: str | None
    ranked: bool
    stage: str
    answer_deadline: date | None
    outstanding_documents: list[str]
    documents_requested_on: date | None
    version: int
    identified_on: date
    last_occurred_on: date
    updated_at: datetime


@dataclass(frozen=True)
class DossierFilter(PlaceFilter):
    stage: str | None = None
    # Only the dossiers awaiting documents asked (True), or all (None).
    documents_requested: bool | None = None


def dossier_topics() -> tuple[str, ...]:
    """The stored topics of every dossier event (their explicit TOPICs)."""
    return event_topics(Dossier, Dossier.Ended)


class DossierListProjection(RowProjection):
    name = "dossier_list"
    # 2: landlord and ranked (the landlord's scope); 3: name sealed; 4: the
    # offer's answer deadline; 5: the documents asked and not yet received
    version = 5
    tables = (DOSSIERS, PROGRAMME_LANDLORDS)
    topics = (*dossier_topics(), Programme.Announced.TOPIC)

    process_event = event_handlers()

    @process_event.register
    def programme_announced(self, event: Programme.Announced, _: Tracking) -> None:
        self.view.insert(
            "programme_landlords",
            {"programme_id": event.originator_id, "landlord": event.landlord},
        )

    @process_event.register
    def dossier_identified(self, event: Dossier.Identified, _: Tracking) -> None:
        programme = (
            self.view.get("programme_landlords", (event.programme_id,))
            if event.programme_id is not None
            else None
        )
        self.view.insert(
            "dossiers",
            {
                "id": event.originator_id,
                **fields_of(
                    event,
                    "applicant_name",
                    "household_size",
                    "department",
                    "commune",
                    "programme_id",
                    "dalo",
                    "numero_unique",
                ),
                "origin_role": event.actor.role,
                "origin_organisation": event.actor.organisation,
                "landlord": programme["landlord"] if programme else None,
                "ranked": False,
                "stage": event.resulting_stage(""),
                "answer_deadline": None,
                "outstanding_documents": [],
                "documents_requested_on": None,
                "version": event.originator_version,
                "identified_on": event.occurred_on,
                "last_occurred_on": event.occurred_on,
                "updated_at": event.timestamp,
            },
        )

    @process_event.register
    def dossier_changed(self, event: Dossier.Event, _: Tracking) -> None:
        changes: dict[str, Any] = {}
        if event.CHRONOLOGICAL:
            changes["last_occurred_on"] = event.occurred_on
        if stage := event.resulting_stage(""):
            changes["stage"] = stage
            offered = isinstance(event, Dossier.Offered)
            changes["answer_deadline"] = event.answer_deadline if offered else None
        if isinstance(event, Dossier.DemandRenewed):
            changes["numero_unique"] = event.numero_unique
        if isinstance(event, Dossier.Ranked):
            changes["ranked"] = event.outcome in LANDLORD_OUTCOMES
        if isinstance(event, Dossier.CALDecided) and event.landlord:
            changes["landlord"] = event.landlord
        if isinstance(event, Dossier.PersonalDataErased):
            changes["applicant_name"] = ERASED
        if isinstance(event, Dossier.DocumentsRequested | Dossier.DocumentsReceived):
            changes.update(self._documents(event))
        self.touch("dossiers", event, changes)

    def _documents(
        self, event: Dossier.DocumentsRequested | Dossier.DocumentsReceived
    ) -> dict[str, Any]:
        """The documents still awaited after a request or a receipt (as the
        dossier's `apply` computes them), and since when: the day of the
        request that found none awaited, until none is."""
        row = self.view.get("dossiers", (event.originator_id,))
        assert row is not None, event.originator_id
        before = set(row["outstanding_documents"])
        if isinstance(event, Dossier.DocumentsRequested):
            awaited = before | set(event.documents)
            since = row["documents_requested_on"] if before else event.occurred_on
        else:
            awaited = before - set(event.documents)
            since = row["documents_requested_on"]
        return {
            "outstanding_documents": sorted(awaited),
            "documents_requested_on": since if awaited else None,
        }


def select_dossiers(
    view: RowView, query: DossierFilter
) -> tuple[list[DossierRow], int]:
    where = equal_to(query, "commune", "programme_id", "stage", "department")
    if query.documents_requested:
        where["documents_requested_on"] = Between(first=date.min)
    return select_page(view, "dossiers", where, ("-identified_on",), query, DossierRow)
