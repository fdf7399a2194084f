"""The course of an ASLL measure (DOMAIN.md §4, §10), from its instruction to
its end: instructed by its channel (ASLL-CANAL), notified to an association
(ASLL-CAPACITE: the place itself is held by `domain.association.AssociationLoad`),
the association's complementary diagnostic, the convention (ASLL-ADHESION,
ASLL-CONTENU, ASLL-DUREE), the meetings (ASLL-RYTHME), renewals (ASLL-DUREE),
and the end by a co-signed bilan or a rupture (ASLL-FIN).

Each command method checks the role, the stage and the §8 rules, then records
one past-tense event of the aggregate (domain/mesure.py `Mesure`, which mixes
`MesureSupport` in)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from domain.mesure_steps import (
    DIAGNOSED,
    DIAGNOSIS_OUTCOMES,
    DIRECT,
    HOLDS_A_PLACE,
    INSTRUCTED,
    MEETING_KINDS,
    NOTIFIED,
    ORIENTATIONS,
    RENEWAL_ASKED,
    REQUESTED,
    RUNNING,
    SIGNATORIES,
    UNDER_CONVENTION,
)
from domain.shared import (
    InvalidValueError,
    Meta,
    RoleNotAllowedError,
    RuleViolation,
    add_months,
    check_all_present,
    check_stated,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.department_settings import AssociationSettings, DepartmentSettings


class MesureSupport:
    """The support's steps, mixed into `Mesure`."""

    @property
    def holds_a_place(self) -> bool:
        """Notified and not over: a place in the association's load."""
        return self.stage in HOLDS_A_PLACE

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
        check_all_present(
            "ASLL-ADHESION",
            SIGNATORIES,
            signed_by,
            "La convention est signée par l'association, le ménage et le "
            "prescripteur (manque : {missing}).",
        )
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
        check_stated(reason, "Une demande de renouvellement dit pourquoi.")
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
            check_stated(motive, "Un refus de renouvellement est motivé.")
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
        check_stated(motive, "La rupture est motivée.")
        self._record(
            self.BrokenOff,
            meta,
            motive=motive,
            relayed_to=self.prescriber.organisation,
        )
