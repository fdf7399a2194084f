"""The LLTS statistics' writer: each dossier's steps and each ASLL convention
into rows.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from domain.dossier import Dossier
from domain.mesure import Mesure
from projections.dossier_list import dossier_topics
from projections.llts_statistics.tables import (
    ATTRIBUTIONS,
    ATTRIBUTIONS_COUNTED,
    DOSSIERS,
    SUPPORTS,
)
from projections.mesures.tables import mesure_topics
from projections.rows import RowProjection, event_handlers

# The day a dossier first took each of these steps, in its column.
STEP_DAYS = {
    Dossier.AnalysisStarted: "analysed_on",
    Dossier.LeaseSigned: "lease_signed_on",
    Dossier.Entered: "entered_on",
}


class LltsStatisticsProjection(RowProjection):
    name = "llts_statistics"
    version = 1
    tables = (DOSSIERS, ATTRIBUTIONS, SUPPORTS)
    topics = (*dossier_topics(), *mesure_topics())
    reads_personal = False

    process_event = event_handlers()

    @process_event.register
    def identified(self, event: Dossier.Identified, _: Tracking) -> None:
        steps = dict.fromkeys(STEP_DAYS.values())  # none taken yet
        self.view.insert(
            "llts_dossiers",
            {
                "id": event.originator_id,
                "department": event.department,
                "household_id": event.household_id,
                "identified_on": event.occurred_on,
                **steps,
            },
        )

    @process_event.register
    def step_taken(
        self,
        event: Dossier.AnalysisStarted | Dossier.LeaseSigned | Dossier.Entered,
        _: Tracking,
    ) -> None:
        column = STEP_DAYS[type(event)]
        dossier = self.view.get("llts_dossiers", (event.originator_id,))
        if dossier is not None and dossier[column] is None:  # the first one
            self.view.update(
                "llts_dossiers", (event.originator_id,), {column: event.occurred_on}
            )

    @process_event.register
    def cal_decided(self, event: Dossier.CALDecided, _: Tracking) -> None:
        dossier = self.view.get("llts_dossiers", (event.originator_id,))
        if dossier is None or event.decision not in ATTRIBUTIONS_COUNTED:
            return
        self.view.insert(
            "llts_attributions",
            {
                "dossier_id": event.originator_id,
                "version": event.originator_version,
                "department": dossier["department"],
                "decided_on": event.occurred_on,
                "decision": event.decision,
            },
        )

    @process_event.register
    def mesure_requested(self, event: Mesure.Requested, _: Tracking) -> None:
        self.view.insert(
            "llts_supports",
            {
                "mesure_id": event.originator_id,
                "household_id": event.household_id,
                "department": event.department,
                "orientation": None,
                "starts_on": None,
                "closed_on": None,
            },
        )

    @process_event.register
    def convention_signed(self, event: Mesure.ConventionSigned, _: Tracking) -> None:
        key = (event.originator_id,)
        changes = {"starts_on": event.starts_on, "orientation": event.orientation}
        self.view.update("llts_supports", key, changes)

    @process_event.register
    def closed(self, event: Mesure.Ended | Mesure.BrokenOff, _: Tracking) -> None:
        key = (event.originator_id,)
        self.view.update("llts_supports", key, {"closed_on": event.occurred_on})

    def prefetch(self, events: list[Any]) -> None:
        self.view.prefetch(
            "llts_dossiers",
            [(e.originator_id,) for e in events if isinstance(e, Dossier.CALDecided)],
        )
