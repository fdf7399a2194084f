"""The ASLL measure's steps (DOMAIN.md §4, §10): its kinds, orientations and
meeting kinds, its stages in procedural order, the bail glissant's stages, and
the roles that may record each step. The aggregate (domain/mesure.py) enforces
them."""

from __future__ import annotations

KINDS = ("individuelle", "bail_glissant", "action_specifique")
KIND_LABELS = {
    "individuelle": "ASLL individuelle",
    "bail_glissant": "bail glissant",
    "action_specifique": "action spécifique",
}
# ASLL-CANAL: an association's specific action is instructed by the association
# itself; the other kinds by the channel the department's settings name for them
# (`DepartmentSettings.asll_channels`), recorded with the request.
DIRECT = "direct"
# Before the channels were settings, the Loire's (seed 002) were imposed.
LEGACY_CHANNELS = {
    "individuelle": ("clu", "la CLU"),
    "bail_glissant": ("clt", "la CLT"),
}
ORIENTATIONS = ("acces", "maintien", "diagnostic")
MEETING_KINDS = ("entretien", "visite_a_domicile")
SIGNATORIES = ("association", "menage", "prescripteur")  # ASLL-ADHESION (convention)
DIAGNOSIS_OUTCOMES = ("confirme", "reoriente")

# Stages.
REQUESTED = "demandee"
INSTRUCTED = "instruite"
REFUSED = "refusee"
NOTIFIED = "notifiee"
DIAGNOSED = "diagnostic_fait"
REORIENTED = "reorientee"
RUNNING = "en_cours"
RENEWAL_ASKED = "renouvellement_demande"
ENDED = "terminee"
BROKEN_OFF = "rompue"
STAGES = (
    REQUESTED,
    INSTRUCTED,
    REFUSED,
    NOTIFIED,
    DIAGNOSED,
    REORIENTED,
    RUNNING,
    RENEWAL_ASKED,
    ENDED,
    BROKEN_OFF,
)
STAGE_LABELS = {
    REQUESTED: "demandée",
    INSTRUCTED: "instruite",
    REFUSED: "refusée",
    NOTIFIED: "notifiée",
    DIAGNOSED: "diagnostic fait",
    REORIENTED: "réorientée",
    RUNNING: "en cours",
    RENEWAL_ASKED: "renouvellement demandé",
    ENDED: "terminée",
    BROKEN_OFF: "rompue",
}
TERMINAL = frozenset({REFUSED, REORIENTED, ENDED, BROKEN_OFF})
UNDER_CONVENTION = frozenset({RUNNING, RENEWAL_ASKED})
HOLDS_A_PLACE = frozenset({NOTIFIED, DIAGNOSED, RUNNING, RENEWAL_ASKED})

# The bail glissant's own course, beside the measure's stage.
HEAD_LEASE = "bail_principal_signe"
SUBLET = "sous_location_en_cours"
SLID = "bail_glisse"
SUBLEASE_ENDED = "sous_location_terminee"

ASSOCIATION = frozenset({"association"})
CLU_CLT = frozenset({"commission_logement"})
STEP_ROLES: dict[str, frozenset[str]] = {
    "instruct": CLU_CLT | ASSOCIATION,  # the association only for its direct actions
    "notify": CLU_CLT | ASSOCIATION,
    "diagnose": ASSOCIATION,
    "sign_convention": ASSOCIATION,
    "hold_meeting": ASSOCIATION,
    "miss_meeting": ASSOCIATION,
    "request_renewal": ASSOCIATION,
    "decide_renewal": CLU_CLT | ASSOCIATION,
    "end": ASSOCIATION,
    "break_off": ASSOCIATION,
    "sign_head_lease": ASSOCIATION,
    "sign_sublease": ASSOCIATION,
    "review_sublease": ASSOCIATION | {"bailleur"},
    "slide_lease": frozenset({"bailleur"}),
    "end_sublease": ASSOCIATION,
}
