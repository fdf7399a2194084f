"""The workload dashboard's first figure: how many dossiers stand at each stage,
per department and commune. Counters, so an event applied twice would show."""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from domain.dossier import Dossier
from projections.dossier_list import dossier_topics
from projections.rows import RowProjection, RowView, Table, event_handlers

STAGE_COUNTS = Table(
    name="stage_counts",
    columns={
        "department": "text",
        "commune": "text",
        "stage": "text",
        "dossiers": "int",
    },
    key=("department", "commune", "stage"),
)
# Where each dossier stands now, to move it from one counter to the next.
PLACES = Table(
    name="places",
    columns={"id": "uuid", "department": "text", "commune": "text", "stage": "text"},
    key=("id",),
)


class StageCountsProjection(RowProjection):
    name = "stage_counts"
    version = 1
    tables = (STAGE_COUNTS, PLACES)
    topics = dossier_topics()
    reads_personal = False

    process_event = event_handlers()

    @process_event.register
    def dossier_identified(self, event: Dossier.Identified, _: Tracking) -> None:
        stage = event.resulting_stage("")
        self.view.insert(
            "places",
            {
                "id": event.originator_id,
                "department": event.department,
                "commune": event.commune,
                "stage": stage,
            },
        )
        self._count(event.department, event.commune, stage, +1)

    @process_event.register
    def dossier_changed(self, event: Dossier.Event, _: Tracking) -> None:
        stage = event.resulting_stage("")
        place = self.view.get("places", (event.originator_id,))
        if not stage or place is None or place["stage"] == stage:
            return
        self._count(place["department"], place["commune"], place["stage"], -1)
        self._count(place["department"], place["commune"], stage, +1)
        self.view.update("places", (event.originator_id,), {"stage": stage})

    def prefetch(self, events: list[Any]) -> None:
        moves = [
            (e.originator_id,)
            for e in events
            if isinstance(e, Dossier.Event) and not isinstance(e, Dossier.Identified)
        ]
        self.view.prefetch("places", moves)

    def _count(self, department: str, commune: str, stage: str, delta: int) -> None:
        row = {"department": department, "commune": commune, "stage": stage}
        self.view.tally("stage_counts", row, dossiers=delta)


def select_stage_counts(
    view: RowView, department: str | None = None, commune: str | None = None
) -> list[dict[str, Any]]:
    where = {k: v for k, v in (("department", department), ("commune", commune)) if v}
    rows = view.select_rows("stage_counts", where, ("department", "commune", "stage"))
    return [row for row in rows if row["dossiers"]]
