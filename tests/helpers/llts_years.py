"""A year of LLTS procedure recorded in bulk through the application's own
commands, in this process (the same handlers the API calls, with the same
rules, scopes and transactions; no HTTP): for the yearly statistics tests,
whose seeds count in the hundreds (ALS 2016: 1093 demands, 846 tenants
supported; Loire 2006: 733 measures). Recording them over HTTP takes several
times longer (tests/integration/test_api_statistics.py measures both).

    year = BulkYear(system.app, department="972")
    year.processed(1051)                                 # up to the ALS analysis
    year.entered_and_supported(40)                       # …to entry and support
    year.in_maintien(805)                                # tenants kept in place

Every dossier goes the procedure's legal way: enquête, avis, complete dossier,
DEAL control, ALS analysis; then solvency, a pré-commission and a commission
préfectorale (Préfecture and DEAL present, presided by the préfet), a CAL
without a programme (existing stock, one candidate per dwelling with the
shortfall motive CAL-TROIS asks), offer, acceptance, lease, entry, and a
bilan d'installation that finds problems and asks, with the household's
adhesion, for the ASLL measure that the association then runs under convention.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from commands import commission
from commands.context import Context
from commands.dossier import STEPS as DOSSIER_COMMANDS
from commands.dossier import ReviewInstallation
from commands.dossier_identification import IdentifyDossier
from commands.mesure import (
    Diagnose,
    EndMesure,
    Instruct,
    Notify,
    RequestMesure,
    SignConvention,
)
from domain.shared import Actor
from tests.helpers.api import (
    ANALYSIS,
    COMPLETION,
    ENTRY,
    LEASE,
    MAIRIE_AVIS,
    NUMERO_UNIQUE,
    OFFER,
    OFFER_ANSWER,
    ORGANISATIONS,
    RESOURCES_CHECK,
    SOCIAL_ENQUIRY,
    SOLVENCY,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from commands.application import Logis
    from tests.helpers.api import Step

SHORTFALL = "Un seul candidat présenté pour ce logement."
SESSION_SIZE = 40  # dossiers per pré-commission or commission préfectorale
CAL_SIZE = 10  # dwellings per CAL session
AXES = ["projet_logement", "gestion_budgetaire"]
WORKER = "Claire Joseph"
COMMUNE_ROLES = frozenset({"mairie", "ccas"})


@dataclass
class Timeline:
    """The days of one cohort's steps (defaults: a 2016 cohort)."""

    identified_on: date = date(2016, 1, 4)
    analysed_on: date = date(2016, 2, 1)
    solvency_on: date = date(2016, 2, 15)
    preselected_on: date = date(2016, 3, 1)
    ranked_on: date = date(2016, 3, 15)
    decided_on: date = date(2016, 4, 5)
    offered_on: date = date(2016, 4, 6)
    accepted_on: date = date(2016, 4, 12)
    lease_on: date = date(2016, 5, 2)
    entered_on: date = date(2016, 5, 2)
    reviewed_on: date = date(2016, 6, 1)
    notified_on: date = date(2016, 6, 6)
    convention_on: date = date(2016, 6, 15)


@dataclass
class BulkYear:
    app: Logis
    department: str = "972"
    commune: str = "97209"
    # The associations that run the measures, (code, name) as the settings name
    # them, taken in turns: an association's load replays its whole history at
    # each notification (domain/association.py), so one association taking
    # hundreds of measures makes each notification slower than the last.
    associations: Sequence[tuple[str, str]] = (("als", ORGANISATIONS["als"]),)
    landlord: str = ORGANISATIONS["bailleur"]
    dwellings: int = 0  # refs given so far
    commands: int = 0
    mesures: dict[UUID, str] = field(default_factory=dict)  # → its association

    # ---- context ---------------------------------------------------------------

    def ctx(self, role: str, organisation: str | None = None) -> Context:
        commune_role = role in COMMUNE_ROLES
        return Context(
            Actor(f"agent.{role}", role, organisation or ORGANISATIONS[role]),
            "bulk",
            datetime.now(UTC),
            department=self.department,
            commune=self.commune if commune_role else None,
        )

    def _create(
        self, record: str, command: type[Any], role: str, on: date, /, **fields: Any
    ) -> UUID:
        """A `record` created by `role` on `on`, in the year's department and
        commune (`fields`: the command's others)."""
        self.commands += 1
        here = {"department": self.department, "commune": self.commune}
        created = self.app.create(
            record, command(**here, occurred_on=on, **fields), self.ctx(role)
        )
        return created.id

    def _step(self, dossier_id: UUID, command: Any, role: str, **kw: Any) -> Any:
        self.commands += 1
        return self.app.step("dossier", dossier_id, command, self.ctx(role, **kw))

    def _take(self, dossier_id: UUID, step: Step, on: date) -> Any:
        """`step` as the API tests take it (tests/helpers/api.py): its body on
        `on` and its role, through the command the API publishes it with."""
        command = DOSSIER_COMMANDS[step.slug].model_validate(step.body(on))
        return self._step(dossier_id, command, step.role)

    # ---- dossiers up to the ALS's analysis --------------------------------------

    def processed(self, count: int, when: Timeline | None = None) -> list[UUID]:
        """`count` dossiers identified, instructed and analysed by the ALS."""
        when = when or Timeline()
        return [self._analysed(when) for _ in range(count)]

    def _analysed(self, when: Timeline) -> UUID:
        on = when.identified_on
        dossier_id = self._create(
            "dossier",
            IdentifyDossier,
            "ccas",
            on,
            applicant_name="Ménage de test",
            household_size=3,
            numero_unique=NUMERO_UNIQUE,
            sne_registered_on=on,
        )
        for step in (SOCIAL_ENQUIRY, MAIRIE_AVIS, COMPLETION, RESOURCES_CHECK):
            self._take(dossier_id, step, on)
        self._take(dossier_id, ANALYSIS, when.analysed_on)
        return dossier_id

    # ---- …to entry and support after it ----------------------------------------

    def entered_and_supported(
        self, count: int, when: Timeline | None = None, *, supported: bool = True
    ) -> list[UUID]:
        """`count` households through the whole procedure to entry; with
        `supported`, a bilan that finds problems and the measure it asks for,
        under convention from `when.convention_on`."""
        when = when or Timeline()
        dossiers = self.processed(count, when)
        for dossier_id in dossiers:
            self._take(dossier_id, SOLVENCY, when.solvency_on)
        for part in _parts(dossiers, SESSION_SIZE):
            self._commissions(part, when)
        for part in _parts(dossiers, CAL_SIZE):
            self._cal(part, when)
        for dossier_id in dossiers:
            self._enter(dossier_id, when, supported=supported)
        return dossiers

    def _session(
        self, kind: str, role: str, on: date, refs: Sequence[str] = ()
    ) -> UUID:
        convened = self._create(
            "commission",
            commission.ConveneCommission,
            role,
            on,
            kind=kind,
            held_on=on,
            dwelling_refs=list(refs),
        )
        present = {
            "pre_commission": [
                ("als", "agent"),
                ("prefecture", "agent"),
                ("deal", "agent"),
            ],
            "commission_prefectorale": [
                ("prefecture", "prefet"),
                ("deal", "agent"),
                ("als", "agent"),
            ],
            "cal": [("bailleur", "president_cal")],
        }[kind]
        attendees = [
            commission.AttendeeIn(organisation=ORGANISATIONS[r], role=r, function=f)
            for r, f in present
        ]
        presided = attendees[0] if kind == "commission_prefectorale" else None
        self.app.step(
            "commission",
            convened,
            commission.RecordAttendance(
                attendees=attendees, presided_by=presided, occurred_on=on
            ),
            self.ctx(role),
        )
        self.commands += 1
        return convened

    def _commissions(self, dossiers: Sequence[UUID], when: Timeline) -> None:
        pre = self._session("pre_commission", "als", when.preselected_on)
        self.app.step(
            "commission",
            pre,
            commission.PreSelect(
                decisions=[
                    commission.PreSelectionIn(dossier_id=i, outcome="prioritaire")
                    for i in dossiers
                ],
                occurred_on=when.preselected_on,
            ),
            self.ctx("als"),
        )
        pref = self._session("commission_prefectorale", "prefecture", when.ranked_on)
        self.app.step(
            "commission",
            pref,
            commission.RankDossiers(
                ranked=[commission.RankingEntryIn(dossier_id=i) for i in dossiers],
                occurred_on=when.ranked_on,
            ),
            self.ctx("prefecture"),
        )
        self.commands += 2

    def _cal(self, dossiers: Sequence[UUID], when: Timeline) -> None:
        refs = [f"SIMAR-{self.dwellings + n:05d}" for n in range(len(dossiers))]
        self.dwellings += len(dossiers)
        cal = self._session("cal", "bailleur", when.decided_on, refs)
        for ref, dossier_id in zip(refs, dossiers, strict=True):
            self.app.step(
                "commission",
                cal,
                commission.DecideOnDwelling(
                    dwelling_ref=ref,
                    candidates=[
                        commission.CandidateDecisionIn(
                            dossier_id=dossier_id, decision="attribution"
                        )
                    ],
                    shortfall_motive=SHORTFALL,
                    occurred_on=when.decided_on,
                ),
                self.ctx("bailleur"),
            )
            self.commands += 1

    def _enter(self, dossier_id: UUID, when: Timeline, *, supported: bool) -> None:
        for step, on in (
            (OFFER, when.offered_on),  # an answer within 15 days
            (OFFER_ANSWER, when.accepted_on),
            (LEASE, when.lease_on),  # 350 € and 50 € of charges
            (ENTRY, when.entered_on),
        ):
            self._take(dossier_id, step, on)
        review = ReviewInstallation(
            outcome="problemes" if supported else "ok",
            findings="Difficultés de gestion du budget." if supported else "RAS.",
            support_months=6 if supported else None,
            adhesion_signed_on=when.reviewed_on if supported else None,
            occurred_on=when.reviewed_on,
        )
        reviewed = self._step(dossier_id, review, "als")
        if supported:
            mesure_id = self._asked_by(reviewed.position)
            self.support(mesure_id, when)

    def _asked_by(self, position: int) -> UUID:
        """The measure a bilan asked for, saved in the same transaction."""
        for n in self.app.recorder.select_notifications(start=position - 3, limit=4):
            if n.topic == "logis.mesure.Requested":
                return n.originator_id
        msg = f"no measure asked at {position}"
        raise AssertionError(msg)

    # ---- ASLL measures ---------------------------------------------------------

    def request(
        self,
        on: date,
        *,
        kind: str = "individuelle",
        household_id: UUID | None = None,
    ) -> UUID:
        return self._create(
            "mesure",
            RequestMesure,
            "prescripteur",
            on,
            kind=kind,
            household_id=household_id,
            diagnostic_summary="Dettes locatives, budget à reprendre.",
            diagnostic_signed_on=on,
            household_signed=True,
        )

    def in_maintien(self, count: int, when: Timeline | None = None) -> list[UUID]:
        """`count` tenants asked a measure to keep their dwelling (maintien), under
        convention from `when.convention_on`."""
        when = when or Timeline()
        return [
            self.support(self.request(when.notified_on), when, orientation="maintien")
            for _ in range(count)
        ]

    def support(
        self,
        mesure_id: UUID,
        when: Timeline,
        *,
        association: tuple[str, str] | None = None,
        orientation: str = "acces",
        months: int = 6,
    ) -> UUID:
        """Instructed, notified and diagnosed on `when.notified_on`, under a
        convention from `when.convention_on`."""
        turn = self.associations[len(self.mesures) % len(self.associations)]
        code, name = association or turn
        on = when.notified_on
        clu = ("commission_logement", {})
        by_association = ("association", {"organisation": name})
        for (role, kw), command in (
            (clu, Instruct(granted=True, occurred_on=on)),
            (clu, Notify(association=code, occurred_on=on)),
            (
                by_association,
                Diagnose(
                    outcome="confirme", summary="Projet confirmé.", occurred_on=on
                ),
            ),
            (
                by_association,
                SignConvention(
                    orientation=orientation,
                    axes=AXES,
                    duration_months=months,
                    starts_on=when.convention_on,
                    worker=WORKER,
                    signed_by=["association", "menage", "prescripteur"],
                    occurred_on=when.convention_on,
                ),
            ),
        ):
            self.commands += 1
            self.app.step("mesure", mesure_id, command, self.ctx(role, **kw))
        self.mesures[mesure_id] = name
        return mesure_id

    def end(self, mesure_id: UUID, on: date) -> None:
        self.commands += 1
        self.app.step(
            "mesure",
            mesure_id,
            EndMesure(
                bilan="Objectifs atteints.",
                signed_by=["travailleur_social", "menage"],
                relayed_to="Mission Locale Centre",
                occurred_on=on,
            ),
            self.ctx("association", organisation=self.mesures[mesure_id]),
        )


def _parts(items: Sequence[UUID], size: int) -> list[Sequence[UUID]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
