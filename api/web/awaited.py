"""What waits on whom (the worklist, /travail): for a record's stage, the step
it awaits next and a label for people. Who may record that step comes from the
registry's STEP_ROLES (domain/dossier_steps.py, domain/mesure_steps.py), never
from a second list of roles here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain import commission_steps as commission
from domain import dossier_steps as dossier
from domain import mesure_steps as mesure
from domain import programme_steps as programme
from domain import saisine_steps as saisine
from domain.department import local_today

if TYPE_CHECKING:
    from datetime import date, datetime

# A dossier's stage → (the step it awaits, what is to do). Only the stages whose
# next step is one step: a CAL's decision (attribution, condition, list),
# a refused or lapsed offer and a done bilan lead to several, so they are not
# here. ENTERED is not either: its bilan d'installation is read from the
# follow-up view, with its due day (BILAN-DELAI).
DOSSIER_AWAITS: dict[str, tuple[str, str]] = {
    dossier.IDENTIFIED: ("render_social_enquiry", "Enquête sociale à rendre"),
    dossier.ENQUETE: ("render_mairie_avis", "Avis de la Mairie à rendre"),
    dossier.MAIRIE: ("complete", "Dossier à constituer"),
    dossier.COMPLETED: ("check_resources", "Ressources à contrôler"),
    dossier.RESOURCES: ("start_analysis", "Dossier à analyser"),
    dossier.ANALYSIS: ("assess_solvency", "Solvabilité à étudier"),
    dossier.SOLVENCY: ("preselect", "Pré-sélection à faire"),
    dossier.PRESELECTED: ("rank", "Classement à faire"),
    dossier.RANKED: ("decide", "Décision de la CAL à prendre"),
    dossier.DEFERRED: ("decide", "Dossier ajourné à réexaminer en CAL"),
    dossier.CONDITION_MET: ("offer", "Proposition de logement à faire"),
    dossier.OFFERED: ("accept_offer", "Réponse du ménage à la proposition"),
    dossier.ACCEPTED: ("sign_lease", "Bail à signer"),
    dossier.LEASE: ("enter", "Entrée dans les lieux à enregistrer"),
}
# The bilan d'installation of a dossier entered in its dwelling.
BILAN_STEP = "review_installation"
BILAN_LABEL = "Bilan d'installation à faire"

# A measure under convention: its bilan is due by the convention's last day
# (ASLL-FIN), a renewal asked is decided before it (ASLL-DUREE).
MESURE_AWAITS: dict[str, tuple[str, str]] = {
    mesure.RUNNING: ("end", "Bilan de fin de mesure à rendre"),
    mesure.RENEWAL_ASKED: ("decide_renewal", "Renouvellement à décider"),
}


# A CCAPEX referral's stage → its next step: the CCAPEX's, but the enquiry,
# which the operator it was asked of returns (the worklist asks only for those
# asked of the caller's organisation). Each is due by the day CCAPEX-SAISINE's
# delays leave for the prevention (the referrals' view: `due_on`). A referral
# given its avis is followed up or closed when the CCAPEX learns more: no
# step awaits it.
SAISINE_AWAITS: dict[str, tuple[str, str]] = {
    saisine.SIGNALLED: ("register", "Saisine à enregistrer"),
    saisine.REGISTERED: ("request_enquiry", "Enquête sociale à demander"),
    saisine.ENQUIRY_REQUESTED: ("return_enquiry", "Enquête sociale à rendre"),
    saisine.ENQUIRY_RETURNED: ("orient", "Ménage à orienter"),
    saisine.ORIENTED: ("examine", "Saisine à examiner en commission"),
    saisine.EXAMINED: ("issue_avis", "Avis de la CCAPEX à émettre"),
}


def awaited(
    role: str, awaits: dict[str, tuple[str, str]], steps: dict[str, frozenset[str]]
) -> dict[str, str]:
    """The stages whose awaited step `role` may record, with their labels."""
    return {
        stage: label for stage, (step, label) in awaits.items() if role in steps[step]
    }


def dossier_stages(role: str) -> dict[str, str]:
    return awaited(role, DOSSIER_AWAITS, dossier.STEP_ROLES)


def mesure_stages(role: str) -> dict[str, str]:
    return awaited(role, MESURE_AWAITS, mesure.STEP_ROLES)


def saisine_stages(role: str) -> dict[str, str]:
    return awaited(role, SAISINE_AWAITS, saisine.STEP_ROLES)


def bilan_statuses(role: str) -> dict[str, str]:
    """The bilans d'installation to do (the follow-up view's statuses) when
    `role` records them."""
    reviews = role in dossier.STEP_ROLES[BILAN_STEP]
    return dict.fromkeys(("overdue", "due"), BILAN_LABEL) if reviews else {}


def commission_kinds(role: str) -> dict[str, str]:
    """The kinds of session in which `role` records a step once convened (its
    attendance, decisions or minutes: commission_steps.STEP_ROLES), with what
    is to do: the session to hold by its day."""
    return {
        kind: f"{commission.KIND_TITLES[kind]} à tenir"
        for kind in commission.KINDS
        if any(
            role in by_kind.get(kind, frozenset())
            for step, by_kind in commission.STEP_ROLES.items()
            if step != "convene"
        )
    }


LIST_EXPIRY = "expire_from_list"
LIST_LABEL = "Liste complémentaire à échéance"


def list_kinds(role: str) -> dict[str, str]:
    """The sessions whose ranking keeps a liste complémentaire (LC-VALIDITE),
    when `role` records a listed dossier's expiry: the list's last day."""
    if role not in dossier.STEP_ROLES[LIST_EXPIRY]:
        return {}
    return dict.fromkeys(commission.STEP_ROLES["rank"], LIST_LABEL)


def programme_stages(role: str) -> dict[str, str]:
    """An announced programme awaits its concertation (CONC-QUOTA)."""
    holds = role in programme.STEP_ROLES["hold_concertation"]
    return {programme.ANNOUNCED: "Réunion de concertation à tenir"} if holds else {}


# A dossier under analysis awaiting the documents asked through the CCAS or a
# partner (ALS-CONTACT) until their receipt is recorded; no rule dates it.
DOCUMENTS_STEP = "receive_documents"
DOCUMENTS_LABEL = "Pièces demandées"
DOCUMENTS_STAGE = dossier.ANALYSIS


def documents_stages(role: str) -> dict[str, str]:
    """The stage at which documents are asked and received, when `role`
    records their receipt."""
    receives = role in dossier.STEP_ROLES[DOCUMENTS_STEP]
    return {DOCUMENTS_STAGE: DOCUMENTS_LABEL} if receives else {}


def has_worklist(role: str) -> bool:
    """Whether some step the worklist follows is `role`'s."""
    return bool(
        dossier_stages(role)
        or mesure_stages(role)
        or bilan_statuses(role)
        or commission_kinds(role)
        or list_kinds(role)
        or programme_stages(role)
        or saisine_stages(role)
        or documents_stages(role)
    )


def overdue(due: date | None, department: str, now: datetime) -> bool:
    """A deadline past (its day over) in the department's today at `now`."""
    return due is not None and due < local_today(department, now)
