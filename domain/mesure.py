"""An ASLL measure (accompagnement social lié au logement, DOMAIN.md §4, §10):
asked by a prescriber with the household's adhesion, instructed by the CLU
(individual measures), the CLT (baux glissants) or the association itself
(its specific actions), notified to an association within its capacity, run
under a convention for three to six months with about two meetings a month,
renewed within the department's limits, and ended by a bilan signed by the
worker and the household — or broken off. A bail glissant measure also records
the head lease, the sublease, its reviews and the lease sliding to the household.

The aggregate holds its events, which only assign state; its command methods
are mixed in from the modules named for the stages they hold:
the request (domain/mesure_request.py), the support from instruction to the end
(domain/mesure_support.py), the bail glissant (domain/mesure_bail.py), and the
guards they share (domain/mesure_checks.py). They check the role, the stage and
the §8 rules (ASLL-*), then trigger one past-tense event. The association's
place (ASLL-CAPACITE) is held by `domain.association.AssociationLoad`, saved
with the measure by the application.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain import mesure_steps as steps
from domain.mesure_bail import BailGlissant
from domain.mesure_checks import MesureChecks
from domain.mesure_request import MesureRequest

# The registry (domain/records.py) reads each kind's steps from its module.
from domain.mesure_steps import STEP_ROLES as STEP_ROLES
from domain.mesure_support import MesureSupport
from domain.personal import DataErased, Erasable
from domain.shared import Recording, StagedEvent

if TYPE_CHECKING:
    from collections.abc import Mapping


class Mesure(
    MesureRequest,
    MesureSupport,
    BailGlissant,
    MesureChecks,
    Erasable,
    Recording,
    Aggregate,
):
    TOPIC = "logis.mesure.Mesure"

    class Event(StagedEvent):
        def date_last_step(self, record: Any) -> None:
            # A meeting recorded late does not take the measure's date back.
            last = getattr(record, "last_occurred_on", self.occurred_on)
            record.last_occurred_on = max(last, self.occurred_on)

        def change_bail(self, mesure: Mesure, **changes: Any) -> None:
            """A step of the bail glissant, once the head lease is signed."""
            mesure.bail = {**mesure.bail, **changes}

    class Requested(Event, Aggregate.Created):
        STAGE = steps.REQUESTED
        PERSONAL: ClassVar[Mapping[str, str]] = {"diagnostic.summary": "Soc"}
        kind: str
        household_id: UUID
        department: str
        commune: str
        diagnostic: dict[str, Any]  # summary, signed_on, household_signed
        min_months: int | None  # BILAN-SUITE: at least this long
        origin_dossier_id: UUID | None  # the LLTS dossier whose bilan asked for it
        previous_mesure_id: UUID | None  # a re-intervention
        # ASLL-DUREE: renewals the household's chain of measures had used when
        # this one was asked; a re-intervention within the department's gap
        # after the previous measure's end is itself one (`chained_renewals`).
        chain_renewals: int
        association: str | None  # asked directly of an association (its actions)
        association_name: str | None
        # ASLL-CANAL: the channel that instructs, notifies and renews it, as the
        # settings named it on the request's day, with who acts for it (a role,
        # and the organisations sitting in it; none: any of that role).
        channel: str
        channel_name: str
        channel_role: str
        channel_members: list[str]
        class_version = 3  # v2: chain_renewals; v3: the channel from the settings

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """v1 did not count re-interventions as renewals."""
            state["chain_renewals"] = 0

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """v2 imposed the Loire's CLU and CLT on every department."""
            if state["kind"] == "action_specifique":
                name = state["association_name"]
                state.update(channel=steps.DIRECT, channel_name=name or steps.DIRECT)
                state.update(channel_role="association", channel_members=[])
                return
            code, name = steps.LEGACY_CHANNELS.get(
                state["kind"], steps.LEGACY_CHANNELS["individuelle"]
            )
            state.update(channel=code, channel_name=name)
            state.update(channel_role="commission_logement", channel_members=[])

        def apply(self, mesure: Mesure) -> None:
            self.copy_facts(mesure, but={"diagnostic"})
            mesure.prescriber = self.actor
            mesure.requested_on = self.occurred_on
            mesure.renforce = False
            mesure.notified_on = None
            mesure.notified_by = None
            mesure.convention = None
            mesure.ends_on = None
            mesure.renewals = 0
            mesure.renewal_asked = None
            mesure.meetings = []  # (day, held)
            mesure.bail = None
            mesure.closure = None

    class Instructed(Event):
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "M"}
        channel: str
        granted: bool
        motive: str | None

        def apply(self, mesure: Mesure) -> None:
            mesure.stage = steps.INSTRUCTED if self.granted else steps.REFUSED
            mesure.closure = None if self.granted else {"reason": "refusee"}

    class Notified(Event):
        STAGE = steps.NOTIFIED
        association: str  # its code in the department's settings
        association_name: str
        renforce: bool  # suivi renforcé

        def apply(self, mesure: Mesure) -> None:
            mesure.association = self.association
            mesure.association_name = self.association_name
            mesure.renforce = self.renforce
            mesure.notified_on = self.occurred_on
            mesure.notified_by = self.actor.organisation

    class ComplementaryDiagnosisDone(Event):
        PERSONAL: ClassVar[Mapping[str, str]] = {"summary": "Soc"}
        outcome: str  # confirme, reoriente
        summary: str
        reoriented_to: str | None

        def apply(self, mesure: Mesure) -> None:
            mesure.stage = steps.DIAGNOSED
            if self.outcome == "reoriente":
                mesure.stage = steps.REORIENTED
                mesure.closure = {"reason": "reorientee", "to": self.reoriented_to}

    class ConventionSigned(Event):
        STAGE = steps.RUNNING
        orientation: str
        axes: list[str]
        duration_months: int
        starts_on: date
        ends_on: date
        worker: str  # the référent social worker
        signed_by: list[str]

        def apply(self, mesure: Mesure) -> None:
            mesure.convention = self.values(
                "orientation", "axes", "duration_months", "starts_on", "worker"
            )
            mesure.ends_on = self.ends_on

    class MeetingHeld(Event):
        kind: str

        def apply(self, mesure: Mesure) -> None:
            mesure.meetings = [*mesure.meetings, (self.occurred_on, True)]

    class MeetingMissed(Event):
        relaunched: bool  # the worker relaunched the demobilised household

        def apply(self, mesure: Mesure) -> None:
            mesure.meetings = [*mesure.meetings, (self.occurred_on, False)]

    class RenewalRequested(Event):
        STAGE = steps.RENEWAL_ASKED
        PERSONAL: ClassVar[Mapping[str, str]] = {"reason": "M"}
        months: int
        reason: str

        def apply(self, mesure: Mesure) -> None:
            mesure.renewal_asked = {"months": self.months, "reason": self.reason}

    class Renewed(Event):
        STAGE = steps.RUNNING
        months: int
        ends_on: date

        def apply(self, mesure: Mesure) -> None:
            mesure.renewals += 1
            mesure.ends_on = self.ends_on

    class RenewalRefused(Event):
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "M"}
        STAGE = steps.RUNNING
        motive: str

    class Ended(Event):
        """The bilan, signed by the worker and the household, returned to the
        CLU/CLT and relayed to the prescribing service (ASLL-FIN)."""

        STAGE = steps.ENDED
        PERSONAL: ClassVar[Mapping[str, str]] = {"bilan": "M"}
        bilan: str
        signed_by: list[str]  # travailleur_social, menage
        returned_to: str  # clu, clt, direct
        relayed_to: str  # the prescriber's organisation

        def apply(self, mesure: Mesure) -> None:
            mesure.closure = {"reason": "terminee", "bilan": self.bilan}

    class BrokenOff(Event):
        """Rupture by the household: the measure fails, the prescriber is told."""

        STAGE = steps.BROKEN_OFF
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "M"}
        motive: str
        relayed_to: str

        def apply(self, mesure: Mesure) -> None:
            mesure.closure = {"reason": "rompue", "motive": self.motive}

    class HeadLeaseSigned(Event):
        landlord: str
        dwelling_ref: str
        starts_on: date

        def apply(self, mesure: Mesure) -> None:
            mesure.bail = {
                "status": steps.HEAD_LEASE,
                **self.values("landlord", "dwelling_ref"),
                "head_lease_on": self.starts_on,
                "sublease_on": None,
                "reviews": 0,
                "ended_on": None,
            }

    class SubleaseSigned(Event):
        starts_on: date

        def apply(self, mesure: Mesure) -> None:
            self.change_bail(mesure, status=steps.SUBLET, sublease_on=self.starts_on)

    class SubleaseReviewed(Event):
        """BG-GLISSEMENT: the periodic review with both parties."""

        PERSONAL: ClassVar[Mapping[str, str]] = {"findings": "M"}
        findings: str

        def apply(self, mesure: Mesure) -> None:
            self.change_bail(mesure, reviews=mesure.bail["reviews"] + 1)

    class LeaseSlid(Event):
        """The glissement: the household becomes the landlord's tenant."""

        def apply(self, mesure: Mesure) -> None:
            self.change_bail(mesure, status=steps.SLID, ended_on=self.occurred_on)

    class SubleaseEnded(Event):
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "M"}
        motive: str

        def apply(self, mesure: Mesure) -> None:
            self.change_bail(
                mesure, status=steps.SUBLEASE_ENDED, ended_on=self.occurred_on
            )

    class PersonalDataErased(Event, DataErased):
        """RGPD-CONSERVATION (domain/personal.py)."""

    # ---- commands: the record's own; the others are mixed in ----------------------


# French labels for people: timelines, audit trails, CLI.
EVENT_LABELS: dict[type[Mesure.Event], str] = {
    Mesure.Requested: "Mesure ASLL demandée par le prescripteur",
    Mesure.Instructed: "Demande instruite",
    Mesure.Notified: "Mesure notifiée à l'association",
    Mesure.ComplementaryDiagnosisDone: "Diagnostic complémentaire fait",
    Mesure.ConventionSigned: "Convention d'accompagnement signée",
    Mesure.MeetingHeld: "Rencontre avec le ménage",
    Mesure.MeetingMissed: "Rendez-vous manqué",
    Mesure.RenewalRequested: "Renouvellement demandé",
    Mesure.Renewed: "Mesure renouvelée",
    Mesure.RenewalRefused: "Renouvellement refusé",
    Mesure.Ended: "Mesure terminée (bilan co-signé)",
    Mesure.BrokenOff: "Rupture par le ménage",
    Mesure.HeadLeaseSigned: "Bail principal signé par l'association",
    Mesure.SubleaseSigned: "Sous-location au ménage",
    Mesure.SubleaseReviewed: "Point périodique du bail glissant",
    Mesure.LeaseSlid: "Bail glissé au ménage",
    Mesure.SubleaseEnded: "Sous-location terminée",
    Mesure.PersonalDataErased: "Données personnelles effacées",
}

# The legal basis of each step, for audit trails: DOMAIN.md §8 rule ids and their
# sources (national texts, or the seeds' departmental rules).
_RENEWAL = "ASLL-DUREE : seeds 002, 004 (durée et renouvellements : paramètres)"
_BAIL_GLISSANT = "BG-GLISSEMENT : CCH L442-8-3 ; seed 002"
EVENT_BASES: dict[type[Mesure.Event], str] = {
    Mesure.Requested: (
        "ASLL-ADHESION : loi 90-449 art. 6 ; seeds 002, 004 ; "
        "ASLL-PRESCRIPTEUR : seeds 002, 004"
    ),
    Mesure.Instructed: "ASLL-CANAL : seed 002",
    Mesure.Notified: "ASLL-CAPACITE : seed 002",
    Mesure.ComplementaryDiagnosisDone: "Diagnostic complémentaire : seed 002",
    Mesure.ConventionSigned: (
        "ASLL-ADHESION : loi 90-449 art. 6 ; seed 004 ; "
        "ASLL-CONTENU, ASLL-DUREE : seeds 002, 004"
    ),
    Mesure.MeetingHeld: "ASLL-RYTHME : seed 002",
    Mesure.MeetingMissed: "ASLL-RYTHME : seed 002",
    Mesure.RenewalRequested: _RENEWAL,
    Mesure.Renewed: _RENEWAL,
    Mesure.RenewalRefused: _RENEWAL,
    Mesure.Ended: "ASLL-FIN : seed 002",
    Mesure.BrokenOff: "ASLL-FIN : seed 002",
    Mesure.HeadLeaseSigned: _BAIL_GLISSANT,
    Mesure.SubleaseSigned: _BAIL_GLISSANT,
    Mesure.SubleaseReviewed: _BAIL_GLISSANT,
    Mesure.LeaseSlid: _BAIL_GLISSANT,
    Mesure.SubleaseEnded: _BAIL_GLISSANT,
    Mesure.PersonalDataErased: "RGPD-CONSERVATION : CNIL 2023-095",
}
