"""What the demonstration's scenarios are made of: orders (who acts, on which
day, on what, with which command), gathered in one plan per department and
carried out in their order; and the names, places, cast and calendar of
Fort-de-France's procedure, which its scenes and its report share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from commands.base import Command
from commands.department import AdoptSettings
from commands.dossier import (
    AnswerOffer,
    AssessSolvency,
    AttendInformationMeeting,
    CheckResources,
    CompleteDossier,
    Enter,
    MakeOffer,
    RenderMairieAvis,
    RenderSocialEnquiry,
    SignLease,
    Step,
)
from commands.dossier_identification import IdentifyDossier
from commands.programme import DwellingIn, LetDwelling
from domain.department import DepartmentNotConfiguredError
from domain.department_settings import DepartmentSettings
from domain.places import COMMUNE_NAMES
from domain.shared import Actor, fr_day

COMMUNE = "97209"  # Fort-de-France (code INSEE)
COMMUNE_NAME = COMMUNE_NAMES[COMMUNE]

# The scenario's names for what it creates; their ids are known once created.
FLAMBOYANTS, BELLEVUE = "flamboyants", "bellevue"
PRE_COMMISSION, COMMISSION = "pre-commission", "commission-prefectorale"
CAL_SIMAR, CAL_OZANAM = "cal-simar", "cal-ozanam"
PROGRAMMES = {
    FLAMBOYANTS: ("Résidence Les Flamboyants", "simar", "livraison"),
    BELLEVUE: ("Résidence Bellevue", "ozanam", "vacance"),
}
T3, T4 = "FLAMB-A-01-T3", "FLAMB-A-02-T4"
BELLEVUE_T3 = "BELLEVUE-C-07-T3"
DWELLINGS = {
    T3: DwellingIn(ref=T3, typology="T3", rent=Decimal(365), charges=Decimal(55)),
    T4: DwellingIn(ref=T4, typology="T4", rent=Decimal(440), charges=Decimal(65)),
    BELLEVUE_T3: DwellingIn(
        ref=BELLEVUE_T3, typology="T3", rent=Decimal(350), charges=Decimal(50)
    ),
}
DOSSIERS_PER_DWELLING = 5  # set by the concertation, with its motive

# The calendar, in days before the scenario's last day (today, as a rule).
ANNOUNCED, CONCERTATION = 240, 235
PRE_COMMISSION_DAY, COMMISSION_DAY, CAL_SIMAR_DAY = 100, 90, 70
VACANCY_DAY, CAL_OZANAM_DAY = 45, 33
SCENARIO_DAYS = ANNOUNCED

ACTORS = {
    "admin": Actor("administrateur", "admin", "Logis (administration)"),
    "mairie": Actor("service-logement", "mairie", "Mairie de Fort-de-France"),
    "ccas": Actor("instructrice-llts", "ccas", "CCAS de Fort-de-France"),
    "departement": Actor(
        "assistante-sociale-secteur",
        "departement",
        "Collectivité territoriale de Martinique",
    ),
    "caf": Actor("referente-logement", "caf", "CAF de la Martinique"),
    "prefecture": Actor("bureau-logement", "prefecture", "Préfecture de la Martinique"),
    "deal": Actor("controle-ressources", "deal", "DEAL Martinique"),
    "als": Actor(
        "conseillere-sociale", "als", "ALS (Association pour le Logement Social)"
    ),
    "simar": Actor("secretariat-cal", "bailleur", "SIMAR"),
    "ozanam": Actor("secretariat-cal", "bailleur", "Ozanam"),
}
COMMUNES = {"mairie": COMMUNE, "ccas": COMMUNE}
INFORMATION_TOPICS = [
    "droits et devoirs du locataire",
    "règles de vie en collectivité",
    "maîtrise des consommations d'eau et d'électricité",
]

Ids = dict[str, UUID]  # the scenario's name of a dossier, programme or commission
Build = Command | Callable[[Ids], Command]  # a command, or one naming created ids


@dataclass(frozen=True)
class Order:
    actor: str  # key of ACTORS
    on: date  # when it happened: orders are carried out in this order
    name: str  # the dossier, programme or commission it creates or acts on
    command: Build

    def build(self, ids: Ids) -> Command:
        return self.command(ids) if callable(self.command) else self.command


@dataclass
class Plan:
    code: str
    today: date
    anchor: date  # the scenario's last day: today, unless ceilings are missing
    settings: DepartmentSettings
    orders: list[Order] = field(default_factory=list)
    # dossier → applicant; in the Loire, measure → household and what it shows
    names: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # dossier → household size
    actors: dict[str, Actor] = field(default_factory=lambda: ACTORS)
    # The commune an actor's credentials claim (a Mairie, a CCAS); every
    # actor claims the plan's department: territorial roles write only there.
    communes: dict[str, str] = field(default_factory=lambda: dict(COMMUNES))

    def ago(self, days: int) -> date:
        return self.anchor - timedelta(days=days)

    def add(self, actor: str, days_ago: int, name: str, command: Build) -> None:
        self.orders.append(Order(actor, self.ago(days_ago), name, command))

    def check_start(self, effective_from: date, days: int, scenario: str) -> None:
        """The settings take effect by the scenario's first day, `days` ago;
        `scenario` names it in the refusal ("du scénario")."""
        if effective_from > self.ago(days):
            msg = (
                f"Les paramètres du département {self.code} prennent effet le "
                f"{fr_day(effective_from)}, après le début {scenario} "
                f"({fr_day(self.ago(days))})."
            )
            raise DepartmentNotConfiguredError(msg)

    def adopted_then_ordered(self, effective_from: date) -> None:
        """The orders chronological (in the scenes' order within a day), after
        the adoption of the plan's settings on `effective_from`."""
        self.orders.sort(key=lambda order: order.on)
        adopt = AdoptSettings(effective_from=effective_from, settings=self.settings)
        self.orders.insert(0, Order("admin", effective_from, "parametres", adopt))

    def identify(
        self,
        dossier: str,
        actor: str,
        days_ago: int,
        applicant: str,
        size: int,
        *,
        sne: int | None = None,  # days ago the demand was registered (numéro unique)
        programme: str | None = FLAMBOYANTS,
        dalo: bool = False,
    ) -> _Dossier:
        registered = None if sne is None else self.ago(sne)
        sequence = len(self.names) + 1
        on = self.ago(days_ago)

        def command(ids: Ids) -> IdentifyDossier:
            return IdentifyDossier(
                occurred_on=on,
                household_id=uuid5(NAMESPACE_URL, f"logis:demo:household:{dossier}"),
                applicant_name=applicant,
                household_size=size,
                department=self.code,
                commune=COMMUNE,
                programme_id=ids[programme] if programme else None,
                numero_unique=_numero_unique(self.code, registered, sequence),
                sne_registered_on=registered,
                dalo=dalo,
                # Recognised by the commission de médiation ten days before the
                # Préfecture proposes the household, on an appeal lodged 100 days
                # before that (DALO-DELAI: within six months overseas).
                dalo_appeal_on=self.ago(days_ago + 110) if dalo else None,
                dalo_recognised_on=self.ago(days_ago + 10) if dalo else None,
            )

        self.names[dossier] = applicant
        self.sizes[dossier] = size
        self.add(actor, days_ago, dossier, command)
        return self.dossier(dossier)

    def dossier(self, name: str) -> _Dossier:
        return _Dossier(self, name)


@dataclass(frozen=True)
class Solvency:
    """What the ALS's solvency study of a dossier finds."""

    monthly: str  # monthly resources, benefits included
    dwelling: str  # the dwelling whose rent the ALS studies
    housing_benefit: str
    opinion: str = "favorable"
    motive: str | None = None


@dataclass(frozen=True)
class _Dossier:
    plan: Plan
    name: str

    def step(self, actor: str, days_ago: int, step: type[Step], **fields: Any) -> None:
        command = step(occurred_on=self.plan.ago(days_ago), **fields)
        self.plan.add(actor, days_ago, self.name, command)

    def instruct(self, days_ago: tuple[int, int, int], avis: str, summary: str) -> None:
        """Enquête sociale (Collectivité territoriale), favourable avis of the
        Mairie, dossier completed by the CCAS."""
        enquete, mairie, ccas = days_ago
        self.step(
            "departement", enquete, RenderSocialEnquiry, avis=avis, summary=summary
        )
        self.step("mairie", mairie, RenderMairieAvis, avis="favorable")
        documents = list(self.plan.settings.required_documents)
        self.step("ccas", ccas, CompleteDossier, documents=documents)

    def resources(self, days_ago: int, annual: str) -> None:
        self.step(
            "deal",
            days_ago,
            CheckResources,
            annual_resources=Decimal(annual),
            household_category=min(self.plan.sizes[self.name], 6),
        )

    def solvency(self, days_ago: int, study: Solvency) -> None:
        terms = DWELLINGS[study.dwelling]
        self.step(
            "als",
            days_ago,
            AssessSolvency,
            monthly_resources=Decimal(study.monthly),
            rent=terms.rent,
            charges=terms.charges,
            housing_benefit=Decimal(study.housing_benefit),
            opinion=study.opinion,
            motive=study.motive,
        )

    def move_in(
        self, landlord: str, programme: str, dwelling: str, offered: int
    ) -> None:
        """Offer (ten days and more to answer), acceptance, lease and the
        dwelling let on the programme, information meeting, entry."""
        self.step(
            landlord, offered, MakeOffer, answer_deadline=self.plan.ago(offered - 12)
        )
        self.step(landlord, offered - 5, AnswerOffer, answer="acceptee")
        signed, entry = offered - 9, offered - 12
        lease_start = self.plan.ago(entry)
        terms = DWELLINGS[dwelling]
        self.step(
            landlord,
            signed,
            SignLease,
            lease_start=lease_start,
            rent=terms.rent,
            charges=terms.charges,
        )
        self.plan.add(
            landlord,
            signed,
            programme,
            lambda ids: LetDwelling(
                occurred_on=self.plan.ago(signed),
                ref=dwelling,
                dossier_id=ids[self.name],
                lease_start=lease_start,
            ),
        )
        self.step(
            "als", signed - 2, AttendInformationMeeting, topics=INFORMATION_TOPICS
        )
        self.step(landlord, entry, Enter)


def key(number: int) -> str:
    return f"demo:{number}"


def _numero_unique(code: str, registered: date | None, sequence: int) -> str | None:
    """A numéro unique shaped like the SNE's: department, year, month, sequence."""
    if registered is None:
        return None
    return f"{code:0>4}{registered:%y%m}{sequence:05d}A"
