"""The dossier list: one row per dossier, filterable by commune, programme, stage,
and searched by words of what it holds besides the household's name (`search`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.dossier import Dossier
from domain.facts import LANDLORD_OUTCOMES
from domain.personal import ERASED
from domain.places import COMMUNE_NAMES
from domain.programme import Programme
from domain.text import folded
from projections.lists import Counted, PlaceFilter, equal_to, select_page
from projections.rows import (
    Between,
    Containing,
    RowProjection,
    RowView,
    Table,
    event_handlers,
    event_topics,
    fields_of,
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
        # What a search matches (`search_text`): never a personal column, which
        # is sealed under the household's key so that erasure reaches it
        "search": "text",
    },
    key=("id",),
    personal={"applicant_name": "id"},
    indexes=(
        ("commune", "stage"),
        ("programme_id",),
        ("identified_on",),
        ("landlord", "ranked"),
        # A department's page, newest first, and its count (projections/lists.py)
        # read its own entries only: without it, a small department's page in
        # a large store walked every dossier's (1.4 s at 10⁶ dossiers).
        ("department", "identified_on"),
    ),
)
# Each programme's landlord and name, for the dossiers identified for it.
PROGRAMME_LANDLORDS = Table(
    name="programme_landlords",
    columns={"programme_id": "uuid", "landlord": "text", "name": "text"},
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
    # Words each found in the dossier's reference, numéro unique, commune
    # (code or name), department, programme's name, landlord or organisation
    q: str | None = None
    # Only the dossiers awaiting documents asked (True), or all (None).
    documents_requested: bool | None = None


def search_text(row: dict[str, Any], programme: dict[str, Any] | None) -> str:
    """The words a search finds the dossier `row` by (its programme's row from
    `programme_landlords`), folded: one line per field."""
    fields = (
        str(row["id"]),
        row["numero_unique"],
        row["commune"],
        COMMUNE_NAMES.get(row["commune"]),
        row["department"],
        programme["name"] if programme else None,
        row["landlord"],
        row["origin_organisation"],
    )
    return "\n".join(folded(field) for field in fields if field)


def dossier_topics() -> tuple[str, ...]:
    """The stored topics of every dossier event (their explicit TOPICs)."""
    return event_topics(Dossier, Dossier.Ended)


class DossierListProjection(RowProjection):
    name = "dossier_list"
    # 2: landlord and ranked (the landlord's scope); 3: name sealed; 4: the
    # offer's answer deadline; 5: the search's words, the documents asked and
    # not yet received
    version = 5
    tables = (DOSSIERS, PROGRAMME_LANDLORDS)
    topics = (*dossier_topics(), Programme.Announced.TOPIC)

    process_event = event_handlers()

    @process_event.register
    def programme_announced(self, event: Programme.Announced, _: Tracking) -> None:
        programme = fields_of(event, "landlord", "name")
        row = {"programme_id": event.originator_id, **programme}
        self.view.insert("programme_landlords", row)

    def programme_of(self, row: dict[str, Any]) -> dict[str, Any] | None:
        programme_id = row["programme_id"]
        if programme_id is None:
            return None
        return self.view.get("programme_landlords", (programme_id,))

    @process_event.register
    def dossier_identified(self, event: Dossier.Identified, _: Tracking) -> None:
        programme = self.programme_of({"programme_id": event.programme_id})
        row = {
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
        }
        self.view.insert("dossiers", {**row, "search": search_text(row, programme)})

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
        if {"numero_unique", "landlord"} & changes.keys():
            row = self.view.get("dossiers", (event.originator_id,))
            if row is not None:
                row.update(changes)
                changes["search"] = search_text(row, self.programme_of(row))
        self.touch("dossiers", event, changes)

    def _documents(
        self, event: Dossier.DocumentsRequested | Dossier.DocumentsReceived
    ) -> dict[str, Any]:
        """The documents still awaited after a request or a receipt (the
        event's own `awaited`, as the dossier's `apply`), and since when: the
        day of the request that found none awaited, until none is."""
        row = self.view.get("dossiers", (event.originator_id,))
        assert row is not None, event.originator_id
        awaited = event.awaited(row["outstanding_documents"])
        since = row["documents_requested_on"]
        if isinstance(event, Dossier.DocumentsRequested) and not since:
            since = event.occurred_on
        return {
            "outstanding_documents": awaited,
            "documents_requested_on": since if awaited else None,
        }


def select_dossiers(
    view: RowView, query: DossierFilter
) -> tuple[list[DossierRow], Counted]:
    where = equal_to(query, "commune", "programme_id", "stage", "department")
    if words := tuple(folded(query.q or "").split()):
        where["search"] = Containing(words)
    if query.documents_requested:
        where["documents_requested_on"] = Between(first=date.min)
    return select_page(view, "dossiers", where, ("-identified_on",), query, _row)


def _row(search: str, **columns: Any) -> DossierRow:
    """A row of the list, less the search's words (not for display)."""
    return DossierRow(**columns)
