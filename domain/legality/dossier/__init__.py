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
The readings of the other rules are in each check's docstring. The checks are
grouped by stage: `instruction`, `attribution` (commission préfectorale to the
offer), `installation` (after the entry), `endings`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from domain.legality.dossier.attribution import (
    check_condition,
    check_dalo,
    check_decision,
    check_list,
    check_motive,
    check_offers,
    check_prior,
    check_sne,
)
from domain.legality.dossier.endings import check_endings, check_retention
from domain.legality.dossier.installation import (
    check_bilan,
    check_information,
    check_support,
)
from domain.legality.dossier.instruction import (
    check_avis,
    check_ceiling,
    check_complete,
    check_contact,
    check_numero,
    check_order,
    check_origin,
    check_solvency,
)
from domain.legality.dwelling import check_dossier_dwellings
from domain.legality.reading import History, HistoryCheck, in_order
from domain.legality.rules import Finding, SettingsOn

if TYPE_CHECKING:
    from collections.abc import Iterable


_CHECKS: tuple[HistoryCheck, ...] = (
    check_endings,
    check_numero,
    check_order,
    check_avis,
    check_complete,
    check_origin,
    check_ceiling,
    check_solvency,
    check_contact,
    check_sne,
    check_list,
    check_prior,
    check_decision,
    check_motive,
    check_condition,
    check_offers,
    check_dalo,
    check_bilan,
    check_information,
    check_support,
    check_retention,
    check_dossier_dwellings,  # LOGEMENT-UNIQUE
)


def check_dossier(
    events: Iterable[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """The breaches a dossier's history shows at the end of `as_of`, each judged
    by the settings in force on its decision's day, ordered by the day they
    arose, then rule id, then versions."""
    history = History.known(events, settings_on, as_of)
    findings = [f for check in _CHECKS for f in check(history)]
    return in_order(findings)
