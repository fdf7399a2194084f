"""The LLTS dossier after the entry: BILAN-DELAI, ENTREE-INFO, BILAN-SUITE
(domain/legality/dossier)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

# The rules on values are written once, next to the aggregate: the commands
# refuse what these checks find (domain/dossier_rules.py).
from domain.dossier import Dossier
from domain.dossier_rules import ATTRIBUTIONS, support_breach
from domain.legality.reading import History, breach_finding, finding_on, the_day_after
from domain.legality.rules import Finding
from domain.shared import add_months, fr_day


def _bilan_deadline(entry: Any, history: History) -> tuple[date, int] | None:
    """The bilan's deadline under the settings in force on the day of entry,
    and their version; None when none were."""
    rules = history.in_force(entry.occurred_on)
    if rules is None:
        return None
    version, settings = rules
    months = settings.bilan_installation_deadline_months
    return add_months(entry.occurred_on, months), version


def check_bilan(history: History) -> Iterator[Finding]:
    for entry in history.of(Dossier.Entered):
        due = _bilan_deadline(entry, history)
        if due is None:
            continue
        deadline, version = due
        review = history.first_after(entry, Dossier.InstallationReviewed)
        if review is not None and review.occurred_on > deadline:
            yield finding_on(
                "BILAN-DELAI",
                f"Bilan d'installation fait le {fr_day(review.occurred_on)}, après "
                f"l'échéance du {fr_day(deadline)}.",
                [entry, review],
                version,
                on=the_day_after(deadline),
            )
        elif review is None and history.as_of > deadline:
            yield finding_on(
                "BILAN-DELAI",
                f"Aucun bilan d'installation depuis l'entrée du "
                f"{fr_day(entry.occurred_on)} (échéance du {fr_day(deadline)}).",
                [entry],
                version,
                on=the_day_after(deadline),
            )


def check_information(history: History) -> Iterator[Finding]:
    for entry in history.of(Dossier.Entered):
        decisions = [
            e
            for e in history.of(Dossier.CALDecided)
            if e.originator_version < entry.originator_version
        ]
        if not decisions or decisions[-1].decision not in ATTRIBUTIONS:
            continue
        decision = decisions[-1]
        review = history.first_after(entry, Dossier.InstallationReviewed)
        due = _bilan_deadline(entry, history)
        if due is None:
            continue
        deadline, version = due
        by = review.occurred_on if review is not None else deadline
        meetings = [
            m
            for m in history.of(Dossier.InformationMeetingAttended)
            if decision.occurred_on <= m.occurred_on <= by
            and (review is None or m.originator_version < review.originator_version)
        ]
        if meetings:
            continue
        if review is not None:
            yield finding_on(
                "ENTREE-INFO",
                f"Bilan d'installation du {fr_day(review.occurred_on)} sans "
                "réunion d'information collective suivie depuis la décision "
                f"de la CAL du {fr_day(decision.occurred_on)}.",
                [decision, review],
                version,
            )
        elif history.as_of > deadline:
            yield finding_on(
                "ENTREE-INFO",
                "Aucune réunion d'information collective suivie depuis la "
                f"décision de la CAL du {fr_day(decision.occurred_on)} "
                f"(échéance du bilan : {fr_day(deadline)}).",
                [decision, entry],
                version,
                on=the_day_after(deadline),
            )


def check_support(history: History) -> Iterator[Finding]:
    """BILAN-SUITE: a bilan that finds problems records a support of at least
    the minimum of the settings in force on the bilan's day. The ASLL measure
    it asks for is a record of its own (with the household's adhesion): the
    dossier shows the support asked, not the measure."""
    for review in history.of(Dossier.InstallationReviewed):
        if review.outcome != "problemes":
            continue
        rules = history.in_force(review.occurred_on)
        if rules is None:
            continue
        version, settings = rules
        breach = support_breach(review.outcome, review.support_months, settings)
        if breach is not None:
            context = f"Bilan du {fr_day(review.occurred_on)}"
            yield breach_finding(breach, context, [review], version)
