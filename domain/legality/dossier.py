"""Legality rules engine, first slice (issue 6): the LLTS dossier's history.

`check_dossier` reads a dossier's recorded events (no aggregate, no I/O) and
reports the DOMAIN.md §8 rules its history breaks as of a day:

- the "hist" rules, only visible afterwards (a deadline passed, a late step);
- two "cmd" rules checked again on any history (DOS-ORDRE, CAL-MOTIF), since
  an imported history never went through the commands.

Only the events that happened by the end of `as_of` (`occurred_on <= as_of`)
count, so the same history read on an earlier day shows what was known then.
The events are read in their version order; gaps are tolerated (an imported
history may be partial).

Settings: one `DepartmentSettings` is passed. When the settings changed during
the dossier's life, the caller passes the version in force on the day of the
decision judged (`Department.settings_on(day)`); the liste complémentaire's
expiry is read from the `Ranked` event itself, which recorded the validity in
force when the commission ranked the dossier.

Readings chosen where the seed is loose:

- BILAN-DELAI: the bilan d'installation is due at the latest
  `bilan_installation_deadline_months` after the entry (`Entered`). Breach the
  day after that deadline when no bilan is recorded by then, or a bilan
  recorded after it.
- ENTREE-INFO: "collective information meetings follow the CAL": after a CAL
  attribution and an entry, at least one information meeting must be attended
  on or after the CAL decision and no later than the bilan d'installation. Breach
  on the bilan's day when it is recorded with no such meeting before it, or,
  with no bilan, the day after the bilan deadline when still no meeting.
- OFFRE-DELAI: an offer whose answer deadline is under 10 days after it
  (breach on the offer's day), or an acceptance/refusal recorded after the
  answer deadline (breach on the answer's day). Silence past the deadline is a
  refusal, not a breach.
- LC-VALIDITE: a CAL decision or deferral, on a dossier last ranked on the liste
  complémentaire, taken after the list's expiry.
- CAL-CONDITION: a condition suspensive without a document or a deadline; a
  condition fulfilled after its deadline; or a lease signed on an attribution
  sous condition whose condition was not fulfilled in time.
- SNE-VALIDITE: a CAL decision or deferral taken more than a year after the
  last registration or renewal of the demand (no registration at all is
  SNE-NUMERO, a "cmd" rule, not checked here).
- DOS-ORDRE: in the chain repérage → enquête sociale → avis Mairie → dossier
  complet → DEAL → ALS, a step recorded before the previous one, or dated
  (`occurred_on`) before it.
- CAL-MOTIF: a non-attribution or rejection without a written motive.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from domain.dossier import ATTRIBUTIONS, OFFER_MIN_DAYS, SNE_VALIDITY_MONTHS, Dossier
from domain.legality.rules import Finding
from domain.shared import add_months

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from domain.department import DepartmentSettings

CONDITION = "attribution_sous_condition_suspensive"
# DOS-ORDRE: the instruction chain, in order, with French labels.
CHAIN: tuple[tuple[type[Dossier.Event], str], ...] = (
    (Dossier.Identified, "le repérage"),
    (Dossier.SocialEnquiryRendered, "l'enquête sociale"),
    (Dossier.MairieAvisRendered, "l'avis de la Mairie"),
    (Dossier.Completed, "la constitution du dossier"),
    (Dossier.ResourcesChecked, "le contrôle des ressources"),
    (Dossier.AnalysisStarted, "l'analyse de l'ALS"),
)


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _of(events: Sequence[Any], *classes: type) -> list[Any]:
    return [event for event in events if isinstance(event, classes)]


def _first_after(events: Sequence[Any], after: Any, *classes: type) -> Any | None:
    return next(
        (
            e
            for e in events
            if isinstance(e, classes)
            and e.originator_version > after.originator_version
        ),
        None,
    )


def _cal_examinations(events: Sequence[Any]) -> list[Any]:
    return _of(events, Dossier.CALDecided, Dossier.Deferred)


def _check_order(events: Sequence[Any], settings: DepartmentSettings) -> list[Finding]:
    findings = []
    done: dict[type, Any] = {}
    for event in events:
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
            findings.append(
                Finding(
                    "DOS-ORDRE",
                    f"{label.capitalize()} est enregistré(e) sans {previous_label} "
                    "préalable.",
                    (event.originator_version,),
                    event.occurred_on,
                )
            )
        elif event.occurred_on < previous.occurred_on:
            findings.append(
                Finding(
                    "DOS-ORDRE",
                    f"{label.capitalize()} ({_day(event.occurred_on)}) est datée "
                    f"avant {previous_label} ({_day(previous.occurred_on)}).",
                    (previous.originator_version, event.originator_version),
                    event.occurred_on,
                )
            )
        done[type(event)] = event
    return findings


def _check_motive(events: Sequence[Any], settings: DepartmentSettings) -> list[Finding]:
    return [
        Finding(
            "CAL-MOTIF",
            f"Décision « {event.decision} » de la CAL du {_day(event.occurred_on)} "
            "sans motif écrit.",
            (event.originator_version,),
            event.occurred_on,
        )
        for event in _of(events, Dossier.CALDecided)
        if event.decision not in ATTRIBUTIONS and not (event.motive or "").strip()
    ]


def _check_sne(events: Sequence[Any], settings: DepartmentSettings) -> list[Finding]:
    findings = []
    registration: Any = None  # the event that set the validity's start
    valid_from: date | None = None
    for event in events:
        if isinstance(event, Dossier.Identified):
            registration, valid_from = event, event.sne_registered_on
        elif isinstance(event, Dossier.DemandRenewed):
            registration, valid_from = event, event.occurred_on
        elif isinstance(event, Dossier.CALDecided | Dossier.Deferred) and valid_from:
            until = add_months(valid_from, SNE_VALIDITY_MONTHS)
            if event.occurred_on > until:
                findings.append(
                    Finding(
                        "SNE-VALIDITE",
                        f"La CAL statue le {_day(event.occurred_on)} sur une demande "
                        f"expirée le {_day(until)} sans renouvellement.",
                        (registration.originator_version, event.originator_version),
                        event.occurred_on,
                    )
                )
    return findings


def _check_list(events: Sequence[Any], settings: DepartmentSettings) -> list[Finding]:
    findings = []
    ranking: Any = None
    for event in events:
        if isinstance(event, Dossier.Ranked):
            ranking = event
        elif (
            isinstance(event, Dossier.CALDecided | Dossier.Deferred)
            and ranking is not None
            and ranking.outcome == "liste_complementaire"
        ):
            until = ranking.list_valid_until or add_months(
                ranking.occurred_on, settings.liste_complementaire_validity_months
            )
            if event.occurred_on > until:
                findings.append(
                    Finding(
                        "LC-VALIDITE",
                        f"La CAL statue le {_day(event.occurred_on)} sur un dossier "
                        f"de liste complémentaire expirée le {_day(until)}.",
                        (ranking.originator_version, event.originator_version),
                        event.occurred_on,
                    )
                )
    return findings


def _check_condition(
    events: Sequence[Any], settings: DepartmentSettings
) -> list[Finding]:
    findings = []
    for decision in _of(events, Dossier.CALDecided):
        if decision.decision != CONDITION:
            continue
        deadline = decision.condition_deadline
        if not decision.missing_document or deadline is None:
            findings.append(
                Finding(
                    "CAL-CONDITION",
                    "Attribution sous condition suspensive sans pièce manquante "
                    "nommée ni délai.",
                    (decision.originator_version,),
                    decision.occurred_on,
                )
            )
            continue
        # Only what follows this decision, up to the next CAL decision.
        following = _first_after(events, decision, Dossier.CALDecided)
        stop = following.originator_version if following else None
        scope = [
            e
            for e in events
            if e.originator_version > decision.originator_version
            and (stop is None or e.originator_version < stop)
        ]
        fulfilled = next(iter(_of(scope, Dossier.ConditionFulfilled)), None)
        if fulfilled is not None and fulfilled.occurred_on > deadline:
            findings.append(
                Finding(
                    "CAL-CONDITION",
                    f"Condition suspensive levée le {_day(fulfilled.occurred_on)}, "
                    f"après son délai ({_day(deadline)}).",
                    (decision.originator_version, fulfilled.originator_version),
                    fulfilled.occurred_on,
                )
            )
        lease = next(iter(_of(scope, Dossier.LeaseSigned)), None)
        met_in_time = fulfilled is not None and fulfilled.occurred_on <= deadline
        if lease is not None and not met_in_time:
            findings.append(
                Finding(
                    "CAL-CONDITION",
                    f"Bail signé le {_day(lease.occurred_on)} alors que la condition "
                    f"suspensive ({decision.missing_document}) n'a pas été levée "
                    "dans son délai.",
                    (decision.originator_version, lease.originator_version),
                    lease.occurred_on,
                )
            )
    return findings


def _check_offers(events: Sequence[Any], settings: DepartmentSettings) -> list[Finding]:
    findings = []
    for offer in _of(events, Dossier.Offered):
        earliest = offer.occurred_on + timedelta(days=OFFER_MIN_DAYS)
        if offer.answer_deadline < earliest:
            findings.append(
                Finding(
                    "OFFRE-DELAI",
                    f"Proposition du {_day(offer.occurred_on)} avec réponse attendue "
                    f"le {_day(offer.answer_deadline)} : moins de {OFFER_MIN_DAYS} "
                    "jours.",
                    (offer.originator_version,),
                    offer.occurred_on,
                )
            )
        answer = _first_after(
            events,
            offer,
            Dossier.OfferAccepted,
            Dossier.OfferRefused,
            Dossier.OfferLapsed,
            Dossier.Offered,
        )
        if (
            isinstance(answer, Dossier.OfferAccepted | Dossier.OfferRefused)
            and answer.occurred_on > offer.answer_deadline
        ):
            accepted = isinstance(answer, Dossier.OfferAccepted)
            what = "acceptée" if accepted else "refusée"
            findings.append(
                Finding(
                    "OFFRE-DELAI",
                    f"Proposition {what} le {_day(answer.occurred_on)}, après le "
                    f"délai de réponse ({_day(offer.answer_deadline)}) : le silence "
                    "valait refus.",
                    (offer.originator_version, answer.originator_version),
                    answer.occurred_on,
                )
            )
    return findings


def _bilan_deadline(entry: Any, settings: DepartmentSettings) -> date:
    return add_months(entry.occurred_on, settings.bilan_installation_deadline_months)


def _check_bilan(
    events: Sequence[Any], settings: DepartmentSettings, as_of: date
) -> list[Finding]:
    findings = []
    for entry in _of(events, Dossier.Entered):
        deadline = _bilan_deadline(entry, settings)
        review = _first_after(events, entry, Dossier.InstallationReviewed)
        if review is not None and review.occurred_on > deadline:
            findings.append(
                Finding(
                    "BILAN-DELAI",
                    f"Bilan d'installation fait le {_day(review.occurred_on)}, après "
                    f"l'échéance du {_day(deadline)}.",
                    (entry.originator_version, review.originator_version),
                    deadline + timedelta(days=1),
                )
            )
        elif review is None and as_of > deadline:
            findings.append(
                Finding(
                    "BILAN-DELAI",
                    f"Aucun bilan d'installation depuis l'entrée du "
                    f"{_day(entry.occurred_on)} (échéance du {_day(deadline)}).",
                    (entry.originator_version,),
                    deadline + timedelta(days=1),
                )
            )
    return findings


def _check_information(
    events: Sequence[Any], settings: DepartmentSettings, as_of: date
) -> list[Finding]:
    findings = []
    for entry in _of(events, Dossier.Entered):
        decisions = [
            e
            for e in _of(events, Dossier.CALDecided)
            if e.originator_version < entry.originator_version
        ]
        if not decisions or decisions[-1].decision not in ATTRIBUTIONS:
            continue
        decision = decisions[-1]
        review = _first_after(events, entry, Dossier.InstallationReviewed)
        deadline = _bilan_deadline(entry, settings)
        by = review.occurred_on if review is not None else deadline
        meetings = [
            m
            for m in _of(events, Dossier.InformationMeetingAttended)
            if decision.occurred_on <= m.occurred_on <= by
            and (review is None or m.originator_version < review.originator_version)
        ]
        if meetings:
            continue
        if review is not None:
            findings.append(
                Finding(
                    "ENTREE-INFO",
                    f"Bilan d'installation du {_day(review.occurred_on)} sans "
                    "réunion d'information collective suivie depuis la décision "
                    f"de la CAL du {_day(decision.occurred_on)}.",
                    (decision.originator_version, review.originator_version),
                    review.occurred_on,
                )
            )
        elif as_of > deadline:
            findings.append(
                Finding(
                    "ENTREE-INFO",
                    "Aucune réunion d'information collective suivie depuis la "
                    f"décision de la CAL du {_day(decision.occurred_on)} "
                    f"(échéance du bilan : {_day(deadline)}).",
                    (decision.originator_version, entry.originator_version),
                    deadline + timedelta(days=1),
                )
            )
    return findings


_CHECKS: tuple[Callable[[Sequence[Any], DepartmentSettings], list[Finding]], ...] = (
    _check_order,
    _check_sne,
    _check_list,
    _check_motive,
    _check_condition,
    _check_offers,
)


def check_dossier(
    events: Iterable[Any], settings: DepartmentSettings, as_of: date
) -> list[Finding]:
    """The breaches a dossier's history shows at the end of `as_of`, ordered by
    the day they arose, then rule id, then versions."""
    known = sorted(
        (e for e in events if e.occurred_on <= as_of),
        key=lambda e: e.originator_version,
    )
    findings = [f for check in _CHECKS for f in check(known, settings)]
    findings += _check_bilan(known, settings, as_of)
    findings += _check_information(known, settings, as_of)
    return sorted(findings, key=lambda f: (f.breached_on, f.rule, f.versions))
