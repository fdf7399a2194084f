"""What a legality finding is, and the settings a check judges by. The rule
catalogue is in domain/legality/catalogue.py (and catalogue_support.py): all
its rules are `RULES` here, where the engine's users import them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from domain.department import DepartmentNotConfiguredError
from domain.department_settings import DepartmentSettings
from domain.legality.catalogue import LLTS_RULES, SOURCES, Rule, cited
from domain.legality.catalogue_support import SUPPORT_RULES

RULES: tuple[Rule, ...] = (*LLTS_RULES, *SUPPORT_RULES)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}

# What a finding reports: its rule's severity, or `information` for a fact an
# auditor must see that breaks nothing (an imported step recorded late).
FindingSeverity = Literal["bloquant", "alerte", "information"]

# The department's settings history: the (version number, settings) in force on
# a day — `Department.settings_on`. Every check judges a decision by the version
# in force on its day (`occurred_on`) and records that version in its finding.
SettingsOn = Callable[[date], tuple[int, DepartmentSettings]]


def in_force(
    settings_on: SettingsOn, day: date
) -> tuple[int, DepartmentSettings] | None:
    """The settings version in force on `day`, or None when the department had
    none yet (an imported history older than its settings): a check that needs
    them then judges nothing rather than guess."""
    try:
        return settings_on(day)
    except DepartmentNotConfiguredError:
        return None


@dataclass(frozen=True)
class Finding:
    """A breach of `rule` seen in a history: the events concerned (by version),
    the day the breach came into being and the department settings version it
    was judged by (None when the rule reads no setting) and the assumptions
    those settings rest on."""

    rule: str
    message: str
    versions: tuple[int, ...]
    breached_on: date
    settings_version: int | None = None
    # The assumptions (in French) under the settings values the breach was
    # judged by, where no text sets them: see domain/legality/assumptions.py.
    assumptions: tuple[str, ...] = ()
    # Reported for information, not as a breach (SAISIE-TARDIVE: steps of a
    # declared import of past years, recorded late by nature).
    information: bool = False

    @property
    def severity(self) -> FindingSeverity:
        return "information" if self.information else RULES_BY_ID[self.rule].severity


__all__ = [
    "RULES",
    "RULES_BY_ID",
    "SOURCES",
    "Finding",
    "FindingSeverity",
    "Rule",
    "SettingsOn",
    "cited",
    "in_force",
]
