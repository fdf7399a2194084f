"""The LLTS dossier's steps (DOMAIN.md §10): its stages in procedural order,
the outcomes each decision may have, and the roles that may record each step.
The aggregate (domain/dossier.py) enforces them; the API documents them."""

from __future__ import annotations

PRESELECTION_OUTCOMES = ("prioritaire", "liste_complementaire", "ecarte")
RANKING_OUTCOMES = ("rang", "liste_complementaire", "non_retenu")
INSTALLATION_OUTCOMES = ("ok", "problemes")
PARTNER_ROLES = frozenset({"mairie", "ccas", "departement", "caf"})
# DOS-RETRAIT: a withdrawal is the household's own act, recorded by a partner
# acting for it, with the day and the way the household expressed it.
WITHDRAWAL_ROLES = PARTNER_ROLES | {"als", "prefecture"}
WITHDRAWAL_CHANNELS = ("courrier", "courriel", "en_personne", "telephone")
# SNE-VALIDITE (R441-2-8 CCH): the services that register demands radiate them.
# Assumption: in Logis these are the State's services (Préfecture, DEAL), the
# communes (Mairie) and the landlords; the ALS registers none.
RADIATION_ROLES = frozenset({"prefecture", "deal", "mairie", "bailleur"})

# Stages, in procedural order; TERMINAL ones accept no further step.
IDENTIFIED = "identifie"
ENQUETE = "enquete_sociale_rendue"
MAIRIE = "avis_mairie_rendu"
COMPLETED = "complet"
RESOURCES = "ressources_controlees"
ANALYSIS = "en_analyse"
SOLVENCY = "solvabilite_etudiee"
PRESELECTED = "preselectionne"
RANKED = "classe"
DEFERRED = "ajourne"
DECIDED = "decide_cal"
CONDITION_MET = "condition_levee"
OFFERED = "offre_faite"
ACCEPTED = "offre_acceptee"
REFUSED = "offre_refusee"
LAPSED = "offre_caduque"
LEASE = "bail_signe"
ENTERED = "entre_dans_les_lieux"
REVIEWED = "bilan_installation_fait"
CLOSED = "clos"
INADMISSIBLE = "irrecevable"
WITHDRAWN = "retire"
RADIATED = "radie"
LIST_EXPIRED = "liste_expiree"
TERMINAL = frozenset({CLOSED, INADMISSIBLE, WITHDRAWN, RADIATED, LIST_EXPIRED})
STAGES = (
    IDENTIFIED, ENQUETE, MAIRIE, COMPLETED, RESOURCES, ANALYSIS, SOLVENCY,
    PRESELECTED, RANKED, DEFERRED, DECIDED, CONDITION_MET, OFFERED, ACCEPTED,
    REFUSED, LAPSED, LEASE, ENTERED, REVIEWED, *sorted(TERMINAL),
)  # fmt: skip
# What people read for a stage (refusals, findings); the codes stay in JSON.
STAGE_LABELS = {
    IDENTIFIED: "identifié",
    ENQUETE: "enquête sociale rendue",
    MAIRIE: "avis de la Mairie rendu",
    COMPLETED: "complet",
    RESOURCES: "ressources contrôlées",
    ANALYSIS: "en analyse",
    SOLVENCY: "solvabilité étudiée",
    PRESELECTED: "présélectionné",
    RANKED: "classé",
    DEFERRED: "ajourné",
    DECIDED: "décidé en CAL",
    CONDITION_MET: "condition suspensive levée",
    OFFERED: "proposition faite",
    ACCEPTED: "proposition acceptée",
    REFUSED: "proposition refusée",
    LAPSED: "proposition caduque",
    LEASE: "bail signé",
    ENTERED: "entré dans les lieux",
    REVIEWED: "bilan d'installation fait",
    CLOSED: "clos",
    INADMISSIBLE: "irrecevable",
    WITHDRAWN: "retiré",
    RADIATED: "radié",
    LIST_EXPIRED: "liste complémentaire expirée",
}
# The outcomes of the commissions' decisions, in words.
OUTCOME_LABELS = {
    "prioritaire": "prioritaire",
    "liste_complementaire": "liste complémentaire",
    "ecarte": "écarté",
    "rang": "classé",
    "non_retenu": "non retenu",
    "attribution": "attribution",
    "attribution_par_classement": "attribution par classement",
    "attribution_sous_condition_suspensive": "attribution sous condition suspensive",
    "non_attribution": "non-attribution",
    "rejet_irrecevabilite": "rejet pour irrecevabilité",
}
AFTER_ATTRIBUTION = frozenset(
    {DECIDED, CONDITION_MET, OFFERED, ACCEPTED, LEASE, ENTERED, REVIEWED}
)
# The chain of DOS-ORDRE: repérage → enquête → avis Mairie → CCAS → DEAL → ALS.
ORDERED_CHAIN = (IDENTIFIED, ENQUETE, MAIRIE, COMPLETED, RESOURCES, ANALYSIS)

# Who may record each step (DOMAIN.md §1 and §10); shared with the API docs.
STEP_ROLES: dict[str, frozenset[str]] = {
    "identify": PARTNER_ROLES | {"prefecture"},
    "render_social_enquiry": frozenset({"departement", "ccas", "mairie", "caf"}),
    "render_mairie_avis": frozenset({"mairie"}),
    "complete": frozenset({"ccas"}),
    "renew_demand": PARTNER_ROLES | {"prefecture", "als"},
    "check_resources": frozenset({"deal"}),
    "start_analysis": frozenset({"als"}),
    "request_documents": frozenset({"als"}),
    "receive_documents": frozenset({"als", "ccas"}),
    "assess_solvency": frozenset({"als"}),
    "preselect": frozenset({"als"}),
    "rank": frozenset({"prefecture"}),
    "decide": frozenset({"bailleur"}),
    "defer": frozenset({"bailleur"}),
    "fulfil_condition": frozenset({"bailleur"}),
    "offer": frozenset({"bailleur"}),
    "accept_offer": frozenset({"bailleur"}),
    "refuse_offer": frozenset({"bailleur"}),
    "lapse_offer": frozenset({"bailleur"}),
    "sign_lease": frozenset({"bailleur"}),
    "enter": frozenset({"bailleur", "als"}),
    "attend_information_meeting": frozenset({"als", "bailleur"}),
    "review_installation": frozenset({"als"}),
    # DOS-RETRAIT: a partner acting for the household records its withdrawal.
    "withdraw": WITHDRAWAL_ROLES,
    # DOS-IRRECEVABILITE: outside the CAL, only the DEAL, after its control.
    "declare_inadmissible": frozenset({"deal"}),
    # SNE-VALIDITE: the services that register demands radiate them (R441-2-8).
    "radiate": RADIATION_ROLES,
    "expire_from_list": frozenset({"prefecture", "deal", "als"}),
    "close": frozenset({"als", "bailleur"}),
}
# Roles outside a step's STEP_ROLES whose attempt its rule answers (409, with
# what to do instead) rather than a bare role refusal (403): a landlord's
# refusal is a CAL decision, the ALS and the Préfecture propose an
# inadmissibility, the ALS proposes a radiation.
RULED_ROLES: dict[str, frozenset[str]] = {
    "withdraw": frozenset({"bailleur"}),
    "declare_inadmissible": frozenset({"als", "prefecture"}),
    "radiate": frozenset({"als"}),
}
