"""The follow-up's writer: each dossier's place, lease, bilan and the support
it asks for.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import Tracking

from domain.dossier import Dossier
from domain.dossier_steps import TERMINAL
from projections.dossier_list import dossier_topics
from projections.follow_up.tables import BILANS, DOSSIERS, REQUESTED, SUPPORT_REQUESTS
from projections.rows import RowProjection, event_handlers, fields_of


class FollowUpProjection(RowProjection):
    name = "follow_up"
    version = 1
    tables = (DOSSIERS, BILANS, SUPPORT_REQUESTS)
    topics = dossier_topics()
    reads_personal = False

    process_event = event_handlers()

    @process_event.register
    def dossier_identified(self, event: Dossier.Identified, _: Tracking) -> None:
        self.view.insert(
            "dossiers",
            {
                "id": event.originator_id,
                **fields_of(event, "department", "commune", "programme_id"),
                "landlord": None,
                "dwelling_ref": None,
            },
        )

    @process_event.register
    def lease_signed(self, event: Dossier.LeaseSigned, _: Tracking) -> None:
        self.view.update(
            "dossiers",
            (event.originator_id,),
            {"landlord": event.actor.organisation, "dwelling_ref": event.dwelling_ref},
        )

    @process_event.register
    def entered(self, event: Dossier.Entered, _: Tracking) -> None:
        dossier = self.view.get("dossiers", (event.originator_id,))
        if dossier is None:
            return
        self.view.delete("dossiers", (event.originator_id,))
        self.view.insert(
            "bilans",
            {
                "dossier_id": event.originator_id,
                "department": dossier["department"],
                "commune": dossier["commune"],
                "programme_id": dossier["programme_id"],
                "landlord": dossier["landlord"],
                "dwelling_ref": dossier["dwelling_ref"],
                "entered_on": event.occurred_on,
                "done": False,
                "reviewed_on": None,
                "outcome": None,
                "support_months": None,
            },
        )

    @process_event.register
    def installation_reviewed(
        self, event: Dossier.InstallationReviewed, _: Tracking
    ) -> None:
        bilan = self.view.get("bilans", (event.originator_id,))
        if bilan is None:
            return
        self.view.update(
            "bilans",
            (event.originator_id,),
            {
                "done": True,
                "reviewed_on": event.occurred_on,
                "outcome": event.outcome,
                "support_months": event.support_months,
            },
        )
        if event.outcome == "problemes":  # BILAN-SUITE: support is asked
            self.view.insert(
                "support_requests",
                {
                    "dossier_id": event.originator_id,
                    "department": bilan["department"],
                    "commune": bilan["commune"],
                    "programme_id": bilan["programme_id"],
                    "requested_on": event.occurred_on,
                    "support_months": event.support_months,
                    "status": REQUESTED,
                },
            )

    @process_event.register
    def dossier_changed(self, event: Dossier.Event, _: Tracking) -> None:
        if event.resulting_stage("") in TERMINAL:  # ended: nothing left to follow
            self.view.delete("dossiers", (event.originator_id,))

    def prefetch(self, events: list[Any]) -> None:
        self.view.prefetch(
            "dossiers",
            [(e.originator_id,) for e in events if isinstance(e, Dossier.Entered)],
        )
        self.view.prefetch(
            "bilans",
            [
                (e.originator_id,)
                for e in events
                if isinstance(e, Dossier.InstallationReviewed)
            ],
        )
