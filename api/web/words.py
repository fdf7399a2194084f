"""The words for people of the commands' and events' fields: a field's name, a
code's label (the domain's own labels first), a value as the timeline and the
forms show it (days in words, yes/no, a commune's name, a part's fields)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from api.minutes.labels import FUNCTIONS, OUTCOMES
from api.minutes.labels import STAGE_LABELS as DOSSIER_STAGES
from api.web.french import day, euros
from domain import commission_steps, mesure_steps, places, saisine_steps
from domain.saisine_rules import TRUCE_EXCEPTIONS
from domain.shared import ROLE_LABELS

# A field's name for people (its name in the API otherwise).
FIELD_LABELS = {
    "avis": "Avis",
    "summary": "Synthèse",
    "comment": "Commentaire",
    "kind": "Nature",
    "months": "Durée (mois)",
    "reason": "Motif",
    "granted": "Renouvellement accordé",
    "motive": "Motif (obligatoire en cas de refus)",
    "occurred_on": "Date de l'étape (par défaut : aujourd'hui)",
    "invited": "Partenaires invités",
    "present": "Partenaires présents",
    "organisation": "Organisme",
    "role": "Rôle",
    "function": "Fonction",
    "programme_presented": "Programme présenté",
    "candidate_profile": "Profil des candidats recherchés",
    "dossiers_per_dwelling": "Dossiers par logement (quota)",
    "quota_motive": "Motif d'un quota différent",
    "attendees": "Présents",
    "presided_by": "Présidence",
    "decisions": "Décisions",
    "outcome": "Décision",
    "decision": "Décision",
    "candidates": "Candidats examinés",
    "dossier_id": "Dossier",
    "dalo_designated": "Désigné DALO",
    "rank": "Rang",
    "missing_document": "Pièce manquante",
    "condition_deadline": "Condition à lever avant le",
    "return_session_on": "Réexamen le",
    "shortfall_motive": "Pourquoi moins de trois candidats (hors DALO)",
    "ranked": "Liste classée",
    "liste_complementaire": "Liste complémentaire",
    "non_retenus": "Non retenus",
    "criteria": "Critères du RDA",
    "ref": "Logement",
    "dwelling_ref": "Logement",
    "lease_start": "Début du bail",
    "vacated_on": "Libéré le",
    "answer_deadline": "Réponse attendue au plus tard le",
    "answer": "Réponse du ménage",
    "rent": "Loyer mensuel (€)",
    "charges": "Charges mensuelles (€)",
    "findings": "Constats",
    "support_months": "Accompagnement demandé (mois)",
    "adhesion_signed_on": "Adhésion du ménage signée le",
    "topics": "Thèmes abordés (un par ligne)",
    "held_on": "Séance le",
    "department": "Département",
    "commune": "Commune",
    "landlord": "Bailleur",
    "dwelling_refs": "Logements examinés",
    "name": "Nom",
    "dwellings": "Logements",
    "typology": "Typologie",
    "stage": "Étape",
    "quota_setting": "Quota du département",
    "dossiers_to_gather": "Dossiers à réunir",
    "settings_version": "Version des réglages",
    "exception": "Exception",
    "examined": "Examinés",
    "valid_until": "Valable jusqu'au",
    "list_valid_until": "Liste valable jusqu'au",
    "position": "Rang",
    "applicant_name": "Demandeur",
    "household_size": "Personnes au foyer",
    "numero_unique": "Numéro unique",
    "dalo": "DALO",
    "sne_valid_until": "Demande valable jusqu'au",
    "monthly_resources": "Ressources mensuelles (€)",
    "housing_benefit": "Aide au logement (€)",
    "opinion": "Avis",
    "effort_rate": "Taux d'effort",
    "remaining_per_person": "Reste à vivre par personne",
    "documents": "Pièces",
    "lease_end": "Fin du bail",
    "starts_on": "Début",
    "duration_months": "Durée (mois)",
    "orientation": "Orientation",
    "axes": "Axes de travail",
    "worker": "Référent",
    "association": "Association",
    "association_name": "Association",
    "on": "Le",
    "held": "Tenue",
    "annual_resources": "Ressources annuelles (€)",
    "household_category": "Catégorie de ménage",
    "through_role": "Demandées par l'intermédiaire de (rôle)",
    "through_organisation": "Demandées par l'intermédiaire de (organisme)",
    "expressed_on": "Retrait exprimé par le ménage le",
    "expressed_by": "Exprimé par",
    "operator": "Opérateur de l'enquête",
    "operator_role": "Nature de l'opérateur",
    "towards": "Orienté vers",
    "note": "Motivation",
    "session_on": "Séance du",
    "recommendations": "Recommandations (une par ligne)",
    "summons_on": "Assignation le",
    "hearing_on": "Audience le",
    "truce_exception": "Exception à la trêve hivernale invoquée",
    "renforce": "Mesure renforcée",
    "reoriented_to": "Réorientée vers",
    "signed_by": "Signée par",
    "relaunched": "Ménage relancé",
    "bilan": "Bilan",
    "relayed_to": "Relais vers",
    "household_id": "Ménage déjà suivi (son identifiant ; vide : un nouveau)",
    "programme_id": "Programme (son identifiant, facultatif)",
    "sne_registered_on": "Inscrit au SNE le",
    "dalo_appeal_on": "DALO : recours complet déposé le",
    "dalo_recognised_on": "DALO : reconnu prioritaire le",
    "diagnostic_summary": "Diagnostic (synthèse)",
    "diagnostic_signed_on": "Diagnostic signé le",
    "household_signed": "Diagnostic co-signé par le ménage",
    "previous_mesure_id": "Ré-intervention : la mesure précédente (identifiant)",
    "source": "Origine",
    "landlord_is_legal_entity": "Bailleur personne morale",
    "arrears": "Dette locative (€)",
}
# A field's name in one step's form, where the generic one says too little.
STEP_FIELD_LABELS = {
    ("render_social_enquiry", "summary"): "Synthèse de l'enquête",
    ("close_minutes", "summary"): "Synthèse de la séance",
    ("hold_meeting", "kind"): "Rencontre",
    ("request_renewal", "months"): "Durée du renouvellement demandé (mois)",
    ("request_renewal", "reason"): "Pourquoi renouveler",
    ("record_follow_up", "note"): "Suivi de l'avis",
    ("close", "outcome"): "Issue",
}
# The words of a choice's codes: the domain's own labels, then these.
CHOICE_LABELS = {
    **saisine_steps.OUTCOME_LABELS,
    **saisine_steps.SOURCE_LABELS,
    **mesure_steps.KIND_LABELS,
    **{code: e.label for code, e in TRUCE_EXCEPTIONS.items()},
    "fsl": "Fonds de solidarité pour le logement (FSL)",
    "services_sociaux": "services sociaux",
    "surendettement": "commission de surendettement",
    "courrier": "courrier",
    "courriel": "courriel",
    "en_personne": "en personne",
    "telephone": "téléphone",
    **ROLE_LABELS,
    **OUTCOMES,
    **FUNCTIONS,
    "favorable": "favorable",
    "defavorable": "défavorable",
    "reserve": "réservé",
    "non_prioritaire": "non prioritaire",
    "entretien": "entretien",
    "visite_a_domicile": "visite à domicile",
    "acceptee": "acceptée",
    "refusee": "refusée par le ménage",
    "caduque": "caduque (sans réponse)",
    "ok": "sans problème",
    "problemes": "problèmes constatés",
}
# A field's codes, by field name, where its words are not the generic ones.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "stage": {**DOSSIER_STAGES, **mesure_steps.STAGE_LABELS},
    "kind": {
        **commission_steps.KIND_LABELS,
        **mesure_steps.KIND_LABELS,
        "entretien": "entretien",
        "visite_a_domicile": "visite à domicile",
        "livraison": "livraison",
        "vacance": "vacance",
    },
    "source": saisine_steps.SOURCE_LABELS,
}
MONEY = frozenset(
    {"rent", "charges", "monthly_resources", "housing_benefit", "arrears"}
)
UUID_TEXT = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_identifier(value: object) -> bool:
    """A UUID says nothing to a person: left out of what a page shows."""
    return isinstance(value, UUID) or (
        isinstance(value, str) and bool(UUID_TEXT.match(value))
    )


def field_name(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " "))


def field_value(name: str, value: Any) -> str:
    """A field's value in words: a day as « 12 mars 2026 », yes/no, a commune's
    name, a code's label, a list's items and a part's fields (identifiers left
    out)."""
    if value is None or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date) or (isinstance(value, str) and ISO_DAY.match(value)):
        return day(value)
    if isinstance(value, list):
        return " ; ".join(field_value(name, item) for item in value)
    if isinstance(value, dict) and {"organisation", "role"} <= set(value):
        function = value.get("function")
        more = f", {FUNCTIONS.get(function, function)}" if function else ""
        return f"{value['organisation']} ({field_value('role', value['role'])}{more})"
    if isinstance(value, dict):
        return ", ".join(
            f"{field_name(key)} : {field_value(key, item)}"
            for key, item in value.items()
            if not is_identifier(item)
        )
    if name in MONEY:
        return euros(value)
    if isinstance(value, str):
        if name == "commune":
            return places.commune_label(value)
        return VALUE_LABELS.get(name, {}).get(value) or CHOICE_LABELS.get(value, value)
    return str(value)
