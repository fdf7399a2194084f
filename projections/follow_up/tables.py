"""The follow-up's tables and statuses."""

from __future__ import annotations

from domain.department_settings import DepartmentSettings
from domain.dossier_steps import SOLVENCY
from projections.rows import Table

# Each dossier's place and lease, from identification until it enters (or ends).
DOSSIERS = Table(
    name="dossiers",
    columns={
        "id": "uuid",
        "department": "text",
        "commune": "text",
        "programme_id": "uuid",
        "landlord": "text",
        "dwelling_ref": "text",
    },
    key=("id",),
)
BILANS = Table(
    name="bilans",
    columns={
        "dossier_id": "uuid",
        "department": "text",
        "commune": "text",
        "programme_id": "uuid",
        "landlord": "text",  # the organisation that signed the lease
        "dwelling_ref": "text",
        "entered_on": "date",
        "done": "bool",
        "reviewed_on": "date",
        "outcome": "text",
        "support_months": "int",
    },
    key=("dossier_id",),
    indexes=(("done", "entered_on"), ("department", "commune"), ("programme_id",)),
)
SUPPORT_REQUESTS = Table(
    name="support_requests",
    columns={
        "dossier_id": "uuid",
        "department": "text",
        "commune": "text",
        "programme_id": "uuid",
        "requested_on": "date",
        "support_months": "int",
        "status": "text",
    },
    key=("dossier_id",),
    indexes=(("status", "requested_on"), ("department", "commune")),
)

REQUESTED = "demandee"  # asked by the bilan; the ASLL measure (issue 5) moves it on
SUPPORT_STATUSES = (REQUESTED,)
BILAN_STATUSES = ("due", "overdue", "done")
# BILAN-DELAI: the bilan is due at most this many months after entry, unless the
# department's settings in force on the entry day say otherwise (DOMAIN.md §6).
BILAN_DEADLINE_MONTHS: int = DepartmentSettings.model_fields[
    "bilan_installation_deadline_months"
].default
# The stage after which the pré-commission can study a dossier.
READY_FOR_PRE_COMMISSION = SOLVENCY
