"""The LLTS statistics' tables."""

from __future__ import annotations

from domain import dossier_rules
from projections.record_tables import step_table
from projections.rows import Table

DOSSIERS = Table(
    name="llts_dossiers",
    columns={
        "id": "uuid",
        "department": "text",
        "household_id": "uuid",
        "identified_on": "date",
        "analysed_on": "date",  # the ALS's analysis began
        "lease_signed_on": "date",
        "entered_on": "date",
    },
    key=("id",),
    indexes=(
        ("department", "identified_on"),
        ("department", "analysed_on"),
        ("department", "entered_on"),
    ),
)
ATTRIBUTIONS = step_table(
    "llts_attributions",
    "dossier_id",
    {"decided_on": "date", "decision": "text"},
    day="decided_on",
)
# The ASLL measures' conventions, to tell who was supported after entry.
SUPPORTS = Table(
    name="llts_supports",
    columns={
        "mesure_id": "uuid",
        "household_id": "uuid",
        "department": "text",
        "orientation": "text",  # the convention's
        "starts_on": "date",  # the convention's first day; null before it
        "closed_on": "date",  # its bilan, rupture or reorientation
    },
    key=("mesure_id",),
    indexes=(("household_id",),),
)

ATTRIBUTIONS_COUNTED = dossier_rules.ATTRIBUTIONS
