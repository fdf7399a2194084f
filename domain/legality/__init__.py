"""Legality rules engine (issue 6): pure functions of a history and the
department's settings that report the DOMAIN.md §8 rules it breaks, as of any
day. `rules` holds the catalogue; one module per kind of record."""

from domain.legality.dossier import check_dossier
from domain.legality.rules import RULES, RULES_BY_ID, Finding, Rule

__all__ = ["RULES", "RULES_BY_ID", "Finding", "Rule", "check_dossier"]
