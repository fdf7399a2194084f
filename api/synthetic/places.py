"""A synthetic department: its code, communes, cast, settings (the Loire's,
with associations of its own) and what its associations hold at the end of
the generation."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from api.demo.plan import Plan
from domain.department_settings import AssociationSettings, DepartmentSettings
from domain.shared import Actor

# The most associations a department's settings may list.
MAX_ASSOCIATIONS = next(
    rule.max_length
    for rule in DepartmentSettings.model_fields["associations"].metadata
    if hasattr(rule, "max_length")
)
# Mainland codes, in order: the first N departments of the generation.
CODES = tuple(f"{n:02d}" for n in range(1, 96) if n != 20)
COMMUNES = 40  # communes of a department where records are drawn
# Monthly capacities of the Loire's associations (seed 002, 2007 table).
CAPACITIES = (30, 28, 12, 15, 30, 7, 8, 50, 25, 17)
# Share of a department's measures still under way at the end (measured:
# about a third), with a margin: the associations a department needs.
OPEN_SHARE = 0.5
# The Loire's plan names no RDA order; Martinique's first criteria (972.json).
RDA = ("dalo", "sans_logement_ou_hebergee_chez_un_tiers", "sur_occupation")


@dataclass
class Department:
    code: str
    settings: DepartmentSettings
    actors: dict[str, Actor]
    anchor: date  # the generation's last day
    holding: dict[str, int] = field(default_factory=dict)  # association → places

    def plan(self, commune: str | None = None) -> Plan:
        """A plan in this department; Mairie and CCAS claim `commune`."""
        communes = {"mairie": commune, "ccas": commune} if commune else {}
        return Plan(
            self.code,
            self.anchor,
            self.anchor,
            self.settings,
            actors=self.actors,
            communes=communes,
        )

    def commune(self, rng: random.Random) -> str:
        return f"{self.code}{1 + rng.randrange(COMMUNES):03d}"

    def place(self, rng: random.Random) -> str | None:
        """An association with a place left at the end of the generation
        (ASLL-CAPACITE), from a random one on; None when all are full."""
        associations = self.settings.associations
        first = rng.randrange(len(associations))
        for n in range(len(associations)):
            a = associations[(first + n) % len(associations)]
            if self.holding.get(a.code, 0) < a.monthly_capacity:
                return a.code
        return None


def department(
    index: int, base: DepartmentSettings, measures: float, anchor: date
) -> Department:
    """Department number `index`, sized for `measures` ASLL measures."""
    code = CODES[index % len(CODES)]
    mean = sum(CAPACITIES) / len(CAPACITIES)
    # As many as its open measures need, within what a department's settings
    # may list: past it, a measure finds every place held (ASLL-CAPACITE) and
    # is not generated (a large store over few departments).
    count = min(max(3, math.ceil(measures * OPEN_SHARE / mean)), MAX_ASSOCIATIONS)
    associations = tuple(
        AssociationSettings(
            code=f"asso_{code}_{n + 1}",
            name=f"Association {n + 1} ({code})",
            sectors=(f"Secteur {n + 1}",),
            monthly_capacity=CAPACITIES[n % len(CAPACITIES)],
        )
        for n in range(count)
    )
    settings = base.model_copy(
        update={"associations": associations, "rda_priority_criteria": RDA}
    )
    return Department(code, settings, _cast(code, associations), anchor)


def _cast(code: str, associations: tuple[AssociationSettings, ...]) -> dict:
    """Who acts in the department (organisations named after its code)."""
    actors = {
        "admin": Actor("administrateur", "admin", "Logis (administration)"),
        "mairie": Actor("service-logement", "mairie", f"Mairie ({code})"),
        "ccas": Actor("instructrice-llts", "ccas", f"CCAS ({code})"),
        "departement": Actor(
            "assistante-sociale", "departement", f"Département {code}"
        ),
        "caf": Actor("referente-logement", "caf", f"CAF ({code})"),
        "prefecture": Actor("bureau-logement", "prefecture", f"Préfecture ({code})"),
        "deal": Actor("controle-ressources", "deal", f"DDETS ({code})"),
        "als": Actor("conseillere-sociale", "als", f"Association logement ({code})"),
        "bailleur": Actor("secretariat-cal", "bailleur", f"Office HLM ({code})"),
        "prescripteur": Actor("travailleuse-sociale", "prescripteur", f"CAF ({code})"),
        "clu": Actor("secretariat-clu", "commission_logement", f"CLU ({code})"),
        "ccapex": Actor("secretariat-ccapex", "ccapex", f"CCAPEX ({code})"),
        "operateur": Actor("enqueteur-social", "association", f"UDAF ({code})"),
    }
    for a in associations:
        actors[a.code] = Actor("travailleur-social", "association", a.name)
    return actors


def day_in(rng: random.Random, first: date, last: date) -> date:
    """A day drawn evenly from first to last."""
    return first + timedelta(days=rng.randrange(max(1, (last - first).days + 1)))
