"""The LLTS dossier's instruction, from the repérage to the ALS's analysis:
DOS-ORDRE, SNE-NUMERO, DOS-AVIS, DOS-COMPLET, DOS-ORIGINE, DEAL-PLAFOND,
ALS-SOLVA, ALS-CONTACT, read again on any history (domain/legality/dossier)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

# The rules on values are written once, next to the aggregate: the commands
# refuse what these checks find (domain/dossier_rules.py).
from domain.dossier import STEP_ROLES, Dossier
from domain.dossier_rules import (
    avis_breach,
    ceiling_breach,
    completeness_breach,
    contact_breach,
    eligible,
    numero_breach,
    opinion_breach,
    origin_breach,
    registration_breach,
    solvency,
    solvency_inputs_breach,
    thresholds_met,
    unknown_opinion_breach,
)
from domain.legality.reading import History, breach_finding, events_of, finding_on
from domain.legality.rules import Finding
from domain.shared import fr_day, role_label

# DOS-ORDRE: the instruction chain, in order, with French labels.
CHAIN: tuple[tuple[type[Dossier.Event], str], ...] = (
    (Dossier.Identified, "le repérage"),
    (Dossier.SocialEnquiryRendered, "l'enquête sociale"),
    (Dossier.MairieAvisRendered, "l'avis de la Mairie"),
    (Dossier.Completed, "la constitution du dossier"),
    (Dossier.ResourcesChecked, "le contrôle des ressources"),
    (Dossier.AnalysisStarted, "l'analyse de l'ALS"),
)


def check_order(history: History) -> Iterator[Finding]:
    done: dict[type, Any] = {}
    for event in history.events:
        position = next(
            (i for i, (cls, _) in enumerate(CHAIN) if type(event) is cls), None
        )
        if position is None or position == 0:
            if position == 0:
                done[type(event)] = event
            continue
        previous_cls, previous_label = CHAIN[position - 1]
        label = CHAIN[position][1]
        previous = done.get(previous_cls)
        if previous is None:
            yield finding_on(
                "DOS-ORDRE",
                f"{label.capitalize()} est enregistré(e) sans {previous_label} "
                "préalable.",
                [event],
            )
        elif event.occurred_on < previous.occurred_on:
            yield finding_on(
                "DOS-ORDRE",
                f"{label.capitalize()} ({fr_day(event.occurred_on)}) est datée "
                f"avant {previous_label} ({fr_day(previous.occurred_on)}).",
                [previous, event],
            )
        done[type(event)] = event


def check_numero(history: History) -> Iterator[Finding]:
    """SNE-NUMERO: a CAL examination (decision or deferral) of a dossier with no
    numéro unique (or no registration day) recorded by then, neither at the
    repérage nor by a renewal; a numéro unique without its registration date
    (or the reverse); a demand registered after its repérage. An expired
    numéro is SNE-VALIDITE's."""
    numero: str | None = None
    valid_from: date | None = None
    for event in history.events:
        if isinstance(event, Dossier.Identified):
            numero, valid_from = event.numero_unique, event.sne_registered_on
            breach = registration_breach(
                numero, event.sne_registered_on, event.occurred_on
            )
            if breach is not None:
                yield breach_finding(
                    breach, f"Repérage du {fr_day(event.occurred_on)}", [event]
                )
        elif isinstance(event, Dossier.DemandRenewed):
            numero = event.numero_unique or numero
            valid_from = event.occurred_on
        elif isinstance(event, Dossier.CALDecided | Dossier.Deferred) and (
            breach := numero_breach(numero, valid_from)
        ):
            context = f"La CAL examine le dossier le {fr_day(event.occurred_on)}"
            yield breach_finding(breach, context, [event])


def check_avis(history: History) -> list[Finding]:
    """DOS-AVIS: the enquête's avis is one of the four of the seed; the Mairie's
    favorable or défavorable (the seed gives no other)."""
    return [
        breach_finding(breach, f"Avis du {fr_day(event.occurred_on)}", [event])
        for event in events_of(
            history.events, Dossier.SocialEnquiryRendered, Dossier.MairieAvisRendered
        )
        if (
            breach := avis_breach(
                event.avis, mairie=isinstance(event, Dossier.MairieAvisRendered)
            )
        )
    ]


def check_complete(history: History) -> Iterator[Finding]:
    """DOS-COMPLET: the dossier the CCAS constitutes holds every document the
    settings in force on that day require; and no DEAL control nor ALS analysis
    before a dossier is complete (a step without completion at all)."""
    completed = False
    for event in history.events:
        if isinstance(event, Dossier.Completed):
            completed = True
            rules = history.in_force(event.occurred_on)
            if rules is None:
                continue
            version, settings = rules
            breach = completeness_breach(event.documents, settings)
            if breach is not None:
                yield breach_finding(
                    breach,
                    f"Dossier déclaré complet le {fr_day(event.occurred_on)}",
                    [event],
                    version,
                )
        elif (
            isinstance(event, Dossier.ResourcesChecked | Dossier.AnalysisStarted)
            and not completed
        ):
            deal = isinstance(event, Dossier.ResourcesChecked)
            to_whom = "la DEAL" if deal else "l'ALS"
            yield finding_on(
                "DOS-COMPLET",
                f"Dossier transmis à {to_whom} le {fr_day(event.occurred_on)} "
                "sans avoir été constitué complet.",
                [event],
            )


def check_origin(history: History) -> Iterator[Finding]:
    """DOS-ORIGINE: the repérage is recorded by a partner (Mairie, CCAS,
    Département, CAF) or, for a DALO household only, by the Préfecture."""
    for event in history.of(Dossier.Identified):
        role = event.actor.role
        if role not in STEP_ROLES["identify"]:
            # The command refuses this by role (403) before the rule.
            problem = (
                f"repérage enregistré par un acteur non proposant ({role_label(role)})"
            )
            yield finding_on("DOS-ORIGINE", f"Origine du dossier : {problem}.", [event])
        elif breach := origin_breach(role, event.dalo):
            yield breach_finding(breach, "Origine du dossier", [event])


def check_ceiling(history: History) -> Iterator[Finding]:
    """DEAL-PLAFOND: the eligibility the DEAL recorded agrees with the ceiling of
    the household's category for the year of the control, in the settings in
    force on its day (not the ceiling the event copied). No ceiling there for
    that year and category is a breach too: the control had nothing to go by."""
    for event in history.of(Dossier.ResourcesChecked):
        rules = history.in_force(event.occurred_on)
        if rules is None:
            continue
        version, settings = rules
        year, category = event.occurred_on.year, event.household_category
        ceiling = settings.ceiling(year, category)
        if event.annual_resources is None:
            continue  # the household's figures are erased: nothing to check
        breach = ceiling_breach(settings, year, category)
        if breach is not None:
            context = f"Contrôle du {fr_day(event.occurred_on)}"
            yield breach_finding(breach, context, [event], version)
            continue
        assert ceiling is not None
        if event.eligible != eligible(event.annual_resources, ceiling):
            verdict = "éligible" if event.eligible else "inéligible"
            message = (
                f"Ménage déclaré {verdict} avec {event.annual_resources} € de "
                f"ressources pour un plafond de {ceiling} € (catégorie {category}, "
                f"{year})."
            )
        else:
            continue
        yield finding_on("DEAL-PLAFOND", message, [event], version)


def check_solvency(history: History) -> Iterator[Finding]:
    """ALS-SOLVA: the stored inputs give back the stored taux d'effort
    ((loyer + charges − APL/AL) ÷ ressources, to 0.01 %) and reste à vivre (to
    the cent, per person by the household's size at repérage); the opinion is
    one of the three; a favourable opinion outside the thresholds of the
    settings in force that day carries a motive."""
    identified = next(iter(history.of(Dossier.Identified)), None)
    size = identified.household_size if identified is not None else None
    for event in history.of(Dossier.SolvencyAssessed):
        if event.monthly_resources is None:
            continue  # the household's figures are erased: nothing to check
        problems: list[str] = []
        inputs = (event.monthly_resources, event.rent, event.charges)
        breach = solvency_inputs_breach(*inputs, event.housing_benefit)
        if breach is not None:
            problems.append(breach.message)
        else:
            # The stored figures are the inputs' (one formula, the command's).
            figures = solvency(*inputs, event.housing_benefit, size or 1)
            if figures.taux_effort != event.taux_effort:
                problems.append(
                    f"taux d'effort enregistré {event.taux_effort}, recalculé "
                    f"{figures.taux_effort}"
                )
            if figures.reste_a_vivre != event.reste_a_vivre:
                problems.append(
                    f"reste à vivre enregistré {event.reste_a_vivre}, recalculé "
                    f"{figures.reste_a_vivre}"
                )
            elif size and (
                figures.reste_a_vivre_per_person != event.reste_a_vivre_per_person
            ):
                problems.append(
                    "reste à vivre par personne enregistré "
                    f"{event.reste_a_vivre_per_person}, recalculé "
                    f"{figures.reste_a_vivre_per_person}"
                )
        rules = history.in_force(event.occurred_on)
        version = None
        if rules is not None and not problems:
            version, settings = rules
            met = thresholds_met(
                event.taux_effort, event.reste_a_vivre_per_person, settings
            )
            breach = opinion_breach(event.opinion, met, event.motive, settings)
            if breach is not None:
                problems.append(breach.message)
        elif (breach := unknown_opinion_breach(event.opinion)) is not None:
            problems.append(breach.message)  # an unknown opinion needs no settings
        if problems:
            yield finding_on(
                "ALS-SOLVA",
                f"Étude de solvabilité du {fr_day(event.occurred_on)} : "
                f"{' ; '.join(problems)}.",
                [event],
                version,
            )


def check_contact(history: History) -> Iterator[Finding]:
    """ALS-CONTACT: between the start of the analysis and the pré-commission,
    documents are asked through the CCAS or a partner. The history shows the
    channel of each request; a request made to the applicant directly is a
    contact. Other contacts (a phone call) leave no event: not seen."""
    analysing = False
    for event in history.events:
        if isinstance(event, Dossier.AnalysisStarted):
            analysing = True
        elif isinstance(event, Dossier.PreSelected):
            analysing = False
        elif (
            isinstance(event, Dossier.DocumentsRequested)
            and analysing
            and (breach := contact_breach(event.through_role))
        ):
            yield breach_finding(
                breach, f"Pièces demandées le {fr_day(event.occurred_on)}", [event]
            )
