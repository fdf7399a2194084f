"""A department's yearly LLTS figures, as the ALS gives its own (seed 001): one
row per dossier with the days of its steps, one per CAL attribution, one per
ASLL convention. Written by `projection`; read through `queries`, which says
what each figure counts.

Rows keep ids, departments and dates: no name, no free text (nothing sealed).
"""

from projections.llts_statistics.projection import LltsStatisticsProjection
from projections.llts_statistics.queries import (
    ASSUMPTIONS,
    DEFINITIONS,
    DecisionCount,
    LltsStatistics,
    select_llts_statistics,
)
from projections.llts_statistics.tables import (
    ATTRIBUTIONS,
    ATTRIBUTIONS_COUNTED,
    DOSSIERS,
    SUPPORTS,
)

__all__ = [
    "ASSUMPTIONS",
    "ATTRIBUTIONS",
    "ATTRIBUTIONS_COUNTED",
    "DEFINITIONS",
    "DOSSIERS",
    "SUPPORTS",
    "DecisionCount",
    "LltsStatistics",
    "LltsStatisticsProjection",
    "select_llts_statistics",
]
