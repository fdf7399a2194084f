"""The minutes' words: a session's kind, a president's function, each
outcome, a CAL's exceptions, an offer's answer, a dossier's stage."""

from __future__ import annotations

from domain import commission_steps as c
from domain import dossier as d
from domain.commission_steps import KIND_TITLES as KIND_TITLES
from domain.dossier_steps import OUTCOME_LABELS

FUNCTIONS = {
    "prefet": "préfet",
    "sous_prefet": "sous-préfet",
    "representant_du_prefet": "représentant du préfet",
    "directeur_deal": "directeur de la DEAL",
    "president_cal": "président de la CAL",
}


OUTCOMES = {**OUTCOME_LABELS, c.ADJOURNMENT: "ajournement"}


EXCEPTIONS = {
    "dalo": "ménage DALO désigné par le préfet",
    "candidats_insuffisants": "candidats insuffisants",
}


ANSWERS = {
    None: "en attente de réponse",
    "acceptee": "acceptée",
    "refusee": "refusée par le ménage",
    "caduque": "caduque (sans réponse)",
}


# A dossier's stage, in words: the label of the step that leads to it.
STAGE_LABELS = {
    event.STAGE: label
    for event, label in d.EVENT_LABELS.items()
    if getattr(event, "STAGE", None)
}
