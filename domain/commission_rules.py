"""The rules a commission's decisions answer to, as pure functions the
aggregate (domain/commission.py) calls: a session on its programme, one
household per dwelling (CAL-DECISION), three candidates (CAL-TROIS), the
programme's path (LC-VALIDITE, CAL-PREALABLE) and the commission préfectorale's
order carried into the CAL (COMPREF-RANG)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import dossier as d
from domain.commission_steps import (
    CAL,
    CAL_MIN_CANDIDATES,
    DIRECT_ATTRIBUTIONS,
    PRIOR_OUTCOMES,
)
from domain.commission_values import (
    CALExamination,
    DwellingFacts,
    dwelling_value,
    prior_value,
)
from domain.programme import Programme
from domain.shared import RuleViolation, TransitionError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def check_programme(
    programme: Programme,
    kind: str,
    department: str,
    commune: str,
    landlord: str | None,
    refs: Sequence[str],
) -> None:
    """A session held for a programme sits in its commune; a CAL is its landlord's
    and examines its dwellings."""
    if (programme.department, programme.commune) != (department, commune):
        msg = f"Le programme est situé dans la commune {programme.commune}."
        raise TransitionError(msg, "wrong_programme")
    if kind == CAL and landlord != programme.landlord:
        msg = f"Seule la CAL de {programme.landlord} examine ses logements."
        raise TransitionError(msg, "wrong_programme")
    unknown = [ref for ref in refs if ref not in programme.dwellings]
    if unknown:
        msg = f"Logements inconnus du programme : {', '.join(unknown)}."
        raise TransitionError(msg, "unknown_dwelling")


def check_one_household(examinations: Sequence[CALExamination]) -> None:
    """CAL-DECISION: a dwelling goes to one household, or to ranked households
    (R441-3 b), rank n+1 offered only if rank n refuses)."""
    direct = [e for e in examinations if e.decision in DIRECT_ATTRIBUTIONS]
    ranks = sorted(
        e.rank or 0 for e in examinations if e.decision == "attribution_par_classement"
    )
    if len(direct) > 1 or (direct and ranks):
        msg = (
            "Un logement va à un seul ménage : une attribution, ou des attributions "
            "par classement."
        )
        raise RuleViolation("CAL-DECISION", msg)
    if ranks != list(range(1, len(ranks) + 1)):
        msg = "Les attributions par classement sont rangées de 1 à n, sans doublon."
        raise RuleViolation("CAL-DECISION", msg)


def cal_trois_exception(
    examinations: Sequence[CALExamination], motive: str | None, dwelling_ref: str
) -> str | None:
    """CAL-TROIS: at least three candidates a dwelling, unless a DALO household
    designated by the préfet, or too few candidates with the motive recorded."""
    if len(examinations) >= CAL_MIN_CANDIDATES:
        return None
    if any(e.dalo_designated and e.dalo_recognised for e in examinations):
        return "dalo"
    if (motive or "").strip():
        return "candidats_insuffisants"
    msg = (
        f"La CAL examine au moins {CAL_MIN_CANDIDATES} candidats par logement "
        f"({len(examinations)} pour {dwelling_ref}), sauf ménage DALO désigné par "
        "le préfet ou candidats insuffisants (motif à enregistrer)."
    )
    raise RuleViolation("CAL-TROIS", msg)


def dalo_claim_problem(designated: bool, recognised: bool) -> str | None:
    """CAL-TROIS: the DALO exemption from three candidates holds for a household
    whose dossier records its DALO recognition, not for one declared DALO."""
    if designated and not recognised:
        return (
            "Le dossier de ce ménage n'enregistre aucune reconnaissance DALO : il "
            "ne peut être désigné au titre du DALO pour déroger aux trois "
            "candidats (CCH L441-2-3 II)."
        )
    return None


def programme_path_problem(
    decision: str,
    prior: Mapping[str, Any],
    dwelling: Mapping[str, Any] | None,
) -> tuple[str, str] | None:
    """Issue 14, hole 1, on what the CAL read (the rule id and why): the liste
    complémentaire serves vacancies in existing stock, not a new delivery's
    dwellings (LC-VALIDITE, seed 000); attributing a programme's dwelling to a
    ranked household requires that programme's concertation, pré-commission
    and commission préfectorale (CAL-PREALABLE). `dwelling`: DwellingFacts as
    stored; None: a CAL on no programme."""
    if dwelling is None:
        return None
    outcome = prior.get("outcome")
    if outcome == "liste_complementaire" and dwelling.get("new_delivery"):
        return "LC-VALIDITE", (
            "La liste complémentaire sert les vacances du parc existant, pas les "
            "logements d'une livraison neuve."
        )
    if decision not in d.ATTRIBUTIONS or outcome != "rang":
        return None
    programme_id = dwelling.get("programme_id")
    missing = [
        step
        for step, held in (
            ("sa réunion de concertation", dwelling.get("concerted")),
            ("sa pré-commission", prior.get("preselected_for") == programme_id),
            ("sa commission préfectorale", prior.get("programme_id") == programme_id),
        )
        if not held
    ]
    if missing:
        return "CAL-PREALABLE", (
            "Attribuer un logement du programme suppose " + ", ".join(missing) + "."
        )
    return None


def check_programme_path(e: CALExamination, dwelling: DwellingFacts | None) -> None:
    facts = dwelling_value(dwelling)
    problem = programme_path_problem(e.decision, prior_value(e.prior), facts)
    if problem:
        raise RuleViolation(*problem)


def check_cal_order(examinations: Sequence[CALExamination]) -> None:
    """COMPREF-RANG carried into the CAL: attributing ahead of a household the
    same commission préfectorale ranked better records a motive. Passing over a
    household by non-attribution, rejection or ajournement is motivated already."""
    attributed = [e for e in examinations if e.decision in d.ATTRIBUTIONS]

    def prior_key(e: CALExamination) -> tuple[int, int]:
        return PRIOR_OUTCOMES.index(e.prior.outcome or ""), e.prior.rank or 0

    for ahead in attributed:
        for behind in attributed:
            if (
                ahead.prior.commission_id == behind.prior.commission_id
                and (ahead.rank or 1) < (behind.rank or 1)
                and prior_key(behind) < prior_key(ahead)
                and not (ahead.motive or "").strip()
            ):
                msg = (
                    "Attribution hors de l'ordre de la commission préfectorale : "
                    "un ménage mieux classé passe après, motif requis."
                )
                raise RuleViolation("COMPREF-RANG", msg)
