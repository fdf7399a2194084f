"""Legality of an ASLL measure's history (issue 6): the DOMAIN.md §8 rules of
the measure and of its bail glissant, read from the recorded events.

`check_mesure` reads one measure's events (no aggregate, no I/O) and reports:

- the "hist" rules, only visible afterwards: ASLL-DUREE, ASLL-RYTHME,
  BG-GLISSEMENT, BILAN-SUITE, RGPD-CONSERVATION;
- the "cmd" rules checked again on any history, since an imported history never
  went through the commands: ASLL-PRESCRIPTEUR, ASLL-ADHESION, ASLL-CANAL,
  ASLL-CONTENU, ASLL-FIN (and the command side of ASLL-DUREE).

`check_association` reads the histories of an association's measures together
for ASLL-CAPACITE, the one rule no single history shows.

Only the events that happened by the end of `as_of` (`occurred_on <= as_of`)
count; they are read in version order. Each step is judged by the department's
settings version in force on its day (`settings_on`), and a finding that read a
setting names that version; a step older than any settings version is not
judged on the rules that need one.

Readings chosen where the seeds are loose:

- ASLL-DUREE: a convention whose length is outside the department's bounds
  (`asll_min_months`..`asll_max_months`, in force on the signing day); a
  renewal beyond the number allowed (`asll_renewals_allowed`) or longer than
  `asll_max_months` (in force on the renewal's day), or decided by another
  commission than the one that notified the measure (Loire: the prolongation
  is asked of the notifying CLU/CLT). And the cover: the convention's
  `ends_on` (then each renewal's) is the measure's last day; by then it is
  renewed, ended by its bilan or broken off. Otherwise the breach arises the
  day after: the measure still runs without renewal, a renewal is decided
  after the end, or the bilan or the rupture comes after it. One finding per
  uncovered end, whatever came later.
- ASLL-RYTHME: "about two meetings a month" is read per month of the
  convention (from `starts_on`, month after month, while it is covered by the
  convention and its granted renewals and the measure is open): a whole month
  with fewer meetings held (missed ones do not count) than `meetings_per_month`
  in force on the month's first day is a breach the day after that month ends.
  A month cut short by the end of the measure is not judged.
- BG-GLISSEMENT: the sublet is reviewed at least every
  `bail_glissant_review_months` (in force on the day the period starts: the
  sublease's start, then each review); a review missing by its due date is a
  breach the day after it (one per missed period; a late review starts the next
  period). A review is "with both parties" when recorded by a party to the
  bail glissant: the association running the measure or the head lease's
  landlord. The event records one actor and no co-signature, so a review
  recorded by anyone else (an import) is reported and does not count. The
  sublet ends by the lease sliding or the sublease's end, at the latest with the
  measure: a measure ended or broken off while the household still sublets is
  a breach on that day.
- BILAN-SUITE (the measure's side): a measure asked after a bilan
  d'installation that found problems records its minimum (`min_months`); a
  convention shorter than that (signing day), or a measure ended by its bilan
  before that many months from the convention's start (its end day), breaks it.
  A rupture by the household does not.
- RGPD-CONSERVATION: social-support data are kept `support_retention_months`
  after the last contact, read as the measure's last recorded step (in force on
  that day); past that, the history is due for erasure: an alert the day after.
- ASLL-PRESCRIPTEUR: the requester's role is among `prescriber_roles` in force
  on the request's day, or the association itself for its own specific action
  when the settings make it one that instructs directly.
- ASLL-ADHESION: a diagnostic co-signed by the household and summarised; a
  convention signed by the association, the household and the prescriber; no
  meeting before the convention runs (support started without adhesion).
- ASLL-CANAL: instruction, notification and the renewal decision by the CLU or
  CLT (`commission_logement`) for individual measures and baux glissants, by
  the association itself for its specific actions; a specific action notified
  to its own association, one that instructs directly in the settings.
- ASLL-CONTENU: an orientation (accès, maintien, diagnostic) and at least one
  work axis, every axis in `asll_work_axes` in force on the signing day.
- ASLL-FIN: a bilan written and signed by the worker and the household,
  returned to the channel that instructed and relayed to a named service; a
  rupture relayed to a named service.
- ASLL-CAPACITE: places are counted as `domain.association.AssociationLoad`
  counts them, at once: a measure holds a place from its notification until it
  ends, breaks off or is reoriented (a place freed on a day serves a
  notification of that day). A notification that takes the association above
  its `monthly_capacity` (or its `renforce_capacity` for a suivi renforcé) in
  force that day is a breach that day, reported on that measure. A later
  settings version lowering the capacity does not make the places already
  held a breach.

The checks are grouped by stage: `request`, `convention`, `closing`, `bail`
(the bail glissant); and across histories: `household`, `capacity`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from domain.legality.mesure.bail import check_bail
from domain.legality.mesure.capacity import check_association
from domain.legality.mesure.closing import (
    check_end,
    check_follow_up,
    check_retention,
    check_support_starts,
)
from domain.legality.mesure.convention import (
    check_content,
    check_cover,
    check_duration,
    check_rhythm,
)
from domain.legality.mesure.household import check_household
from domain.legality.mesure.request import (
    check_adhesion,
    check_channel,
    check_prescriber,
)
from domain.legality.reading import History, HistoryCheck, in_order
from domain.legality.rules import Finding

if TYPE_CHECKING:
    from collections.abc import Iterable

    from domain.legality.rules import SettingsOn


_CHECKS: tuple[HistoryCheck, ...] = (
    check_prescriber,
    check_adhesion,
    check_channel,
    check_content,
    check_duration,
    check_end,
    check_follow_up,
    check_cover,
    check_rhythm,
    check_support_starts,
    check_bail,
    check_retention,
)


def check_mesure(
    events: Iterable[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """The breaches an ASLL measure's history shows at the end of `as_of`, ordered
    by the day they arose, then rule id, then versions."""
    history = History.known(events, settings_on, as_of)
    if not history.events:
        return []
    return in_order(f for check in _CHECKS for f in check(history))


__all__ = ["check_association", "check_household", "check_mesure"]
