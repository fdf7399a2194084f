"""The catalogue of DOMAIN.md §8 rules the legality engine reports on, and
what a finding is. One entry per rule id: its French title, legal source and
severity (bloquant: the procedure is not legal as recorded; alerte: a deadline
or good practice missed, to be explained)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Severity = Literal["bloquant", "alerte"]


@dataclass(frozen=True)
class Rule:
    """A DOMAIN.md §8 rule: stable id, French title, legal source."""

    id: str
    title: str
    source: str
    severity: Severity


@dataclass(frozen=True)
class Finding:
    """A breach of `rule` seen in a history: the events concerned (by version)
    and the day the breach came into being."""

    rule: str
    message: str
    versions: tuple[int, ...]
    breached_on: date

    @property
    def severity(self) -> Severity:
        return RULES_BY_ID[self.rule].severity


RULES: tuple[Rule, ...] = (
    Rule(
        "SNE-VALIDITE",
        "Demande valable un an, renouvelée avant échéance, sinon radiée",
        "CCH R441-2-7, R441-2-8",
        "bloquant",
    ),
    Rule(
        "DOS-ORDRE",
        "Repérage, enquête sociale, avis de la Mairie, dossier complet, DEAL, "
        "analyse ALS, dans cet ordre",
        "seed 000",
        "bloquant",
    ),
    Rule(
        "LC-VALIDITE",
        "La liste complémentaire expire six mois après la commission",
        "seed 000",
        "bloquant",
    ),
    Rule(
        "CAL-CONDITION",
        "Une condition suspensive nomme la pièce et un délai ; levée à temps, "
        "le bail est signé",
        "CCH R441-3 c)",
        "bloquant",
    ),
    Rule(
        "CAL-MOTIF",
        "Toute non-attribution ou tout rejet est notifié par écrit et motivé",
        "CCH L441-2-2",
        "bloquant",
    ),
    Rule(
        "OFFRE-DELAI",
        "Une proposition laisse au moins dix jours pour répondre ; le silence "
        "vaut refus",
        "CCH R441-10 ; R441-3 b)",
        "bloquant",
    ),
    Rule(
        "ENTREE-INFO",
        "Les réunions d'information collective suivent la CAL",
        "seed 000",
        "alerte",
    ),
    Rule(
        "BILAN-DELAI",
        "Bilan d'installation au plus tard deux mois après l'entrée",
        "seed 000",
        "alerte",
    ),
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
