"""Who ends an LLTS dossier, and on what: withdrawal (DOS-RETRAIT),
inadmissibility (DOS-IRRECEVABILITE), radiation (SNE-VALIDITE). One reading for
the commands (domain/dossier.py) and the legality engine."""

from __future__ import annotations

from datetime import date

from domain.dossier_steps import (
    RADIATION_ROLES,
    WITHDRAWAL_CHANNELS,
    WITHDRAWAL_ROLES,
)

_PROPOSE = "L'ALS qui analyse le dossier peut la proposer ; elle ne l'enregistre pas."


def withdrawal_problem(
    role: str, expressed_on: date | None, expressed_by: str | None, on: date
) -> str | None:
    """DOS-RETRAIT: a withdrawal is the household's own act, recorded by a
    partner acting for it with the day and the way the household expressed it;
    a landlord's refusal is a motivated CAL decision (CAL-MOTIF), not this."""
    if role == "bailleur":
        return (
            "Un bailleur ne retire pas un ménage : son refus est une décision "
            "motivée de sa CAL (non-attribution), notifiée par écrit."
        )
    if role not in WITHDRAWAL_ROLES:
        return (
            "Le retrait est l'acte du ménage, enregistré par un partenaire qui "
            f"agit pour lui, pas par le rôle « {role} »."
        )
    if expressed_on is None or expressed_by not in WITHDRAWAL_CHANNELS:
        return (
            "Le retrait est l'acte du ménage : indiquez le jour où il l'a exprimé "
            f"et comment ({', '.join(WITHDRAWAL_CHANNELS)})."
        )
    if expressed_on > on:
        return "Le ménage exprime son retrait avant qu'il soit enregistré."
    return None


def inadmissibility_problem(role: str, *, resources_checked: bool) -> str | None:
    """DOS-IRRECEVABILITE: inadmissibility is the CAL's decision (rejet pour
    irrecevabilité, R441-3) or follows the DEAL's resource control."""
    if role != "deal":
        return (
            "L'irrecevabilité est une décision de la CAL (rejet pour "
            "irrecevabilité) ou suit le contrôle des ressources par la DEAL. "
            + _PROPOSE
        )
    if not resources_checked:
        return (
            "La DEAL déclare un dossier irrecevable après avoir contrôlé ses "
            "ressources."
        )
    return None


def radiation_problem(role: str) -> str | None:
    """SNE-VALIDITE: radiating a demand belongs to the services that register
    demands (R441-2-8 CCH)."""
    if role not in RADIATION_ROLES:
        return (
            "La radiation d'une demande revient aux services qui enregistrent les "
            "demandes (CCH R441-2-8). " + _PROPOSE
        )
    return None
