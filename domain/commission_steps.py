"""The kinds of commission (pré-commission, commission préfectorale, CAL), their
stages, the outcomes their decisions may have and the roles that may record
each step. The aggregate (domain/commission.py) enforces them."""

from __future__ import annotations

from domain import dossier as d

KINDS = ("pre_commission", "commission_prefectorale", "cal")
PRE_COMMISSION, COMMISSION_PREFECTORALE, CAL = KINDS
KIND_LABELS = {
    PRE_COMMISSION: "la pré-commission",
    COMMISSION_PREFECTORALE: "la commission préfectorale",
    CAL: "la commission d'attribution",
}
KIND_TITLES = {
    PRE_COMMISSION: "Pré-commission",
    COMMISSION_PREFECTORALE: "Commission préfectorale",
    CAL: "Commission d'attribution des logements (CAL)",
}
# COMPREF-PRESIDENCE: who may preside the commission préfectorale [seed 000].
PRESIDING_FUNCTIONS = ("prefet", "sous_prefet", "representant_du_prefet")
QUORUM_ROLES = ("prefecture", "deal")  # PRECOM-QUORUM
PRIOR_OUTCOMES = ("rang", "liste_complementaire")  # what CAL-PREALABLE accepts
ADJOURNMENT = "ajournement"  # the seed's « ajourne »: deferred, with a return session
CAL_OUTCOMES = (*d.CAL_DECISIONS, ADJOURNMENT)
DIRECT_ATTRIBUTIONS = ("attribution", "attribution_sous_condition_suspensive")
CAL_MIN_CANDIDATES = 3  # R441-3 CCH: three candidates examined per dwelling
CAL_EXCEPTIONS = ("dalo", "candidats_insuffisants")  # CAL-TROIS, L441-2-3 II

CONVENED = "convoquee"
IN_SESSION = "en_seance"
CLOSED = "pv_clos"
STAGES = (CONVENED, IN_SESSION, CLOSED)
STAGE_LABELS = {CONVENED: "convoquée", IN_SESSION: "en séance", CLOSED: "PV clos"}

# Who convenes each kind of commission and records its attendance.
HOSTS = {
    PRE_COMMISSION: frozenset({"als"}),
    COMMISSION_PREFECTORALE: frozenset({"prefecture", "deal"}),
    CAL: frozenset({"bailleur"}),
}
# Who may record each step, by kind of commission; a kind absent does not take it.
STEP_ROLES: dict[str, dict[str, frozenset[str]]] = {
    "convene": HOSTS,
    "record_attendance": HOSTS,
    "preselect": {PRE_COMMISSION: frozenset({"als"})},
    "rank": {COMMISSION_PREFECTORALE: frozenset({"prefecture"})},
    "examine_dwelling": {CAL: frozenset({"bailleur"})},
    "close_minutes": {
        PRE_COMMISSION: frozenset({"als"}),
        COMMISSION_PREFECTORALE: frozenset({"prefecture"}),
        CAL: frozenset({"bailleur"}),
    },
}
