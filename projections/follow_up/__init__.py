"""What the ALS must follow up: bilans d'installation due and overdue
(BILAN-DELAI), support asked by a bilan that found problems (BILAN-SUITE), and
the dossiers of a programme ready for its pré-commission. Written by
`projection`; read through `queries`.

Rows keep ids, places and dates only: no applicant name, no findings.
"""

from projections.follow_up.projection import FollowUpProjection
from projections.follow_up.queries import (
    BilanFilter,
    BilanRow,
    DeadlineMonths,
    ProgrammeReadiness,
    ReadyDossier,
    SettingsVersions,
    SupportRequestFilter,
    SupportRequestRow,
    bilan_deadline_months,
    select_bilans,
    select_programme_readiness,
    select_support_requests,
)
from projections.follow_up.tables import (
    BILAN_DEADLINE_MONTHS,
    BILAN_STATUSES,
    BILANS,
    DOSSIERS,
    READY_FOR_PRE_COMMISSION,
    REQUESTED,
    SUPPORT_REQUESTS,
    SUPPORT_STATUSES,
)

__all__ = [
    "BILANS",
    "BILAN_DEADLINE_MONTHS",
    "BILAN_STATUSES",
    "DOSSIERS",
    "READY_FOR_PRE_COMMISSION",
    "REQUESTED",
    "SUPPORT_REQUESTS",
    "SUPPORT_STATUSES",
    "BilanFilter",
    "BilanRow",
    "DeadlineMonths",
    "FollowUpProjection",
    "ProgrammeReadiness",
    "ReadyDossier",
    "SettingsVersions",
    "SupportRequestFilter",
    "SupportRequestRow",
    "bilan_deadline_months",
    "select_bilans",
    "select_programme_readiness",
    "select_support_requests",
]
