"""The Loire's ASLL measures (seed 002), loaded after Martinique's when the
Loire's settings are given (infra/departments/42.json): its measures over
fourteen months, at every stage (`LOIRE_SCENES`):
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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from api.demo.plan import ACTORS, Ids, Plan
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
from domain.department import DepartmentNotConfiguredError
from domain.department_settings import DepartmentSettings
from domain.mesure_steps import MEETING_KINDS
from domain.shared import Actor

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

    plan: Plan
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
    plan: Plan,
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


def _agasef_renewed(plan: Plan) -> None:
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


def _agasef_ended(plan: Plan) -> None:
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


def _agasef_reintervention(plan: Plan) -> None:
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


def _agasef_overdue(plan: Plan) -> None:
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


def _adsea_renforce(plan: Plan) -> None:
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


def _adsea_irregular(plan: Plan) -> None:
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


def _adsea_rupture(plan: Plan) -> None:
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


def _adsea_roanne_refused(plan: Plan) -> None:
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


def _adsea_roanne_reoriented(plan: Plan) -> None:
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


def _valdo_diagnosed(plan: Plan) -> None:
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


def _valdo_installed(plan: Plan) -> None:
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


def _call_pact_slid(plan: Plan) -> None:
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


def _call_pact_sublet(plan: Plan) -> None:
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


def _roanne_renewal_pending(plan: Plan) -> None:
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


def _cal_pact_roanne_full(plan: Plan) -> None:
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


def _roanne_bail(plan: Plan, b: _Bail) -> None:
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


def _renaitre_sublease_ended(plan: Plan) -> None:
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


def _anef_renforce(plan: Plan) -> None:
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


def _ariv_sedentarisation(plan: Plan) -> None:
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


def _aralis_project(plan: Plan) -> None:
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


def _clu_refusal(plan: Plan) -> None:
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


def _new_request(plan: Plan) -> None:
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


def loire_scenario(
    effective_from: date, settings: DepartmentSettings, today: date
) -> Plan:
    workers = {
        a.code: Actor("travailleur-social", "association", a.name)
        for a in settings.associations
    }
    plan = Plan(LOIRE, today, today, settings, actors=LOIRE_ACTORS | workers)
    plan.check_start(effective_from, LOIRE_DAYS, "de son scénario")
    for scene in LOIRE_SCENES:
        scene(plan)
    unknown = {o.actor for o in plan.orders} - plan.actors.keys()
    if unknown:
        msg = (
            f"Associations absentes des paramètres du département {LOIRE} : "
            f"{', '.join(sorted(unknown))}."
        )
        raise DepartmentNotConfiguredError(msg)
    plan.adopted_then_ordered(effective_from)
    return plan
