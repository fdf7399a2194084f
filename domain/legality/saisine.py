"""Legality of a CCAPEX referral's history (issue 6): CCAPEX-SAISINE, a "hist"
rule, read from the recorded events.

`check_saisine` reads one referral's events (no aggregate, no I/O). The dates it
judges are those `domain.saisine` records: the referral's day (the `Signalled`
event's `occurred_on`), whether the landlord is a legal entity, the
assignation's and the hearing's days (given with the signal or recorded later
by `CourtDatesRecorded`, the last date given winning) and the closure. Only the
events that happened by the end of `as_of` count, so a date recorded later is
not known before it is recorded; they are read in version order.

The rule is national law: no department setting is read, and findings carry
no settings version (`settings_on` is taken for a uniform signature).

Readings chosen, the same as `Saisine.findings`, with the law's dates:

- Referral: a landlord that is a legal entity refers the tenant to the CCAPEX
  at least two months before the assignation (loi 89-462 art. 24 II). A
  referral signalled at the court stage (source `assignation` or
  `commandement_de_quitter`) had no referral before the assignation; otherwise
  an assignation dated less than two months after the referral (or before it)
  breaks the rule. Breach on the assignation's day.
- Hearing: the assignation reaches the préfet at least six weeks before the
  hearing (art. 24 III, as loi 2023-668 of 27 July 2023 wrote it, in force from
  29 July 2023); an assignation delivered before that day is judged by the
  former text, two months. The assignation is taken as notified to the préfet
  on its own day (the only date recorded), and a hearing on the last day of the
  delay is legal. Breach on the assignation's day, for any landlord.
- Winter truce: no expulsion from 1 November to 31 March (CPCE L412-6): a
  closure `expulsion` dated in the truce is a breach that day unless it
  invokes an exception of L412-6 to L412-8 that lifts the truce
  (`domain.saisine.TRUCE_EXCEPTIONS`, `truce_breach`); the arrêté de péril is
  an assumption and stays reported, saying so. The command records it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from domain.legality.reading import finding_on
from domain.legality.rules import Finding
from domain.saisine import Saisine
from domain.saisine_rules import (
    FORMER_HEARING_MONTHS,
    HEARING_WEEKS,
    REFERRAL_MONTHS,
    SIX_WEEKS_FROM,
    earliest_hearing,
    earliest_summons,
    truce_breach,
)
from domain.saisine_steps import COURT_SOURCES
from domain.shared import fr_day

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from domain.legality.rules import SettingsOn


def _court_dates(events: Sequence[Any]) -> tuple[Any, Any]:
    """The events that gave the assignation's and the hearing's last dates."""
    summons = hearing = None
    for event in events:
        if isinstance(event, Saisine.Signalled | Saisine.CourtDatesRecorded):
            summons = event if event.summons_on else summons
            hearing = event if event.hearing_on else hearing
    return summons, hearing


def _versions(*events: Any) -> tuple[int, ...]:
    return tuple(sorted({e.originator_version for e in events if e is not None}))


def _check_referral(signal: Any, summons: Any) -> list[Finding]:
    if not signal.landlord_is_legal_entity or summons is None:
        return []
    summons_on = summons.summons_on
    if signal.source in COURT_SOURCES:
        message = (
            f"Bailleur personne morale : assignation du {fr_day(summons_on)} sans "
            "saisine préalable de la CCAPEX (signalée au stade judiciaire le "
            f"{fr_day(signal.occurred_on)})."
        )
    elif summons_on < earliest_summons(signal.occurred_on):
        message = (
            f"Bailleur personne morale : assignation du {fr_day(summons_on)}, moins "
            f"de {REFERRAL_MONTHS} mois après la saisine de la CCAPEX du "
            f"{fr_day(signal.occurred_on)}."
        )
    else:
        return []
    return [Finding("CCAPEX-SAISINE", message, _versions(signal, summons), summons_on)]


def _check_hearing(summons: Any, hearing: Any) -> list[Finding]:
    if summons is None or hearing is None:
        return []
    summons_on, hearing_on = summons.summons_on, hearing.hearing_on
    earliest = earliest_hearing(summons_on)
    if hearing_on >= earliest:
        return []
    delay = (
        f"{HEARING_WEEKS} semaines"
        if summons_on >= SIX_WEEKS_FROM
        else f"{FORMER_HEARING_MONTHS} mois"
    )
    return [
        Finding(
            "CCAPEX-SAISINE",
            f"Audience du {fr_day(hearing_on)}, moins de {delay} après l'assignation "
            f"du {fr_day(summons_on)} notifiée au préfet (au plus tôt le "
            f"{fr_day(earliest)}).",
            _versions(summons, hearing),
            summons_on,
        )
    ]


def _check_truce(events: Sequence[Any]) -> list[Finding]:
    found = []
    for event in events:
        if not isinstance(event, Saisine.Closed):
            continue
        breach = truce_breach(event.outcome, event.occurred_on, event.truce_exception)
        if breach:
            found.append(finding_on("CCAPEX-SAISINE", breach, [event]))
    return found


def check_saisine(
    events: Iterable[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """The breaches a CCAPEX referral's history shows at the end of `as_of`,
    ordered by the day they arose, then versions."""
    known = sorted(
        (e for e in events if e.occurred_on <= as_of),
        key=lambda e: e.originator_version,
    )
    signal = next((e for e in known if isinstance(e, Saisine.Signalled)), None)
    if signal is None:
        return []
    summons, hearing = _court_dates(known)
    findings = [
        *_check_referral(signal, summons),
        *_check_hearing(summons, hearing),
        *_check_truce(known),
    ]
    return sorted(findings, key=lambda f: (f.breached_on, f.rule, f.versions))
