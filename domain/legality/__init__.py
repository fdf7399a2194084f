"""Legality rules engine (issue 6): pure functions of a history and the
department's settings that report the DOMAIN.md §8 rules it breaks, as of any
day. `rules` holds the catalogue; one module per kind of record, whose check
the record-kind registry (domain/records.py) composes with the late entries'."""

from domain.legality.assumptions import with_assumptions
from domain.legality.commission import check_commission
from domain.legality.dossier import check_dossier
from domain.legality.late_entry import check_late_entries
from domain.legality.mesure import check_association, check_household, check_mesure
from domain.legality.programme import check_programme
from domain.legality.rules import RULES, RULES_BY_ID, Finding, Rule
from domain.legality.saisine import check_saisine

__all__ = [
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
