"""Synthetic stores at national scale (`logis generate`): departments, LLTS
programmes with their dossiers and commissions, ASLL measures and CCAPEX
referrals, told through the application's own commands, as the demo is
(api/demo/loading.py): every event, seal and idempotency row is the one a user's
command would store.

The shapes come from the seeds (/work/shared/DOMAIN.md, seeds 000, 002, 004):
- LLTS: a programme of a few dwellings, 3 dossiers gathered per dwelling
  (seed 000), instructed in the DOS-ORDRE order, then a pré-commission, a
  commission préfectorale and the landlord's CAL (three candidates a dwelling,
  CAL-TROIS), offers, leases, entries, bilans d'installation, closures;
- ASLL: request on a co-signed diagnostic, instruction by the CLU,
  notification within the association's capacity (capacities of the Loire's
  2007 table, seed 002), complementary diagnosis, convention (orientations
  84 % accès, 8 % maintien, 8 % diagnostic: Loire 2006, seed 002; 3 to 6
  months, usually 6, seeds 002 and 004), two meetings a month (seed 002),
  renewals, bilan or rupture;
- CCAPEX: signal, registration, enquiry, orientation, examination, avis,
  follow-up, closure (seed 004);
- volumes: a department records about 1,093 LLTS demands a year (ALS 2016,
  seed 001) for 733 ASLL measures (Loire 2006, seed 002).

ASSUMPTIONS (no seed gives them; change them here): the enquête's avis mix
(`AVIS`), the DEAL's refusals (`OVER_CEILING`), the ALS's solvency opinions
(`SOLVENCY`), 2 to 6 dwellings a programme, three in four ready dossiers ranked
and the others put on the commune's liste complémentaire, one attribution and
two non-attributions a dwelling, every offer accepted and every bilan
d'installation without problems, no withdrawal; measures all individual
(instructed by the CLU, no bail glissant nor suivi renforcé), refused by
the CLU (`REFUSED`), reoriented by the diagnosis (`REORIENTED`), broken off
(`RUPTURE`), the durations' mix (`DURATIONS`), renewals asked and granted
(`RENEWAL_ASKED`, `RENEWAL_GRANTED`, three months each), meetings missed
(`MISSED`); CCAPEX referrals, about 300 a department-year (`REFERRALS_PER_YEAR`),
their sources and outcomes drawn evenly; every synthetic department takes the
Loire's settings (infra/departments/42.json: ceilings of 2025 and 2026, so
every date falls between `FIRST_DAY` and today) with Martinique's first RDA
criteria (the Loire's plan names none) and associations of its own, as many
as its measures need, with the Loire's capacities.

Each record is one cohort (a programme and its dossiers; a measure; a
referral) whose orders are carried out in date order, then forgotten: memory
does not grow with the store. Dates are drawn over the whole period, so recent
records are still under way (their future orders are dropped): that gives the
stage mix. The same seed and the same `today` give the same commands in the
same order, hence the same events (apart from the ids the application draws
and the recording times).
"""

from api.synthetic.generation import Counts, Options, generate

__all__ = ["Counts", "Options", "generate"]
