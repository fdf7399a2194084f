"""The DOMAIN.md §8 rules on a dossier's values, each written once: pure checks
that the Dossier's commands call to refuse (`refuse(breach)`) and the legality
engine (domain/legality/dossier.py) calls to find the same breach in a recorded
history, with the same message. They read values, never an aggregate, so an
imported event is judged exactly as a command would have been."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from domain.shared import Breach, add_months, fr_day, role_label

if TYPE_CHECKING:
    from collections.abc import Iterable

    from domain.department_settings import DepartmentSettings

AVIS_ENQUETE = ("prioritaire", "favorable", "defavorable", "non_prioritaire")
AVIS_MAIRIE = ("favorable", "defavorable")
CAL_DECISIONS = (
    "attribution",
    "attribution_par_classement",
    "attribution_sous_condition_suspensive",
    "non_attribution",
    "rejet_irrecevabilite",
)
ATTRIBUTIONS = CAL_DECISIONS[:3]
CONDITION = "attribution_sous_condition_suspensive"
SOLVENCY_OPINIONS = ("favorable", "reserve", "defavorable")
DOCUMENT_CHANNELS = ("ccas", "mairie", "departement", "caf", "demandeur")
OFFER_MIN_DAYS = 10  # R441-10 CCH: at least ten days to answer an offer
SNE_VALIDITY_MONTHS = 12  # R441-2-7 CCH: a demand is valid one year
CENT, BASIS_POINT = Decimal("0.01"), Decimal("0.0001")


def origin_breach(role: str, dalo: bool) -> Breach | None:
    """DOS-ORIGINE: since the DALO the Préfecture proposes, DALO dossiers only,
    and a DALO dossier is the Préfecture's."""
    if role == "prefecture" and not dalo:
        return Breach(
            "DOS-ORIGINE",
            "La Préfecture propose des dossiers au titre du DALO uniquement.",
        )
    if dalo and role != "prefecture":
        return Breach("DOS-ORIGINE", "Un dossier DALO est proposé par la Préfecture.")
    return None


def registration_breach(
    numero_unique: str | None, registered_on: date | None, identified_on: date
) -> Breach | None:
    """SNE-NUMERO at the repérage: the numéro and its registration day go
    together, and the demand is registered by the repérage."""
    if (numero_unique is None) != (registered_on is None):
        return Breach(
            "SNE-NUMERO", "Le numéro unique et sa date d'enregistrement vont ensemble."
        )
    if registered_on is not None and registered_on > identified_on:
        return Breach(
            "SNE-NUMERO",
            f"La demande ne peut être enregistrée ({fr_day(registered_on)}) "
            f"après l'identification ({fr_day(identified_on)}).",
        )
    return None


def avis_breach(avis: str, *, mairie: bool) -> Breach | None:
    """DOS-AVIS: the enquête's avis is one of the four of the seed; the
    Mairie's favorable or défavorable (the seed gives no other)."""
    allowed, whose = (AVIS_MAIRIE, "de la Mairie ") if mairie else (AVIS_ENQUETE, "")
    if avis not in allowed:
        return Breach(
            "DOS-AVIS", f"Avis {whose}« {avis} » inconnu : {', '.join(allowed)}."
        )
    return None


def completeness_breach(
    documents: Iterable[str], settings: DepartmentSettings
) -> Breach | None:
    """DOS-COMPLET: the dossier the CCAS constitutes holds every document the
    department's settings require."""
    missing = sorted(set(settings.required_documents) - set(documents))
    if missing:
        return Breach(
            "DOS-COMPLET",
            f"Dossier incomplet, pièces manquantes : {', '.join(missing)}.",
        )
    return None


def ceiling_breach(
    settings: DepartmentSettings, year: int, category: int
) -> Breach | None:
    """DEAL-PLAFOND: the control needs the ceiling of the household's category
    for the year; without one it has nothing to go by."""
    if settings.ceiling(year, category) is None:
        return Breach(
            "DEAL-PLAFOND",
            f"Aucun plafond de ressources LLTS pour {year}, catégorie {category}, "
            "dans les paramètres du département.",
        )
    return None


def eligible(annual_resources: Decimal, ceiling: Decimal) -> bool:
    """DEAL-PLAFOND: resources at most the ceiling."""
    return annual_resources <= ceiling


def contact_breach(through_role: str) -> Breach | None:
    """ALS-CONTACT: during the analysis, documents are asked through the CCAS or
    a partner, never of the applicant directly."""
    if through_role not in DOCUMENT_CHANNELS[:-1]:
        through = "le demandeur" if through_role == "demandeur" else through_role
        return Breach(
            "ALS-CONTACT",
            "Pendant l'analyse, aucun contact avec le demandeur : les pièces se "
            f"demandent par le CCAS ou le partenaire, pas « {role_label(through)} ».",
        )
    return None


@dataclass(frozen=True)
class Solvency:
    """ALS-SOLVA's figures: taux d'effort = (loyer + charges − APL/AL) ÷
    ressources (to 0.01 %), reste à vivre, and per person (to the cent)."""

    taux_effort: Decimal
    reste_a_vivre: Decimal
    reste_a_vivre_per_person: Decimal


def solvency_inputs_breach(
    monthly_resources: Decimal, rent: Decimal, charges: Decimal, benefit: Decimal
) -> Breach | None:
    """ALS-SOLVA: figures a solvency study can be computed from."""
    if monthly_resources <= 0 or min(rent, charges, benefit) < 0:
        return Breach(
            "ALS-SOLVA",
            "Les ressources doivent être positives, loyer, charges et APL/AL ≥ 0.",
        )
    if rent + charges - benefit < 0:
        return Breach("ALS-SOLVA", "L'APL/AL ne peut dépasser le loyer et les charges.")
    return None


def solvency(
    monthly_resources: Decimal,
    rent: Decimal,
    charges: Decimal,
    benefit: Decimal,
    household_size: int,
) -> Solvency:
    """The taux d'effort and reste à vivre, of inputs without a breach."""
    net_cost = rent + charges - benefit
    taux = (net_cost / monthly_resources).quantize(BASIS_POINT, ROUND_HALF_UP)
    reste = monthly_resources - net_cost
    per_person = (reste / household_size).quantize(CENT, ROUND_HALF_UP)
    return Solvency(taux, reste, per_person)


def thresholds_met(
    taux_effort: Decimal, per_person: Decimal, settings: DepartmentSettings
) -> bool:
    """ALS-SOLVA: within the department's taux d'effort and reste à vivre."""
    return (
        taux_effort <= settings.max_taux_effort
        and per_person >= settings.min_reste_a_vivre_per_person
    )


def unknown_opinion_breach(opinion: str) -> Breach | None:
    """ALS-SOLVA: the opinion is favorable, réservé or défavorable."""
    if opinion not in SOLVENCY_OPINIONS:
        return Breach(
            "ALS-SOLVA",
            f"Avis de solvabilité « {opinion} » inconnu : "
            f"{', '.join(SOLVENCY_OPINIONS)}.",
        )
    return None


def opinion_breach(
    opinion: str, met: bool, motive: str | None, settings: DepartmentSettings
) -> Breach | None:
    """ALS-SOLVA: the opinion is one of the three; a favourable one outside the
    thresholds carries a motive."""
    unknown = unknown_opinion_breach(opinion)
    if unknown is not None:
        return unknown
    if opinion == "favorable" and not met and not (motive or "").strip():
        return Breach(
            "ALS-SOLVA",
            "Avis favorable hors des seuils (taux d'effort ≤ "
            f"{settings.max_taux_effort}, reste à vivre ≥ "
            f"{settings.min_reste_a_vivre_per_person} €/personne) : motif requis.",
        )
    return None


def decision_breach(
    decision: str, dwelling_ref: str | None, rank: int | None
) -> Breach | None:
    """CAL-DECISION: one of the five decisions of R441-3; an attribution names
    its dwelling, a ranked one its rank."""
    if decision not in CAL_DECISIONS:
        return Breach(
            "CAL-DECISION",
            f"Décision de CAL « {decision} » inconnue : {', '.join(CAL_DECISIONS)}.",
        )
    if decision in ATTRIBUTIONS and not dwelling_ref:
        return Breach("CAL-DECISION", "Une attribution désigne le logement attribué.")
    if decision == "attribution_par_classement" and not rank:
        return Breach(
            "CAL-DECISION",
            "Une attribution par classement indique le rang du candidat.",
        )
    return None


def condition_breach(
    decision: str,
    missing_document: str | None,
    deadline: date | None,
    decided_on: date,
) -> Breach | None:
    """CAL-CONDITION: a condition suspensive names the missing document and a
    deadline after the decision."""
    if decision == CONDITION and not (
        missing_document and deadline and deadline > decided_on
    ):
        return Breach(
            "CAL-CONDITION",
            "Une condition suspensive nomme la pièce manquante et un délai "
            "postérieur à la décision.",
        )
    return None


def fulfilment_breach(deadline: date, fulfilled_on: date) -> Breach | None:
    """CAL-CONDITION: a condition suspensive is lifted by its deadline."""
    if fulfilled_on > deadline:
        return Breach(
            "CAL-CONDITION",
            f"Le délai de la condition suspensive est passé ({fr_day(deadline)}).",
        )
    return None


def motive_breach(decision: str, motive: str | None) -> Breach | None:
    """CAL-MOTIF: every non-attribution or rejection is motivated in writing."""
    if decision not in ATTRIBUTIONS and not (motive or "").strip():
        return Breach(
            "CAL-MOTIF", "Toute non-attribution ou tout rejet est motivé par écrit."
        )
    return None


def deferral_breach(
    motive: str | None, return_session_on: date, deferred_on: date
) -> Breach | None:
    """CAL-DECISION: an ajournement is motivated and dated (a later session)."""
    if not (motive or "").strip() or return_session_on <= deferred_on:
        return Breach(
            "CAL-DECISION",
            "Un ajournement porte un motif et la date de la séance où le dossier "
            "revient.",
        )
    return None


def answer_deadline_breach(offered_on: date, answer_deadline: date) -> Breach | None:
    """OFFRE-DELAI: an offer leaves at least ten days to answer."""
    earliest = offered_on + timedelta(days=OFFER_MIN_DAYS)
    if answer_deadline < earliest:
        return Breach(
            "OFFRE-DELAI",
            f"Le délai de réponse est d'au moins {OFFER_MIN_DAYS} jours "
            f"(au plus tôt le {fr_day(earliest)}).",
        )
    return None


def offer_lapsed(answer_deadline: date, day: date) -> bool:
    """OFFRE-DELAI: on `day`, the household's silence since the offer is a
    refusal (the offer has lapsed) once its answer deadline has passed."""
    return day > answer_deadline


def answer_breach(
    answer: str, answered_on: date, answer_deadline: date
) -> Breach | None:
    """OFFRE-DELAI: an acceptance or a refusal is recorded by the deadline
    (silence past it is a refusal: the offer lapses); a lapse, after it."""
    if answer == "caduque":
        if not offer_lapsed(answer_deadline, answered_on):
            return Breach(
                "OFFRE-DELAI",
                f"Le délai de réponse court jusqu'au {fr_day(answer_deadline)}.",
            )
        return None
    if offer_lapsed(answer_deadline, answered_on):
        return Breach(
            "OFFRE-DELAI",
            f"Le délai de réponse ({fr_day(answer_deadline)}) est passé : "
            "le silence vaut refus, la proposition est caduque.",
        )
    return None


def support_breach(
    outcome: str, support_months: int | None, settings: DepartmentSettings
) -> Breach | None:
    """BILAN-SUITE: a bilan that finds social problems opens a support of at
    least the department's minimum."""
    minimum = settings.min_support_months_after_bilan
    if outcome == "problemes" and (support_months or 0) < minimum:
        return Breach(
            "BILAN-SUITE",
            "Un bilan qui relève des problèmes sociaux ouvre un accompagnement "
            f"d'au moins {minimum} mois ({support_months or 0} prévu).",
        )
    return None


def sne_valid_until(valid_from: date | None) -> date | None:
    """SNE-VALIDITE: a demand is valid a year from its registration or renewal."""
    if valid_from is None:
        return None
    return add_months(valid_from, SNE_VALIDITY_MONTHS)


def numero_breach(numero_unique: str | None, valid_from: date | None) -> Breach | None:
    """SNE-NUMERO: no CAL examination without a registered numéro unique. (Its
    expiry is SNE-VALIDITE in a history: `expiry_breach`.)"""
    if not numero_unique or valid_from is None:
        return Breach("SNE-NUMERO", "Pas d'examen en CAL sans numéro unique valide.")
    return None


def expiry_breach(valid_from: date | None, examined_on: date) -> Breach | None:
    """SNE-VALIDITE: no CAL examination once the demand expired unrenewed."""
    until = sne_valid_until(valid_from)
    if until is not None and examined_on > until:
        return Breach(
            "SNE-VALIDITE",
            f"Demande expirée le {fr_day(until)} sans renouvellement.",
        )
    return None


def renewal_breach(valid_from: date | None, renewed_on: date) -> Breach | None:
    """SNE-VALIDITE: a demand is renewed before it expires; an expired one is
    radiated."""
    until = sne_valid_until(valid_from)
    if until is not None and renewed_on > until:
        return Breach(
            "SNE-VALIDITE",
            f"La demande a expiré le {fr_day(until)} : elle doit être radiée.",
        )
    return None
