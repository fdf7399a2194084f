"""An ASLL measure (accompagnement social lié au logement, DOMAIN.md §4, §10):
asked by a prescriber with the household's adhesion, instructed by the CLU
(individual measures), the CLT (baux glissants) or the association itself
(its specific actions), notified to an association within its capacity, run
under a convention for three to six months with about two meetings a month,
renewed within the department's limits, and ended by a bilan signed by the
worker and the household — or broken off. A bail glissant measure also records
the head lease, the sublease, its reviews and the lease sliding to the household.

Command methods check the role, the stage and the §8 rules (ASLL-*), then
trigger one past-tense event; events only assign state. The association's
place (ASLL-CAPACITE) is held by `domain.association.AssociationLoad`, saved
with the measure by the application.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.mesure_rules import ChainLink, chained_renewals, instruction_channel
from domain.mesure_steps import (
    ASSOCIATION,
    BROKEN_OFF,
    DIAGNOSED,
    DIAGNOSIS_OUTCOMES,
    DIRECT,
    ENDED,
    HEAD_LEASE,
    HOLDS_A_PLACE,
    INSTRUCTED,
    KINDS,
    LEGACY_CHANNELS,
    MEETING_KINDS,
    NOTIFIED,
    ORIENTATIONS,
    REFUSED,
    RENEWAL_ASKED,
    REORIENTED,
    REQUESTED,
    RUNNING,
    SIGNATORIES,
    SLID,
    STEP_ROLES,
    SUBLEASE_ENDED,
    SUBLET,
    TERMINAL,
    UNDER_CONVENTION,
)

# Re-exported: other modules import these from here.
from domain.mesure_steps import CLU_CLT as CLU_CLT
from domain.mesure_steps import STAGES as STAGES
from domain.personal import check_eraser
from domain.shared import (
    InvalidValueError,
    Meta,
    RecordedEvent,
    Recording,
    RoleNotAllowedError,
    RuleViolation,
    TransitionError,
    add_months,
    check_landlord,
    check_role,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from domain.department import AssociationSettings, DepartmentSettings


class Mesure(Recording, Aggregate):
    TOPIC = "logis.mesure.Mesure"

    class Event(RecordedEvent):
        TOPIC = "logis.mesure.Event"
        STAGE: ClassVar[str | None] = None  # the stage it leads to; None: unchanged

        def mutate(self, aggregate: Any) -> Any:
            mesure = super().mutate(aggregate)
            mesure.stage = self.STAGE or mesure.stage
            # A meeting recorded late does not take the measure's date back.
            last = getattr(mesure, "last_occurred_on", self.occurred_on)
            mesure.last_occurred_on = max(last, self.occurred_on)
            return mesure

    class Requested(Event, Aggregate.Created):
        TOPIC = "logis.mesure.Requested"
        STAGE = REQUESTED
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
                state.update(channel=DIRECT, channel_name=name or DIRECT)
                state.update(channel_role="association", channel_members=[])
                return
            code, name = LEGACY_CHANNELS.get(
                state["kind"], LEGACY_CHANNELS["individuelle"]
            )
            state.update(channel=code, channel_name=name)
            state.update(channel_role="commission_logement", channel_members=[])

        def apply(self, mesure: Mesure) -> None:
            mesure.kind = self.kind
            mesure.household_id = self.household_id
            mesure.department = self.department
            mesure.commune = self.commune
            mesure.prescriber = self.actor
            mesure.min_months = self.min_months
            mesure.origin_dossier_id = self.origin_dossier_id
            mesure.previous_mesure_id = self.previous_mesure_id
            mesure.chain_renewals = self.chain_renewals
            mesure.association = self.association
            mesure.association_name = self.association_name
            mesure.requested_on = self.occurred_on
            mesure.channel = self.channel
            mesure.channel_name = self.channel_name
            mesure.channel_role = self.channel_role
            mesure.channel_members = self.channel_members
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
        TOPIC = "logis.mesure.Instructed"
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "M"}
        channel: str
        granted: bool
        motive: str | None

        def apply(self, mesure: Mesure) -> None:
            mesure.stage = INSTRUCTED if self.granted else REFUSED
            mesure.closure = None if self.granted else {"reason": "refusee"}

    class Notified(Event):
        TOPIC = "logis.mesure.Notified"
        STAGE = NOTIFIED
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
        TOPIC = "logis.mesure.ComplementaryDiagnosisDone"
        PERSONAL: ClassVar[Mapping[str, str]] = {"summary": "Soc"}
        outcome: str  # confirme, reoriente
        summary: str
        reoriented_to: str | None

        def apply(self, mesure: Mesure) -> None:
            mesure.stage = DIAGNOSED
            if self.outcome == "reoriente":
                mesure.stage = REORIENTED
                mesure.closure = {"reason": "reorientee", "to": self.reoriented_to}

    class ConventionSigned(Event):
        TOPIC = "logis.mesure.ConventionSigned"
        STAGE = RUNNING
        orientation: str
        axes: list[str]
        duration_months: int
        starts_on: date
        ends_on: date
        worker: str  # the référent social worker
        signed_by: list[str]

        def apply(self, mesure: Mesure) -> None:
            mesure.convention = {
                "orientation": self.orientation,
                "axes": self.axes,
                "duration_months": self.duration_months,
                "starts_on": self.starts_on,
                "worker": self.worker,
            }
            mesure.ends_on = self.ends_on

    class MeetingHeld(Event):
        TOPIC = "logis.mesure.MeetingHeld"
        kind: str

        def apply(self, mesure: Mesure) -> None:
            mesure.meetings = [*mesure.meetings, (self.occurred_on, True)]

    class MeetingMissed(Event):
        TOPIC = "logis.mesure.MeetingMissed"
        relaunched: bool  # the worker relaunched the demobilised household

        def apply(self, mesure: Mesure) -> None:
            mesure.meetings = [*mesure.meetings, (self.occurred_on, False)]

    class RenewalRequested(Event):
        TOPIC = "logis.mesure.RenewalRequested"
        STAGE = RENEWAL_ASKED
        PERSONAL: ClassVar[Mapping[str, str]] = {"reason": "M"}
        months: int
        reason: str

        def apply(self, mesure: Mesure) -> None:
            mesure.renewal_asked = {"months": self.months, "reason": self.reason}

    class Renewed(Event):
        TOPIC = "logis.mesure.Renewed"
        STAGE = RUNNING
        months: int
        ends_on: date

        def apply(self, mesure: Mesure) -> None:
            mesure.renewals += 1
            mesure.ends_on = self.ends_on

    class RenewalRefused(Event):
        TOPIC = "logis.mesure.RenewalRefused"
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "M"}
        STAGE = RUNNING
        motive: str

    class Ended(Event):
        """The bilan, signed by the worker and the household, returned to the
        CLU/CLT and relayed to the prescribing service (ASLL-FIN)."""

        TOPIC = "logis.mesure.Ended"
        STAGE = ENDED
        PERSONAL: ClassVar[Mapping[str, str]] = {"bilan": "M"}
        bilan: str
        signed_by: list[str]  # travailleur_social, menage
        returned_to: str  # clu, clt, direct
        relayed_to: str  # the prescriber's organisation

        def apply(self, mesure: Mesure) -> None:
            mesure.closure = {"reason": "terminee", "bilan": self.bilan}

    class BrokenOff(Event):
        """Rupture by the household: the measure fails, the prescriber is told."""

        TOPIC = "logis.mesure.BrokenOff"
        STAGE = BROKEN_OFF
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "M"}
        motive: str
        relayed_to: str

        def apply(self, mesure: Mesure) -> None:
            mesure.closure = {"reason": "rompue", "motive": self.motive}

    class HeadLeaseSigned(Event):
        TOPIC = "logis.mesure.HeadLeaseSigned"
        landlord: str
        dwelling_ref: str
        starts_on: date

        def apply(self, mesure: Mesure) -> None:
            mesure.bail = {
                "status": HEAD_LEASE,
                "landlord": self.landlord,
                "dwelling_ref": self.dwelling_ref,
                "head_lease_on": self.starts_on,
                "sublease_on": None,
                "reviews": 0,
                "ended_on": None,
            }

    class SubleaseSigned(Event):
        TOPIC = "logis.mesure.SubleaseSigned"
        starts_on: date

        def apply(self, mesure: Mesure) -> None:
            mesure.bail = {
                **mesure.bail,
                "status": SUBLET,
                "sublease_on": self.starts_on,
            }

    class SubleaseReviewed(Event):
        """BG-GLISSEMENT: the periodic review with both parties."""

        TOPIC = "logis.mesure.SubleaseReviewed"
        PERSONAL: ClassVar[Mapping[str, str]] = {"findings": "M"}
        findings: str

        def apply(self, mesure: Mesure) -> None:
            mesure.bail = {**mesure.bail, "reviews": mesure.bail["reviews"] + 1}

    class LeaseSlid(Event):
        """The glissement: the household becomes the landlord's tenant."""

        TOPIC = "logis.mesure.LeaseSlid"

        def apply(self, mesure: Mesure) -> None:
            mesure.bail = {**mesure.bail, "status": SLID, "ended_on": self.occurred_on}

    class SubleaseEnded(Event):
        TOPIC = "logis.mesure.SubleaseEnded"
        PERSONAL: ClassVar[Mapping[str, str]] = {"motive": "M"}
        motive: str

        def apply(self, mesure: Mesure) -> None:
            mesure.bail = {
                **mesure.bail,
                "status": SUBLEASE_ENDED,
                "ended_on": self.occurred_on,
            }

    class PersonalDataErased(Event):
        """RGPD-CONSERVATION: the household's key is destroyed; the personal
        fields of this record read as erased (domain/personal.py). Not a
        contact with the household: the measure's last day stays."""

        TOPIC = "logis.mesure.PersonalDataErased"
        categories: list[str]  # DOMAIN.md §9 categories erased

        def mutate(self, aggregate: Any) -> Any:
            last = aggregate.last_occurred_on
            mesure = super().mutate(aggregate)
            mesure.last_occurred_on = last
            return mesure

    # ---- commands -------------------------------------------------------------

    @classmethod
    def request(
        cls,
        *,
        mesure_id: UUID,
        kind: str,
        household_id: UUID,
        department: str,
        commune: str,
        diagnostic_summary: str,
        diagnostic_signed_on: date,
        household_signed: bool,
        settings: DepartmentSettings,
        meta: Meta,
        min_months: int | None = None,
        origin_dossier_id: UUID | None = None,
        previous: Mesure | None = None,
        association: AssociationSettings | None = None,
    ) -> Mesure:
        if kind not in KINDS:
            msg = f"Nature de mesure inconnue : {', '.join(KINDS)}."
            raise InvalidValueError(msg)
        prescribers = frozenset(settings.prescriber_roles)
        if kind == "action_specifique":
            # ARIV, ARALIS: the association takes its own households directly.
            if association is None or not association.direct:
                msg = (
                    "Une action spécifique est demandée à une association qui "
                    "instruit elle-même."
                )
                raise RuleViolation("ASLL-CANAL", msg)
            prescribers |= ASSOCIATION
            if meta.actor.role == "association" and (
                meta.actor.organisation != association.name
            ):
                msg = f"Seule {association.name} demande ses propres actions."
                raise RoleNotAllowedError(msg, "not_the_association")
        if meta.actor.role not in prescribers:
            roles = ", ".join(sorted(prescribers))
            msg = (
                f"Seul un prescripteur habilité demande une mesure ASLL "
                f"(rôles : {roles})."
            )
            raise RuleViolation("ASLL-PRESCRIPTEUR", msg)
        if not household_signed or not diagnostic_summary.strip():
            msg = (
                "La demande repose sur un diagnostic préalable co-signé par le ménage "
                "(adhésion)."
            )
            raise RuleViolation("ASLL-ADHESION", msg)
        if min_months is not None and min_months > settings.asll_max_months:
            msg = (
                f"Un accompagnement d'au moins {min_months} mois dépasse la durée "
                f"d'une mesure dans le département ({settings.asll_max_months} mois "
                "au plus)."
            )
            raise RuleViolation("ASLL-DUREE", msg)
        if diagnostic_signed_on > meta.occurred_on:
            msg = "Le diagnostic est signé avant la demande."
            raise InvalidValueError(msg)
        if previous is not None and (
            previous.household_id != household_id or previous.stage not in TERMINAL
        ):
            msg = (
                "Une ré-intervention suit une mesure terminée, rompue ou réorientée "
                "du même ménage."
            )
            raise TransitionError(msg, "previous_mesure_open")
        channel = instruction_channel(kind, settings, association)
        chain = chained_renewals(
            previous.link if previous else None, meta.occurred_on, settings
        )
        if chain > settings.asll_renewals_allowed:
            msg = (
                f"Ré-intervention demandée moins de "
                f"{settings.asll_reintervention_gap_months} mois après la fin de la "
                "mesure précédente : elle compte comme un renouvellement, et les "
                f"{settings.asll_renewals_allowed} renouvellement(s) permis dans ce "
                "département sont épuisés."
            )
            raise RuleViolation("ASLL-DUREE", msg)
        return cls._create(
            cls.Requested,
            id=mesure_id,
            kind=kind,
            household_id=household_id,
            department=department,
            commune=commune,
            diagnostic={
                "summary": diagnostic_summary,
                "signed_on": diagnostic_signed_on,
                "household_signed": household_signed,
            },
            min_months=min_months,
            origin_dossier_id=origin_dossier_id,
            previous_mesure_id=previous.id if previous else None,
            chain_renewals=chain,
            **channel,
            association=association.code if association else None,
            association_name=association.name if association else None,
            **meta.fields(),
        )

    def instruct(self, granted: bool, motive: str | None, meta: Meta) -> None:
        self._begin("instruct", "instruction de la demande", meta)
        self._check_stage({REQUESTED}, "instruire la demande")
        self._check_channel(meta, "instruit")
        if not granted and not (motive or "").strip():
            msg = "Un refus d'accompagnement est motivé."
            raise InvalidValueError(msg)
        self._record(
            self.Instructed, meta, channel=self.channel, granted=granted, motive=motive
        )

    def notify(
        self, association: AssociationSettings, renforce: bool, meta: Meta
    ) -> None:
        """The place itself is taken in the association's load (ASLL-CAPACITE)."""
        self._begin("notify", "notification à l'association", meta)
        self._check_stage({INSTRUCTED}, "notifier la mesure")
        self._check_channel(meta, "notifie")
        if self.channel == DIRECT and association.code != self.association:
            msg = "Une action spécifique est conduite par l'association qui l'instruit."
            raise RuleViolation("ASLL-CANAL", msg)
        if renforce and association.renforce_capacity == 0:
            msg = f"{association.name} n'assure pas de suivi renforcé."
            raise RuleViolation("ASLL-CAPACITE", msg)
        self._record(
            self.Notified,
            meta,
            association=association.code,
            association_name=association.name,
            renforce=renforce,
        )

    def diagnose(
        self, outcome: str, summary: str, reoriented_to: str | None, meta: Meta
    ) -> None:
        self._begin("diagnose", "diagnostic complémentaire", meta)
        self._check_stage({NOTIFIED}, "faire le diagnostic complémentaire")
        self._check_association(meta)
        if outcome not in DIAGNOSIS_OUTCOMES or not summary.strip():
            msg = "Le diagnostic confirme ou réoriente, avec sa synthèse."
            raise InvalidValueError(msg)
        if (outcome == "reoriente") != bool((reoriented_to or "").strip()):
            msg = "Une réorientation, et elle seule, nomme le service vers lequel."
            raise InvalidValueError(msg)
        self._record(
            self.ComplementaryDiagnosisDone,
            meta,
            outcome=outcome,
            summary=summary,
            reoriented_to=reoriented_to,
        )

    def sign_convention(
        self,
        *,
        orientation: str,
        axes: Sequence[str],
        duration_months: int,
        starts_on: date,
        worker: str,
        signed_by: Sequence[str],
        settings: DepartmentSettings,
        meta: Meta,
    ) -> None:
        self._begin("sign_convention", "convention d'accompagnement", meta)
        self._check_stage({DIAGNOSED}, "signer la convention")
        self._check_association(meta)
        missing = [s for s in SIGNATORIES if s not in signed_by]
        if missing:
            msg = (
                "La convention est signée par l'association, le ménage et le "
                f"prescripteur (manque : {', '.join(missing)})."
            )
            raise RuleViolation("ASLL-ADHESION", msg)
        known = set(settings.asll_work_axes)
        if (
            orientation not in ORIENTATIONS
            or not axes
            or any(axis not in known for axis in axes)
        ):
            msg = (
                f"Une orientation ({', '.join(ORIENTATIONS)}) et au moins un axe de "
                "travail de la liste du département."
            )
            raise RuleViolation("ASLL-CONTENU", msg)
        shortest = max(settings.asll_min_months, self.min_months or 0)
        if not shortest <= duration_months <= settings.asll_max_months:
            msg = (
                f"Durée de {duration_months} mois hors des bornes : de {shortest} à "
                f"{settings.asll_max_months} mois."
            )
            raise RuleViolation("ASLL-DUREE", msg)
        if starts_on < self.notified_on or not worker.strip():
            msg = "La convention nomme son référent et court après la notification."
            raise InvalidValueError(msg)
        self._record(
            self.ConventionSigned,
            meta,
            orientation=orientation,
            axes=list(dict.fromkeys(axes)),
            duration_months=duration_months,
            starts_on=starts_on,
            ends_on=add_months(starts_on, duration_months),
            worker=worker,
            signed_by=list(signed_by),
        )

    def hold_meeting(self, kind: str, meta: Meta) -> None:
        self._begin(
            "hold_meeting", "rencontre avec le ménage", meta, chronological=False
        )
        self._check_meeting(meta)
        if kind not in MEETING_KINDS:
            msg = f"Rencontre : {', '.join(MEETING_KINDS)}."
            raise InvalidValueError(msg)
        self._record(self.MeetingHeld, meta, kind=kind)

    def miss_meeting(self, relaunched: bool, meta: Meta) -> None:
        self._begin("miss_meeting", "rendez-vous manqué", meta, chronological=False)
        self._check_meeting(meta)
        self._record(self.MeetingMissed, meta, relaunched=relaunched)

    def request_renewal(
        self, months: int, reason: str, settings: DepartmentSettings, meta: Meta
    ) -> None:
        self._begin("request_renewal", "demande de renouvellement", meta)
        self._check_stage({RUNNING}, "demander un renouvellement")
        self._check_association(meta)
        self._check_renewal(months, settings)
        if not reason.strip():
            msg = "Une demande de renouvellement dit pourquoi."
            raise InvalidValueError(msg)
        self._record(self.RenewalRequested, meta, months=months, reason=reason)

    def decide_renewal(
        self,
        granted: bool,
        motive: str | None,
        settings: DepartmentSettings,
        meta: Meta,
    ) -> None:
        self._begin("decide_renewal", "décision de renouvellement", meta)
        self._check_stage({RENEWAL_ASKED}, "décider du renouvellement")
        self._check_channel(meta, "renouvelle")
        if meta.actor.organisation != self.notified_by:
            # Loire: the prolongation is asked of the CLU/CLT that notified it.
            msg = f"Le renouvellement est décidé par {self.notified_by}, qui a notifié."
            raise RoleNotAllowedError(msg, "not_the_notifying_commission")
        if not granted:
            if not (motive or "").strip():
                msg = "Un refus de renouvellement est motivé."
                raise InvalidValueError(msg)
            self._record(self.RenewalRefused, meta, motive=motive)
            return
        months = self.renewal_asked["months"]
        self._check_renewal(months, settings)
        self._record(
            self.Renewed, meta, months=months, ends_on=add_months(self.ends_on, months)
        )

    def end(
        self, bilan: str, signed_by: Sequence[str], relayed_to: str, meta: Meta
    ) -> None:
        self._begin("end", "fin de la mesure", meta)
        self._check_stage(UNDER_CONVENTION, "clore la mesure par son bilan")
        self._check_association(meta)
        if not bilan.strip() or not {"travailleur_social", "menage"} <= set(signed_by):
            msg = (
                "Le bilan de fin de mesure est signé par le travailleur social et "
                "le ménage."
            )
            raise RuleViolation("ASLL-FIN", msg)
        if not relayed_to.strip():
            msg = "Le relais au service prescripteur est nommé."
            raise RuleViolation("ASLL-FIN", msg)
        self._record(
            self.Ended,
            meta,
            bilan=bilan,
            signed_by=list(signed_by),
            returned_to=self.channel,
            relayed_to=relayed_to,
        )

    def break_off(self, motive: str, meta: Meta) -> None:
        self._begin("break_off", "rupture de la mesure", meta)
        self._check_stage(HOLDS_A_PLACE, "constater la rupture")
        self._check_association(meta)
        if not motive.strip():
            msg = "La rupture est motivée."
            raise InvalidValueError(msg)
        self._record(
            self.BrokenOff,
            meta,
            motive=motive,
            relayed_to=self.prescriber.organisation,
        )

    # ---- bail glissant ---------------------------------------------------------

    def sign_head_lease(
        self, landlord: str, dwelling_ref: str, starts_on: date, meta: Meta
    ) -> None:
        self._begin("sign_head_lease", "bail principal", meta)
        self._check_bail_glissant()
        self._check_stage(HOLDS_A_PLACE, "signer le bail principal")
        self._check_association(meta)
        if self.bail is not None:
            msg = "Le bail principal est déjà signé."
            raise TransitionError(msg)
        if not landlord.strip() or not dwelling_ref.strip():
            msg = "Le bail principal nomme le bailleur et le logement."
            raise InvalidValueError(msg)
        self._record(
            self.HeadLeaseSigned,
            meta,
            landlord=landlord,
            dwelling_ref=dwelling_ref,
            starts_on=starts_on,
        )

    def sign_sublease(self, starts_on: date, meta: Meta) -> None:
        self._begin("sign_sublease", "sous-location au ménage", meta)
        self._check_bail(HEAD_LEASE, "sous-louer")
        self._check_association(meta)
        if starts_on < self.bail["head_lease_on"]:
            msg = "La sous-location suit le bail principal."
            raise InvalidValueError(msg)
        self._record(self.SubleaseSigned, meta, starts_on=starts_on)

    def review_sublease(self, findings: str, meta: Meta) -> None:
        self._begin("review_sublease", "point sur le bail glissant", meta)
        self._check_bail(SUBLET, "faire le point")
        self._check_association(meta)
        check_landlord(meta.actor, self.bail["landlord"], "point sur le bail glissant")
        if not findings.strip():
            msg = "Le point périodique consigne ses constats."
            raise InvalidValueError(msg)
        self._record(self.SubleaseReviewed, meta, findings=findings)

    def slide_lease(self, meta: Meta) -> None:
        self._begin("slide_lease", "glissement du bail", meta)
        self._check_bail(SUBLET, "faire glisser le bail")
        check_landlord(meta.actor, self.bail["landlord"], "glissement du bail")
        self._record(self.LeaseSlid, meta)

    def end_sublease(self, motive: str, meta: Meta) -> None:
        self._begin("end_sublease", "fin de la sous-location", meta)
        self._check_bail(SUBLET, "mettre fin à la sous-location")
        self._check_association(meta)
        if not motive.strip():
            msg = "La fin de la sous-location est motivée."
            raise InvalidValueError(msg)
        self._record(self.SubleaseEnded, meta, motive=motive)

    def erase_personal_data(self, categories: list[str], meta: Meta) -> None:
        """Recorded once the household's key is destroyed, at any stage."""
        check_eraser(meta.actor)
        self._record(self.PersonalDataErased, meta, categories=categories)

    # ---- guards -----------------------------------------------------------------

    @property
    def link(self) -> ChainLink:
        return ChainLink(
            self.convention is not None,
            self.last_occurred_on,
            self.chain_renewals,
            self.renewals,
        )

    @property
    def holds_a_place(self) -> bool:
        return self.stage in HOLDS_A_PLACE

    def _begin(
        self, step: str, label: str, meta: Meta, *, chronological: bool = True
    ) -> None:
        check_role(meta.actor, STEP_ROLES[step], label)
        if self.stage in TERMINAL:
            msg = f"La mesure est close ({self.stage}) : {label} impossible."
            raise TransitionError(msg, "mesure_ended")
        if chronological and meta.occurred_on < self.last_occurred_on:
            msg = (
                f"Date de l'étape ({meta.occurred_on.isoformat()}) antérieure à "
                f"l'étape précédente ({self.last_occurred_on.isoformat()})."
            )
            raise TransitionError(msg, "occurred_on_out_of_order")
        if meta.occurred_on < self.requested_on:
            msg = "Aucune étape ne précède la demande."
            raise TransitionError(msg, "occurred_on_out_of_order")

    def _check_stage(self, allowed: set[str] | frozenset[str], what: str) -> None:
        if self.stage not in allowed:
            msg = f"Impossible de {what} : la mesure est au stade « {self.stage} »."
            raise TransitionError(msg)

    def _check_channel(self, meta: Meta, verb: str) -> None:
        """ASLL-CANAL: the channel recorded with the request (the department's
        for its kind, the association itself for its specific actions)."""
        actor = meta.actor
        if actor.role != self.channel_role or (
            self.channel_members and actor.organisation not in self.channel_members
        ):
            msg = f"C'est {self.channel_name} qui {verb} cette mesure ({self.kind})."
            raise RuleViolation("ASLL-CANAL", msg)
        self._check_association(meta)

    def _check_association(self, meta: Meta) -> None:
        """Once notified, the measure is run by that association's own agents."""
        name = self.association_name
        if (
            meta.actor.role == "association"
            and name
            and meta.actor.organisation != name
        ):
            msg = (
                f"La mesure est conduite par {name}, pas par {meta.actor.organisation}."
            )
            raise RoleNotAllowedError(msg, "not_the_association")

    def _check_meeting(self, meta: Meta) -> None:
        self._check_stage(UNDER_CONVENTION, "enregistrer une rencontre")
        self._check_association(meta)
        if meta.occurred_on < self.convention["starts_on"]:
            msg = "Les rencontres suivent la signature de la convention."
            raise TransitionError(msg, "occurred_on_out_of_order")

    def _check_renewal(self, months: int, settings: DepartmentSettings) -> None:
        """ASLL-DUREE: renewals and their length, per the department, counting
        those of the household's chain of measures."""
        if self.chain_renewals + self.renewals >= settings.asll_renewals_allowed:
            msg = (
                f"Renouvellements épuisés : {settings.asll_renewals_allowed} au plus "
                "dans ce département."
            )
            raise RuleViolation("ASLL-DUREE", msg)
        if not 1 <= months <= settings.asll_max_months:
            msg = f"Un renouvellement dure de 1 à {settings.asll_max_months} mois."
            raise RuleViolation("ASLL-DUREE", msg)

    def _check_bail_glissant(self) -> None:
        if self.kind != "bail_glissant":
            msg = "Seule une mesure de bail glissant porte un bail principal."
            raise TransitionError(msg, "not_a_bail_glissant")

    def _check_bail(self, status: str, what: str) -> None:
        self._check_bail_glissant()
        if (self.bail or {}).get("status") != status:
            msg = f"Impossible de {what} : le bail glissant n'en est pas là."
            raise TransitionError(msg)


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
