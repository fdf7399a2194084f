"""When a record's step is offered as a form on its page: the stages that
await it (the worklist's tables, api/web/awaited.py), and those the
aggregates' own stage checks admit for the steps that table leaves out."""

from __future__ import annotations

from collections.abc import Mapping

from api.web.awaited import BILAN_STEP, DOSSIER_AWAITS, MESURE_AWAITS
from domain import (
    commission_steps,
    dossier_steps,
    mesure_steps,
    programme_steps,
    saisine_steps,
)


# When a step is offered: the stages that await it (the worklist's tables,
# api/web/awaited.py), and those the aggregates' own stage checks admit for the
# steps that table leaves out (domain/dossier_attribution.py, mesure_support.py,
# mesure_checks.py, saisine_course.py). The rarer steps (OTHER_AT: a withdrawal,
# documents, a renewal of the demand, a closure…) are offered beside them, in
# their own group, at the stages their aggregate admits; a step in neither
# table, at every stage but the kind's last ones (ENDED). The aggregate checks
# again: a form shown is never a form accepted.
def _awaiting(awaits: Mapping[str, tuple[str, str]]) -> dict[str, frozenset[str]]:
    stages: dict[str, set[str]] = {}
    for stage, (action, _) in awaits.items():
        stages.setdefault(action, set()).add(stage)
    return {action: frozenset(found) for action, found in stages.items()}


S, D = saisine_steps, dossier_steps
_ORIENTABLE = frozenset({S.REGISTERED, S.ENQUIRY_RETURNED, S.ORIENTED})
_DOSSIER = _awaiting(DOSSIER_AWAITS)
_MESURE = _awaiting(MESURE_AWAITS)
OFFERED_AT: dict[str, dict[str, frozenset[str]]] = {
    "dossier": _DOSSIER
    | {
        BILAN_STEP: frozenset({dossier_steps.ENTERED}),
        "offer": _DOSSIER["offer"] | {dossier_steps.DECIDED},
        "fulfil_condition": frozenset({dossier_steps.DECIDED}),
    },
    "mesure": _MESURE
    | {
        "instruct": frozenset({mesure_steps.REQUESTED}),
        "notify": frozenset({mesure_steps.INSTRUCTED}),
        "diagnose": frozenset({mesure_steps.NOTIFIED}),
        "sign_convention": frozenset({mesure_steps.DIAGNOSED}),
        "hold_meeting": mesure_steps.UNDER_CONVENTION,
        "request_renewal": frozenset({mesure_steps.RUNNING}),
    },
    "programme": {
        "hold_concertation": frozenset({programme_steps.ANNOUNCED}),
        **dict.fromkeys(
            ("let_dwelling", "vacate_dwelling", "propose_candidates"),
            frozenset(programme_steps.STAGES),
        ),
    },
    # domain/commission_session.py: attendance once convened, the rest in session
    "commission": {
        "record_attendance": frozenset({commission_steps.CONVENED}),
        **dict.fromkeys(
            ("preselect", "rank", "examine_dwelling", "close_minutes"),
            frozenset({commission_steps.IN_SESSION}),
        ),
    },
    # domain/saisine_course.py: its court dates and closure at any stage
    "saisine": {
        "register": frozenset({S.SIGNALLED}),
        "request_enquiry": frozenset({S.REGISTERED}),
        "return_enquiry": frozenset({S.ENQUIRY_REQUESTED}),
        "orient": _ORIENTABLE,
        "examine": _ORIENTABLE | {S.AVIS_ISSUED, S.FOLLOWED_UP},
        "issue_avis": frozenset({S.EXAMINED}),
        "record_follow_up": frozenset({S.AVIS_ISSUED, S.FOLLOWED_UP}),
    },
}
# The stages after which a kind's record takes no step.
ENDED: dict[str, frozenset[str]] = {
    "dossier": dossier_steps.TERMINAL,
    "mesure": mesure_steps.TERMINAL,
    "saisine": frozenset({saisine_steps.CLOSED}),
    "commission": frozenset({commission_steps.CLOSED}),
}
# A dossier's rarer steps where its aggregate admits them (dossier_endings.py,
# dossier_instruction.py, dossier_installation.py); a withdrawal, a radiation
# and a renewal of the demand, until the lease (_check_before_lease).
_BEFORE_LEASE = (
    frozenset(dossier_steps.STAGES)
    - dossier_steps.TERMINAL
    - {
        dossier_steps.LEASE,
        dossier_steps.ENTERED,
        dossier_steps.REVIEWED,
    }
)
OTHER_AT: dict[str, dict[str, frozenset[str]]] = {
    "dossier": {
        "request_documents": frozenset({D.ANALYSIS}),
        "receive_documents": frozenset({D.ANALYSIS}),
        **dict.fromkeys(("withdraw", "radiate", "renew_demand"), _BEFORE_LEASE),
        "declare_inadmissible": frozenset(
            {D.RESOURCES, D.ANALYSIS, D.SOLVENCY, D.PRESELECTED, D.RANKED, D.DEFERRED}
        ),
        "expire_from_list": frozenset({D.RANKED, D.DEFERRED, D.DECIDED}),
        "attend_information_meeting": D.AFTER_ATTRIBUTION,
        # is_closable, or a condition's deadline passed
        "close": frozenset(
            {D.PRESELECTED, D.RANKED, D.DECIDED, D.REFUSED, D.LAPSED, D.REVIEWED}
        ),
    },
    "mesure": {
        "miss_meeting": mesure_steps.UNDER_CONVENTION,
        **dict.fromkeys(("break_off", "sign_head_lease"), mesure_steps.HOLDS_A_PLACE),
    },
}


def offered_at(kind: str, action: str) -> frozenset[str] | None:
    """The stages at which a step is offered, None for a kind's step listed
    nowhere (offered until the record's last stages)."""
    for table in (OFFERED_AT, OTHER_AT):
        stages = table.get(kind, {}).get(action)
        if stages is not None:
            return stages
    return None


def is_other(kind: str, action: str) -> bool:
    """Whether a step is one of the kind's rarer (shown in their own group)."""
    return action not in OFFERED_AT.get(kind, {})
