"""The demonstration scenario: one LLTS procedure in Fort-de-France (Martinique),
told through the application's public commands, from a programme's announcement
to the bilans d'installation.

- SIMAR announces « Résidence Les Flamboyants » (a T3 and a T4) and holds its
  concertation; the partners gather fourteen households for it.
- The pré-commission (Préfecture and DEAL present) selects six prioritaires and
  four for the liste complémentaire, and sets one household aside.
- The commission préfectorale, presided by the préfet, ranks the six in the RDA
  order (one motivated departure) and puts the four on the commune's liste
  complémentaire, valid six months for every landlord's vacancies.
- SIMAR's CAL examines three candidates per dwelling: two attributions (one to
  the DALO household), two non-attributions, a rejection and an ajournement.
  Offers, leases, information meetings, entries follow; one bilan d'installation
  finds social problems and asks for ASLL support, the other finds none.
- Ozanam declares a vacancy in « Résidence Bellevue »: the liste complémentaire
  proposes its first three households; one withdraws on the eve of Ozanam's
  CAL, which attributes the T3 to the first (her bilan d'installation is still
  due) and not to the second; the fourth stays on the list.
- Two households came too late for the pré-commission, and the commune's new
  demands stand at each early step of the instruction.
- With the household's adhesion, the bilan that found problems also asks for
  the ASLL measure (the ALS prescribes it).

Then, when the Loire's settings are given (infra/departments/42.json), its ASLL
measures over fourteen months (seed 002), at every stage (`LOIRE_SCENES`):
- the CLU instructs individual measures (one refused, one still to instruct), the
  CLT the baux glissants, ARIV and ARALIS their own specific actions;
- AGASEF: a maintien renewed for three months; an accès ended by its bilan and,
  months later, the same household's re-intervention asked by its landlord; an
  accès past its end with neither bilan nor renewal;
- ADSEA 42: a suivi renforcé just notified, a diagnostic with thin and missed
  months, a rupture (Plaines et Vallées); a renewal refused then the bilan at
  term, a request reoriented towards a protection measure (Roanne);
- Entraide Pierre Valdo (refugees): a diagnosis awaiting its convention, a
  three-month installation ended;
- baux glissants: CALL-PACT's lease slid to the household by Métropole Habitat,
  another sublet; RENAITRE's sublease ended; CAL-PACT Roanne at full capacity
  (seven households), a granted request waiting for a place, a renewal pending
  on a measure ending within the month;
- ANEF's suivi renforcé outside a bail glissant.

Every command carries a deterministic Idempotency-Key (`demo:<n>`, the Loire's
numbered after Martinique's): loading twice writes nothing the second time, and
an interrupted load resumes where it stopped. Martinique's dates run over the
eight months before `today`, the Loire's over fourteen, in procedure order; each
commission's attendance and decisions are dated the day of its session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError

from commands.application import CommandResult, Context, Logis
from commands.base import Command
from commands.commission import (
    AttendeeIn,
    CandidateDecisionIn,
    CloseMinutes,
    CommissionKind,
    CommissionStep,
    ConveneCommission,
    DecideOnDwelling,
    PreSelect,
    PreSelectionIn,
    RankDossiers,
    RankingEntryIn,
    RecordAttendance,
)
from commands.department import AdoptSettings
from commands.dossier import (
    AnswerOffer,
    AssessSolvency,
    AttendInformationMeeting,
    CheckResources,
    CloseDossier,
    CompleteDossier,
    Enter,
    IdentifyDossier,
    MakeOffer,
    ReceiveDocuments,
    RenderMairieAvis,
    RenderSocialEnquiry,
    RequestDocuments,
    ReviewInstallation,
    SignLease,
    StartAnalysis,
    Step,
    Withdraw,
)
from commands.errors import InvalidCommandError
from commands.idempotency import fingerprint
from commands.mesure import (
    BreakOff,
    DecideRenewal,
    Diagnose,
    EndMesure,
    EndSublease,
    HoldMeeting,
    Instruct,
    MesureStep,
    MissMeeting,
    Notify,
    RequestMesure,
    RequestRenewal,
    ReviewSublease,
    SignConvention,
    SignHeadLease,
    SignSublease,
    SlideLease,
)
from commands.programme import (
    AnnounceProgramme,
    DwellingIn,
    HoldConcertation,
    LetDwelling,
    PartnerIn,
    ProgrammeStep,
)
from domain.association import AssociationLoad, association_load_id
from domain.department import DepartmentNotConfiguredError, DepartmentSettings
from domain.dossier import STAGES
from domain.mesure import MEETING_KINDS, UNDER_CONVENTION, Mesure
from domain.mesure import STAGES as MESURE_STAGES
from domain.programme import CONCERTATION_PARTNERS
from domain.shared import Actor

COMMUNE = "97209"  # Fort-de-France (code INSEE)
COMMUNE_NAME = "Fort-de-France"

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
INFORMATION_TOPICS = [
    "droits et devoirs du locataire",
    "règles de vie en collectivité",
    "maîtrise des consommations d'eau et d'électricité",
]

Ids = dict[str, UUID]  # the scenario's name of a dossier, programme or commission
Build = Command | Callable[[Ids], Command]  # a command, or one naming created ids


@dataclass(frozen=True)
class _Order:
    actor: str  # key of ACTORS
    on: date  # when it happened: orders are carried out in this order
    name: str  # the dossier, programme or commission it creates or acts on
    command: Build

    def build(self, ids: Ids) -> Command:
        return self.command(ids) if callable(self.command) else self.command


@dataclass
class _Plan:
    code: str
    today: date
    anchor: date  # the scenario's last day: today, unless ceilings are missing
    settings: DepartmentSettings
    orders: list[_Order] = field(default_factory=list)
    # dossier → applicant; in the Loire, measure → household and what it shows
    names: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # dossier → household size
    actors: dict[str, Actor] = field(default_factory=lambda: ACTORS)

    def ago(self, days: int) -> date:
        return self.anchor - timedelta(days=days)

    def add(self, actor: str, days_ago: int, name: str, command: Build) -> None:
        self.orders.append(_Order(actor, self.ago(days_ago), name, command))

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
            )

        self.names[dossier] = applicant
        self.sizes[dossier] = size
        self.add(actor, days_ago, dossier, command)
        return self.dossier(dossier)

    def dossier(self, name: str) -> _Dossier:
        return _Dossier(self, name)


@dataclass(frozen=True)
class _Dossier:
    plan: _Plan
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

    def solvency(
        self,
        days_ago: int,
        monthly: str,
        dwelling: str,
        housing_benefit: str,
        opinion: str = "favorable",
        motive: str | None = None,
    ) -> None:
        self.step(
            "als",
            days_ago,
            AssessSolvency,
            monthly_resources=Decimal(monthly),
            rent=DWELLINGS[dwelling].rent,
            charges=DWELLINGS[dwelling].charges,
            housing_benefit=Decimal(housing_benefit),
            opinion=opinion,
            motive=motive,
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


@dataclass(frozen=True)
class _Session:
    """A commission's session: attendance, decisions and minutes on `held`."""

    plan: _Plan
    name: str
    host: str  # key of ACTORS
    held: int  # days ago

    def record(self, build: Callable[[Ids, date], CommissionStep]) -> None:
        on = self.plan.ago(self.held)
        self.plan.add(self.host, self.held, self.name, lambda ids: build(ids, on))

    def attend(
        self, attendees: list[AttendeeIn], presided_by: AttendeeIn | None = None
    ) -> None:
        self.record(
            lambda _, on: RecordAttendance(
                occurred_on=on, attendees=attendees, presided_by=presided_by
            )
        )

    def close(self, summary: str) -> None:
        self.record(lambda _, on: CloseMinutes(occurred_on=on, summary=summary))


def _convene(
    plan: _Plan,
    name: str,
    host: str,
    kind: CommissionKind,
    held: int,
    programme: str,
    dwelling_refs: tuple[str, ...] = (),
    notice: int = 14,  # days between the convocation and the session
) -> _Session:
    """A session of the commune's commission, for one of its programmes."""

    def command(ids: Ids) -> ConveneCommission:
        return ConveneCommission(
            occurred_on=plan.ago(held + notice),
            kind=kind,
            held_on=plan.ago(held),
            department=plan.code,
            commune=COMMUNE,
            programme_id=ids[programme],
            dwelling_refs=list(dwelling_refs),
        )

    plan.add(host, held + notice, name, command)
    return _Session(plan, name, host, held)


def _attendee(actor: str, function: str) -> AttendeeIn:
    who = ACTORS[actor]
    return AttendeeIn(organisation=who.organisation, role=who.role, function=function)  # type: ignore[arg-type]


PREFET = _attendee("prefecture", "prefet")


# ---- the scenes, in the order of the story ------------------------------------


def _programme(plan: _Plan) -> None:
    """SIMAR announces the delivery; with the ALS it holds the concertation."""
    name, landlord, kind = PROGRAMMES[FLAMBOYANTS]
    plan.add(
        landlord,
        ANNOUNCED,
        FLAMBOYANTS,
        AnnounceProgramme(
            occurred_on=plan.ago(ANNOUNCED),
            kind=kind,  # type: ignore[arg-type]
            name=name,
            department=plan.code,
            commune=COMMUNE,
            dwellings=[DWELLINGS[T3], DWELLINGS[T4]],
        ),
    )
    partners = [
        PartnerIn(organisation=ACTORS[role].organisation, role=role)  # type: ignore[arg-type]
        for role in CONCERTATION_PARTNERS
    ]
    hosts = [
        PartnerIn(organisation=ACTORS[a].organisation, role=ACTORS[a].role)  # type: ignore[arg-type]
        for a in (landlord, "als")
    ]
    plan.add(
        "als",
        CONCERTATION,
        FLAMBOYANTS,
        HoldConcertation(
            occurred_on=plan.ago(CONCERTATION),
            invited=partners,
            present=[*hosts, *partners],
            programme_presented=True,
            candidate_profile="Familles de Fort-de-France sans logement, hébergées "
            "chez un tiers, en logement insalubre ou sur-occupé, victimes de "
            "violences ou menacées d'expulsion, sous les plafonds PLAI ; ménages "
            "reconnus DALO proposés par la Préfecture.",
            dossiers_per_dwelling=DOSSIERS_PER_DWELLING,
            quota_motive="Cinq dossiers par logement au lieu de trois : la même "
            "commission préfectorale arrêtera la liste complémentaire de la "
            "commune, attendue par les autres bailleurs pour leurs vacances LLTS "
            "des six prochains mois.",
        ),
    )


@dataclass(frozen=True)
class _Solvency:
    monthly: str  # monthly resources, benefits included
    dwelling: str  # the dwelling whose rent the ALS studies
    housing_benefit: str
    opinion: str = "favorable"
    motive: str | None = None


@dataclass(frozen=True)
class _Household:
    """A household gathered for the programme, and what its instruction shows."""

    name: str
    applicant: str
    size: int
    found_by: str  # the partner who identified it (the Préfecture: DALO)
    identified: int  # days ago; each step of the instruction follows at its pace
    sne: int  # days ago its demand was registered (numéro unique)
    avis: str  # of the enquête sociale
    summary: str
    annual: str  # resources the DEAL controls
    solvency: _Solvency | None  # None: above the ceiling, inadmissible
    documents: tuple[str, ...] = ()  # asked by the ALS through the Mairie


GATHERED = (
    _Household(
        "joseph-angelique",
        "M. et Mme Joseph-Angélique",
        5,
        "prefecture",
        230,
        300,
        "prioritaire",
        "Couple et trois enfants reconnus prioritaires DALO, menacés d'expulsion "
        "sans relogement (concours de la force publique accordé).",
        "21400",
        _Solvency("2150.00", T4, "310.00"),
    ),
    _Household(
        "rosemain",
        "M. Frantz Rosemain",
        3,
        "mairie",
        229,
        250,
        "favorable",
        "Père seul avec deux enfants, hébergé chez un tiers.",
        "24310",
        None,
    ),
    _Household(
        "hierso",
        "Mme Rita Hierso",
        2,
        "ccas",
        228,
        240,
        "defavorable",
        "Dette locative importante chez le bailleur actuel, sans plan "
        "d'apurement ; accompagnement proposé refusé.",
        "11900",
        _Solvency(
            "1010.00",
            T3,
            "150.00",
            "defavorable",
            "Dette locative de 3 400 € sans plan d'apurement ni dossier FSL.",
        ),
    ),
    _Household(
        "jean-baptiste",
        "Mme Nadège Jean-Baptiste",
        3,
        "ccas",
        226,
        240,
        "prioritaire",
        "Mère seule avec deux enfants, victime de violences conjugales, mise à "
        "l'abri en hébergement d'urgence dont la prise en charge prend fin.",
        "16300",
        _Solvency("1540.00", T3, "205.00"),
    ),
    _Household(
        "dorval",
        "M. et Mme Dorval",
        4,
        "departement",
        224,
        260,
        "favorable",
        "Couple avec deux enfants hébergé chez la mère de Mme : sept personnes "
        "dans un F3.",
        "12840",
        _Solvency(
            "1070.00",
            T4,
            "120.00",
            "reserve",
            "Taux d'effort de 36 % sur le T4, aide au logement déduite (seuil : "
            "30 %) ; reste à vivre de 171 € par personne.",
        ),
    ),
    _Household(
        "nicolas",
        "M. et Mme Nicolas",
        4,
        "mairie",
        222,
        245,
        "favorable",
        "Couple avec deux enfants dans une case déclarée insalubre par arrêté "
        "préfectoral, sans sanitaires intérieurs.",
        "18600",
        _Solvency("1600.00", T4, "260.00"),
        documents=("attestation_employeur",),
    ),
    _Household(
        "marie-sainte",
        "Mme Laurence Marie-Sainte",
        5,
        "caf",
        220,
        250,
        "favorable",
        "Mère avec quatre enfants dans un T2 : sur-occupation, enfants sans chambre.",
        "19800",
        _Solvency("1700.00", T3, "240.00"),
    ),
    _Household(
        "lerus",
        "M. Patrick Lérus",
        3,
        "mairie",
        218,
        235,
        "favorable",
        "Père seul avec deux enfants, loyers impayés depuis une perte d'emploi : "
        "commandement de quitter les lieux.",
        "15900",
        _Solvency("1450.00", T3, "190.00"),
    ),
    _Household(
        "elisabeth",
        "Mme Sandrine Élisabeth",
        3,
        "caf",
        216,
        250,
        "favorable",
        "Mère seule avec deux enfants, accueillie en centre d'hébergement et de "
        "réinsertion sociale : sortie préparée.",
        "16100",
        _Solvency("1480.00", T3, "200.00"),
    ),
    _Household(
        "louis-sidney",
        "M. Thierry Louis-Sidney",
        2,
        "caf",
        215,
        225,
        "favorable",
        "Père seul avec un enfant en garde alternée, studio trop petit et trop cher.",
        "13400",
        _Solvency("1180.00", T3, "150.00"),
    ),
    _Household(
        "sainte-rose",
        "Mme Maëva Sainte-Rose",
        2,
        "ccas",
        214,
        230,
        "favorable",
        "Mère et sa fille majeure, locataires d'un logement privé dont le loyer "
        "absorbe 48 % de leurs ressources.",
        "12100",
        _Solvency("1150.00", T3, "160.00"),
    ),
    _Household(
        "bellemare",
        "M. Gérard Bellemare",
        3,
        "departement",
        213,
        240,
        "favorable",
        "Couple et un enfant locataires d'un logement privé décent mais cher ; "
        "souhaitent entrer dans le parc social.",
        "17200",
        _Solvency("1650.00", T3, "150.00"),
    ),
)


def _gathered(plan: _Plan) -> None:
    """The households gathered for the programme after the concertation,
    instructed in the order DOS-ORDRE sets, up to the ALS's solvency study."""
    for household in GATHERED:
        _instruct(plan, household)


def _instruct(plan: _Plan, h: _Household) -> None:
    day = h.identified
    d = plan.identify(
        h.name,
        h.found_by,
        day,
        h.applicant,
        h.size,
        sne=h.sne,
        dalo=h.found_by == "prefecture",
    )
    d.instruct((day - 24, day - 42, day - 58), h.avis, h.summary)
    d.resources(day - 76, h.annual)
    if h.solvency is None:
        return  # above the ceiling: the DEAL's control ends the dossier
    d.step("als", day - 86, StartAnalysis)
    if h.documents:
        d.step(
            "als",
            day - 90,
            RequestDocuments,
            documents=list(h.documents),
            through_role="mairie",
            through_organisation=ACTORS["mairie"].organisation,
        )
        d.step("als", day - 104, ReceiveDocuments, documents=list(h.documents))
    s = h.solvency
    d.solvency(day - 110, s.monthly, s.dwelling, s.housing_benefit, s.opinion, s.motive)


def _late(plan: _Plan) -> None:
    """Gathered for the programme too, but not ready for its pré-commission:
    they wait for the commune's next one."""
    d = plan.identify("celeste", "ccas", 176, "Mme Josiane Céleste", 3, sne=190)
    d.instruct(
        (150, 132, 104),
        "prioritaire",
        "Mère seule avec deux enfants, victime de violences conjugales, "
        "hébergée en urgence.",
    )
    d.resources(80, "14200")
    d.step("als", 47, StartAnalysis)
    d.step(
        "als",
        40,
        RequestDocuments,
        documents=["avis_imposition_2025", "jugement_pension_alimentaire"],
        through_role="ccas",
        through_organisation=ACTORS["ccas"].organisation,
    )  # not received yet

    d = plan.identify("neree", "caf", 190, "M. Alex Nérée", 2, sne=205)
    d.instruct(
        (165, 146, 122),
        "favorable",
        "Jeune couple logé sans bail chez un ami, contraint de partir.",
    )
    d.resources(99, "15400")
    d.step("als", 90, StartAnalysis)
    payslips = ["bulletins_salaire_3_derniers_mois"]
    d.step(
        "als",
        86,
        RequestDocuments,
        documents=payslips,
        through_role="ccas",
        through_organisation=ACTORS["ccas"].organisation,
    )
    d.step("ccas", 64, ReceiveDocuments, documents=payslips)
    d.solvency(
        52,
        "1283.00",
        T3,
        "95.00",
        "reserve",
        "Contrat à durée déterminée jusqu'en fin d'année : ressources à confirmer "
        "avant la prochaine pré-commission.",
    )


PRESELECTION = {
    "joseph-angelique": "prioritaire",
    "jean-baptiste": "prioritaire",
    "dorval": "prioritaire",
    "nicolas": "prioritaire",
    "marie-sainte": "prioritaire",
    "lerus": "prioritaire",
    "elisabeth": "liste_complementaire",
    "louis-sidney": "liste_complementaire",
    "sainte-rose": "liste_complementaire",
    "bellemare": "liste_complementaire",
    "hierso": "ecarte",
}


def _pre_commission(plan: _Plan) -> None:
    """The ALS hosts it; the Préfecture and the DEAL attend (PRECOM-QUORUM)."""
    session = _convene(
        plan, PRE_COMMISSION, "als", "pre_commission", PRE_COMMISSION_DAY, FLAMBOYANTS
    )
    session.attend(
        [
            _attendee("als", "conseillere_sociale"),
            _attendee("prefecture", "chef_du_bureau_logement"),
            _attendee("deal", "controleur_des_ressources"),
            _attendee("mairie", "adjointe_au_logement"),
            _attendee("ccas", "instructrice_llts"),
            _attendee("departement", "assistante_sociale"),
            _attendee("simar", "charge_de_clientele"),
        ]
    )
    session.record(
        lambda ids, on: PreSelect(
            occurred_on=on,
            decisions=[
                PreSelectionIn(dossier_id=ids[name], outcome=outcome)  # type: ignore[arg-type]
                for name, outcome in PRESELECTION.items()
            ],
        )
    )
    session.close(
        "Six dossiers prioritaires et quatre pour la liste complémentaire "
        "proposés à la commission préfectorale ; un dossier écarté (dette "
        "locative sans plan d'apurement)."
    )


# (dossier, RDA criteria it meets, motive when it passes a household the RDA puts first)
RANKED: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("joseph-angelique", ("dalo", "menace_d_expulsion_sans_relogement"), None),
    (
        "jean-baptiste",
        ("violences_conjugales_ou_familiales", "sortie_de_structure_d_hebergement"),
        "Mise en sécurité : ordonnance de protection du juge aux affaires "
        "familiales, fin de l'hébergement d'urgence dans le mois ; la commission "
        "la classe avant deux ménages que le RDA fait passer en premier.",
    ),
    ("dorval", ("sans_logement_ou_hebergee_chez_un_tiers", "sur_occupation"), None),
    ("nicolas", ("logement_insalubre_ou_indigne",), None),
    ("marie-sainte", ("sur_occupation",), None),
    ("lerus", ("menace_d_expulsion_sans_relogement",), None),
)
LISTE_COMPLEMENTAIRE = (
    ("elisabeth", ("sortie_de_structure_d_hebergement",)),
    ("louis-sidney", ()),
    ("sainte-rose", ()),
    ("bellemare", ()),
)


def _commission_prefectorale(plan: _Plan) -> None:
    """Convened by the Préfecture, presided by the préfet, the DEAL present
    (COMPREF-PRESIDENCE); it ranks in the RDA order (COMPREF-RANG) and sets the
    commune's liste complémentaire for six months (LC-VALIDITE)."""
    session = _convene(
        plan,
        COMMISSION,
        "prefecture",
        "commission_prefectorale",
        COMMISSION_DAY,
        FLAMBOYANTS,
    )
    session.attend(
        [
            PREFET,
            _attendee("prefecture", "chef_du_bureau_logement"),
            _attendee("deal", "directeur_adjoint"),
            _attendee("als", "directrice"),
            _attendee("mairie", "adjointe_au_logement"),
            _attendee("simar", "directrice_de_la_clientele"),
            _attendee("ozanam", "directeur_de_la_gestion_locative"),
        ],
        presided_by=PREFET,
    )
    session.record(
        lambda ids, on: RankDossiers(
            occurred_on=on,
            ranked=[
                RankingEntryIn(
                    dossier_id=ids[name], criteria=list(criteria), motive=why
                )
                for name, criteria, why in RANKED
            ],
            liste_complementaire=[
                RankingEntryIn(dossier_id=ids[name], criteria=list(criteria))
                for name, criteria in LISTE_COMPLEMENTAIRE
            ],
        )
    )
    session.close(
        "Six ménages classés dans l'ordre du RDA (un écart motivé) ; quatre inscrits "
        "sur la liste complémentaire de Fort-de-France, valable six mois pour les "
        "vacances LLTS de tous les bailleurs de la commune."
    )


def _decision(ids: Ids, name: str, decision: str, **fields: Any) -> CandidateDecisionIn:
    return CandidateDecisionIn(dossier_id=ids[name], decision=decision, **fields)  # type: ignore[arg-type]


def _cal_simar(plan: _Plan) -> None:
    """SIMAR's CAL examines three candidates for each dwelling (CAL-TROIS)."""
    session = _convene(
        plan, CAL_SIMAR, "simar", "cal", CAL_SIMAR_DAY, FLAMBOYANTS, (T3, T4)
    )
    session.attend(
        [
            _attendee("simar", "president_cal"),
            _attendee("simar", "administratrice"),
            _attendee("mairie", "representant_du_maire"),
            _attendee("prefecture", "representant_du_prefet"),
            _attendee("als", "conseillere_sociale"),
        ]
    )
    back_on = plan.ago(CAL_SIMAR_DAY) + timedelta(weeks=13)  # next session, to come
    session.record(
        lambda ids, on: DecideOnDwelling(
            occurred_on=on,
            dwelling_ref=T4,
            candidates=[
                _decision(ids, "joseph-angelique", "attribution", dalo_designated=True),
                _decision(
                    ids,
                    "dorval",
                    "non_attribution",
                    motive="Taux d'effort de 36 % sur le T4, aide au logement "
                    "déduite, au-delà du seuil de 30 % : candidature à présenter "
                    "sur un logement de loyer inférieur. Décision notifiée par "
                    "écrit, motivée.",
                ),
                _decision(
                    ids,
                    "nicolas",
                    "ajournement",
                    motive="Fin de contrat de M. signalée par la CAF : ressources "
                    "de l'année en cours à actualiser.",
                    return_session_on=back_on,
                ),
            ],
        )
    )
    session.record(
        lambda ids, on: DecideOnDwelling(
            occurred_on=on,
            dwelling_ref=T3,
            candidates=[
                _decision(ids, "jean-baptiste", "attribution"),
                _decision(
                    ids,
                    "marie-sainte",
                    "non_attribution",
                    motive="Ménage de cinq personnes : le T3 serait sur-occupé dès "
                    "l'entrée ; candidature à présenter sur un T4 ou un T5.",
                ),
                _decision(
                    ids,
                    "lerus",
                    "rejet_irrecevabilite",
                    motive="Le ménage est propriétaire d'une maison adaptée à ses "
                    "besoins au Robert (acte produit à la CAL) : demande "
                    "irrecevable.",
                ),
            ],
        )
    )
    session.close(
        "T4 attribué au ménage DALO désigné par le préfet, T3 attribué ; deux "
        "non-attributions et un rejet motivés, un dossier ajourné."
    )


def _moves_in(plan: _Plan) -> None:
    """Offers, leases and entries in the Flamboyants; the bilans d'installation
    within two months of entry, one asking for ASLL support: the household
    signed the request, so the bilan records the measure's request too."""
    dalo = plan.dossier("joseph-angelique")
    dalo.move_in("simar", FLAMBOYANTS, T4, 68)
    support = plan.settings.min_support_months_after_bilan
    dalo.step(
        "als",
        26,
        ReviewInstallation,
        outcome="problemes",
        findings="Deux mois de loyer impayés, budget non maîtrisé depuis "
        "l'emménagement, isolement de Mme : accompagnement social lié au logement "
        f"(ASLL) de {support} mois demandé au FSL.",
        support_months=support,
        adhesion_signed_on=plan.ago(27),  # adhesion: the measure is requested
    )
    dalo.step(
        "als",
        15,
        CloseDossier,
        reason=f"Installation réalisée ; ASLL de {support} mois engagé, suivi par "
        "l'ALS.",
    )

    family = plan.dossier("jean-baptiste")
    family.move_in("simar", FLAMBOYANTS, T3, 67)
    family.step(
        "als",
        22,
        ReviewInstallation,
        outcome="ok",
        findings="Loyer payé, aide au logement versée, enfants scolarisés dans le "
        "quartier ; Mme s'appuie sur le réseau d'aide aux victimes.",
    )


def _vacancy(plan: _Plan) -> None:
    """Ozanam's vacancy in the same commune is served by the liste
    complémentaire; one household withdraws, the CAL decides on the two others."""
    name, landlord, kind = PROGRAMMES[BELLEVUE]
    plan.add(
        landlord,
        VACANCY_DAY,
        BELLEVUE,
        AnnounceProgramme(
            occurred_on=plan.ago(VACANCY_DAY),
            kind=kind,  # type: ignore[arg-type]
            name=name,
            department=plan.code,
            commune=COMMUNE,
            dwellings=[DWELLINGS[BELLEVUE_T3]],
        ),
    )  # proposes the next three households of the commune's valid lists
    withdrawn = plan.dossier("sainte-rose")
    withdrawn.step(
        "ccas",
        CAL_OZANAM_DAY + 1,
        Withdraw,
        reason="Relogée dans le parc privé avec l'aide du FSL, Mme renonce à sa "
        "demande LLTS ; désistement transmis par le CCAS.",
    )
    session = _convene(
        plan,
        CAL_OZANAM,
        "ozanam",
        "cal",
        CAL_OZANAM_DAY,
        BELLEVUE,
        (BELLEVUE_T3,),
        notice=7,  # the vacancy is recent
    )
    session.attend(
        [
            _attendee("ozanam", "president_cal"),
            _attendee("mairie", "representant_du_maire"),
            _attendee("prefecture", "representant_du_prefet"),
            _attendee("als", "conseillere_sociale"),
        ]
    )
    session.record(
        lambda ids, on: DecideOnDwelling(
            occurred_on=on,
            dwelling_ref=BELLEVUE_T3,
            candidates=[
                _decision(ids, "elisabeth", "attribution"),
                _decision(
                    ids,
                    "louis-sidney",
                    "non_attribution",
                    motive="Ménage de deux personnes : le T3 revient à une famille ; "
                    "candidature maintenue pour un T2.",
                ),
            ],
            shortfall_motive="Trois ménages proposés par la liste complémentaire "
            "de Fort-de-France ; Mme Sainte-Rose s'est désistée la veille de la "
            "séance : deux candidats seulement. La CAL statue pour ne pas "
            "prolonger la vacance ; M. Bellemare reste inscrit sur la liste.",
        )
    )
    session.close("T3 attribué à Mme Élisabeth ; une non-attribution motivée.")
    tenant = plan.dossier("elisabeth")
    tenant.move_in("ozanam", BELLEVUE, BELLEVUE_T3, 32)  # bilan still due


def _new_demands(plan: _Plan) -> None:
    """The commune's new demands, at the early steps, for its next commission."""
    plan.identify("sainte-luce", "caf", 9, "Mme Maryse Sainte-Luce", 2, programme=None)

    d = plan.identify(
        "marie-luce", "mairie", 58, "M. Ludovic Marie-Luce", 4, sne=70, programme=None
    )
    d.step(
        "departement",
        16,
        RenderSocialEnquiry,
        avis="prioritaire",
        summary="Famille de quatre personnes hébergée chez un parent : sept "
        "personnes dans un F3 (sur-occupation). Père en CDD, mère sans emploi.",
    )

    d = plan.identify(
        "lordinot", "ccas", 88, "Mme Huguette Lordinot", 2, sne=95, programme=None
    )
    d.step(
        "ccas",
        61,
        RenderSocialEnquiry,
        avis="non_prioritaire",
        summary="Locataire du parc social sur la commune, logement adapté ; "
        "souhaite se rapprocher de sa fille.",
    )
    d.step(
        "mairie",
        33,
        RenderMairieAvis,
        avis="defavorable",
        comment="Ménage déjà logé dans le parc social de la commune : demande de "
        "mutation à traiter par son bailleur, hors contingent LLTS.",
    )

    d = plan.identify(
        "rangon", "departement", 120, "M. et Mme Rangon", 4, sne=130, programme=None
    )
    d.instruct(
        (96, 75, 41),
        "favorable",
        "Couple avec deux enfants, logement privé dégradé (humidité), loyer "
        "supérieur à 45 % des ressources.",
    )

    d = plan.identify(
        "bellay", "mairie", 150, "Mme Ginette Bellay", 1, sne=160, programme=None
    )
    d.instruct(
        (128, 110, 62),
        "prioritaire",
        "Personne âgée seule dans une case insalubre (arrêté d'insalubrité en "
        "cours), sans sanitaires intérieurs.",
    )
    d.resources(19, "9840")


SCENES = (
    _programme,
    _gathered,
    _late,
    _pre_commission,
    _commission_prefectorale,
    _cal_simar,
    _moves_in,
    _vacancy,
    _new_demands,
)


# ---- the Loire's ASLL measures (seed 002) ----------------------------------------

LOIRE = "42"
LOIRE_DAYS = 420  # the Loire's story starts this many days before today
# Codes INSEE of the communes.
SAINT_ETIENNE, RIVE_DE_GIER, FIRMINY, SAINT_CHAMOND = "42218", "42186", "42095", "42207"
MONTBRISON, FEURS, ROANNE, RIORGES = "42147", "42094", "42187", "42184"
LE_COTEAU, MABLY = "42071", "42127"
LOIRE_ACTORS = {
    "admin": ACTORS["admin"],
    "dvs": Actor(
        "assistante-sociale-de-secteur",
        "departement",
        "Département de la Loire (service social, DVS)",
    ),
    "caf": Actor("travailleuse-sociale", "prescripteur", "CAF de la Loire"),
    "ccas": Actor("conseillere-logement", "prescripteur", "CCAS de Saint-Étienne"),
    "cada": Actor(
        "intervenante-sociale", "association", "Entraide Pierre Valdo (CADA)"
    ),
    "metropole-habitat": Actor(
        "charge-de-gestion-locative", "bailleur", "Métropole Habitat Saint-Étienne"
    ),
    "loire-habitat": Actor("conseillere-sociale", "bailleur", "Loire Habitat"),
    "clu": Actor(
        "secretariat-clu",
        "commission_logement",
        "Commission Logement Unique de la Loire",
    ),
    "clt": Actor(
        "secretariat-clt",
        "commission_logement",
        "Commission Logement Territorialisée de Saint-Étienne",
    ),
    "clt-roannais": Actor(
        "secretariat-clt",
        "commission_logement",
        "Commission Logement Territorialisée du Roannais",
    ),
}
# The référent social worker of each association (the actor is its worker).
WORKERS = {
    "agasef": "Mme Claire Besson, conseillère en économie sociale et familiale",
    "adsea42_plaines_vallees": "M. Karim Haddad, éducateur spécialisé",
    "adsea42_roanne": "Mme Sophie Perrin, assistante de service social",
    "entraide_pierre_valdo": "Mme Amina Diallo, travailleuse sociale",
    "call_pact_st_etienne": "M. Julien Faure, conseiller logement",
    "cal_pact_roanne": "Mme Élodie Chassagne, conseillère en économie sociale "
    "et familiale",
    "renaitre": "M. Patrice Giraud, travailleur social",
    "anef": "Mme Hélène Roux, assistante de service social",
    "ariv": "Mme Lucie Moulin, conseillère en économie sociale et familiale",
    "aralis": "M. Thomas Vial, travailleur social",
}
CONVENTION_SIGNATORIES = ["association", "menage", "prescripteur"]
BILAN_SIGNATORIES = ["travailleur_social", "menage"]


@dataclass(frozen=True)
class _Mesure:
    """An ASLL measure of the scenario; once notified, its association's worker
    acts on it."""

    plan: _Plan
    name: str
    prescriber: str  # key of the plan's actors
    association: str = ""  # its code, once notified

    def step(
        self, actor: str, days_ago: int, step: type[MesureStep], **fields: Any
    ) -> None:
        command = step(occurred_on=self.plan.ago(days_ago), **fields)
        self.plan.add(actor, days_ago, self.name, command)

    def act(self, days_ago: int, step: type[MesureStep], **fields: Any) -> None:
        self.step(self.association, days_ago, step, **fields)

    def granted(
        self, by: str, days_ago: int, association: str, *, renforce: bool = False
    ) -> _Mesure:
        """Instructed and notified the same day: by the CLU, the CLT, or the
        association itself for its specific actions (ASLL-CANAL)."""
        self.step(by, days_ago, Instruct, granted=True)
        self.step(by, days_ago, Notify, association=association, renforce=renforce)
        return _Mesure(self.plan, self.name, self.prescriber, association)

    def diagnosed(self, days_ago: int, summary: str) -> None:
        self.act(days_ago, Diagnose, outcome="confirme", summary=summary)

    def convention(
        self, days_ago: int, orientation: str, axes: Iterable[str], months: int = 6
    ) -> None:
        """Signed by the association, the household and the prescriber."""
        self.act(
            days_ago,
            SignConvention,
            orientation=orientation,
            axes=list(axes),
            duration_months=months,
            starts_on=self.plan.ago(days_ago),
            worker=WORKERS[self.association],
            signed_by=CONVENTION_SIGNATORIES,
        )

    def meetings(self, first: int, last: int, every: int = 15) -> None:
        """Interviews and home visits in turn, every `every` days."""
        for n, day in enumerate(range(first, last - 1, -every)):
            self.act(day, HoldMeeting, kind=MEETING_KINDS[n % 2])

    def meet(self, *days_ago: int) -> None:
        for n, day in enumerate(days_ago):
            self.act(day, HoldMeeting, kind=MEETING_KINDS[n % 2])

    def miss(self, *days_ago: int, relaunched: bool = True) -> None:
        for day in days_ago:
            self.act(day, MissMeeting, relaunched=relaunched)

    def head_lease(self, landlord: str, dwelling_ref: str, days_ago: int) -> None:
        """Bail glissant: the association rents the dwelling from the landlord."""
        self.act(
            days_ago,
            SignHeadLease,
            landlord=self.plan.actors[landlord].organisation,
            dwelling_ref=dwelling_ref,
            starts_on=self.plan.ago(days_ago),
        )

    def bail(self, landlord: str, dwelling_ref: str, head: int, sublet: int) -> None:
        """Bail glissant: the association rents the dwelling, then sublets it."""
        self.head_lease(landlord, dwelling_ref, head)
        self.act(sublet, SignSublease, starts_on=self.plan.ago(sublet))

    def end(self, days_ago: int, bilan: str) -> None:
        """The bilan co-signed, relayed to the prescribing service (ASLL-FIN)."""
        relayed_to = self.plan.actors[self.prescriber].organisation
        self.act(
            days_ago,
            EndMesure,
            bilan=bilan,
            signed_by=BILAN_SIGNATORIES,
            relayed_to=relayed_to,
        )


def _request(
    plan: _Plan,
    name: str,
    label: str,
    prescriber: str,
    days_ago: int,
    commune: str,
    summary: str,
    kind: str = "individuelle",
    *,
    previous: str | None = None,  # a re-intervention after this measure
    association: str | None = None,  # a specific action asked of it directly
) -> _Mesure:
    """The prescriber's request, on a diagnostic the household co-signed three
    days before (ASLL-ADHESION)."""
    on, signed = plan.ago(days_ago), plan.ago(days_ago + 3)
    household = uuid5(NAMESPACE_URL, f"logis:demo:household:{plan.code}:{name}")

    def command(ids: Ids) -> RequestMesure:
        return RequestMesure(
            occurred_on=on,
            kind=kind,  # type: ignore[arg-type]
            household_id=None if previous else household,
            department=plan.code,
            commune=commune,
            diagnostic_summary=summary,
            diagnostic_signed_on=signed,
            household_signed=True,
            previous_mesure_id=ids[previous] if previous else None,
            association=association,
        )

    plan.names[name] = label
    plan.add(prescriber, days_ago, name, command)
    return _Mesure(plan, name, prescriber)


def _agasef_renewed(plan: _Plan) -> None:
    """Maintien under a plan d'apurement: renewed for three months by the CLU."""
    m = _request(
        plan,
        "loire-mansouri",
        "M. et Mme Mansouri — maintien, prolongée de trois mois par la CLU",
        "dvs",
        260,
        RIVE_DE_GIER,
        "Couple et deux enfants, locataires de Loire Habitat : quatre mois de "
        "loyer impayés après une baisse d'activité de M. ; commandement de payer "
        "délivré. Le ménage demande de l'aide pour son budget.",
    ).granted("clu", 250, "agasef")
    m.diagnosed(
        240,
        "Projet : se maintenir dans le logement ; plan d'apurement à "
        "négocier avec le bailleur, dossier FSL maintien.",
    )
    m.convention(
        232,
        "maintien",
        (
            "gestion_budgetaire",
            "mediation_dans_le_bail",
            "acces_aux_droits_et_services_publics",
        ),
    )
    m.meetings(228, 5)
    m.act(
        70,
        RequestRenewal,
        months=3,
        reason="Plan d'apurement signé avec le bailleur, tenu depuis trois mois : "
        "un trimestre encore pour le consolider avant le relais au service social.",
    )
    m.step("clu", 62, DecideRenewal, granted=True)


def _agasef_ended(plan: _Plan) -> None:
    """Accès: search and installation, ended by its bilan; re-intervention later."""
    m = _request(
        plan,
        "loire-barbier",
        "Mme Christelle Barbier — accès, terminée par son bilan co-signé",
        "ccas",
        400,
        SAINT_ETIENNE,
        "Mère seule avec un enfant, hébergée chez sa sœur depuis une séparation ; "
        "demande de logement social déposée, aucune expérience de locataire en "
        "titre.",
    ).granted("clu", 392, "agasef")
    m.diagnosed(
        384,
        "Projet : un T2 à Saint-Étienne près de l'école de l'enfant ; "
        "recherche accompagnée, ouverture des droits à l'aide au logement.",
    )
    m.convention(
        380,
        "acces",
        ("aide_a_la_recherche", "aide_a_l_installation", "gestion_budgetaire"),
    )
    m.meetings(375, 205)
    m.end(
        200,
        "Logement trouvé chez Métropole Habitat et occupé depuis quatre mois, aide "
        "au logement ouverte, loyer payé chaque mois : objectifs atteints. Relais "
        "au CCAS de Saint-Étienne.",
    )


def _agasef_reintervention(plan: _Plan) -> None:
    """The landlord asks for a re-intervention: the situation worsened."""
    m = _request(
        plan,
        "loire-barbier-reintervention",
        "Mme Christelle Barbier — ré-intervention demandée par le bailleur",
        "metropole-habitat",
        24,
        SAINT_ETIENNE,
        "Trois mois de loyer impayés depuis la perte de son emploi ; Mme accepte "
        "de reprendre l'accompagnement qui avait abouti l'an dernier.",
        previous="loire-barbier",
    )
    m.granted("clu", 14, "agasef")


def _agasef_overdue(plan: _Plan) -> None:
    """Past its end with no bilan nor renewal asked: overdue."""
    m = _request(
        plan,
        "loire-da-silva",
        "M. Paulo Da Silva — accès, ni bilan ni prolongation demandée",
        "caf",
        290,
        FIRMINY,
        "Homme seul sortant d'un foyer de jeunes travailleurs, en CDI à temps "
        "partiel ; premier logement autonome à trouver.",
    ).granted("clu", 282, "agasef")
    m.diagnosed(272, "Projet : un studio à Firminy, près de son travail.")
    m.convention(
        266, "acces", ("aide_a_la_recherche", "apprentissage_du_statut_de_locataire")
    )
    m.meetings(262, 112)
    m.miss(96)


def _adsea_renforce(plan: _Plan) -> None:
    """Notified as a suivi renforcé, within the service's four."""
    m = _request(
        plan,
        "loire-chapuis",
        "Mme Monique Chapuis — suivi renforcé notifié",
        "dvs",
        30,
        MONTBRISON,
        "Femme seule, troubles psychiques stabilisés par un suivi au CMP ; "
        "logement encombré, voisinage excédé, bailleur prêt à engager une "
        "procédure.",
    )
    m.granted("clu", 18, "adsea42_plaines_vallees", renforce=True)


def _adsea_irregular(plan: _Plan) -> None:
    """Orientation diagnostic; months with fewer than two meetings, some missed."""
    m = _request(
        plan,
        "loire-gonzalez",
        "M. Rafael Gonzalez — diagnostic, rencontres irrégulières et manquées",
        "loire-habitat",
        150,
        FEURS,
        "Locataire de Loire Habitat depuis dix ans, logement devenu trop grand "
        "après le départ de ses enfants, impayés naissants : projet logement à "
        "définir (mutation, maintien).",
    ).granted("clu", 141, "adsea42_plaines_vallees")
    m.diagnosed(132, "Définir le projet logement avant toute mutation.")
    m.convention(126, "diagnostic", ("projet_logement", "gestion_budgetaire"))
    m.meet(120, 106, 90)
    m.miss(80)
    m.meet(50)
    m.meet(30, 15)
    m.miss(8)


def _adsea_rupture(plan: _Plan) -> None:
    """The household stops coming despite relaunches: rupture."""
    m = _request(
        plan,
        "loire-morel",
        "M. et Mme Morel — maintien, rompue par le ménage",
        "dvs",
        210,
        MONTBRISON,
        "Couple, dette de loyer de 2 100 € et factures d'énergie impayées ; "
        "menace de coupure.",
    ).granted("clu", 202, "adsea42_plaines_vallees")
    m.diagnosed(196, "Maintien : apurer la dette, rétablir le paiement du loyer.")
    m.convention(190, "maintien", ("gestion_budgetaire", "mediation_dans_le_bail"))
    m.meetings(185, 140)
    m.miss(125, 110, 100)
    m.act(
        92,
        BreakOff,
        motive="Le ménage ne vient plus depuis trois rendez-vous malgré les "
        "relances par courrier et par téléphone, et refuse désormais "
        "l'accompagnement.",
    )


def _adsea_roanne_refused(plan: _Plan) -> None:
    """Renewal refused by the CLU: the measure ends at its term, by its bilan."""
    m = _request(
        plan,
        "loire-lafont",
        "Mme Sylvie Lafont — maintien, prolongation refusée, terminée à son terme",
        "dvs",
        230,
        ROANNE,
        "Mère seule avec trois enfants, retards de loyer répétés, courriers non "
        "ouverts ; le bailleur signale la situation.",
    ).granted("clu", 222, "adsea42_roanne")
    m.diagnosed(214, "Maintien : reprendre le budget et le lien avec le bailleur.")
    m.convention(
        208, "maintien", ("gestion_budgetaire", "acces_aux_droits_et_services_publics")
    )
    m.meetings(204, 30)
    m.act(
        50,
        RequestRenewal,
        months=3,
        reason="Mme souhaite garder un appui pour les démarches administratives.",
    )
    m.step(
        "clu",
        40,
        DecideRenewal,
        granted=False,
        motive="Objectifs de maintien atteints : loyer payé depuis cinq mois, "
        "dette soldée par le FSL ; les démarches relèvent du service social de "
        "secteur.",
    )
    m.end(
        26,
        "Loyer payé chaque mois, dette soldée par le FSL, courriers traités avec "
        "Mme : maintien assuré. Relais à l'assistante sociale de secteur.",
    )


def _adsea_roanne_reoriented(plan: _Plan) -> None:
    """The complementary diagnosis finds a mismatch: the request is reoriented."""
    m = _request(
        plan,
        "loire-thevenet",
        "M. Roger Thevenet — réorientée après le diagnostic complémentaire",
        "dvs",
        140,
        RIORGES,
        "Homme âgé seul, factures et loyers en retard, oublis fréquents.",
    ).granted("clu", 131, "adsea42_roanne")
    m.act(
        120,
        Diagnose,
        outcome="reoriente",
        summary="Les difficultés tiennent à une perte d'autonomie dans la gestion "
        "de ses affaires plus qu'au logement : une mesure de protection convient "
        "mieux que l'ASLL.",
        reoriented_to="UDAF de la Loire (mesure de protection demandée au juge)",
    )


def _valdo_diagnosed(plan: _Plan) -> None:
    """A refugee household; diagnosis done, convention still to sign."""
    m = _request(
        plan,
        "loire-haile",
        "Famille Haile — réfugiés, diagnostic fait, convention à signer",
        "cada",
        40,
        SAINT_ETIENNE,
        "Couple et trois enfants, statut de réfugiés reconnu il y a deux mois, "
        "sortie du CADA à préparer ; premier logement en France.",
    ).granted("clu", 32, "entraide_pierre_valdo")
    m.diagnosed(
        22,
        "Projet : un T4 à Saint-Étienne ; démarches en français à "
        "accompagner, ouverture des droits CAF.",
    )


def _valdo_installed(plan: _Plan) -> None:
    """Three months to settle a refugee in: the shortest convention, ended."""
    m = _request(
        plan,
        "loire-nazari",
        "M. Ahmad Nazari — réfugié, installation en trois mois, terminée",
        "cada",
        330,
        SAINT_ETIENNE,
        "Homme seul, réfugié, logement attribué par Métropole Habitat : entrée "
        "dans les lieux dans le mois.",
    ).granted("clu", 322, "entraide_pierre_valdo")
    m.diagnosed(316, "Installation et droits du locataire, en trois mois.")
    m.convention(
        312,
        "acces",
        (
            "aide_a_l_installation",
            "acces_aux_droits_et_services_publics",
            "apprentissage_du_statut_de_locataire",
        ),
        months=3,
    )
    m.meetings(308, 225)
    m.end(
        222,
        "Installé, assurance habitation et énergie souscrites, aide au logement "
        "versée : objectifs atteints. Relais au CADA pour la fin de sa prise en "
        "charge.",
    )


def _call_pact_slid(plan: _Plan) -> None:
    """A bail glissant that slides: Métropole Habitat makes the household its
    tenant, then the measure ends by its bilan."""
    m = _request(
        plan,
        "loire-benali",
        "M. et Mme Benali — bail glissant, bail glissé au ménage, terminée",
        "ccas",
        330,
        SAINT_ETIENNE,
        "Couple et un enfant sans expérience locative, hébergés en résidence "
        "sociale ; la CLT propose un bail glissant.",
        "bail_glissant",
    ).granted("clt", 322, "call_pact_st_etienne")
    m.diagnosed(316, "Bail glissant : faire ses preuves de locataire en six mois.")
    m.convention(
        312,
        "acces",
        (
            "apprentissage_du_statut_de_locataire",
            "appropriation_et_usage_du_logement",
            "gestion_budgetaire",
        ),
    )
    m.bail("metropole-habitat", "MHSE-MONTREYNAUD-B12-T3", 310, 308)
    m.meetings(305, 145)
    m.act(250, ReviewSublease, findings="Loyer payé, logement bien tenu.")
    m.step(
        "metropole-habitat",
        190,
        ReviewSublease,
        findings="Aucun incident ; le bailleur envisage le glissement.",
    )
    m.step("metropole-habitat", 140, SlideLease)
    m.end(
        133,
        "Bail glissé au ménage par Métropole Habitat : locataires en titre, loyer "
        "payé depuis six mois. Relais au CCAS de Saint-Étienne.",
    )


def _call_pact_sublet(plan: _Plan) -> None:
    """A bail glissant under way: sublet, one periodic review so far."""
    m = _request(
        plan,
        "loire-fontaine",
        "Mme Laura Fontaine — bail glissant en sous-location",
        "dvs",
        120,
        SAINT_CHAMOND,
        "Jeune femme sortant d'un centre d'hébergement, sans garant ni "
        "expérience locative.",
        "bail_glissant",
    ).granted("clt", 112, "call_pact_st_etienne")
    m.diagnosed(106, "Bail glissant à Saint-Chamond, près de sa formation.")
    m.convention(
        102,
        "acces",
        ("appropriation_et_usage_du_logement", "insertion_dans_le_quartier"),
    )
    m.bail("loire-habitat", "LH-SAINT-CHAMOND-FONSALA-T2", 100, 98)
    m.meetings(95, 5)
    m.act(
        40,
        ReviewSublease,
        findings="Premier point : loyer payé, voisinage cordial, budget à consolider.",
    )


def _roanne_renewal_pending(plan: _Plan) -> None:
    """Renewal asked of the CLT, not yet decided; the measure ends within 30 days."""
    m = _request(
        plan,
        "loire-ferrand",
        "M. Yanis Ferrand — bail glissant, prolongation demandée à la CLT",
        "loire-habitat",
        200,
        ROANNE,
        "Jeune homme sortant de l'aide sociale à l'enfance, premier logement, "
        "ressources d'un contrat d'apprentissage.",
        "bail_glissant",
    ).granted("clt-roannais", 192, "cal_pact_roanne")
    m.diagnosed(184, "Bail glissant : budget et statut de locataire à acquérir.")
    m.convention(
        168, "acces", ("apprentissage_du_statut_de_locataire", "gestion_budgetaire")
    )
    m.bail("loire-habitat", "LH-ROANNE-MULSANT-T1", 166, 165)
    m.meetings(160, 10)
    m.act(80, ReviewSublease, findings="Loyer payé avec retard deux fois.")
    m.act(
        20,
        RequestRenewal,
        months=3,
        reason="Fin de l'apprentissage dans deux mois : glissement du bail à "
        "préparer avec Loire Habitat une fois l'emploi confirmé.",
    )


@dataclass(frozen=True)
class _Bail:
    """A bail glissant of CAL-PACT Roanne, as far as it has gone."""

    name: str
    label: str
    prescriber: str
    commune: str
    requested: int  # days ago; each later step follows at its pace
    reached: str  # notifiee, diagnostic, bail_principal, sous_location


ROANNE_BAUX = (
    _Bail(
        "loire-gauthier",
        "Mme Nathalie Gauthier — bail glissant en sous-location",
        "dvs",
        LE_COTEAU,
        170,
        "sous_location",
    ),
    _Bail(
        "loire-ouedraogo",
        "M. et Mme Ouedraogo — bail glissant en sous-location",
        "caf",
        ROANNE,
        130,
        "sous_location",
    ),
    _Bail(
        "loire-michaud",
        "M. Bernard Michaud — bail glissant, bail principal signé",
        "loire-habitat",
        MABLY,
        95,
        "bail_principal",
    ),
    _Bail(
        "loire-roux",
        "Mme Sandrine Roux — bail glissant, diagnostic fait",
        "dvs",
        RIORGES,
        60,
        "diagnostic",
    ),
    _Bail(
        "loire-petit",
        "M. Kevin Petit — bail glissant notifié",
        "caf",
        ROANNE,
        40,
        "notifiee",
    ),
    _Bail(
        "loire-garnier",
        "Mme Aurélie Garnier — bail glissant notifié (dernière place)",
        "dvs",
        ROANNE,
        24,
        "notifiee",
    ),
)
REACHED = ("notifiee", "diagnostic", "bail_principal", "sous_location")


def _cal_pact_roanne_full(plan: _Plan) -> None:
    """CAL-PACT Roanne runs seven households, its capacity: a measure the CLT
    granted since waits for a place."""
    for bail in ROANNE_BAUX:
        _roanne_bail(plan, bail)
    _request(
        plan,
        "loire-bonnet",
        "Mme Céline Bonnet — bail glissant instruit, en attente d'une place chez "
        "CAL-PACT Roanne",
        "dvs",
        14,
        ROANNE,
        "Mère seule avec deux enfants, expulsée du parc privé, hébergée chez un "
        "tiers ; la CLT propose un bail glissant.",
        "bail_glissant",
    ).step("clt-roannais", 6, Instruct, granted=True)


def _roanne_bail(plan: _Plan, b: _Bail) -> None:
    m = _request(
        plan,
        b.name,
        b.label,
        b.prescriber,
        b.requested,
        b.commune,
        "Ménage sans expérience locative réussie, dettes anciennes soldées ; la "
        "CLT du Roannais propose un bail glissant.",
        "bail_glissant",
    ).granted("clt-roannais", b.requested - 8, "cal_pact_roanne")
    depth = REACHED.index(b.reached)
    if depth < REACHED.index("diagnostic"):
        return
    m.diagnosed(
        b.requested - 14,
        "Bail glissant : faire ses preuves de locataire avant le glissement.",
    )
    if depth < REACHED.index("bail_principal"):
        return
    signed = b.requested - 20
    m.convention(signed, "acces", ("apprentissage_du_statut_de_locataire",))
    dwelling = f"LH-{b.commune}-{b.name.removeprefix('loire-').upper()}"
    if b.reached == "sous_location":
        m.bail("loire-habitat", dwelling, signed - 2, signed - 4)
    else:
        m.head_lease("loire-habitat", dwelling, signed - 2)
    m.meetings(signed - 5, 5)


def _renaitre_sublease_ended(plan: _Plan) -> None:
    """The sublease ends before any slide; the measure ends by its bilan."""
    m = _request(
        plan,
        "loire-vidal",
        "M. Didier Vidal — bail glissant, sous-location terminée, terminée",
        "dvs",
        280,
        SAINT_CHAMOND,
        "Homme seul sortant d'un CHRS après deux ans, suivi en addictologie.",
        "bail_glissant",
    ).granted("clt", 272, "renaitre")
    m.diagnosed(266, "Bail glissant avec un suivi de soins en parallèle.")
    m.convention(
        262, "acces", ("appropriation_et_usage_du_logement", "mediation_voisinage")
    )
    m.bail("loire-habitat", "LH-SAINT-CHAMOND-CROIX-GIRARD-T1", 260, 258)
    m.meetings(255, 135)
    m.miss(150)
    m.act(
        200,
        ReviewSublease,
        findings="Logement tenu, plainte d'un voisin pour "
        "du bruit, réglée par une médiation.",
    )
    m.act(
        120,
        EndSublease,
        motive="Hospitalisation de longue durée puis entrée en pension de famille "
        "à sa demande : le logement est rendu à Loire Habitat.",
    )
    m.end(
        118,
        "M. a choisi un habitat accompagné (pension de famille) : sortie de la "
        "sous-location préparée avec lui, sans dette. Relais au service social "
        "du Département.",
    )


def _anef_renforce(plan: _Plan) -> None:
    """A suivi renforcé outside a bail glissant, validated by the CLU."""
    m = _request(
        plan,
        "loire-lebrun",
        "Mme Josiane Lebrun — maintien, suivi renforcé en cours",
        "metropole-habitat",
        100,
        SAINT_ETIENNE,
        "Locataire isolée, difficultés psychologiques, logement dégradé et "
        "conflits de voisinage ; le bailleur craint une procédure.",
    ).granted("clu", 92, "anef", renforce=True)
    m.diagnosed(
        86, "Suivi renforcé : visites à domicile rapprochées, lien avec le CMP."
    )
    m.convention(
        80,
        "maintien",
        (
            "appropriation_et_usage_du_logement",
            "mediation_voisinage",
            "insertion_dans_le_quartier",
        ),
    )
    m.meetings(78, 3, every=8)


def _ariv_sedentarisation(plan: _Plan) -> None:
    """ARIV's specific action, asked of it directly: travellers settling."""
    m = _request(
        plan,
        "loire-reinhardt",
        "Famille Reinhardt — gens du voyage, action spécifique de l'ARIV",
        "ariv",
        160,
        SAINT_CHAMOND,
        "Famille du voyage installée sur un terrain familial, souhaite un "
        "logement adapté pour la scolarité des enfants.",
        "action_specifique",
        association="ariv",
    ).granted("ariv", 158, "ariv")
    m.diagnosed(150, "Projet : un habitat adapté avec un espace pour la caravane.")
    m.convention(
        145,
        "acces",
        (
            "projet_logement",
            "acces_aux_droits_et_services_publics",
            "appropriation_et_usage_du_logement",
        ),
    )
    m.meetings(140, 5)


def _aralis_project(plan: _Plan) -> None:
    """ARALIS's specific action: a foyer resident defines his housing project."""
    m = _request(
        plan,
        "loire-diop",
        "M. Mamadou Diop — résident d'un foyer ARALIS, diagnostic en cours",
        "aralis",
        90,
        SAINT_ETIENNE,
        "Résident du foyer depuis huit ans, retraité, en capacité d'accéder à un "
        "logement autonome.",
        "action_specifique",
        association="aralis",
    ).granted("aralis", 88, "aralis")
    m.diagnosed(82, "Définir le projet : logement autonome ou résidence sociale.")
    m.convention(76, "diagnostic", ("projet_logement", "aide_a_la_recherche"), months=4)
    m.meetings(70, 5)


def _clu_refusal(plan: _Plan) -> None:
    """The CLU refuses, with its motive."""
    m = _request(
        plan,
        "loire-marchand",
        "M. Alain Marchand — refusée par la CLU",
        "loire-habitat",
        60,
        FIRMINY,
        "Retards de loyer, budget difficile à tenir depuis un divorce.",
    )
    m.step(
        "clu",
        50,
        Instruct,
        granted=False,
        motive="Le ménage bénéficie déjà d'une mesure d'accompagnement social "
        "personnalisé (MASP) du Département qui couvre le budget et le logement : "
        "pas de second accompagnement ; la CLU en informe l'assistante sociale "
        "de secteur.",
    )


def _new_request(plan: _Plan) -> None:
    """A request the CLU has not instructed yet."""
    _request(
        plan,
        "loire-perret",
        "Mme Isabelle Perret — demandée, à instruire par la CLU",
        "caf",
        6,
        RIVE_DE_GIER,
        "Mère seule avec deux enfants, loyer du parc privé à 52 % de ses "
        "ressources ; demande de logement social à accompagner.",
    )


LOIRE_SCENES = (
    _agasef_renewed,
    _agasef_ended,
    _agasef_reintervention,
    _agasef_overdue,
    _adsea_renforce,
    _adsea_irregular,
    _adsea_rupture,
    _adsea_roanne_refused,
    _adsea_roanne_reoriented,
    _valdo_diagnosed,
    _valdo_installed,
    _call_pact_slid,
    _call_pact_sublet,
    _roanne_renewal_pending,
    _cal_pact_roanne_full,
    _renaitre_sublease_ended,
    _anef_renforce,
    _ariv_sedentarisation,
    _aralis_project,
    _clu_refusal,
    _new_request,
)


def _loire_scenario(
    effective_from: date, settings: DepartmentSettings, today: date
) -> _Plan:
    workers = {
        a.code: Actor("travailleur-social", "association", a.name)
        for a in settings.associations
    }
    plan = _Plan(LOIRE, today, today, settings, actors=LOIRE_ACTORS | workers)
    if effective_from > plan.ago(LOIRE_DAYS):
        msg = (
            f"Les paramètres du département {LOIRE} prennent effet le "
            f"{effective_from:%d/%m/%Y}, après le début de son scénario "
            f"({plan.ago(LOIRE_DAYS):%d/%m/%Y})."
        )
        raise DepartmentNotConfiguredError(msg)
    for scene in LOIRE_SCENES:
        scene(plan)
    unknown = {o.actor for o in plan.orders} - plan.actors.keys()
    if unknown:
        msg = (
            f"Associations absentes des paramètres du département {LOIRE} : "
            f"{', '.join(sorted(unknown))}."
        )
        raise DepartmentNotConfiguredError(msg)
    plan.orders.sort(key=lambda order: order.on)
    adopt = AdoptSettings(effective_from=effective_from, settings=settings)
    plan.orders.insert(0, _Order("admin", effective_from, "parametres", adopt))
    return plan


# ---- loading ------------------------------------------------------------------


def load_demo(
    app: Logis,
    code: str,
    effective_from: date,
    settings: DepartmentSettings,
    today: date,
    loire: tuple[date, DepartmentSettings] | None = None,
) -> str:
    """Load the scenario (once) and return a French report of what it holds.
    `loire`: the Loire's settings and the day they take effect, for its ASLL
    measures (infra/departments/42.json); without them, Martinique only."""
    plans = [_scenario(code, effective_from, settings, today)]
    if loire is not None:
        plans.append(_loire_scenario(*loire, today))
    numbered = _numbered(plans)
    first = app.store.find_idempotency(_key(0))
    if first is not None and app.store.find_idempotency(_key(len(numbered) - 1)):
        return _already_loaded(app, plans)
    ids: list[Ids] = [{} for _ in plans]
    written = [len(p.orders) for p in plans]
    for number, index, order in numbered:
        result = _carry_out(app, plans[index], number, order, ids[index])
        written[index] -= result.replayed
        ids[index].setdefault(order.name, result.id)
    resumed = first is not None
    report = _report(app, plans[0], effective_from, ids[0], written[0], resumed)
    if loire is None:
        return report
    lines = _loire_lines(app, plans[1], loire[0], ids[1], written[1])
    return "\n".join([report, "", *lines])


def _numbered(plans: list[_Plan]) -> list[tuple[int, int, _Order]]:
    """Every order with its number (its key: `demo:<n>`) and its plan's index:
    Martinique's first, then the Loire's."""
    orders = [(index, order) for index, p in enumerate(plans) for order in p.orders]
    return [(number, index, order) for number, (index, order) in enumerate(orders)]


def _scenario(
    code: str, effective_from: date, settings: DepartmentSettings, today: date
) -> _Plan:
    years = [table.year for table in settings.resource_ceilings]
    if not years:
        msg = f"Les paramètres du département {code} n'ont aucun plafond de ressources."
        raise DepartmentNotConfiguredError(msg)
    # Dated no later than the last year whose ceilings are known: the DEAL's
    # control needs the ceilings of the year it happens in.
    anchor = min(today, date(max(years), 12, 31))
    plan = _Plan(code, today, anchor, settings)
    if effective_from > plan.ago(SCENARIO_DAYS):
        msg = (
            f"Les paramètres du département {code} prennent effet le "
            f"{effective_from:%d/%m/%Y}, après le début du scénario "
            f"({plan.ago(SCENARIO_DAYS):%d/%m/%Y})."
        )
        raise DepartmentNotConfiguredError(msg)
    for scene in SCENES:
        scene(plan)
    # Chronological across the story, in the scenes' order within a day.
    plan.orders.sort(key=lambda order: order.on)
    adopt = AdoptSettings(effective_from=effective_from, settings=settings)
    plan.orders.insert(0, _Order("admin", effective_from, "parametres", adopt))
    for order in plan.orders:
        command = order.command
        if isinstance(command, CheckResources) and command.occurred_on:
            year = command.occurred_on.year
            if settings.ceiling(year, command.household_category) is None:
                msg = (
                    f"Plafonds de ressources {year} absents des paramètres du "
                    f"département {code} : ajoutez le tableau de l'arrêté {year}."
                )
                raise DepartmentNotConfiguredError(msg)
    return plan


def _carry_out(
    app: Logis, plan: _Plan, number: int, order: _Order, ids: Ids
) -> CommandResult:
    actor = plan.actors[order.actor]
    command = order.build(ids)
    target = ids.get(order.name)
    ctx = Context(
        actor=actor,
        correlation_id=f"demo:{order.name}",
        now=datetime.combine(plan.today, time(12), tzinfo=UTC),
        idempotency_key=_key(number),
        fingerprint=fingerprint(
            actor.__dict__,
            _key(number),
            type(command).__name__,
            str(target),
            command.model_dump(mode="json"),
        ),
    )
    try:
        return _dispatch(app, plan.code, command, target, ctx)
    except InvalidCommandError as error:
        if error.code != "idempotency_key_reused":
            raise
        msg = (
            "La démonstration a été chargée en partie avec d'autres dates ou une "
            "autre version du scénario : repartez d'une base vide pour la recharger."
        )
        raise InvalidCommandError(msg, error.code) from None


def _dispatch(
    app: Logis, code: str, command: Command, target: UUID | None, ctx: Context
) -> CommandResult:
    if isinstance(command, AdoptSettings):
        return app.adopt_settings(code, command, ctx)
    if isinstance(command, IdentifyDossier):
        return app.identify_dossier(command, ctx)
    if isinstance(command, AnnounceProgramme):
        return app.announce_programme(command, ctx)
    if isinstance(command, ConveneCommission):
        return app.convene_commission(command, ctx)
    if isinstance(command, RequestMesure):
        return app.request_mesure(command, ctx)
    assert target is not None
    if isinstance(command, MesureStep):
        return app.apply_mesure_step(target, command, ctx)
    if isinstance(command, Step):
        return app.apply_step(target, command, ctx)
    if isinstance(command, ProgrammeStep):
        return app.apply_programme_step(target, command, ctx)
    assert isinstance(command, CommissionStep)
    return app.apply_commission_step(target, command, ctx)


# ---- what the demo tells its user ---------------------------------------------


def _already_loaded(app: Logis, plans: list[_Plan]) -> str:
    plan = plans[0]
    lines = [
        "La démonstration est déjà chargée (clé d'idempotence demo:0 présente) : "
        "rien n'a été écrit."
    ]
    for number, order in enumerate(plan.orders):
        if order.name in PROGRAMMES and isinstance(order.command, AnnounceProgramme):
            found = app.store.find_idempotency(_key(number))
            if found is not None:
                programme_id = found[1]["id"]
                lines.append(
                    f"Programme « {PROGRAMMES[order.name][0]} » ({COMMUNE_NAME}) : "
                    f"GET /v1/programmes/{programme_id}"
                )
    lines.append(f"Dossiers : GET /v1/dossiers?commune={COMMUNE}")
    lines += _bilan_mesure_lines(app, plan)
    for loire in plans[1:]:
        lines += ["", f"Loire ({loire.code}), associations :", *_load_lines(app, loire)]
    return "\n".join(lines)


def _report(
    app: Logis,
    plan: _Plan,
    effective_from: date,
    ids: Ids,
    written: int,
    resumed: bool,
) -> str:
    stages = {name: app.get_dossier(ids[name]).stage for name in plan.names}
    counts = Counter(stages.values())
    lines = [
        ("Démonstration reprise et complétée" if resumed else "Démonstration chargée")
        + f" : département {plan.code}, paramètres en vigueur depuis le "
        f"{effective_from:%d/%m/%Y}.",
        f"{COMMUNE_NAME} ({COMMUNE}), du {plan.ago(SCENARIO_DAYS):%d/%m/%Y} au "
        f"{plan.anchor:%d/%m/%Y} : {len(stages)} dossiers, "
        f"{written} commandes enregistrées.",
        "",
        "Programmes :",
        *_programme_lines(app, ids),
        "",
        "Commissions :",
        *_commission_lines(app, ids),
        "",
        "Dossiers par étape :",
        *(f"  {stage:<26} {counts[stage]}" for stage in STAGES if stage in counts),
        "",
        "Dossiers :",
        *(
            f"  {ids[name]}  {stage:<26} {plan.names[name]}"
            for name, stage in sorted(stages.items(), key=lambda i: STAGES.index(i[1]))
        ),
    ]
    if plan.anchor < plan.today:
        lines += [
            "",
            f"Scénario daté au plus tard du {plan.anchor:%d/%m/%Y} : les plafonds de "
            f"ressources de {plan.today.year} manquent dans les paramètres du "
            "département.",
        ]
    lines += ["", *_bilan_mesure_lines(app, plan)]
    lines += ["", f"Chronologie d'un dossier : logis history {ids['joseph-angelique']}"]
    return "\n".join(lines)


def _bilan_mesure_lines(app: Logis, plan: _Plan) -> list[str]:
    """The measure the bilan d'installation asked for, saved with it: the last
    event of that command (its idempotency key's position) is the request."""
    for number, order in enumerate(plan.orders):  # Martinique's orders come first
        command = order.command
        if isinstance(command, ReviewInstallation) and command.adhesion_signed_on:
            found = app.store.find_idempotency(_key(number))
            if found is None:
                return []
            (notification,) = app.notification_log.select(found[2], 1)
            event = app.mapper.to_domain_event(notification)
            if not isinstance(event, Mesure.Requested):
                return []
            return [
                f"Mesure ASLL demandée avec le bilan d'installation de "
                f"{plan.names[order.name]} : GET /v1/mesures/{event.originator_id}"
            ]
    return []


def _programme_lines(app: Logis, ids: Ids) -> list[str]:
    lines = []
    for name, (title, landlord, kind) in PROGRAMMES.items():
        programme = app.get_programme(ids[name])
        dwellings = ", ".join(
            f"{d['typology']} {ref}" for ref, d in programme.dwellings.items()
        )
        if programme.concertation:
            held_on = programme.concertation["held_on"]
            quota = programme.concertation["dossiers_per_dwelling"]
            what = f"concertation du {held_on:%d/%m/%Y}, {quota} dossiers par logement"
        else:
            what = "candidats proposés par la liste complémentaire de la commune"
        organisation = ACTORS[landlord].organisation
        lines += [
            f"  « {title} » ({organisation}, {kind}) : {dwellings} ; {what}",
            f"    GET /v1/programmes/{ids[name]}",
        ]
    return lines


def _commission_lines(app: Logis, ids: Ids) -> list[str]:
    lines = []
    for name, label in (
        (PRE_COMMISSION, "pré-commission"),
        (COMMISSION, "commission préfectorale, présidée par le préfet"),
        (CAL_SIMAR, "commission d'attribution de SIMAR"),
        (CAL_OZANAM, "commission d'attribution d'Ozanam"),
    ):
        commission = app.get_commission(ids[name])
        lines.append(f"  {ids[name]}  {commission.held_on:%d/%m/%Y}  {label}")
        valid_until = (commission.ranking or {}).get("list_valid_until")
        if valid_until:
            lines.append(
                f"    liste complémentaire de {COMMUNE_NAME} valable jusqu'au "
                f"{valid_until:%d/%m/%Y}"
            )
    return lines


def _loire_lines(
    app: Logis, plan: _Plan, effective_from: date, ids: Ids, written: int
) -> list[str]:
    mesures = {name: app.get_mesure(ids[name]) for name in plan.names}
    counts = Counter(m.stage for m in mesures.values())
    ordered = sorted(mesures.items(), key=lambda i: MESURE_STAGES.index(i[1].stage))
    return [
        f"Loire ({plan.code}) : paramètres en vigueur depuis le "
        f"{effective_from:%d/%m/%Y}.",
        f"Mesures ASLL du {plan.ago(LOIRE_DAYS):%d/%m/%Y} au "
        f"{plan.anchor:%d/%m/%Y} : {len(mesures)} mesures, {written} commandes "
        "enregistrées.",
        "",
        "Associations (ménages suivis / capacité mensuelle) :",
        *_load_lines(app, plan),
        "",
        "Mesures par étape :",
        *(
            f"  {stage:<26} {counts[stage]}"
            for stage in MESURE_STAGES
            if stage in counts
        ),
        "",
        "Mesures :",
        *(
            f"  {m.id}  {m.stage:<26} {plan.names[name]}{_term(m, plan.anchor)}"
            for name, m in ordered
        ),
        "",
        "Une mesure : GET /v1/mesures/<id> ; sa chronologie : "
        "GET /v1/mesures/<id>/history",
    ]


def _term(mesure: Mesure, today: date) -> str:
    """A measure under convention past its end, or ending within 30 days."""
    if mesure.stage not in UNDER_CONVENTION or mesure.ends_on is None:
        return ""
    if mesure.ends_on < today:
        return f" ; échue le {mesure.ends_on:%d/%m/%Y}, bilan attendu"
    if mesure.ends_on <= today + timedelta(days=30):
        return f" ; prend fin le {mesure.ends_on:%d/%m/%Y}"
    return ""


def _load_lines(app: Logis, plan: _Plan) -> list[str]:
    """Each association's households under way against its capacity
    (ASLL-CAPACITE), read from its load."""
    lines = []
    for association in plan.settings.associations:
        try:
            load = app.repository.get(association_load_id(plan.code, association.code))
        except AggregateNotFoundError:
            load = None
        active, renforce = 0, 0
        if isinstance(load, AssociationLoad):
            active, renforce = len(load.active), load.renforce_count
        capacity = association.monthly_capacity
        notes = []
        if association.renforce_capacity:
            notes.append(
                f"dont {renforce} / {association.renforce_capacity} suivis renforcés"
            )
        if association.direct:
            notes.append("saisie directe")
        if active >= capacity:
            notes.append("complète")
        load_text = f"{active:>3} / {capacity}"
        line = f"  {association.name:<36} {load_text:<9} {', '.join(notes)}"
        lines.append(line.rstrip())
    return lines


def _key(number: int) -> str:
    return f"demo:{number}"


def _numero_unique(code: str, registered: date | None, sequence: int) -> str | None:
    """A numéro unique shaped like the SNE's: department, year, month, sequence."""
    if registered is None:
        return None
    return f"{code:0>4}{registered:%y%m}{sequence:05d}A"
