"""A CCAPEX referral's vocabulary and steps (DOMAIN.md §5, §10): its sources,
enquiry operators, orientations and outcomes, its stages in procedural order,
and the roles that may record each step. The aggregate (domain/saisine.py)
enforces them.

Who signals depends on the source (`SOURCE_ROLES`): the landlord refers its
tenant (`saisine_bailleur`) or signals its commandement de payer; the CAF
signals arrears of a household receiving housing benefit (`impayes_caf`); the
Préfecture, to which the assignation and the commandement de quitter are
notified by law, signals the court stages; a social service (Département, CCAS,
ALS, prescriber) relays a commandement, an assignation or a commandement de
quitter the household brings it. Every later step is the CCAPEX's, except the
enquiry, returned by the operator it was asked of, and the court dates, also
recorded by the Préfecture or the landlord itself."""

from __future__ import annotations

SOURCES = (
    "commandement_de_payer",
    "saisine_bailleur",
    "impayes_caf",
    "assignation",
    "commandement_de_quitter",
)
SOURCE_LABELS = {
    "commandement_de_payer": "commandement de payer",
    "saisine_bailleur": "saisine par le bailleur",
    "impayes_caf": "impayés signalés par la CAF",
    "assignation": "assignation",
    "commandement_de_quitter": "commandement de quitter les lieux",
}
COURT_SOURCES = frozenset({"assignation", "commandement_de_quitter"})
ENQUIRY_OPERATORS = ("association", "departement")  # UDAF under the MOUS, or the CD
ORIENTATIONS = ("fsl", "services_sociaux", "surendettement", "bailleur")
OUTCOMES = ("dette_soldee", "relogement", "expulsion", "abandon")
OUTCOME_LABELS = {
    "dette_soldee": "dette soldée",
    "relogement": "relogement",
    "expulsion": "expulsion",
    "abandon": "abandon",
}

# Stages, in procedural order.
SIGNALLED = "signalee"
REGISTERED = "enregistree"
ENQUIRY_REQUESTED = "enquete_demandee"
ENQUIRY_RETURNED = "enquete_rendue"
ORIENTED = "orientee"
EXAMINED = "examinee"
AVIS_ISSUED = "avis_emis"
FOLLOWED_UP = "en_suivi"
CLOSED = "close"
STAGES = (
    SIGNALLED, REGISTERED, ENQUIRY_REQUESTED, ENQUIRY_RETURNED, ORIENTED, EXAMINED,
    AVIS_ISSUED, FOLLOWED_UP, CLOSED,
)  # fmt: skip
STAGE_LABELS = {
    SIGNALLED: "signalée",
    REGISTERED: "enregistrée",
    ENQUIRY_REQUESTED: "enquête demandée",
    ENQUIRY_RETURNED: "enquête rendue",
    ORIENTED: "orientée",
    EXAMINED: "examinée",
    AVIS_ISSUED: "avis émis",
    FOLLOWED_UP: "en suivi",
    CLOSED: "close",
}

SOCIAL_SERVICES = frozenset({"departement", "ccas", "als", "prescripteur"})
COURT_SIGNALLERS = SOCIAL_SERVICES | {"prefecture"}
SOURCE_ROLES: dict[str, frozenset[str]] = {
    "commandement_de_payer": COURT_SIGNALLERS | {"bailleur"},
    "saisine_bailleur": frozenset({"bailleur"}),
    "impayes_caf": frozenset({"caf"}),
    "assignation": COURT_SIGNALLERS,
    "commandement_de_quitter": COURT_SIGNALLERS,
}
CCAPEX = frozenset({"ccapex"})
STEP_ROLES: dict[str, frozenset[str]] = {
    "signal": frozenset().union(*SOURCE_ROLES.values()),
    "register": CCAPEX,
    "request_enquiry": CCAPEX,
    "return_enquiry": frozenset(ENQUIRY_OPERATORS),
    "orient": CCAPEX,
    "examine": CCAPEX,
    "issue_avis": CCAPEX,
    "record_follow_up": CCAPEX,
    "record_court_dates": CCAPEX | {"prefecture", "bailleur"},
    "close": CCAPEX,
}
