"""The ASLL measures' read model (DOMAIN.md §4, §8 ASLL-*): one row per measure,
its state after each step that changes its course (so that any day can be told
as it stood), and its meetings. Written by `projection`; read through `queries`
(the measure list), `workload` (the associations' workload on a day: places
against their capacity, renewals to decide, bilans overdue, too few meetings,
each référent's caseload) and `statistics` (a department's figures for a year).

Rows keep ids, places, dates and the référent's name: no diagnostic, no bilan,
no motive.
"""

from projections.mesures.projection import MesuresProjection
from projections.mesures.queries import MesureFilter, MesureRow, select_mesures
from projections.mesures.statistics import (
    ASLL_ASSUMPTIONS,
    MANDATS_NOTE,
    KindCount,
    OrientationCount,
    Statistics,
    select_statistics,
    shares,
)
from projections.mesures.tables import (
    DEPARTMENTS,
    MEETINGS,
    MESURES,
    STATES,
    mesure_topics,
)
from projections.mesures.workload import (
    AWAITING_CONVENTION,
    ENDING_WITHIN_DAYS,
    MEETING_WINDOW_DAYS,
    MEETINGS_PER_MONTH,
    AssociationWorkload,
    RulesOn,
    SettingsVersions,
    WorkerCaseload,
    Workload,
    WorkloadFilter,
    select_workload,
    settings_in_force,
)

__all__ = [
    "ASLL_ASSUMPTIONS",
    "AWAITING_CONVENTION",
    "DEPARTMENTS",
    "ENDING_WITHIN_DAYS",
    "MANDATS_NOTE",
    "MEETINGS",
    "MEETINGS_PER_MONTH",
    "MEETING_WINDOW_DAYS",
    "MESURES",
    "STATES",
    "AssociationWorkload",
    "KindCount",
    "MesureFilter",
    "MesureRow",
    "MesuresProjection",
    "OrientationCount",
    "RulesOn",
    "SettingsVersions",
    "Statistics",
    "WorkerCaseload",
    "Workload",
    "WorkloadFilter",
    "mesure_topics",
    "select_mesures",
    "select_statistics",
    "select_workload",
    "settings_in_force",
    "shares",
]
