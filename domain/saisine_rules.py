"""The rule a CCAPEX referral answers to, CCAPEX-SAISINE, as pure functions
and data the aggregate (domain/saisine.py) and the legality engine share.

CCAPEX-SAISINE is a "hist" rule: the referral's day (the Signalled event's
`occurred_on`; a pre-court signal, the CAF's included, is the CCAPEX's saisine
under loi 89-462 art. 24), whether the landlord is a legal entity, the
assignation's and the hearing's days (given with the signal or recorded later,
`CourtDatesRecorded`) and the closure's day are stored; `Saisine.findings`
reads the breaches back: an assignation by a legal-entity landlord less than two
months after the referral (or with no referral before the court stage), a hearing
less than six weeks after the assignation. These are facts of the landlord and
the court, which Logis records and never refuses. So is an expulsion during the
winter truce (1 November – 31 March, CPCE L412-6): Logis records what happened,
with the legal exception the CCAPEX invokes for it if any (`TRUCE_EXCEPTIONS`),
and an expulsion in the truce without an exception that lifts it is a breach
(`truce_breach`), read back by `findings` and the legality engine alike. Only
dates no real procedure has are refused (`check_court_dates`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.saisine_steps import COURT_SOURCES
from domain.shared import InvalidValueError, add_months, fr_day

REFERRAL_MONTHS = 2  # loi 89-462 art. 24 II: legal-entity landlords
HEARING_WEEKS = 6  # loi 89-462 art. 24 III (loi 2023-668)
# Loi 2023-668 (JO of 28 July 2023): six weeks instead of two months.
SIX_WEEKS_FROM = date(2023, 7, 29)
FORMER_HEARING_MONTHS = 2


def earliest_summons(referred_on: date) -> date:
    """Art. 24 II: the first day a legal-entity landlord may assign its tenant
    after referring them to the CCAPEX on `referred_on`."""
    return add_months(referred_on, REFERRAL_MONTHS)


def earliest_hearing(summons_on: date) -> date:
    """Art. 24 III: the first day a hearing may be held after an assignation of
    that day (notified to the préfet that day): six weeks, two months under the
    former text (an assignation before 29 July 2023)."""
    if summons_on >= SIX_WEEKS_FROM:
        return summons_on + timedelta(weeks=HEARING_WEEKS)
    return add_months(summons_on, FORMER_HEARING_MONTHS)


def prevention_due_on(
    source: str,
    landlord_is_legal_entity: bool,
    referred_on: date,
    summons_on: date | None,
    hearing_on: date | None,
) -> date | None:
    """The day the CCAPEX's work on a referral (registration, enquiry, avis) is
    due by, from CCAPEX-SAISINE's delays, which exist to leave that work its
    time before the court: the hearing once dated (the household's situation is
    examined before the judge hears the case); the earliest hearing day an
    assignation allows while the hearing is not known; for a legal-entity
    landlord's referral before the court stage, the first day it may assign
    (the CCAPEX's two months). None where no delay of the law runs yet (a
    private landlord, or a court-stage signal with no assignation dated)."""
    if hearing_on is not None:
        return hearing_on
    if summons_on is not None:
        return earliest_hearing(summons_on)
    if landlord_is_legal_entity and source not in COURT_SOURCES:
        return earliest_summons(referred_on)
    return None


@dataclass(frozen=True)
class TruceException:
    """A legal ground for an expulsion during the winter truce."""

    label: str
    source: str
    lifts_truce: bool  # False: an assumption, still reported for review


# CPCE L412-6 to L412-8, as in force since loi 2023-668 (checked against the
# article's text; DOMAIN.md §8 and the seeds give no list).
TRUCE_EXCEPTIONS: dict[str, TruceException] = {
    "relogement_assure": TruceException(
        "relogement assuré dans des conditions suffisantes respectant l'unité et "
        "les besoins de la famille",
        "CPCE L412-6 al. 1",
        lifts_truce=True,
    ),
    "introduction_domicile_voie_de_fait": TruceException(
        "expulsion prononcée pour introduction sans droit ni titre dans le "
        "domicile d'autrui (manœuvres, menaces, voies de fait ou contrainte)",
        "CPCE L412-6 al. 2",
        lifts_truce=True,
    ),
    "sursis_supprime_par_le_juge": TruceException(
        "sursis supprimé ou réduit par le juge (entrée par voie de fait dans un "
        "autre lieu que le domicile)",
        "CPCE L412-6 al. 3",
        lifts_truce=True,
    ),
    "logement_etudiant": TruceException(
        "logement étudiant dont l'occupant ne remplit plus les conditions",
        "CPCE L412-7",
        lifts_truce=True,
    ),
    "conjoint_violent": TruceException(
        "expulsion du conjoint, partenaire ou concubin violent ordonnée par le juge "
        "aux affaires familiales (C. civ. 515-9)",
        "CPCE L412-8",
        lifts_truce=True,
    ),
    # Assumption: the arrêté de péril was an exception of the former CCH L613-3
    # and is still cited in practice, but the text of L412-6 in force does not
    # list it. Recorded, and still reported so that a jurist reviews it.
    "arrete_de_peril": TruceException(
        "immeuble sous arrêté de péril (mise en sécurité)",
        "ancien CCH L613-3 (hypothèse : absent du texte en vigueur de L412-6)",
        lifts_truce=False,
    ),
}


def in_winter_truce(day: date) -> bool:
    """CPCE L412-6: from 1 November to 31 March, both included."""
    return day.month >= 11 or day.month <= 3


def truce_breach(outcome: str, day: date, exception: str | None) -> str | None:
    """CCAPEX-SAISINE, the winter truce: the breach an expulsion on `day` is, in
    French, or None. One implementation for `findings` and the legality engine."""
    if outcome != "expulsion" or not in_winter_truce(day):
        return None
    ground = TRUCE_EXCEPTIONS.get(exception or "")
    message = (
        f"Expulsion du {fr_day(day)}, pendant la trêve hivernale "
        "(1er novembre – 31 mars, CPCE L412-6)"
    )
    if ground is None:
        return f"{message}, sans exception légale invoquée."
    if ground.lifts_truce:
        return None
    return (
        f"{message}, au motif : {ground.label} ({ground.source}) ; exception "
        "retenue par hypothèse, à vérifier."
    )


def check_court_dates(
    summons_on: date | None, hearing_on: date | None, on: date
) -> None:
    """Dates no real procedure has: an assignation not delivered yet, a hearing
    without assignation or before it. Short delays are CCAPEX-SAISINE findings."""
    if summons_on is not None and summons_on > on:
        msg = f"L'assignation ({fr_day(summons_on)}) est postérieure à ce jour."
        raise InvalidValueError(msg)
    if hearing_on is not None and (summons_on is None or hearing_on <= summons_on):
        msg = "L'audience suit l'assignation, qui est datée."
        raise InvalidValueError(msg)
