"""Legality rules engine (issue 6): pure functions of a history and the
department's settings that report the DOMAIN.md §8 rules it breaks, as of any
day. `rules` holds the catalogue; one module per kind of record."""

from domain.legality.assumptions import stating_assumptions, with_assumptions
from domain.legality.commission import check_commission
from domain.legality.dossier import check_dossier
from domain.legality.late_entry import check_late_entries, with_late_entries
from domain.legality.mesure import check_association, check_household, check_mesure
from domain.legality.programme import check_programme
from domain.legality.rules import RULES, RULES_BY_ID, Finding, Rule
from domain.legality.saisine import check_saisine

# The check of each kind of record (domain/records.py names them), late
# entries (SAISIE-TARDIVE) included, its findings stating the settings
# assumptions they rest on: `CHECKS[kind](events, settings_on, as_of,
# imports=…)`, `imports` the department's declared imports of past years.
CHECKS = {
    kind: stating_assumptions(with_late_entries(check))
    for kind, check in {
        "dossier": check_dossier,
        "commission": check_commission,
        "programme": check_programme,
        "mesure": check_mesure,
        "saisine": check_saisine,
    }.items()
}

__all__ = [
    "CHECKS",
    "RULES",
    "RULES_BY_ID",
    "Finding",
    "Rule",
    "check_association",
    "check_commission",
    "check_dossier",
    "check_household",
    "check_late_entries",
    "check_mesure",
    "check_programme",
    "check_saisine",
    "with_assumptions",
]
