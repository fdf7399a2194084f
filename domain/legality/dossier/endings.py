"""How an LLTS dossier ends and what it keeps after: DOS-RETRAIT,
DOS-IRRECEVABILITE, SNE-VALIDITE (radiation), RGPD-CONSERVATION
(domain/legality/dossier)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

# The rules on values are written once, next to the aggregate: the commands
# refuse what these checks find (domain/dossier_rules.py).
from domain.dossier import Dossier
from domain.dossier_endings import (
    inadmissibility_problem,
    radiation_problem,
    withdrawal_problem,
)
from domain.dossier_rules import SNE_VALIDITY_MONTHS
from domain.legality.reading import History, finding_on, the_day_after
from domain.legality.rules import Finding
from domain.shared import add_months, fr_day


def check_retention(history: History) -> Iterator[Finding]:
    """RGPD-CONSERVATION: the enquête sociale's data serve until the bilan
    d'installation says whether a follow-up is needed: none ("ok"), they are
    due for erasure at the bilan; a support of N months, at its end. Data still
    held `social_data_retention_months` (settings in force on the bilan's day)
    after that are reported, the day after. A radiated demand: one year after
    the radiation (SNE data). Once the household's data are erased
    (PersonalDataErased), nothing is held."""
    if history.of(Dossier.PersonalDataErased):
        return
    enquiries = history.of(Dossier.SocialEnquiryRendered)
    for review in history.of(Dossier.InstallationReviewed):
        if not enquiries:
            break
        rules = history.in_force(review.occurred_on)
        if rules is None:
            continue
        version, settings = rules
        end = add_months(review.occurred_on, review.support_months or 0)
        due = add_months(end, settings.social_data_retention_months)
        if history.as_of > due:
            yield Finding(
                "RGPD-CONSERVATION",
                "Données de l'enquête sociale toujours conservées après le "
                f"{fr_day(due)} (fin du besoin : {fr_day(end)}) : à effacer.",
                (enquiries[-1].originator_version, review.originator_version),
                due + timedelta(days=1),
                version,
            )
    for radiation in history.of(Dossier.Radiated):
        due = add_months(radiation.occurred_on, SNE_VALIDITY_MONTHS)
        if history.as_of > due:
            yield finding_on(
                "RGPD-CONSERVATION",
                f"Demande radiée le {fr_day(radiation.occurred_on)} : ses "
                f"données sont conservées au-delà du {fr_day(due)}.",
                [radiation],
                on=the_day_after(due),
            )


def check_endings(history: History) -> Iterator[Finding]:
    """DOS-RETRAIT, DOS-IRRECEVABILITE, SNE-VALIDITE: who ended the dossier and
    on what, read as the commands read it (domain/dossier_endings.py): a withdrawal
    recorded by a landlord, or without the household's expression (every v1
    withdrawal: its day and form were not recorded); an inadmissibility recorded
    by another than the DEAL or before its resource control; a radiation by
    another than a service that registers demands."""
    checked = False
    for event in history.events:
        role = event.actor.role
        problem, rule = None, ""
        if isinstance(event, Dossier.ResourcesChecked):
            checked = True
        elif isinstance(event, Dossier.Withdrawn):
            rule = "DOS-RETRAIT"
            problem = withdrawal_problem(
                role, event.expressed_on, event.expressed_by, event.occurred_on
            )
        elif isinstance(event, Dossier.DeclaredInadmissible):
            rule = "DOS-IRRECEVABILITE"
            problem = inadmissibility_problem(role, resources_checked=checked)
        elif isinstance(event, Dossier.Radiated):
            rule, problem = "SNE-VALIDITE", radiation_problem(role)
        if problem:
            yield finding_on(
                rule,
                f"Le {fr_day(event.occurred_on)} ({event.actor.organisation}) : "
                f"{problem}",
                [event],
            )
