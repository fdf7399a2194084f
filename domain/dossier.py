"""The LLTS candidate dossier, from repérage to closure (DOMAIN.md §3, §10): the
aggregate, its events (written in domain/dossier_events.py, those that end it
in domain/dossier_endings.py, nested here), and their labels and legal bases
for people.

Its commands, grouped by stage, are mixed in: the instruction
(domain/dossier_instruction.py), the commissions up to the offer
(domain/dossier_attribution.py), the lease and after
(domain/dossier_installation.py), the endings (domain/dossier_endings.py), and
the checks they share (domain/dossier_guards.py). They check the procedure's
order and the §8 rules that concern a dossier alone, then trigger one past-tense
event. Events only assign state, so an old history always replays even after a
rule changes.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from domain import dossier_endings as endings
from domain import dossier_events as events
from domain.dossier_attribution import DossierAttribution
from domain.dossier_endings import DossierEndings
from domain.dossier_installation import DossierInstallation
from domain.dossier_instruction import DossierInstruction

# Still read from here: by domain/commission*.py and commands/dossier.py, and
# by domain/records.py (each aggregate module's STEP_ROLES).
from domain.dossier_rules import ATTRIBUTIONS as ATTRIBUTIONS
from domain.dossier_rules import CAL_DECISIONS as CAL_DECISIONS
from domain.dossier_steps import (  # noqa: F401 (the stages, read as d.RANKED)
    ACCEPTED,
    ANALYSIS,
    CLOSED,
    COMPLETED,
    CONDITION_MET,
    DECIDED,
    DEFERRED,
    ENQUETE,
    ENTERED,
    IDENTIFIED,
    INADMISSIBLE,
    LAPSED,
    LEASE,
    LIST_EXPIRED,
    MAIRIE,
    OFFERED,
    PRESELECTED,
    RADIATED,
    RANKED,
    REFUSED,
    RESOURCES,
    REVIEWED,
    SOLVENCY,
    WITHDRAWN,
)
from domain.dossier_steps import PRESELECTION_OUTCOMES as PRESELECTION_OUTCOMES
from domain.dossier_steps import RULED_ROLES as RULED_ROLES
from domain.dossier_steps import STAGES as STAGES
from domain.dossier_steps import STEP_ROLES as STEP_ROLES
from domain.personal import Erasable
from domain.shared import Recording


class Dossier(
    DossierInstruction,
    DossierAttribution,
    DossierInstallation,
    DossierEndings,
    Erasable,
    Recording,
    Aggregate,
):
    TOPIC = "logis.dossier.Dossier"

    # Its events, written in domain/dossier_events.py (those that end it in
    # domain/dossier_endings.py) and nested here as the library expects
    # (`Dossier.Identified`); their topics follow these names (`NamedTopics`).
    Event = events.Event
    Identified = events.Identified
    SocialEnquiryRendered = events.SocialEnquiryRendered
    MairieAvisRendered = events.MairieAvisRendered
    Completed = events.Completed
    DemandRenewed = events.DemandRenewed
    ResourcesChecked = events.ResourcesChecked
    AnalysisStarted = events.AnalysisStarted
    DocumentsRequested = events.DocumentsRequested
    DocumentsReceived = events.DocumentsReceived
    SolvencyAssessed = events.SolvencyAssessed
    PreSelected = events.PreSelected
    Ranked = events.Ranked
    CALDecided = events.CALDecided
    Deferred = events.Deferred
    ConditionFulfilled = events.ConditionFulfilled
    Offered = events.Offered
    OfferAccepted = events.OfferAccepted
    OfferRefused = events.OfferRefused
    OfferLapsed = events.OfferLapsed
    LeaseSigned = events.LeaseSigned
    Entered = events.Entered
    InformationMeetingAttended = events.InformationMeetingAttended
    InstallationReviewed = events.InstallationReviewed
    Ended = endings.Ended
    Withdrawn = endings.Withdrawn
    DeclaredInadmissible = endings.DeclaredInadmissible
    Radiated = endings.Radiated
    ListExpired = endings.ListExpired
    Closed = endings.Closed
    PersonalDataErased = endings.PersonalDataErased


# French labels for people: timelines, audit trails, CLI.
EVENT_LABELS: dict[type[Dossier.Event], str] = {
    Dossier.Identified: "Ménage repéré, dossier LLTS ouvert",
    Dossier.SocialEnquiryRendered: "Avis de l'enquête sociale rendu",
    Dossier.MairieAvisRendered: "Avis de la Mairie rendu",
    Dossier.Completed: "Dossier constitué complet par le CCAS",
    Dossier.DemandRenewed: "Demande enregistrée ou renouvelée (numéro unique)",
    Dossier.ResourcesChecked: "Ressources contrôlées par la DEAL",
    Dossier.AnalysisStarted: "Analyse du dossier commencée par l'ALS",
    Dossier.DocumentsRequested: "Pièces complémentaires demandées",
    Dossier.DocumentsReceived: "Pièces complémentaires reçues",
    Dossier.SolvencyAssessed: "Étude de solvabilité faite",
    Dossier.PreSelected: "Pré-sélection en pré-commission",
    Dossier.Ranked: "Classement par la commission préfectorale",
    Dossier.CALDecided: "Décision de la commission d'attribution",
    Dossier.Deferred: "Dossier ajourné par la commission d'attribution",
    Dossier.ConditionFulfilled: "Condition suspensive levée",
    Dossier.Offered: "Logement proposé",
    Dossier.OfferAccepted: "Proposition acceptée",
    Dossier.OfferRefused: "Proposition refusée",
    Dossier.OfferLapsed: "Proposition caduque (sans réponse dans le délai)",
    Dossier.LeaseSigned: "Bail signé",
    Dossier.Entered: "Entrée dans les lieux",
    Dossier.InformationMeetingAttended: "Réunion d'information collective suivie",
    Dossier.InstallationReviewed: "Bilan d'installation fait",
    Dossier.Withdrawn: "Dossier retiré",
    Dossier.DeclaredInadmissible: "Dossier déclaré irrecevable",
    Dossier.Radiated: "Demande radiée (non renouvelée)",
    Dossier.ListExpired: "Liste complémentaire expirée",
    Dossier.Closed: "Dossier clos",
    Dossier.PersonalDataErased: "Données personnelles effacées",
}

# The legal basis of each step, for audit trails: DOMAIN.md §8 rule ids and their
# sources (CCH articles, national texts), or the seed the procedure comes from.
_PROCEDURE = "Procédure LLTS (seed 000, règle locale)"
_ERASURE_BASIS = "RGPD-CONSERVATION : CNIL 2014-124 ; CNIL 2023-095"
EVENT_BASES: dict[type[Dossier.Event], str] = {
    Dossier.Identified: "DOS-ORIGINE : seed 000 ; loi 2007-290 (DALO)",
    Dossier.SocialEnquiryRendered: "DOS-ORDRE, DOS-AVIS : seed 000",
    Dossier.MairieAvisRendered: "DOS-ORDRE, DOS-AVIS : seed 000",
    Dossier.Completed: "DOS-ORDRE, DOS-COMPLET : seed 000",
    Dossier.DemandRenewed: (
        "SNE-NUMERO : CCH L441-2-1 ; SNE-VALIDITE : CCH R441-2-7, R441-2-8"
    ),
    Dossier.ResourcesChecked: (
        "DEAL-PLAFOND : arrêté du 14/03/2011 et arrêtés annuels (plafonds LLTS/PLAI)"
    ),
    Dossier.AnalysisStarted: "DOS-ORDRE, DOS-COMPLET, ALS-CONTACT : seed 000",
    Dossier.DocumentsRequested: "ALS-CONTACT : seed 000",
    Dossier.DocumentsReceived: "ALS-CONTACT : seed 000",
    Dossier.SolvencyAssessed: "ALS-SOLVA : CCH R441-3-1 ; seuils : seed 000",
    Dossier.PreSelected: "PRECOM-QUORUM : seed 000",
    Dossier.Ranked: "COMPREF-PRESIDENCE, COMPREF-RANG, LC-VALIDITE : seed 000 (RDA)",
    Dossier.CALDecided: (
        "CAL-DECISION : CCH R441-3 (décret 2017-834) ; CAL-TROIS : CCH R441-3, "
        "L441-2-3 II ; SNE-NUMERO : CCH L441-2-1 ; CAL-MOTIF : CCH L441-2-2 ; "
        "CAL-PREALABLE : seed 000"
    ),
    Dossier.Deferred: "CAL-DECISION (ajournement) : CCH R441-3 ; seed 000",
    Dossier.ConditionFulfilled: "CAL-CONDITION : CCH R441-3 c)",
    Dossier.Offered: "OFFRE-DELAI : CCH R441-10, R441-3 b)",
    Dossier.OfferAccepted: "OFFRE-DELAI : CCH R441-10",
    Dossier.OfferRefused: "OFFRE-DELAI : CCH R441-10",
    Dossier.OfferLapsed: "OFFRE-DELAI : CCH R441-10 (le silence vaut refus)",
    Dossier.LeaseSigned: f"CAL-CONDITION : CCH R441-3 c) ; {_PROCEDURE}",
    Dossier.Entered: f"BILAN-DELAI (point de départ) : seed 000 ; {_PROCEDURE}",
    Dossier.InformationMeetingAttended: "ENTREE-INFO : seed 000",
    Dossier.InstallationReviewed: "BILAN-DELAI, BILAN-SUITE : seed 000",
    Dossier.Withdrawn: (
        "DOS-RETRAIT : acte du ménage ; le refus du bailleur relève de CAL-MOTIF "
        "(CCH L441-2-2)"
    ),
    Dossier.DeclaredInadmissible: (
        "DOS-IRRECEVABILITE : CCH R441-3 ; DEAL-PLAFOND ; seed 000"
    ),
    Dossier.Radiated: "SNE-VALIDITE : CCH R441-2-7, R441-2-8",
    Dossier.ListExpired: "LC-VALIDITE : seed 000 (durée : paramètre du département)",
    Dossier.Closed: _PROCEDURE,
    Dossier.PersonalDataErased: _ERASURE_BASIS,
}
