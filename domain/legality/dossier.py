"""Legality rules engine, first slice (issue 6): the LLTS dossier's history.

`check_dossier` reads a dossier's recorded events (no aggregate, no I/O) and
reports the DOMAIN.md §8 rules its history breaks as of a day:

- the "hist" rules, only visible afterwards (a deadline passed, a late step);
- the "cmd" rules checked again on any history (SNE-NUMERO, DOS-ORDRE,
  DOS-AVIS, DOS-COMPLET, DOS-ORIGINE, DEAL-PLAFOND, ALS-SOLVA, ALS-CONTACT,
  CAL-PREALABLE, CAL-DECISION, CAL-MOTIF, BILAN-SUITE), since an imported
  history never went through the commands, and the rules may have changed.

Only the events that happened by the end of `as_of` (`occurred_on <= as_of`)
count, so the same history read on an earlier day shows what was known then.
The events are read in their version order; gaps are tolerated (an imported
history may be partial).

Settings: `settings_on(day)` gives the version in force on a day
(`Department.settings_on`); each decision is judged by the version in force on
its own day (`occurred_on`), and the finding records that version. A day with
no settings in force (an imported history older than them) is not judged on
the rules that read them. The liste complémentaire's expiry is read from the
`Ranked` event itself, which recorded the validity in force when the commission
ranked the dossier.

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
  answer deadline, or a lapse recorded by it while the offer was still open
  (breach on the answer's day). Silence past the deadline is a refusal, not a
  breach.
- LC-VALIDITE: a CAL decision or deferral, on a dossier last ranked on the liste
  complémentaire, taken after the list's expiry; or the household taken off the
  list (ListExpired) before its expiry — one CAL's non-attribution keeps it on
  the list for the commune's other dwellings and landlords.
- CAL-CONDITION: a condition suspensive without a document or a deadline after
  the decision; a condition fulfilled after its deadline; or a lease signed on
  an attribution sous condition whose condition was not fulfilled in time.
- SNE-VALIDITE: a CAL decision or deferral taken more than a year after the
  last registration or renewal of the demand, or a renewal recorded after
  that (an expired demand is radiated); no registration at all is SNE-NUMERO.
  (The command refuses a CAL on an expired demand as SNE-NUMERO, "sans numéro
  unique valide": the two readings are each pinned by tests.)

The rules on values are the commands' own checks (domain/dossier_rules.py):
a finding carries the message the command's refusal would have.
- DOS-ORDRE: in the chain repérage → enquête sociale → avis Mairie → dossier
  complet → DEAL → ALS, a step recorded before the previous one, or dated
  (`occurred_on`) before it.
- CAL-MOTIF: a non-attribution or rejection without a written motive.
- DALO-DELAI: from the days a DALO dossier records since its v2 (the complete
  appeal, the commission de médiation's recognition): the recognition more
  than `dalo_mediation_months` after the appeal (breach the day after that
  delay), and no offer (`Offered`, whichever landlord makes it on the préfet's
  designation) within `dalo_offer_months` of the recognition — an offer made
  later, or none by then while the dossier is still open. Delays are those in
  force on the day each one starts. A DALO dossier without these days (every
  one recorded before v2) cannot be judged on it and is not.
The readings of the other rules are in each check's docstring.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

# The rules on values are written once, next to the aggregate: the commands
# refuse what these checks find (domain/dossier_rules.py).
from domain.dossier import (
    STEP_ROLES,
    Dossier,
    inadmissibility_problem,
    radiation_problem,
    withdrawal_problem,
)
from domain.dossier_rules import (
    ATTRIBUTIONS,
    CONDITION,
    SNE_VALIDITY_MONTHS,
    answer_breach,
    answer_deadline_breach,
    avis_breach,
    ceiling_breach,
    completeness_breach,
    condition_breach,
    contact_breach,
    decision_breach,
    deferral_breach,
    eligible,
    expiry_breach,
    fulfilment_breach,
    motive_breach,
    numero_breach,
    opinion_breach,
    origin_breach,
    registration_breach,
    renewal_breach,
    solvency,
    solvency_inputs_breach,
    support_breach,
    thresholds_met,
    unknown_opinion_breach,
)
from domain.legality.dwelling import check_dossier_dwellings
from domain.legality.rules import Finding, SettingsOn, in_force
from domain.shared import add_months

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from domain.shared import Breach

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


def _check_order(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
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


def _check_motive(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    return [
        _found(
            breach,
            f"Décision « {event.decision} » de la CAL du {_day(event.occurred_on)}",
            [event],
        )
        for event in _of(events, Dossier.CALDecided)
        if (breach := motive_breach(event.decision, event.motive))
    ]


def _check_sne(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    findings = []
    registration: Any = None  # the event that set the validity's start
    valid_from: date | None = None
    for event in events:
        if isinstance(event, Dossier.Identified):
            registration, valid_from = event, event.sne_registered_on
        elif isinstance(event, Dossier.DemandRenewed):
            breach = renewal_breach(valid_from, event.occurred_on)
            if breach is not None and registration is not None:
                findings.append(
                    _found(
                        breach,
                        f"Renouvellement du {_day(event.occurred_on)}",
                        [registration, event],
                    )
                )
            registration, valid_from = event, event.occurred_on
        elif isinstance(event, Dossier.CALDecided | Dossier.Deferred) and (
            breach := expiry_breach(valid_from, event.occurred_on)
        ):
            context = f"La CAL statue le {_day(event.occurred_on)}"
            findings.append(_found(breach, context, [registration, event]))
    return findings


def _check_list(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    findings = []
    ranking: Any = None
    for event in events:
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
            rules = in_force(settings_on, ranking.occurred_on)
            if rules is None:
                continue
            version, settings = rules
            months = settings.liste_complementaire_validity_months
            until = add_months(ranking.occurred_on, months)
        if decided and event.occurred_on > until:
            message = (
                f"La CAL statue le {_day(event.occurred_on)} sur un dossier "
                f"de liste complémentaire expirée le {_day(until)}."
            )
        elif not decided and event.occurred_on <= until:
            # Hole 4: one CAL's non-attribution does not take the household off
            # its commune's list; only the list's expiry does.
            message = (
                f"Ménage sorti le {_day(event.occurred_on)} de la liste "
                f"complémentaire, valable jusqu'au {_day(until)} pour les autres "
                "logements et bailleurs de la commune."
            )
        else:
            continue
        findings.append(
            Finding(
                "LC-VALIDITE",
                message,
                (ranking.originator_version, event.originator_version),
                event.occurred_on,
                version,
            )
        )
    return findings


def _check_condition(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    findings = []
    for decision in _of(events, Dossier.CALDecided):
        if decision.decision != CONDITION:
            continue
        deadline = decision.condition_deadline
        breach = condition_breach(
            decision.decision,
            decision.missing_document,
            deadline,
            decision.occurred_on,
        )
        if breach is not None:
            findings.append(
                _found(breach, f"CAL du {_day(decision.occurred_on)}", [decision])
            )
        if not decision.missing_document or deadline is None:
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
        late = fulfilled and fulfilment_breach(deadline, fulfilled.occurred_on)
        if fulfilled is not None and late:
            findings.append(
                _found(
                    late,
                    f"Condition suspensive levée le {_day(fulfilled.occurred_on)}",
                    [decision, fulfilled],
                )
            )
        lease = next(iter(_of(scope, Dossier.LeaseSigned)), None)
        met_in_time = fulfilled is not None and not late
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


def _check_offers(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    findings = []
    answers = {
        Dossier.OfferAccepted: "acceptee",
        Dossier.OfferRefused: "refusee",
        Dossier.OfferLapsed: "caduque",
    }
    for offer in _of(events, Dossier.Offered):
        breach = answer_deadline_breach(offer.occurred_on, offer.answer_deadline)
        if breach is not None:
            findings.append(
                _found(breach, f"Proposition du {_day(offer.occurred_on)}", [offer])
            )
        answer = _first_after(
            events,
            offer,
            Dossier.OfferAccepted,
            Dossier.OfferRefused,
            Dossier.OfferLapsed,
            Dossier.Offered,
        )
        what = answers.get(type(answer)) if answer is not None else None
        breach = (
            answer_breach(what, answer.occurred_on, offer.answer_deadline)
            if what
            else None
        )
        if breach is not None:
            findings.append(
                _found(
                    breach,
                    f"Proposition du {_day(offer.occurred_on)}, réponse "
                    f"« {what} » le {_day(answer.occurred_on)}",
                    [offer, answer],
                )
            )
    return findings


def _bilan_deadline(entry: Any, settings_on: SettingsOn) -> tuple[date, int] | None:
    """The bilan's deadline under the settings in force on the day of entry,
    and their version; None when none were."""
    rules = in_force(settings_on, entry.occurred_on)
    if rules is None:
        return None
    version, settings = rules
    months = settings.bilan_installation_deadline_months
    return add_months(entry.occurred_on, months), version


def _check_bilan(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    findings = []
    for entry in _of(events, Dossier.Entered):
        due = _bilan_deadline(entry, settings_on)
        if due is None:
            continue
        deadline, version = due
        review = _first_after(events, entry, Dossier.InstallationReviewed)
        if review is not None and review.occurred_on > deadline:
            findings.append(
                Finding(
                    "BILAN-DELAI",
                    f"Bilan d'installation fait le {_day(review.occurred_on)}, après "
                    f"l'échéance du {_day(deadline)}.",
                    (entry.originator_version, review.originator_version),
                    deadline + timedelta(days=1),
                    version,
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
                    version,
                )
            )
    return findings


def _check_information(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
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
        due = _bilan_deadline(entry, settings_on)
        if due is None:
            continue
        deadline, version = due
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
                    version,
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
                    version,
                )
            )
    return findings


# ---- the "cmd" rules, checked again on any history ------------------------------


def _finding(
    rule: str, message: str, events: Sequence[Any], version: int | None = None
) -> Finding:
    """A finding on `events` (the last one's day is the breach's)."""
    return Finding(
        rule,
        message,
        tuple(e.originator_version for e in events),
        events[-1].occurred_on,
        version,
    )


def _found(
    breach: Breach, context: str, events: Sequence[Any], version: int | None = None
) -> Finding:
    """The finding of a rule check's breach, with the command's message."""
    return _finding(breach.rule, f"{context} : {breach.message}", events, version)


def _check_numero(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """SNE-NUMERO: a CAL examination (decision or deferral) of a dossier with no
    numéro unique (or no registration day) recorded by then, neither at the
    repérage nor by a renewal; a numéro unique without its registration date
    (or the reverse); a demand registered after its repérage. An expired
    numéro is SNE-VALIDITE's."""
    findings = []
    numero: str | None = None
    valid_from: date | None = None
    for event in events:
        if isinstance(event, Dossier.Identified):
            numero, valid_from = event.numero_unique, event.sne_registered_on
            breach = registration_breach(
                numero, event.sne_registered_on, event.occurred_on
            )
            if breach is not None:
                findings.append(
                    _found(breach, f"Repérage du {_day(event.occurred_on)}", [event])
                )
        elif isinstance(event, Dossier.DemandRenewed):
            numero = event.numero_unique or numero
            valid_from = event.occurred_on
        elif isinstance(event, Dossier.CALDecided | Dossier.Deferred) and (
            breach := numero_breach(numero, valid_from)
        ):
            context = f"La CAL examine le dossier le {_day(event.occurred_on)}"
            findings.append(_found(breach, context, [event]))
    return findings


def _check_avis(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """DOS-AVIS: the enquête's avis is one of the four of the seed; the Mairie's
    favorable or défavorable (the seed gives no other)."""
    return [
        _found(breach, f"Avis du {_day(event.occurred_on)}", [event])
        for event in _of(
            events, Dossier.SocialEnquiryRendered, Dossier.MairieAvisRendered
        )
        if (
            breach := avis_breach(
                event.avis, mairie=isinstance(event, Dossier.MairieAvisRendered)
            )
        )
    ]


def _check_complete(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """DOS-COMPLET: the dossier the CCAS constitutes holds every document the
    settings in force on that day require; and no DEAL control nor ALS analysis
    before a dossier is complete (a step without completion at all)."""
    findings = []
    completed = False
    for event in events:
        if isinstance(event, Dossier.Completed):
            completed = True
            rules = in_force(settings_on, event.occurred_on)
            if rules is None:
                continue
            version, settings = rules
            breach = completeness_breach(event.documents, settings)
            if breach is not None:
                findings.append(
                    _found(
                        breach,
                        f"Dossier déclaré complet le {_day(event.occurred_on)}",
                        [event],
                        version,
                    )
                )
        elif (
            isinstance(event, Dossier.ResourcesChecked | Dossier.AnalysisStarted)
            and not completed
        ):
            deal = isinstance(event, Dossier.ResourcesChecked)
            to_whom = "la DEAL" if deal else "l'ALS"
            findings.append(
                _finding(
                    "DOS-COMPLET",
                    f"Dossier transmis à {to_whom} le {_day(event.occurred_on)} "
                    "sans avoir été constitué complet.",
                    [event],
                )
            )
    return findings


def _check_origin(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """DOS-ORIGINE: the repérage is recorded by a partner (Mairie, CCAS,
    Département, CAF) or, for a DALO household only, by the Préfecture."""
    findings = []
    for event in _of(events, Dossier.Identified):
        role = event.actor.role
        if role not in STEP_ROLES["identify"]:
            # The command refuses this by role (403) before the rule.
            problem = f"repérage enregistré par un acteur non proposant ({role})"
            findings.append(
                _finding("DOS-ORIGINE", f"Origine du dossier : {problem}.", [event])
            )
        elif breach := origin_breach(role, event.dalo):
            findings.append(_found(breach, "Origine du dossier", [event]))
    return findings


def _check_ceiling(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """DEAL-PLAFOND: the eligibility the DEAL recorded agrees with the ceiling of
    the household's category for the year of the control, in the settings in
    force on its day (not the ceiling the event copied). No ceiling there for
    that year and category is a breach too: the control had nothing to go by."""
    findings = []
    for event in _of(events, Dossier.ResourcesChecked):
        rules = in_force(settings_on, event.occurred_on)
        if rules is None:
            continue
        version, settings = rules
        year, category = event.occurred_on.year, event.household_category
        ceiling = settings.ceiling(year, category)
        if event.annual_resources is None:
            continue  # the household's figures are erased: nothing to check
        breach = ceiling_breach(settings, year, category)
        if breach is not None:
            context = f"Contrôle du {_day(event.occurred_on)}"
            findings.append(_found(breach, context, [event], version))
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
        findings.append(_finding("DEAL-PLAFOND", message, [event], version))
    return findings


def _check_solvency(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """ALS-SOLVA: the stored inputs give back the stored taux d'effort
    ((loyer + charges − APL/AL) ÷ ressources, to 0.01 %) and reste à vivre (to
    the cent, per person by the household's size at repérage); the opinion is
    one of the three; a favourable opinion outside the thresholds of the
    settings in force that day carries a motive."""
    identified = next(iter(_of(events, Dossier.Identified)), None)
    size = identified.household_size if identified is not None else None
    findings = []
    for event in _of(events, Dossier.SolvencyAssessed):
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
        rules = in_force(settings_on, event.occurred_on)
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
            findings.append(
                _finding(
                    "ALS-SOLVA",
                    f"Étude de solvabilité du {_day(event.occurred_on)} : "
                    f"{' ; '.join(problems)}.",
                    [event],
                    version,
                )
            )
    return findings


def _check_contact(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """ALS-CONTACT: between the start of the analysis and the pré-commission,
    documents are asked through the CCAS or a partner. The history shows the
    channel of each request; a request made to the applicant directly is a
    contact. Other contacts (a phone call) leave no event: not seen."""
    findings = []
    analysing = False
    for event in events:
        if isinstance(event, Dossier.AnalysisStarted):
            analysing = True
        elif isinstance(event, Dossier.PreSelected):
            analysing = False
        elif (
            isinstance(event, Dossier.DocumentsRequested)
            and analysing
            and (breach := contact_breach(event.through_role))
        ):
            findings.append(
                _found(
                    breach, f"Pièces demandées le {_day(event.occurred_on)}", [event]
                )
            )
    return findings


def _check_prior(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """CAL-PREALABLE: a CAL decision or deferral on a dossier the commission
    préfectorale last ranked or listed; not on one it did not retain or never
    ranked."""
    findings = []
    ranking: Any = None
    for event in events:
        if isinstance(event, Dossier.Ranked):
            ranking = event
        elif isinstance(event, Dossier.CALDecided | Dossier.Deferred) and (
            ranking is None or ranking.outcome not in ("rang", "liste_complementaire")
        ):
            why = "jamais classé" if ranking is None else "non retenu"
            findings.append(
                _finding(
                    "CAL-PREALABLE",
                    f"La CAL statue le {_day(event.occurred_on)} sur un dossier "
                    f"{why} par la commission préfectorale.",
                    [e for e in (ranking, event) if e is not None],
                )
            )
    return findings


def _check_decision(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """CAL-DECISION: each decision is one of the five of R441-3; an attribution
    names its dwelling, a ranked one its rank; an ajournement carries a motive
    and a return session after it."""
    findings = []
    for event in events:
        if isinstance(event, Dossier.CALDecided):
            breach = decision_breach(event.decision, event.dwelling_ref, event.rank)
        elif isinstance(event, Dossier.Deferred):
            breach = deferral_breach(
                event.motive, event.return_session_on, event.occurred_on
            )
        else:
            continue
        if breach is not None:
            findings.append(
                _found(breach, f"CAL du {_day(event.occurred_on)}", [event])
            )
    return findings


def _check_support(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """BILAN-SUITE: a bilan that finds problems records a support of at least
    the minimum of the settings in force on the bilan's day. The ASLL measure
    it asks for is a record of its own (with the household's adhesion): the
    dossier shows the support asked, not the measure."""
    findings = []
    for review in _of(events, Dossier.InstallationReviewed):
        if review.outcome != "problemes":
            continue
        rules = in_force(settings_on, review.occurred_on)
        if rules is None:
            continue
        version, settings = rules
        breach = support_breach(review.outcome, review.support_months, settings)
        if breach is not None:
            context = f"Bilan du {_day(review.occurred_on)}"
            findings.append(_found(breach, context, [review], version))
    return findings


def _check_retention(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """RGPD-CONSERVATION: the enquête sociale's data serve until the bilan
    d'installation says whether a follow-up is needed: none ("ok"), they are
    due for erasure at the bilan; a support of N months, at its end. Data still
    held `social_data_retention_months` (settings in force on the bilan's day)
    after that are reported, the day after. A radiated demand: one year after
    the radiation (SNE data). Once the household's data are erased
    (PersonalDataErased), nothing is held."""
    if _of(events, Dossier.PersonalDataErased):
        return []
    findings = []
    enquiries = _of(events, Dossier.SocialEnquiryRendered)
    for review in _of(events, Dossier.InstallationReviewed):
        if not enquiries:
            break
        rules = in_force(settings_on, review.occurred_on)
        if rules is None:
            continue
        version, settings = rules
        end = add_months(review.occurred_on, review.support_months or 0)
        due = add_months(end, settings.social_data_retention_months)
        if as_of > due:
            findings.append(
                Finding(
                    "RGPD-CONSERVATION",
                    "Données de l'enquête sociale toujours conservées après le "
                    f"{_day(due)} (fin du besoin : {_day(end)}) : à effacer.",
                    (enquiries[-1].originator_version, review.originator_version),
                    due + timedelta(days=1),
                    version,
                )
            )
    for radiation in _of(events, Dossier.Radiated):
        due = add_months(radiation.occurred_on, SNE_VALIDITY_MONTHS)
        if as_of > due:
            findings.append(
                Finding(
                    "RGPD-CONSERVATION",
                    f"Demande radiée le {_day(radiation.occurred_on)} : ses "
                    f"données sont conservées au-delà du {_day(due)}.",
                    (radiation.originator_version,),
                    due + timedelta(days=1),
                )
            )
    return findings


def _check_dalo(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    identified = next(iter(_of(events, Dossier.Identified)), None)
    if identified is None or not identified.dalo:
        return []
    appeal, recognised = identified.dalo_appeal_on, identified.dalo_recognised_on
    findings = []
    versions = (identified.originator_version,)
    mediation = in_force(settings_on, appeal) if appeal else None
    if appeal and recognised and mediation:
        version, settings = mediation
        deadline = add_months(appeal, settings.dalo_mediation_months)
        if recognised > deadline:
            findings.append(
                Finding(
                    "DALO-DELAI",
                    f"Commission de médiation : décision du {_day(recognised)} sur "
                    f"un recours complet du {_day(appeal)}, au-delà de "
                    f"{settings.dalo_mediation_months} mois ({_day(deadline)}).",
                    versions,
                    deadline + timedelta(days=1),
                    version,
                )
            )
    offering = in_force(settings_on, recognised) if recognised else None
    if recognised is None or offering is None:
        return findings
    version, settings = offering
    deadline = add_months(recognised, settings.dalo_offer_months)
    offer = next(iter(_of(events, Dossier.Offered)), None)
    ended = next(
        (e for e in _of(events, Dossier.Ended) if e.occurred_on <= deadline), None
    )
    if offer is not None and offer.occurred_on > deadline:
        findings.append(
            Finding(
                "DALO-DELAI",
                f"Première offre de logement le {_day(offer.occurred_on)}, plus de "
                f"{settings.dalo_offer_months} mois après la décision de la "
                f"commission de médiation du {_day(recognised)} ({_day(deadline)}).",
                (*versions, offer.originator_version),
                deadline + timedelta(days=1),
                version,
            )
        )
    elif offer is None and ended is None and as_of > deadline:
        findings.append(
            Finding(
                "DALO-DELAI",
                "Aucune offre de logement depuis la décision de la commission de "
                f"médiation du {_day(recognised)} (échéance du {_day(deadline)}).",
                versions,
                deadline + timedelta(days=1),
                version,
            )
        )
    return findings


def _check_endings(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """DOS-RETRAIT, DOS-IRRECEVABILITE, SNE-VALIDITE: who ended the dossier and
    on what, read as the commands read it (domain/dossier.py): a withdrawal
    recorded by a landlord, or without the household's expression (every v1
    withdrawal: its day and form were not recorded); an inadmissibility recorded
    by another than the DEAL or before its resource control; a radiation by
    another than a service that registers demands."""
    findings = []
    checked = False
    for event in events:
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
            findings.append(
                _finding(
                    rule,
                    f"Le {_day(event.occurred_on)} ({event.actor.organisation}) : "
                    f"{problem}",
                    [event],
                )
            )
    return findings


_CHECKS: tuple[Callable[[Sequence[Any], SettingsOn, date], list[Finding]], ...] = (
    _check_endings,
    _check_numero,
    _check_order,
    _check_avis,
    _check_complete,
    _check_origin,
    _check_ceiling,
    _check_solvency,
    _check_contact,
    _check_sne,
    _check_list,
    _check_prior,
    _check_decision,
    _check_motive,
    _check_condition,
    _check_offers,
    _check_dalo,
    _check_bilan,
    _check_information,
    _check_support,
    _check_retention,
    check_dossier_dwellings,  # LOGEMENT-UNIQUE
)


def check_dossier(
    events: Iterable[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """The breaches a dossier's history shows at the end of `as_of`, each judged
    by the settings in force on its decision's day, ordered by the day they
    arose, then rule id, then versions."""
    known = sorted(
        (e for e in events if e.occurred_on <= as_of),
        key=lambda e: e.originator_version,
    )
    findings = [f for check in _CHECKS for f in check(known, settings_on, as_of)]
    return sorted(findings, key=lambda f: (f.breached_on, f.rule, f.versions))
