"""The demonstration scenario: one LLTS programme in Le Lamentin (Martinique) and
its twelve candidate dossiers, recorded through the application's public commands.

Every command carries a deterministic Idempotency-Key (`demo:<n>`): loading twice
writes nothing the second time, and an interrupted load resumes where it stopped.
Dates run over the eight months before `today`, in each dossier's order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from commands.application import CommandResult, Context, Logis
from commands.department import AdoptSettings
from commands.dossier import (
    AnswerOffer,
    AssessSolvency,
    AttendInformationMeeting,
    CheckResources,
    CloseDossier,
    CompleteDossier,
    DecideCAL,
    DeferCAL,
    Enter,
    IdentifyDossier,
    MakeOffer,
    PreSelect,
    Rank,
    ReceiveDocuments,
    RenderMairieAvis,
    RenderSocialEnquiry,
    RequestDocuments,
    ReviewInstallation,
    SignLease,
    StartAnalysis,
    Step,
)
from commands.errors import InvalidCommandError
from commands.idempotency import fingerprint
from domain.department import DepartmentNotConfiguredError, DepartmentSettings
from domain.dossier import STAGES
from domain.shared import Actor

if TYPE_CHECKING:
    from commands.base import Command

PROGRAMME_NAME = "Résidence Les Flamboyants"
PROGRAMME_ID = uuid5(
    NAMESPACE_URL, "logis:demo:programme:972:residence-les-flamboyants"
)
COMMUNE = "97213"  # Le Lamentin (code INSEE)
COMMUNE_NAME = "Le Lamentin"
LANDLORD = "SIMAR"
# dwelling_ref → (type, monthly rent, monthly charges) of the four LLTS dwellings
DWELLINGS = {
    "FLAMB-A-01-T2": ("T2", Decimal("290.00"), Decimal("45.00")),
    "FLAMB-A-02-T3": ("T3", Decimal("365.00"), Decimal("55.00")),
    "FLAMB-B-03-T3": ("T3", Decimal("365.00"), Decimal("55.00")),
    "FLAMB-B-04-T4": ("T4", Decimal("440.00"), Decimal("65.00")),
}
T2, T3, T4 = "FLAMB-A-01-T2", "FLAMB-A-02-T3", "FLAMB-B-04-T4"
SCENARIO_DAYS = 240  # the concertation meeting, before the first repérage

ACTORS = {
    "admin": Actor("administrateur", "admin", "Logis (administration)"),
    "mairie": Actor("service-logement", "mairie", "Mairie du Lamentin"),
    "ccas": Actor("instructrice-llts", "ccas", "CCAS du Lamentin"),
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
    "bailleur": Actor("secretariat-cal", "bailleur", LANDLORD),
}
INFORMATION_TOPICS = [
    "droits et devoirs du locataire",
    "règles de vie en collectivité",
    "maîtrise des consommations d'eau et d'électricité",
]


@dataclass(frozen=True)
class _Order:
    role: str
    command: Command
    dossier: str | None  # the scenario's name of the dossier; None: settings


@dataclass
class _Plan:
    code: str
    today: date
    anchor: date  # the scenario's last day: today, unless ceilings are missing
    documents: tuple[str, ...]  # the department's required pieces, all handed in
    orders: list[_Order] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # dossier → applicant

    def ago(self, days: int) -> date:
        return self.anchor - timedelta(days=days)

    def identify(
        self,
        dossier: str,
        role: str,
        days_ago: int,
        applicant: str,
        size: int,
        *,
        sne: int | None = None,  # days ago the demand was registered (numéro unique)
        dalo: bool = False,
    ) -> _Dossier:
        registered = None if sne is None else self.ago(sne)
        command = IdentifyDossier(
            occurred_on=self.ago(days_ago),
            household_id=uuid5(NAMESPACE_URL, f"logis:demo:household:{dossier}"),
            applicant_name=applicant,
            household_size=size,
            department=self.code,
            commune=COMMUNE,
            programme_id=PROGRAMME_ID,
            numero_unique=_numero_unique(self.code, registered, len(self.names) + 1),
            sne_registered_on=registered,
            dalo=dalo,
        )
        self.names[dossier] = applicant
        self.orders.append(_Order(role, command, dossier))
        return _Dossier(self, dossier)


@dataclass(frozen=True)
class _Dossier:
    plan: _Plan
    name: str

    def step(self, role: str, days_ago: int, step: type[Step], **fields: Any) -> None:
        command = step(occurred_on=self.plan.ago(days_ago), **fields)
        self.plan.orders.append(_Order(role, command, self.name))

    def instruct(
        self,
        days_ago: tuple[int, int, int],
        avis: str,
        summary: str,
    ) -> None:
        """Enquête sociale (Collectivité territoriale), favourable avis of the
        Mairie, dossier completed by the CCAS."""
        enquete, mairie, ccas = days_ago
        self.step(
            "departement", enquete, RenderSocialEnquiry, avis=avis, summary=summary
        )
        self.step("mairie", mairie, RenderMairieAvis, avis="favorable")
        self.step("ccas", ccas, CompleteDossier, documents=list(self.plan.documents))

    def resources(self, days_ago: int, annual: str, category: int) -> None:
        self.step(
            "deal",
            days_ago,
            CheckResources,
            annual_resources=Decimal(annual),
            household_category=category,
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
        _, rent, charges = DWELLINGS[dwelling]
        self.step(
            "als",
            days_ago,
            AssessSolvency,
            monthly_resources=Decimal(monthly),
            rent=rent,
            charges=charges,
            housing_benefit=Decimal(housing_benefit),
            opinion=opinion,
            motive=motive,
        )


def load_demo(
    app: Logis,
    code: str,
    effective_from: date,
    settings: DepartmentSettings,
    today: date,
) -> str:
    """Load the scenario (once) and return a French report of what it holds."""
    plan = _scenario(code, effective_from, settings, today)
    first = app.store.find_idempotency(_key(0))
    if first is not None and app.store.find_idempotency(_key(len(plan.orders) - 1)):
        return (
            "La démonstration est déjà chargée (clé d'idempotence demo:0 présente) : "
            "rien n'a été écrit.\n"
            f"Programme « {PROGRAMME_NAME} » ({COMMUNE_NAME}) : GET "
            f"/v1/dossiers?programme_id={PROGRAMME_ID}"
        )
    ids: dict[str, UUID] = {}
    last: dict[str, CommandResult] = {}
    replayed = 0
    for number, order in enumerate(plan.orders):
        result = _carry_out(app, plan, number, order, ids)
        replayed += result.replayed
        if order.dossier is not None:
            ids[order.dossier] = result.id
            last[order.dossier] = result
    return _report(plan, effective_from, today, ids, last, replayed, first is not None)


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
    plan = _Plan(code, today, anchor, settings.required_documents)
    plan.orders.append(
        _Order(
            "admin",
            AdoptSettings(effective_from=effective_from, settings=settings),
            None,
        )
    )
    _dossiers(plan)
    orders = sorted(plan.orders[1:], key=lambda o: o.command.occurred_on or date.min)
    plan.orders[1:] = orders  # chronological across dossiers, stable within each
    if effective_from > plan.ago(SCENARIO_DAYS):
        msg = (
            f"Les paramètres du département {code} prennent effet le "
            f"{effective_from:%d/%m/%Y}, après le début du scénario "
            f"({plan.ago(SCENARIO_DAYS):%d/%m/%Y})."
        )
        raise DepartmentNotConfiguredError(msg)
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


def _dossiers(plan: _Plan) -> None:
    precommission, commission, cal, second_cal = 95, 85, 70, 40  # days ago

    # Second wave, still with the partners: repérage, enquête, avis, CCAS, DEAL.
    plan.identify("d01", "caf", 9, "Mme Maëva Sainte-Rose", 2)

    d = plan.identify("d02", "mairie", 58, "M. Ludovic Marie-Luce", 4, sne=70)
    d.step(
        "departement",
        16,
        RenderSocialEnquiry,
        avis="prioritaire",
        summary="Famille de quatre personnes hébergée chez un parent : sept "
        "personnes dans un F3 (sur-occupation). Père en CDD, mère sans emploi.",
    )

    d = plan.identify("d03", "ccas", 88, "Mme Huguette Lordinot", 2, sne=95)
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

    d = plan.identify("d04", "departement", 120, "M. et Mme Dorval", 4, sne=130)
    d.instruct(
        (96, 75, 41),
        "favorable",
        "Couple avec deux enfants, logement privé dégradé (humidité), loyer "
        "supérieur à 45 % des ressources.",
    )

    d = plan.identify("d05", "mairie", 150, "Mme Ginette Bellay", 1, sne=160)
    d.instruct(
        (128, 110, 62),
        "prioritaire",
        "Personne âgée seule dans une case insalubre (arrêté d'insalubrité en "
        "cours), sans sanitaires intérieurs.",
    )
    d.resources(19, "9840", 1)

    # First wave, gathered after the concertation: 3 dossiers per dwelling.
    d = plan.identify("d06", "mairie", 230, "M. Frantz Rosemain", 3, sne=250)
    d.instruct(
        (203, 183, 166),
        "favorable",
        "Père seul avec deux enfants, hébergé chez un tiers.",
    )
    d.resources(149, "24310", 3)  # above the ceiling: inadmissible

    d = plan.identify("d07", "ccas", 176, "Mme Nadège Jean-Baptiste", 3, sne=190)
    d.instruct(
        (150, 132, 104),
        "prioritaire",
        "Mère seule avec deux enfants, victime de violences conjugales, "
        "hébergée en urgence.",
    )
    d.resources(80, "14200", 3)
    d.step("als", 47, StartAnalysis)
    d.step(
        "als",
        40,
        RequestDocuments,
        documents=["avis_imposition_2025", "jugement_pension_alimentaire"],
        through_role="ccas",
        through_organisation="CCAS du Lamentin",
    )  # not received yet

    d = plan.identify("d08", "caf", 190, "M. Thierry Louis-Sidney", 2, sne=205)
    d.instruct(
        (165, 146, 122),
        "favorable",
        "Père seul avec un enfant en garde alternée, studio trop petit.",
    )
    d.resources(101, "15400", 2)
    d.step("als", 90, StartAnalysis)
    payslips = ["bulletins_salaire_3_derniers_mois"]
    d.step(
        "als",
        86,
        RequestDocuments,
        documents=payslips,
        through_role="ccas",
        through_organisation="CCAS du Lamentin",
    )
    d.step("ccas", 64, ReceiveDocuments, documents=payslips)
    d.solvency(
        52,
        "1283.00",
        T2,
        "95.00",
        "reserve",
        "Contrat à durée déterminée jusqu'en fin d'année : ressources à confirmer "
        "avant la pré-commission.",
    )

    d = plan.identify("d09", "ccas", 228, "Mme Rita Hierso", 2, sne=240)
    d.instruct(
        (201, 182, 165),
        "defavorable",
        "Dette locative importante chez le bailleur actuel, sans plan "
        "d'apurement ; accompagnement proposé refusé.",
    )
    d.resources(147, "11900", 2)
    d.step("als", 139, StartAnalysis)
    d.solvency(
        107,
        "1010.00",
        T2,
        "150.00",
        "defavorable",
        "Dette locative de 3 400 € sans plan d'apurement ni dossier FSL.",
    )
    d.step("als", precommission, PreSelect, outcome="ecarte")

    d = plan.identify("d10", "mairie", 226, "M. et Mme Nicolas", 3, sne=245)
    d.instruct(
        (199, 181, 163),
        "favorable",
        "Jeune couple avec un enfant, hébergé chez les parents.",
    )
    d.resources(146, "17800", 3)
    d.step("als", 138, StartAnalysis)
    d.step(
        "als",
        134,
        RequestDocuments,
        documents=["attestation_employeur"],
        through_role="mairie",
        through_organisation="Mairie du Lamentin",
    )
    d.step("als", 118, ReceiveDocuments, documents=["attestation_employeur"])
    d.solvency(106, "1690.00", T3, "180.00")
    d.step("als", precommission, PreSelect, outcome="liste_complementaire")
    d.step("prefecture", commission, Rank, outcome="liste_complementaire")

    d = plan.identify("d11", "caf", 224, "Mme Sandrine Élisabeth", 3, sne=250)
    d.instruct(
        (198, 180, 162),
        "favorable",
        "Mère seule avec deux enfants, logement privé trop cher.",
    )
    d.resources(145, "16300", 3)
    d.step("als", 137, StartAnalysis)
    d.solvency(105, "1540.00", T3, "205.00")
    d.step("als", precommission, PreSelect, outcome="prioritaire")
    d.step("prefecture", commission, Rank, outcome="rang", rank=2)
    d.step(
        "bailleur",
        cal,
        DeferCAL,
        motive="Ressources de l'année en cours à actualiser : changement de "
        "situation professionnelle signalé par la CAF.",
        return_session_on=plan.ago(second_cal),
    )
    d.step(
        "bailleur",
        second_cal,
        DecideCAL,
        decision="non_attribution",
        dwelling_ref=T3,
        motive="Ressources actualisées : taux d'effort de 38 % sur le T3, aide au "
        "logement déduite, au-delà du seuil de 30 %. Candidature à présenter sur "
        "un logement de loyer inférieur. Décision notifiée par écrit, motivée.",
    )

    d = plan.identify(
        "d12", "prefecture", 232, "M. et Mme Joseph-Angélique", 5, sne=300, dalo=True
    )
    d.instruct(
        (206, 185, 169),
        "prioritaire",
        "Couple et trois enfants reconnus prioritaires DALO, menacés d'expulsion "
        "sans relogement.",
    )
    d.resources(150, "21400", 5)
    d.step("als", 140, StartAnalysis)
    d.solvency(108, "2150.00", T4, "310.00")
    d.step("als", precommission, PreSelect, outcome="prioritaire")
    d.step("prefecture", commission, Rank, outcome="rang", rank=1)
    d.step("bailleur", cal, DecideCAL, decision="attribution", dwelling_ref=T4)
    d.step("bailleur", 68, MakeOffer, answer_deadline=plan.ago(55))
    d.step("bailleur", 63, AnswerOffer, answer="acceptee")
    _, rent, charges = DWELLINGS[T4]
    d.step(
        "bailleur", 56, SignLease, lease_start=plan.ago(50), rent=rent, charges=charges
    )
    d.step("als", 53, AttendInformationMeeting, topics=INFORMATION_TOPICS)
    d.step("bailleur", 50, Enter)
    d.step(
        "als",
        14,
        ReviewInstallation,
        outcome="problemes",
        findings="Deux mois de loyer impayés, budget non maîtrisé depuis "
        "l'emménagement, isolement de Mme.",
        support_months=6,
    )
    d.step(
        "als",
        12,
        CloseDossier,
        reason="Installation réalisée ; accompagnement social lié au logement de "
        "6 mois engagé par l'ALS.",
    )


def _carry_out(
    app: Logis, plan: _Plan, number: int, order: _Order, ids: dict[str, UUID]
) -> CommandResult:
    actor = ACTORS[order.role]
    target = ids.get(order.dossier) if order.dossier else None
    ctx = Context(
        actor=actor,
        correlation_id=f"demo:{order.dossier or 'parametres'}",
        now=datetime.combine(plan.today, time(12), tzinfo=UTC),
        idempotency_key=_key(number),
        fingerprint=fingerprint(
            actor.__dict__,
            _key(number),
            type(order.command).__name__,
            str(target),
            order.command.model_dump(mode="json"),
        ),
    )
    try:
        if isinstance(order.command, AdoptSettings):
            return app.adopt_settings(plan.code, order.command, ctx)
        if isinstance(order.command, IdentifyDossier):
            return app.identify_dossier(order.command, ctx)
        assert isinstance(order.command, Step)
        assert target is not None
        return app.apply_step(target, order.command, ctx)
    except InvalidCommandError as error:
        if error.code != "idempotency_key_reused":
            raise
        msg = (
            "La démonstration a été chargée en partie avec d'autres dates : "
            "repartez d'une base vide pour la recharger."
        )
        raise InvalidCommandError(msg, error.code) from None


def _report(
    plan: _Plan,
    effective_from: date,
    today: date,
    ids: dict[str, UUID],
    last: dict[str, CommandResult],
    replayed: int,
    resumed: bool,
) -> str:
    stages = Counter(result.stage for result in last.values())
    dwellings = ", ".join(f"{kind} {ref}" for ref, (kind, _, _) in DWELLINGS.items())
    lines = [
        ("Démonstration reprise et complétée" if resumed else "Démonstration chargée")
        + f" : département {plan.code}, paramètres en vigueur depuis le "
        f"{effective_from:%d/%m/%Y}.",
        f"Programme LLTS « {PROGRAMME_NAME} » ({LANDLORD}), {COMMUNE_NAME} "
        f"({COMMUNE}) : {len(DWELLINGS)} logements ({dwellings}).",
        f"Identifiant du programme : {PROGRAMME_ID}",
        f"{len(last)} dossiers ({len(last) // len(DWELLINGS)} par logement), "
        f"{len(plan.orders) - replayed} commandes enregistrées, du "
        f"{plan.ago(SCENARIO_DAYS):%d/%m/%Y} au {plan.anchor:%d/%m/%Y}.",
        "",
        "Dossiers par étape :",
    ]
    lines += [f"  {stage:<26} {stages[stage]}" for stage in STAGES if stage in stages]
    lines += ["", "Dossiers :"]
    for dossier, result in sorted(last.items(), key=lambda i: STAGES.index(i[1].stage)):
        lines.append(f"  {ids[dossier]}  {result.stage:<26} {plan.names[dossier]}")
    if plan.anchor < today:
        lines += [
            "",
            f"Scénario daté au plus tard du {plan.anchor:%d/%m/%Y} : les plafonds de "
            f"ressources de {today.year} manquent dans les paramètres du département.",
        ]
    closed = next(ids[d] for d, r in last.items() if r.stage == "clos")
    lines += ["", f"Chronologie d'un dossier : logis history {closed}"]
    return "\n".join(lines)


def _key(number: int) -> str:
    return f"demo:{number}"


def _numero_unique(code: str, registered: date | None, sequence: int) -> str | None:
    """A numéro unique shaped like the SNE's: department, year, month, sequence."""
    if registered is None:
        return None
    return f"{code:0>4}{registered:%y%m}{sequence:05d}A"
