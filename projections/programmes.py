"""The programme list: one row per programme, one per dwelling, filterable by
department, commune and kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain.programme import LET, TO_LET, VACANT, Programme
from projections.handled_topics import handled_topics
from projections.lists import AreaFilter, Counted, equal_to, select_page
from projections.record_tables import record_table
from projections.rows import RowProjection, RowView, Table, event_handlers, fields_of

PROGRAMMES = record_table(
    name="programmes",
    columns={
        "name": "text",
        "kind": "text",
        "landlord": "text",
        "department": "text",
        "commune": "text",
        "stage": "text",
        "dwellings": "int",
        "dwellings_vacant": "int",  # waiting for a household: never let, or vacant
        "dossiers_to_gather": "int",
        "concertation_on": "date",
    },
    indexes=(("department", "commune"),),
)
DWELLINGS = Table(
    name="dwellings",
    columns={
        "programme_id": "uuid",
        "ref": "text",
        "typology": "text",
        "rent": "decimal",
        "charges": "decimal",
        "state": "text",
        "dossier_id": "uuid",
        "candidates": "int",  # households proposed from a liste complémentaire
    },
    key=("programme_id", "ref"),
)


@dataclass(frozen=True)
class ProgrammeRow:
    id: UUID
    name: str
    kind: str
    landlord: str
    department: str
    commune: str
    stage: str
    dwellings: int
    dwellings_vacant: int
    dossiers_to_gather: int | None
    concertation_on: date | None
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class DwellingRow:
    programme_id: UUID
    ref: str
    typology: str
    rent: Decimal
    charges: Decimal
    state: str
    dossier_id: UUID | None
    candidates: int


@dataclass(frozen=True)
class ProgrammeFilter(AreaFilter):
    kind: str | None = None


class ProgrammesProjection(RowProjection):
    name = "programmes"
    version = 2  # 2: candidates proposed per dwelling
    tables = (PROGRAMMES, DWELLINGS)

    process_event = event_handlers()

    @process_event.register
    def programme_announced(self, event: Programme.Announced, _: Tracking) -> None:
        self.open_record(
            "programmes",
            event,
            {
                **fields_of(event, "name", "kind", "landlord", "department", "commune"),
                "stage": Programme.Announced.STAGE,
                "dwellings": len(event.dwellings),
                "dwellings_vacant": len(event.dwellings),
                "dossiers_to_gather": None,
                "concertation_on": None,
            },
        )
        for dwelling in event.dwellings:
            self.view.insert(
                "dwellings",
                {
                    "programme_id": event.originator_id,
                    "ref": dwelling["ref"],
                    "typology": dwelling["typology"],
                    "rent": dwelling["rent"],
                    "charges": dwelling["charges"],
                    "state": TO_LET,
                    "dossier_id": None,
                    "candidates": 0,
                },
            )

    @process_event.register
    def concertation_held(self, event: Programme.ConcertationHeld, _: Tracking) -> None:
        self._touch(
            event,
            stage=Programme.ConcertationHeld.STAGE,
            dossiers_to_gather=event.dossiers_to_gather,
            concertation_on=event.occurred_on,
        )

    @process_event.register
    def dwelling_let(self, event: Programme.DwellingLet, _: Tracking) -> None:
        self._touch(event)
        self.view.increment("programmes", (event.originator_id,), dwellings_vacant=-1)
        self.view.update(
            "dwellings",
            (event.originator_id, event.ref),
            {"state": LET, "dossier_id": event.dossier_id, "candidates": 0},
        )

    @process_event.register
    def dwelling_vacated(self, event: Programme.DwellingVacated, _: Tracking) -> None:
        self._touch(event)
        self.view.increment("programmes", (event.originator_id,), dwellings_vacant=1)
        self.view.update(
            "dwellings",
            (event.originator_id, event.ref),
            {"state": VACANT, "dossier_id": None, "candidates": 0},
        )

    @process_event.register
    def candidates_proposed(
        self, event: Programme.CandidatesProposed, _: Tracking
    ) -> None:
        self._touch(event)
        self.view.update(
            "dwellings",
            (event.originator_id, event.ref),
            {"candidates": len(event.candidates)},
        )

    def _touch(self, event: Programme.Event, **changes: Any) -> None:
        self.touch("programmes", event, changes)

    topics = handled_topics(process_event)  # the events handled above


def select_programmes(
    view: RowView, query: ProgrammeFilter
) -> tuple[list[ProgrammeRow], Counted]:
    where = equal_to(query, "department", "commune", "kind")
    order = ("department", "commune", "name")
    return select_page(view, "programmes", where, order, query, ProgrammeRow)


def select_dwellings(view: RowView, programme_id: UUID) -> list[DwellingRow]:
    rows = view.select_rows("dwellings", {"programme_id": programme_id}, ("ref",))
    return [DwellingRow(**row) for row in rows]
