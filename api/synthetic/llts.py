"""One LLTS programme as a plan: its announcement and concertation, the
dossiers gathered for it (3 a dwelling) and instructed in the DOS-ORDRE order,
then, when they come before the generation's last day, the pré-commission, the
commission préfectorale, the landlord's CAL and the households' moves."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, uuid5

from api.demo.plan import Order
from api.demo.sessions import Ranked, Session, attendee, convene, decision
from api.synthetic.places import day_in
from commands.dossier import (
    AnswerOffer,
    AssessSolvency,
    AttendInformationMeeting,
    CheckResources,
    CloseDossier,
    Enter,
    MakeOffer,
    ReviewInstallation,
    SignLease,
    StartAnalysis,
)
from commands.dossier_identification import IdentifyDossier
from commands.programme import (
    AnnounceProgramme,
    DwellingIn,
    HoldConcertation,
    LetDwelling,
    PartnerIn,
)
from domain.programme_steps import CONCERTATION_PARTNERS

if TYPE_CHECKING:
    from api.demo.plan import Plan
    from api.synthetic.generation import Counts
    from api.synthetic.places import Department
    from commands.base import Command

# Assumptions (module docstring of api.synthetic).
AVIS = {"prioritaire": 20, "favorable": 60, "defavorable": 12, "non_prioritaire": 8}
OVER_CEILING = 0.10  # the DEAL finds resources above the ceiling
SOLVENCY = {"favorable": 80, "reserve": 15, "defavorable": 5}
DWELLINGS = (2, 6)
DOSSIERS_PER_DWELLING = 3  # seed 000
RENT, CHARGES = Decimal(380), Decimal(55)
# The calendar, in days after the announcement.
CONCERTATION, GATHERING, STEP = 5, 10, 10
PRE_COMMISSION, COMMISSION, CAL = 110, 126, 142
NOTICE = 14  # days between a commission's convocation and its session
MINUTES = "Séance tenue."
# The CAL's motive for the candidates it does not retain.
BETTER = "Candidature mieux classée retenue ; décision notifiée par écrit, motivée."
OFFER, ENTRY, REVIEW, CLOSURE = 146, 165, 200, 210
LENGTH = CLOSURE


def programme(
    rng: random.Random, where: Department, first: date, counts: Counts
) -> Plan:
    commune = where.commune(rng)
    plan = where.plan(commune)
    start = day_in(rng, first, plan.anchor - timedelta(days=CONCERTATION))
    p = _Programme(plan, rng, start, commune, f"p{counts.programmes}", counts)
    p.announce(rng.randint(*DWELLINGS))
    counts.programmes += 1
    gathered = [p.gather(n) for n in range(len(p.refs) * DOSSIERS_PER_DWELLING)]
    p.commissions([g for g in gathered if g is not None])
    return plan


@dataclass
class _Programme:
    plan: Plan
    rng: random.Random
    start: date
    commune: str
    name: str
    counts: Counts
    refs: tuple[str, ...] = ()

    def on(self, days: int) -> date:
        return self.start + timedelta(days=days)

    def add(self, actor: str, days: int, name: str, command) -> None:
        self.plan.orders.append(Order(actor, self.on(days), name, command))

    def ago(self, days: int) -> int:
        """The programme's day `days`, counted as the plan counts: in days
        before its anchor."""
        return (self.plan.anchor - self.on(days)).days

    def due(self, days: int) -> bool:
        """Before the generation's last day: carried out."""
        return self.on(days) <= self.plan.anchor

    def announce(self, dwellings: int) -> None:
        self.refs = tuple(
            f"{self.name.upper()}-{n + 1:02d}-T3" for n in range(dwellings)
        )
        self.add(
            "bailleur",
            0,
            self.name,
            AnnounceProgramme(
                occurred_on=self.on(0),
                kind="livraison",
                name=f"Résidence {self.name}",
                department=self.plan.code,
                commune=self.commune,
                dwellings=[
                    DwellingIn(ref=r, typology="T3", rent=RENT, charges=CHARGES)
                    for r in self.refs
                ],
            ),
        )
        partners = [
            PartnerIn(organisation=self.plan.actors[r].organisation, role=r)  # type: ignore[arg-type]
            for r in CONCERTATION_PARTNERS
        ]
        hosts = [
            PartnerIn(organisation=self.plan.actors[a].organisation, role=a)  # type: ignore[arg-type]
            for a in ("bailleur", "als")
        ]
        self.add(
            "als",
            CONCERTATION,
            self.name,
            HoldConcertation(
                occurred_on=self.on(CONCERTATION),
                invited=partners,
                present=[*hosts, *partners],
                programme_presented=True,
                candidate_profile="Ménages sous les plafonds LLTS (synthétiques).",
                dossiers_per_dwelling=DOSSIERS_PER_DWELLING,
            ),
        )

    def gather(self, n: int) -> _Candidate | None:
        """Dossier `n` of the programme, instructed up to the solvency study
        (or refused by the DEAL); None if identified after the last day."""
        day = GATHERING + n // 2
        if not self.due(day):
            return None
        rng, name = self.rng, f"{self.name}-d{n}"
        size = rng.randint(1, 6)
        registered = self.on(day - rng.randint(5, 120))
        self.counts.dossiers += 1
        self.add(
            rng.choice(("mairie", "ccas", "departement", "caf")),
            day,
            name,
            lambda ids, n=self.counts.dossiers: IdentifyDossier(
                occurred_on=self.on(day),
                household_id=uuid5(NAMESPACE_URL, f"logis:generate:{name}:{n}"),
                applicant_name=f"Ménage {self.plan.code}-{n}",
                household_size=size,
                department=self.plan.code,
                commune=self.commune,
                programme_id=ids[self.name],
                numero_unique=f"{self.plan.code:0>4}{registered:%y%m}{n % 100000:05d}A",
                sne_registered_on=registered,
            ),
        )
        avis = _drawn(rng, AVIS)
        # Enquête sociale, the Mairie's favourable avis, completed by the CCAS.
        instruction = [day + k * STEP for k in (1, 2, 3)]
        enquete, mairie, ccas = (self.ago(on) for on in instruction)
        self.plan.dossier(name).instruct(
            (enquete, mairie, ccas), avis, "Enquête sociale synthétique"
        )
        ceiling = self.plan.settings.ceiling(self.on(day).year, min(size, 6))
        over = rng.random() < OVER_CEILING
        resources = ceiling * Decimal("1.1") if over else ceiling * Decimal("0.85")
        steps: list[tuple[str, Command]] = [
            (
                "deal",
                CheckResources(
                    annual_resources=resources.quantize(Decimal(1)),
                    household_category=min(size, 6),
                ),
            )
        ]
        opinion = _drawn(rng, SOLVENCY)
        if not over:
            steps += [
                ("als", StartAnalysis()),
                (
                    "als",
                    AssessSolvency(
                        monthly_resources=(resources / 12).quantize(Decimal(1)),
                        rent=RENT,
                        charges=CHARGES,
                        housing_benefit=Decimal(200),
                        opinion=opinion,
                        motive=None
                        if opinion == "favorable"
                        else "Taux d'effort élevé.",
                    ),
                ),
            ]
        for k, (actor, step) in enumerate(steps, len(instruction) + 1):
            self.add(actor, day + k * STEP, name, step.model_copy(
                update={"occurred_on": self.on(day + k * STEP)}
            ))  # fmt: skip
        if over:
            return None
        ready = avis != "defavorable" and opinion != "defavorable"
        return _Candidate(name, ready)

    def commissions(self, gathered: list[_Candidate]) -> None:
        """Pré-commission, commission préfectorale and CAL, when due."""
        ready = [g.name for g in gathered if g.ready]
        if not ready or not self.due(PRE_COMMISSION):
            return
        # Three in four ranked, the others on the commune's liste
        # complémentaire (for its vacancies: a new delivery's CAL examines
        # ranked dossiers only, LC-VALIDITE).
        places = max(DOSSIERS_PER_DWELLING, len(ready) * 3 // 4)
        first, listed = ready[:places], ready[places:]
        outcomes = [(g.name, "ecarte") for g in gathered if not g.ready]
        outcomes += [(n, "prioritaire") for n in first]
        outcomes += [(n, "liste_complementaire") for n in listed]
        pre_commission = self.session(
            "pre_commission",
            "als",
            PRE_COMMISSION,
            ("als", "prefecture", "deal", "mairie"),
        )
        pre_commission.preselect(outcomes)
        pre_commission.close(MINUTES)
        if not self.due(COMMISSION):
            return
        commission = self.session(
            "commission_prefectorale",
            "prefecture",
            COMMISSION,
            ("prefecture", "deal", "als", "mairie", "bailleur"),
            presided=True,
        )
        commission.rank([Ranked(n) for n in first], [Ranked(n) for n in listed])
        commission.close(MINUTES)
        examined = min(len(self.refs), len(first) // DOSSIERS_PER_DWELLING)
        if not examined or not self.due(CAL):
            return
        refs = self.refs[:examined]
        groups = [
            first[n * DOSSIERS_PER_DWELLING : (n + 1) * DOSSIERS_PER_DWELLING]
            for n in range(examined)
        ]
        cal = self.session(
            "cal", "bailleur", CAL, ("bailleur", "mairie", "prefecture", "als"), refs
        )
        for ref, group in zip(refs, groups, strict=True):
            cal.decide(
                ref,
                decision(group[0], "attribution"),
                *[decision(n, "non_attribution", motive=BETTER) for n in group[1:]],
            )
        cal.close(MINUTES)
        for ref, group in zip(refs, groups, strict=True):
            self.move_in(group[0], ref)

    def session(
        self,
        kind: str,
        host: str,
        held: int,
        present: tuple[str, ...],
        dwellings: tuple[str, ...] = (),
        *,
        presided: bool = False,
    ) -> Session:
        """A commission convened, then on its day its attendance: its
        decisions and minutes follow."""
        session = convene(
            self.plan,
            f"{self.name}-{kind}",
            host,
            kind,
            on=self.on(held - NOTICE),
            held_on=self.on(held),
            commune=self.commune,
            programme=self.name,
            dwelling_refs=dwellings,
        )
        self.counts.commissions += 1
        attendees = [
            attendee(
                self.plan.actors[a],
                "prefet" if a == "prefecture" and presided else "membre",
            )
            for a in present
        ]
        session.attend(attendees, presided_by=attendees[0] if presided else None)
        return session

    def move_in(self, dossier: str, ref: str) -> None:
        """Offer accepted, lease, the dwelling let, information meeting, entry,
        bilan d'installation, closure: as far as the last day allows."""
        lease_start = self.on(ENTRY)
        steps: list[tuple[str, int, str, Command]] = [
            ("bailleur", OFFER, dossier, MakeOffer(
                answer_deadline=self.on(OFFER + 12))),
            ("bailleur", OFFER + 4, dossier, AnswerOffer(answer="acceptee")),
            ("bailleur", OFFER + 9, dossier, SignLease(
                lease_start=lease_start, rent=RENT, charges=CHARGES)),
            ("als", OFFER + 12, dossier, AttendInformationMeeting(
                topics=["droits et devoirs du locataire"])),
            ("bailleur", ENTRY, dossier, Enter()),
            ("als", REVIEW, dossier, ReviewInstallation(
                outcome="ok", findings="Installation sans difficulté.")),
            ("als", CLOSURE, dossier, CloseDossier(reason="procedure_terminee")),
        ]  # fmt: skip
        for actor, days, name, step in steps:
            command = step.model_copy(update={"occurred_on": self.on(days)})
            self.add(actor, days, name, command)
        let_on = self.on(OFFER + 9)  # the dwelling let on the programme
        self.add(
            "bailleur",
            OFFER + 9,
            self.name,
            lambda ids: LetDwelling(
                occurred_on=let_on,
                ref=ref,
                dossier_id=ids[dossier],
                lease_start=lease_start,
            ),
        )


@dataclass(frozen=True)
class _Candidate:
    name: str
    ready: bool  # favourable enough for the commissions


def _drawn(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), list(mix.values()))[0]
