"""The commissions' read model: one row per session (pré-commission, commission
préfectorale, CAL), one per dossier it decided on, one per dwelling a CAL
examines. Written by `projection`; read through `queries`: the sessions of a
department or a commune, a session's list (agenda, ranked list, liste
complémentaire with its expiry, the CAL's candidates and decisions per
dwelling), and the listes complémentaires that serve a commune on a given day
(LC-VALIDITE).

Commission events carry everything needed: a CAL decision names the commission
préfectorale that ranked or listed the dossier, so that entry also records what
the CAL later decided on it.
"""

from projections.commissions.projection import CommissionsProjection
from projections.commissions.queries import (
    CommissionDwellingRow,
    CommissionFilter,
    CommissionList,
    CommissionRow,
    CommuneListe,
    DwellingDecisions,
    EntryRow,
    commission_list,
    listes_complementaires,
    select_commission,
    select_commissions,
)

__all__ = [
    "CommissionDwellingRow",
    "CommissionFilter",
    "CommissionList",
    "CommissionRow",
    "CommissionsProjection",
    "CommuneListe",
    "DwellingDecisions",
    "EntryRow",
    "commission_list",
    "listes_complementaires",
    "select_commission",
    "select_commissions",
]
