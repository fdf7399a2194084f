"""The measures' tables, and the topics of the events that fill them."""

from __future__ import annotations

from domain.mesure import Mesure
from projections.record_tables import record_table, step_table
from projections.rows import Table, event_topics

MESURES = record_table(
    name="mesures",
    columns={
        "kind": "text",
        "stage": "text",
        "department": "text",
        "commune": "text",
        "household_id": "uuid",
        "channel": "text",  # clu, clt, direct (ASLL-CANAL)
        "association": "text",
        "association_name": "text",
        # who asked for it (the prescriber's scope, domain/access.py)
        "prescriber_role": "text",
        "prescriber_organisation": "text",
        "renforce": "bool",
        "worker": "text",  # the référent named by the convention
        "orientation": "text",
        "requested_on": "date",
        "instructed_on": "date",
        "granted": "bool",
        "notified_on": "date",
        "diagnosed_on": "date",
        "signed_on": "date",  # the convention's signature
        "starts_on": "date",
        "ends_on": "date",  # the convention's last day, renewals included
        "duration_months": "int",
        "renewals": "int",
        "renewal_pending": "bool",
        "renewal_asked_on": "date",
        "renewal_refused_on": "date",  # of the current period
        "meetings_held": "int",
        "meetings_missed": "int",
        "last_meeting_on": "date",
        "closed_on": "date",
        "closure_reason": "text",  # refusee, reorientee, terminee, rompue
        "bail_status": "text",
        "bail_landlord": "text",
        "sublease_starts_on": "date",
        "slid_on": "date",
        "sublease_ended_on": "date",
    },
    indexes=(
        ("department", "commune", "stage"),
        ("association", "stage"),
        ("association_name",),
        ("prescriber_organisation",),
        ("requested_on",),
    ),
)
# The measure after each step that changes its stage, end date or référent.
STATES = step_table(
    "states",
    "mesure_id",
    {
        "association": "text",
        "renforce": "bool",
        "worker": "text",
        "stage": "text",
        "since": "date",  # the step's day
        "starts_on": "date",
        "ends_on": "date",
        "renewal": "text",  # of the current period: demandee, refusee or null
    },
    day="since",
)
MEETINGS = step_table(
    "meetings",
    "mesure_id",
    {
        "association": "text",
        "held_on": "date",
        "held": "bool",  # false: missed by the household
    },
    day="held_on",
)
DEPARTMENTS = Table(
    name="departments",
    columns={"department": "text", "mesures": "int"},
    key=("department",),
)


def mesure_topics() -> tuple[str, ...]:
    """The stored topics of every measure event (their explicit TOPICs)."""
    return event_topics(Mesure)
