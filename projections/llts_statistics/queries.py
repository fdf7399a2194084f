"""A department's yearly LLTS figures, as the ALS gives its own ("l'ALS a traité
1093 demandes de logement social et elle a accompagné 846 locataires en 2016",
seed 001).

What each figure counts, in Logis's events (README, "Statistiques"); each step
is counted in the year of the day it happened (`occurred_on`), in the
department of its dossier:

- `demands_identified`: dossiers identified (repérage, `Identified`).
- `demands_processed`: dossiers whose analysis by the ALS began
  (`AnalysisStarted`, DOMAIN.md §3.3). Assumption: the seed's "demandes
  traitées" are the dossiers the ALS analysed, not every demand registered.
- `attributions`: the CAL's attributions (`CALDecided` with an attribution,
  an attribution par classement or sous condition suspensive, CAL-DECISION),
  each decision counted; `by_decision` splits them.
- `leases_signed`: leases signed (`LeaseSigned`).
- `households_entered`: distinct households whose dossier recorded the move-in
  (`Entered`, which follows the lease).
- `households_supported_after_entry`: distinct households under an ASLL
  convention (from its first day, `starts_on`, to its bilan or rupture) on a
  day of the year when they were housed: either after their entry recorded by
  an LLTS dossier of the department (on or before that day; the support a
  bilan d'installation asks for, BILAN-SUITE, or any later measure of the same
  `household_id`), or under a measure oriented `maintien` of the department (it
  keeps a household in the dwelling it already lives in, whenever it entered).
  `supported_after_llts_entry` and `supported_in_maintien` give the two parts
  (a household may be in both). Assumptions: the seed's "locataires
  accompagnés" are supported through ASLL measures recorded in Logis; a
  maintien measure's household is a tenant; an accès or diagnostic measure
  supports a tenant only once Logis has recorded its entry.

Rows keep ids, departments and dates: no name, no free text (nothing sealed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from projections.llts_statistics.tables import ATTRIBUTIONS_COUNTED
from projections.mesures.statistics import shares
from projections.rows import Between, RowView


@dataclass(frozen=True)
class DecisionCount:
    decision: str
    count: int
    share_percent: float | None  # of the year's attributions, one decimal


@dataclass(frozen=True)
class LltsStatistics:
    department: str
    year: int
    demands_identified: int
    demands_processed: int
    attributions: int
    by_decision: list[DecisionCount]
    leases_signed: int
    households_entered: int
    households_supported_after_entry: int
    supported_after_llts_entry: int
    supported_in_maintien: int
    definitions: dict[str, str]
    assumptions: list[str]


DEFINITIONS = {
    "demands_identified": "Dossiers LLTS identifiés (repérage) dans l'année.",
    "demands_processed": "Dossiers dont l'analyse par l'ALS a commencé dans "
    "l'année (étape « analyse »).",
    "attributions": "Décisions d'attribution de la CAL dans l'année : attribution, "
    "attribution par classement, attribution sous condition suspensive.",
    "leases_signed": "Baux signés dans l'année.",
    "households_entered": "Ménages distincts entrés dans les lieux dans l'année.",
    "households_supported_after_entry": "Ménages distincts accompagnés dans leur "
    "logement : sous convention ASLL (de son premier jour à son bilan ou sa "
    "rupture) un jour de l'année où ils étaient logés, soit après leur entrée dans "
    "les lieux enregistrée par un dossier LLTS du département, soit par une mesure "
    "de maintien du département.",
    "supported_after_llts_entry": "dont ménages accompagnés après une entrée "
    "enregistrée par un dossier LLTS (bilan d'installation, ou mesure ultérieure).",
    "supported_in_maintien": "dont ménages accompagnés par une mesure de maintien "
    "dans le logement.",
}
ASSUMPTIONS = [
    "« Demandes traitées » (ALS 2016 : 1093) est lu comme les dossiers dont l'ALS "
    "a commencé l'analyse dans l'année (DOMAIN §3.3), et non toute demande "
    "enregistrée au SNE.",
    "« Locataires accompagnés » (ALS 2016 : 846) est lu comme les ménages suivis "
    "par une mesure ASLL enregistrée dans Logis alors qu'ils étaient logés : après "
    "une entrée enregistrée par un dossier LLTS, ou par une mesure de maintien "
    "(le ménage est déjà dans son logement, quelle que soit la date de son "
    "entrée) ; un accompagnement hors mesure n'est pas compté, ni une mesure "
    "d'accès ou de diagnostic d'un ménage dont Logis n'a pas enregistré l'entrée.",
    "Chaque étape est comptée dans l'année du jour où elle a eu lieu (occurred_on), "
    "dans le département du dossier ; après une entrée, une mesure "
    "d'accompagnement compte quel que soit son département, une mesure de maintien "
    "dans le sien.",
]


def select_llts_statistics(view: RowView, department: str, year: int) -> LltsStatistics:
    """The department's LLTS figures for the civil year (module docstring)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year = Between(first, last)

    def count(table: str, **where: Any) -> int:
        return view.select(table, {"department": department, **where}, limit=0)[1]

    by_decision = {
        decision: count("llts_attributions", decided_on=in_year, decision=decision)
        for decision in ATTRIBUTIONS_COUNTED
    }
    percents = shares(by_decision)
    entered = view.select_rows(
        "llts_dossiers",
        {"department": department, "entered_on": Between(None, last)},
    )
    entry_of: dict[Any, date] = {}  # household → its first entry
    for row in entered:
        household, on = row["household_id"], row["entered_on"]
        entry_of[household] = min(on, entry_of.get(household, on))
    after_entry, in_maintien = _supported(view, department, entry_of, first, last)
    return LltsStatistics(
        department=department,
        year=year,
        demands_identified=count("llts_dossiers", identified_on=in_year),
        demands_processed=count("llts_dossiers", analysed_on=in_year),
        attributions=sum(by_decision.values()),
        by_decision=[
            DecisionCount(decision, n, percents[decision])
            for decision, n in by_decision.items()
        ],
        leases_signed=count("llts_dossiers", lease_signed_on=in_year),
        households_entered=len(
            {row["household_id"] for row in entered if row["entered_on"] >= first}
        ),
        households_supported_after_entry=len(after_entry | in_maintien),
        supported_after_llts_entry=len(after_entry),
        supported_in_maintien=len(in_maintien),
        definitions=dict(DEFINITIONS),
        assumptions=list(ASSUMPTIONS),
    )


def _supported(
    view: RowView, department: str, entry_of: dict[Any, date], first: date, last: date
) -> tuple[set[Any], set[Any]]:
    """The households under a convention on a day of [first, last]: on or after
    their entry (`entry_of`), and under a maintien measure of the department."""
    started = view.select_rows("llts_supports", {"starts_on": Between(None, last)})
    after_entry, in_maintien = set(), set()
    for row in started:
        household = row["household_id"]
        maintien = row["orientation"] == "maintien" and row["department"] == department
        if maintien and _under_convention(row, max(first, row["starts_on"]), last):
            in_maintien.add(household)
        entered_on = entry_of.get(household)
        if entered_on is not None:
            since = max(first, entered_on, row["starts_on"])
            if _under_convention(row, since, last):
                after_entry.add(household)
    return after_entry, in_maintien


def _under_convention(row: dict[str, Any], since: date, last: date) -> bool:
    """The convention runs on some day of [since, last]: until its closure."""
    return since <= last and (row["closed_on"] is None or row["closed_on"] >= since)
