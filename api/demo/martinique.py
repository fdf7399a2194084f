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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from api.demo.plan import (
    ACTORS,
    ANNOUNCED,
    BELLEVUE,
    BELLEVUE_T3,
    CAL_OZANAM,
    CAL_OZANAM_DAY,
    CAL_SIMAR,
    CAL_SIMAR_DAY,
    COMMISSION,
    COMMISSION_DAY,
    COMMUNE,
    CONCERTATION,
    DOSSIERS_PER_DWELLING,
    DWELLINGS,
    FLAMBOYANTS,
    PRE_COMMISSION,
    PRE_COMMISSION_DAY,
    PROGRAMMES,
    SCENARIO_DAYS,
    T3,
    T4,
    VACANCY_DAY,
    Plan,
    Solvency,
)
from api.demo.sessions import Ranked, Session, attendee, convene, decision
from commands.commission import AttendeeIn, CommissionKind
from commands.dossier import (
    CheckResources,
    CloseDossier,
    ReceiveDocuments,
    RenderMairieAvis,
    RenderSocialEnquiry,
    RequestDocuments,
    ReviewInstallation,
    StartAnalysis,
    Withdraw,
)
from commands.programme import AnnounceProgramme, HoldConcertation, PartnerIn
from domain.department import DepartmentNotConfiguredError
from domain.department_settings import DepartmentSettings
from domain.programme_steps import CONCERTATION_PARTNERS


def _convene(
    plan: Plan,
    name: str,
    host: str,
    kind: CommissionKind,
    held: int,
    programme: str,
    dwelling_refs: tuple[str, ...] = (),
    notice: int = 14,  # days between the convocation and the session
) -> Session:
    """A session of the commune's commission, for one of its programmes."""
    return convene(
        plan,
        name,
        host,
        kind,
        on=plan.ago(held + notice),
        held_on=plan.ago(held),
        commune=COMMUNE,
        programme=programme,
        dwelling_refs=dwelling_refs,
    )


def _attendee(actor: str, function: str) -> AttendeeIn:
    return attendee(ACTORS[actor], function)


PREFET = _attendee("prefecture", "prefet")


# ---- the scenes, in the order of the story ------------------------------------


def _announce(plan: Plan, programme: str, days_ago: int, *dwellings: str) -> None:
    """The programme's landlord announces it in the commune, with these
    dwellings."""
    name, landlord, kind = PROGRAMMES[programme]
    announce = AnnounceProgramme(
        occurred_on=plan.ago(days_ago),
        kind=kind,  # type: ignore[arg-type]
        name=name,
        department=plan.code,
        commune=COMMUNE,
        dwellings=[DWELLINGS[dwelling] for dwelling in dwellings],
    )
    plan.add(landlord, days_ago, programme, announce)


def _programme(plan: Plan) -> None:
    """SIMAR announces the delivery; with the ALS it holds the concertation."""
    _announce(plan, FLAMBOYANTS, ANNOUNCED, T3, T4)
    landlord = PROGRAMMES[FLAMBOYANTS][1]
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
            "violences ou menacées d'expulsion, sous les plafonds LLTS ; ménages "
            "reconnus DALO proposés par la Préfecture.",
            dossiers_per_dwelling=DOSSIERS_PER_DWELLING,
            quota_motive="Cinq dossiers par logement au lieu de trois : la même "
            "commission préfectorale arrêtera la liste complémentaire de la "
            "commune, attendue par les autres bailleurs pour leurs vacances LLTS "
            "des six prochains mois.",
        ),
    )


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
    solvency: Solvency | None  # None: above the ceiling, inadmissible
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
        Solvency("2150.00", T4, "310.00"),
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
        # Above the overseas LLTS ceiling of category 3 (25,369 € in 2026).
        "26900",
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
        Solvency(
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
        Solvency("1540.00", T3, "205.00"),
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
        Solvency(
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
        Solvency("1600.00", T4, "260.00"),
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
        Solvency("1700.00", T3, "240.00"),
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
        Solvency("1450.00", T3, "190.00"),
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
        Solvency("1480.00", T3, "200.00"),
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
        Solvency("1180.00", T3, "150.00"),
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
        Solvency("1150.00", T3, "160.00"),
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
        Solvency("1650.00", T3, "150.00"),
    ),
)


def _gathered(plan: Plan) -> None:
    """The households gathered for the programme after the concertation,
    instructed in the order DOS-ORDRE sets, up to the ALS's solvency study."""
    for household in GATHERED:
        _instruct(plan, household)


def _instruct(plan: Plan, h: _Household) -> None:
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
    d.solvency(day - 110, h.solvency)


def _late(plan: Plan) -> None:
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
        Solvency(
            "1283.00",
            T3,
            "95.00",
            "reserve",
            "Contrat à durée déterminée jusqu'en fin d'année : ressources à "
            "confirmer avant la prochaine pré-commission.",
        ),
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


def _pre_commission(plan: Plan) -> None:
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
    session.preselect(PRESELECTION.items())
    session.close(
        "Six dossiers prioritaires et quatre pour la liste complémentaire "
        "proposés à la commission préfectorale ; un dossier écarté (dette "
        "locative sans plan d'apurement)."
    )


RANKED = (
    Ranked("joseph-angelique", ("dalo", "menace_d_expulsion_sans_relogement")),
    Ranked(
        "jean-baptiste",
        ("violences_conjugales_ou_familiales", "sortie_de_structure_d_hebergement"),
        "Mise en sécurité : ordonnance de protection du juge aux affaires "
        "familiales, fin de l'hébergement d'urgence dans le mois ; la commission "
        "la classe avant deux ménages que le RDA fait passer en premier.",
    ),
    Ranked("dorval", ("sans_logement_ou_hebergee_chez_un_tiers", "sur_occupation")),
    Ranked("nicolas", ("logement_insalubre_ou_indigne",)),
    Ranked("marie-sainte", ("sur_occupation",)),
    Ranked("lerus", ("menace_d_expulsion_sans_relogement",)),
)
LISTE_COMPLEMENTAIRE = (
    Ranked("elisabeth", ("sortie_de_structure_d_hebergement",)),
    Ranked("louis-sidney"),
    Ranked("sainte-rose"),
    Ranked("bellemare"),
)


def _commission_prefectorale(plan: Plan) -> None:
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
    session.rank(RANKED, LISTE_COMPLEMENTAIRE)
    session.close(
        "Six ménages classés dans l'ordre du RDA (un écart motivé) ; quatre inscrits "
        "sur la liste complémentaire de Fort-de-France, valable six mois pour les "
        "vacances LLTS de tous les bailleurs de la commune."
    )


def _cal_simar(plan: Plan) -> None:
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
    session.decide(
        T4,
        decision("joseph-angelique", "attribution", dalo_designated=True),
        decision(
            "dorval",
            "non_attribution",
            motive="Taux d'effort de 36 % sur le T4, aide au logement "
            "déduite, au-delà du seuil de 30 % : candidature à présenter "
            "sur un logement de loyer inférieur. Décision notifiée par "
            "écrit, motivée.",
        ),
        decision(
            "nicolas",
            "ajournement",
            motive="Fin de contrat de M. signalée par la CAF : ressources "
            "de l'année en cours à actualiser.",
            return_session_on=back_on,
        ),
    )
    session.decide(
        T3,
        decision("jean-baptiste", "attribution"),
        decision(
            "marie-sainte",
            "non_attribution",
            motive="Ménage de cinq personnes : le T3 serait sur-occupé dès "
            "l'entrée ; candidature à présenter sur un T4 ou un T5.",
        ),
        decision(
            "lerus",
            "rejet_irrecevabilite",
            motive="Le ménage est propriétaire d'une maison adaptée à ses "
            "besoins au Robert (acte produit à la CAL) : demande "
            "irrecevable.",
        ),
    )
    session.close(
        "T4 attribué au ménage DALO désigné par le préfet, T3 attribué ; deux "
        "non-attributions et un rejet motivés, un dossier ajourné."
    )


def _moves_in(plan: Plan) -> None:
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


def _vacancy(plan: Plan) -> None:
    """Ozanam's vacancy in the same commune is served by the liste
    complémentaire; one household withdraws, the CAL decides on the two others."""
    # proposes the next three households of the commune's valid lists
    _announce(plan, BELLEVUE, VACANCY_DAY, BELLEVUE_T3)
    withdrawn = plan.dossier("sainte-rose")
    withdrawn.step(
        "ccas",
        CAL_OZANAM_DAY + 1,
        Withdraw,
        reason="Relogée dans le parc privé avec l'aide du FSL, Mme renonce à sa "
        "demande LLTS ; désistement transmis par le CCAS.",
        expressed_on=plan.ago(CAL_OZANAM_DAY + 2),  # her letter, the day before
        expressed_by="courrier",
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
    session.decide(
        BELLEVUE_T3,
        decision("elisabeth", "attribution"),
        decision(
            "louis-sidney",
            "non_attribution",
            motive="Ménage de deux personnes : le T3 revient à une famille ; "
            "candidature maintenue pour un T2.",
        ),
        shortfall_motive="Trois ménages proposés par la liste complémentaire "
        "de Fort-de-France ; Mme Sainte-Rose s'est désistée la veille de la "
        "séance : deux candidats seulement. La CAL statue pour ne pas "
        "prolonger la vacance ; M. Bellemare reste inscrit sur la liste.",
    )
    session.close("T3 attribué à Mme Élisabeth ; une non-attribution motivée.")
    tenant = plan.dossier("elisabeth")
    tenant.move_in("ozanam", BELLEVUE, BELLEVUE_T3, 32)  # bilan still due


def _new_demands(plan: Plan) -> None:
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

    instructed = (
        ("rangon", "departement", 120, "M. et Mme Rangon", 4, 130, (96, 75, 41),
         "favorable", "Couple avec deux enfants, logement privé dégradé "
         "(humidité), loyer supérieur à 45 % des ressources."),
        ("bellay", "mairie", 150, "Mme Ginette Bellay", 1, 160, (128, 110, 62),
         "prioritaire", "Personne âgée seule dans une case insalubre (arrêté "
         "d'insalubrité en cours), sans sanitaires intérieurs."),
    )  # fmt: skip
    for name, actor, days_ago, applicant, size, sne, steps, avis, why in instructed:
        d = plan.identify(
            name, actor, days_ago, applicant, size, sne=sne, programme=None
        )
        d.instruct(steps, avis, why)
    d.resources(19, "9840")  # Mme Bellay's, checked by the DEAL


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


def martinique_scenario(
    code: str, effective_from: date, settings: DepartmentSettings, today: date
) -> Plan:
    years = [table.year for table in settings.resource_ceilings]
    if not years:
        msg = f"Les paramètres du département {code} n'ont aucun plafond de ressources."
        raise DepartmentNotConfiguredError(msg)
    # Dated no later than the last year whose ceilings are known: the DEAL's
    # control needs the ceilings of the year it happens in.
    anchor = min(today, date(max(years), 12, 31))
    plan = Plan(code, today, anchor, settings)
    plan.check_start(effective_from, SCENARIO_DAYS, "du scénario")
    for scene in SCENES:
        scene(plan)
    plan.adopted_then_ordered(effective_from)
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
