"""The LLTS dossier from the commission préfectorale to the offer: SNE-VALIDITE,
LC-VALIDITE, CAL-PREALABLE, CAL-DECISION, CAL-MOTIF, CAL-CONDITION,
OFFRE-DELAI, DALO-DELAI (domain/legality/dossier)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

# The rules on values are written once, next to the aggregate: the commands
# refuse what these checks find (domain/dossier_rules.py).
from domain import dossier_rules
from domain.dossier import Dossier
from domain.dossier_steps import OUTCOME_LABELS
from domain.legality.reading import (
    History,
    breach_finding,
    events_of,
    finding_on,
)
from domain.legality.rules import Finding
from domain.shared import add_months, fr_day


def check_motive(history: History) -> list[Finding]:
    return [
        breach_finding(
            breach,
            f"Décision « {OUTCOME_LABELS.get(event.decision, event.decision)} » "
            f"de la CAL du {fr_day(event.occurred_on)}",
            [event],
        )
        for event in history.of(Dossier.CALDecided)
        if (breach := dossier_rules.motive_breach(event.decision, event.motive))
    ]


def check_sne(history: History) -> Iterator[Finding]:
    registration: Any = None  # the event that set the validity's start
    valid_from: date | None = None
    for event in history.events:
        if isinstance(event, Dossier.Identified):
            registration, valid_from = event, event.sne_registered_on
        elif isinstance(event, Dossier.DemandRenewed):
            breach = dossier_rules.renewal_breach(valid_from, event.occurred_on)
            if breach is not None and registration is not None:
                yield breach_finding(
                    breach,
                    f"Renouvellement du {fr_day(event.occurred_on)}",
                    [registration, event],
                )
            registration, valid_from = event, event.occurred_on
        elif isinstance(event, Dossier.CALDecided | Dossier.Deferred) and (
            breach := dossier_rules.expiry_breach(valid_from, event.occurred_on)
        ):
            context = f"La CAL statue le {fr_day(event.occurred_on)}"
            yield breach_finding(breach, context, [registration, event])


def check_list(history: History) -> Iterator[Finding]:
    ranking: Any = None
    for event in history.events:
        if isinstance(event, Dossier.Ranked):
            ranking = event
            continue
        if ranking is None or ranking.outcome != "liste_complementaire":
            continue
        decided = isinstance(event, Dossier.CALDecided | Dossier.Deferred)
        if not (decided or isinstance(event, Dossier.ListExpired)):
            continue
        version = None
        until = ranking.list_valid_until
        if until is None:  # an imported ranking without its expiry
            rules = history.in_force(ranking.occurred_on)
            if rules is None:
                continue
            version, settings = rules
            months = settings.liste_complementaire_validity_months
            until = add_months(ranking.occurred_on, months)
        if decided and event.occurred_on > until:
            message = (
                f"La CAL statue le {fr_day(event.occurred_on)} sur un dossier "
                f"de liste complémentaire expirée le {fr_day(until)}."
            )
        elif not decided and event.occurred_on <= until:
            # Hole 4: one CAL's non-attribution does not take the household off
            # its commune's list; only the list's expiry does.
            message = (
                f"Ménage sorti le {fr_day(event.occurred_on)} de la liste "
                f"complémentaire, valable jusqu'au {fr_day(until)} pour les autres "
                "logements et bailleurs de la commune."
            )
        else:
            continue
        yield finding_on(
            "LC-VALIDITE",
            message,
            [ranking, event],
            version,
        )


def check_condition(history: History) -> Iterator[Finding]:
    for decision in history.of(Dossier.CALDecided):
        if decision.decision != dossier_rules.CONDITION:
            continue
        deadline = decision.condition_deadline
        breach = dossier_rules.condition_breach(
            decision.decision, decision.missing_document, deadline, decision.occurred_on
        )
        if breach is not None:
            yield breach_finding(
                breach, f"CAL du {fr_day(decision.occurred_on)}", [decision]
            )
        if not decision.missing_document or deadline is None:
            continue
        # Only what follows this decision, up to the next CAL decision.
        following = history.first_after(decision, Dossier.CALDecided)
        stop = following.originator_version if following else None
        scope = [
            e
            for e in history.events
            if e.originator_version > decision.originator_version
            and (stop is None or e.originator_version < stop)
        ]
        fulfilled = next(iter(events_of(scope, Dossier.ConditionFulfilled)), None)
        late = fulfilled and dossier_rules.fulfilment_breach(
            deadline, fulfilled.occurred_on
        )
        if fulfilled is not None and late:
            yield breach_finding(
                late,
                f"Condition suspensive levée le {fr_day(fulfilled.occurred_on)}",
                [decision, fulfilled],
            )
        lease = next(iter(events_of(scope, Dossier.LeaseSigned)), None)
        met_in_time = fulfilled is not None and not late
        if lease is not None and not met_in_time:
            yield finding_on(
                "CAL-CONDITION",
                f"Bail signé le {fr_day(lease.occurred_on)} alors que la condition "
                f"suspensive ({decision.missing_document}) n'a pas été levée "
                "dans son délai.",
                [decision, lease],
            )


ANSWER_LABELS = {
    "acceptee": "acceptée",
    "refusee": "refusée",
    "caduque": "constatée caduque",
}


def check_offers(history: History) -> Iterator[Finding]:
    answers = {
        Dossier.OfferAccepted: "acceptee",
        Dossier.OfferRefused: "refusee",
        Dossier.OfferLapsed: "caduque",
    }
    for offer in history.of(Dossier.Offered):
        breach = dossier_rules.answer_deadline_breach(
            offer.occurred_on, offer.answer_deadline
        )
        if breach is not None:
            yield breach_finding(
                breach, f"Proposition du {fr_day(offer.occurred_on)}", [offer]
            )
        answer = history.first_after(
            offer,
            Dossier.OfferAccepted,
            Dossier.OfferRefused,
            Dossier.OfferLapsed,
            Dossier.Offered,
        )
        what = answers.get(type(answer)) if answer is not None else None
        breach = (
            dossier_rules.answer_breach(what, answer.occurred_on, offer.answer_deadline)
            if what
            else None
        )
        if breach is not None:
            yield breach_finding(
                breach,
                f"Proposition du {fr_day(offer.occurred_on)}, "
                f"{ANSWER_LABELS[what]} le {fr_day(answer.occurred_on)}",
                [offer, answer],
            )


def check_prior(history: History) -> Iterator[Finding]:
    """CAL-PREALABLE: a CAL decision or deferral on a dossier the commission
    préfectorale last ranked or listed; not on one it did not retain or never
    ranked."""
    ranking: Any = None
    for event in history.events:
        if isinstance(event, Dossier.Ranked):
            ranking = event
        elif isinstance(event, Dossier.CALDecided | Dossier.Deferred) and (
            ranking is None or ranking.outcome not in ("rang", "liste_complementaire")
        ):
            why = "jamais classé" if ranking is None else "non retenu"
            yield finding_on(
                "CAL-PREALABLE",
                f"La CAL statue le {fr_day(event.occurred_on)} sur un dossier "
                f"{why} par la commission préfectorale.",
                [e for e in (ranking, event) if e is not None],
            )


def check_decision(history: History) -> list[Finding]:
    """CAL-DECISION: each decision is one of the five of R441-3; an attribution
    names its dwelling, a ranked one its rank; an ajournement carries a motive
    and a return session after it."""
    findings = []
    for event in history.events:
        if isinstance(event, Dossier.CALDecided):
            breach = dossier_rules.decision_breach(
                event.decision, event.dwelling_ref, event.rank
            )
        elif isinstance(event, Dossier.Deferred):
            breach = dossier_rules.deferral_breach(
                event.motive, event.return_session_on, event.occurred_on
            )
        else:
            continue
        if breach is not None:
            findings.append(
                breach_finding(breach, f"CAL du {fr_day(event.occurred_on)}", [event])
            )
    return findings


def check_dalo(history: History) -> Iterator[Finding]:
    identified = next(iter(history.of(Dossier.Identified)), None)
    if identified is None or not identified.dalo:
        return
    appeal, recognised = identified.dalo_appeal_on, identified.dalo_recognised_on
    versions = (identified.originator_version,)
    mediation = history.in_force(appeal) if appeal else None
    if appeal and recognised and mediation:
        version, settings = mediation
        deadline = add_months(appeal, settings.dalo_mediation_months)
        if recognised > deadline:
            yield Finding(
                "DALO-DELAI",
                f"Commission de médiation : décision du {fr_day(recognised)} sur "
                f"un recours complet du {fr_day(appeal)}, au-delà de "
                f"{settings.dalo_mediation_months} mois ({fr_day(deadline)}).",
                versions,
                deadline + timedelta(days=1),
                version,
            )
    offering = history.in_force(recognised) if recognised else None
    if recognised is None or offering is None:
        return
    version, settings = offering
    deadline = add_months(recognised, settings.dalo_offer_months)
    offer = next(iter(history.of(Dossier.Offered)), None)
    ended = next(
        (e for e in history.of(Dossier.Ended) if e.occurred_on <= deadline), None
    )
    if offer is not None and offer.occurred_on > deadline:
        yield Finding(
            "DALO-DELAI",
            f"Première offre de logement le {fr_day(offer.occurred_on)}, plus de "
            f"{settings.dalo_offer_months} mois après la décision de la "
            f"commission de médiation du {fr_day(recognised)} "
            f"({fr_day(deadline)}).",
            (*versions, offer.originator_version),
            deadline + timedelta(days=1),
            version,
        )
    elif offer is None and ended is None and history.as_of > deadline:
        yield Finding(
            "DALO-DELAI",
            "Aucune offre de logement depuis la décision de la commission de "
            f"médiation du {fr_day(recognised)} (échéance du {fr_day(deadline)}).",
            versions,
            deadline + timedelta(days=1),
            version,
        )
