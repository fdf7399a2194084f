"""What the API answers (the commands' bodies are the models of commands/)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from commands.application import CommandResult
from domain.commission import Commission
from domain.dossier import EVENT_LABELS, Dossier
from domain.mesure import Mesure
from domain.programme import Programme
from domain.records import KIND_LABELS as AUDIT_KIND_LABELS
from domain.saisine import Saisine
from domain.shared import RecordedEvent
from projections.audit_trail import AuditRecord, AuditRow
from projections.commissions import (
    CommissionList,
    CommissionRow,
    CommuneListe,
    DwellingDecisions,
    EntryRow,
)
from projections.dossier_list import DossierRow
from projections.follow_up import BilanRow, ReadyDossier, SupportRequestRow
from projections.llts_statistics import DecisionCount
from projections.mesures import (
    AssociationWorkload,
    KindCount,
    MesureRow,
    OrientationCount,
    WorkerCaseload,
)
from projections.programmes import ProgrammeRow


class CommandAnswer(BaseModel):
    # Each command's own answer from the demo is on its operation
    # (api/operation_docs.py); this one shows for those the demo never gives.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "bbd7fcae-7740-4fef-b45f-8e2e9b7b4dea",
                    "version": 2,
                    "position": 87,
                    "stage": "enquete_sociale_rendue",
                }
            ]
        }
    )

    id: UUID
    version: int
    position: int
    stage: str

    @classmethod
    def of(cls, result: CommandResult) -> CommandAnswer:
        return cls(
            id=result.id,
            version=result.version,
            position=result.position,
            stage=result.stage,
        )


class ActorPublic(BaseModel):
    subject: str
    role: str
    organisation: str


class DossierPublic(BaseModel):
    id: UUID
    version: int
    stage: str
    household_id: UUID
    applicant_name: str
    household_size: int
    department: str
    commune: str
    programme_id: UUID | None
    dalo: bool
    dalo_appeal_on: date | None
    dalo_recognised_on: date | None
    numero_unique: str | None
    sne_valid_until: date | None
    origin: ActorPublic
    avis: dict[str, str]
    documents: list[str]
    outstanding_documents: list[str]
    resources: dict[str, Any] | None
    solvency: dict[str, Any] | None
    preselection: str | None
    ranking: dict[str, Any] | None
    list_valid_until: date | None
    cal_decision: dict[str, Any] | None
    deferral: dict[str, Any] | None
    offer: dict[str, Any] | None
    lease: dict[str, Any] | None
    entered_on: date | None
    information_meetings: list[dict[str, Any]]
    installation_review: dict[str, Any] | None
    end_reason: str | None
    last_occurred_on: date
    created_on: datetime
    modified_on: datetime

    @classmethod
    def of(cls, d: Dossier) -> DossierPublic:
        return cls(
            id=d.id,
            version=d.version,
            stage=d.stage,
            household_id=d.household_id,
            applicant_name=d.applicant_name,
            household_size=d.household_size,
            department=d.department,
            commune=d.commune,
            programme_id=d.programme_id,
            dalo=d.dalo,
            dalo_appeal_on=d.dalo_appeal_on,
            dalo_recognised_on=d.dalo_recognised_on,
            numero_unique=d.numero_unique,
            sne_valid_until=d.sne_valid_until,
            origin=ActorPublic(**d.origin.__dict__),
            avis=d.avis,
            documents=d.documents,
            outstanding_documents=d.outstanding_documents,
            resources=d.resources,
            solvency=d.solvency,
            preselection=d.preselection,
            ranking=d.ranking,
            list_valid_until=d.list_valid_until,
            cal_decision=d.cal_decision,
            deferral=d.deferral,
            offer=d.proposal,
            lease=d.lease,
            entered_on=d.entered_on,
            information_meetings=d.information_meetings,
            installation_review=d.installation_review,
            end_reason=d.end_reason,
            last_occurred_on=d.last_occurred_on,
            created_on=d.created_on,
            modified_on=d.modified_on,
        )


class DossiersPublic(BaseModel):
    data: list[DossierRow]
    count: int
    position: int


class DwellingPublic(BaseModel):
    ref: str
    typology: str
    rent: Decimal
    charges: Decimal
    status: str
    dossier_id: UUID | None
    lease_start: date | None
    vacated_on: date | None
    candidates: list[dict[str, Any]] = Field(
        description="Candidats proposés depuis la liste complémentaire de la commune"
    )


class ProgrammePublic(BaseModel):
    id: UUID
    version: int
    stage: str
    kind: str
    name: str
    landlord: str
    department: str
    commune: str
    dwellings: list[DwellingPublic]
    dwellings_to_let: list[str]
    concertation: dict[str, Any] | None
    last_occurred_on: date
    created_on: datetime
    modified_on: datetime

    @classmethod
    def of(cls, p: Programme) -> ProgrammePublic:
        return cls(
            id=p.id,
            version=p.version,
            stage=p.stage,
            kind=p.kind,
            name=p.name,
            landlord=p.landlord,
            department=p.department,
            commune=p.commune,
            dwellings=[DwellingPublic(**d) for d in p.dwellings.values()],
            dwellings_to_let=p.dwellings_to_let,
            concertation=p.concertation,
            last_occurred_on=p.last_occurred_on,
            created_on=p.created_on,
            modified_on=p.modified_on,
        )


class CommissionPublic(BaseModel):
    id: UUID
    version: int
    kind: str
    stage: str
    held_on: date
    department: str
    commune: str
    programme_id: UUID | None
    landlord: str | None
    dwelling_refs: list[str]
    attendees: list[dict[str, str]]
    presided_by: dict[str, str] | None
    preselections: list[dict[str, Any]]
    ranking: dict[str, Any] | None
    examinations: list[dict[str, Any]]
    minutes_closed_on: date | None
    created_on: datetime
    modified_on: datetime

    @classmethod
    def of(cls, c: Commission) -> CommissionPublic:
        return cls(
            id=c.id,
            version=c.version,
            kind=c.kind,
            stage=c.stage,
            held_on=c.held_on,
            department=c.department,
            commune=c.commune,
            programme_id=c.programme_id,
            landlord=c.landlord,
            dwelling_refs=c.dwelling_refs,
            attendees=c.attendees,
            presided_by=c.presided_by,
            preselections=c.preselections,
            ranking=c.ranking,
            examinations=c.examinations,
            minutes_closed_on=c.minutes_closed_on,
            created_on=c.created_on,
            modified_on=c.modified_on,
        )


class ProgrammesPublic(BaseModel):
    data: list[ProgrammeRow]
    count: int
    position: int


BASE_FIELDS = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic",
     "actor", "occurred_on", "command_id", "correlation_id"}
)  # fmt: skip


class HistoryEntry(BaseModel):
    version: int
    type: str
    label: str
    occurred_on: date
    recorded_at: datetime
    actor: ActorPublic
    command_id: UUID
    correlation_id: str
    data: dict[str, Any]
    # Fields of `data` withheld (null): a category the reader's role does not
    # read (DOMAIN.md §9, e.g. the social enquiry's text for a Mairie).
    redacted: list[str] = []

    @classmethod
    def of(
        cls, event: RecordedEvent, labels: Mapping[type, str] = EVENT_LABELS
    ) -> HistoryEntry:
        """One event for people: `labels` are its aggregate's French labels."""
        return cls(
            version=event.originator_version,
            type=type(event).__name__,
            label=labels.get(type(event), type(event).__name__),
            occurred_on=event.occurred_on,
            recorded_at=event.timestamp,
            actor=ActorPublic(**event.actor.__dict__),
            command_id=event.command_id,
            correlation_id=event.correlation_id,
            data={k: v for k, v in event.__dict__.items() if k not in BASE_FIELDS},
        )


class HistoryPublic(BaseModel):
    id: UUID
    events: list[HistoryEntry]


class CommissionsPublic(BaseModel):
    data: list[CommissionRow]
    count: int
    position: int


class CommissionListPublic(BaseModel):
    """A session's lists, from the read model: every dossier decided on (agenda),
    the pré-sélection, the ranked list, the liste complémentaire and its last
    day, the dossiers not retained, and a CAL's candidates per dwelling."""

    commission: CommissionRow
    agenda: list[EntryRow]
    preselection: list[EntryRow]
    ranked: list[EntryRow]
    liste_complementaire: list[EntryRow]
    list_valid_until: date | None
    non_retenus: list[EntryRow]
    dwellings: list[DwellingDecisions]
    position: int

    @classmethod
    def of(cls, lists: CommissionList, position: int) -> CommissionListPublic:
        return cls(
            commission=lists.commission,
            agenda=lists.agenda,
            preselection=lists.preselection,
            ranked=lists.ranked,
            liste_complementaire=lists.liste_complementaire,
            list_valid_until=lists.commission.list_valid_until,
            non_retenus=lists.non_retenus,
            dwellings=lists.dwellings,
            position=position,
        )


class CommuneListesPublic(BaseModel):
    """The listes complémentaires serving a commune's LLTS vacancies on `as_of`,
    whichever landlord's (LC-VALIDITE), the oldest first."""

    commune: str
    as_of: date
    data: list[CommuneListe]
    count: int = Field(description="Ménages inscrits sur ces listes")
    position: int


class BilansPublic(BaseModel):
    data: list[BilanRow]
    count: int
    as_of: date | None = Field(
        description="Jour de référence ; absent : le jour qu'il est dans chaque "
        "département"
    )
    position: int


class SupportRequestsPublic(BaseModel):
    data: list[SupportRequestRow]
    count: int
    position: int


class PreCommissionReadinessPublic(BaseModel):
    programme_id: UUID
    dossiers_to_gather: int | None = Field(
        description="Quota fixé par la concertation (CONC-QUOTA)"
    )
    dossiers_in_progress: int = Field(description="Dossiers du programme non terminés")
    by_stage: dict[str, int]
    ready: list[ReadyDossier] = Field(
        description="Dossiers à la solvabilité étudiée, prêts pour la pré-commission"
    )
    ready_count: int
    position: int


class MesurePublic(BaseModel):
    id: UUID
    version: int
    kind: str
    stage: str
    household_id: UUID
    department: str
    commune: str
    channel: str
    prescriber: ActorPublic
    requested_on: date
    min_months: int | None
    origin_dossier_id: UUID | None
    previous_mesure_id: UUID | None
    chain_renewals: int = Field(
        description="ASLL-DUREE : renouvellements déjà comptés au ménage quand la "
        "mesure a été demandée (une ré-intervention rapprochée en est un)"
    )
    association: str | None
    association_name: str | None
    renforce: bool
    notified_on: date | None
    convention: dict[str, Any] | None
    ends_on: date | None
    renewals: int
    meetings: list[dict[str, Any]]
    bail: dict[str, Any] | None
    closure: dict[str, Any] | None
    last_occurred_on: date
    created_on: datetime
    modified_on: datetime

    @classmethod
    def of(cls, m: Mesure) -> MesurePublic:
        return cls(
            id=m.id,
            version=m.version,
            kind=m.kind,
            stage=m.stage,
            household_id=m.household_id,
            department=m.department,
            commune=m.commune,
            channel=m.channel,
            prescriber=ActorPublic(**m.prescriber.__dict__),
            requested_on=m.requested_on,
            min_months=m.min_months,
            origin_dossier_id=m.origin_dossier_id,
            previous_mesure_id=m.previous_mesure_id,
            chain_renewals=m.chain_renewals,
            association=m.association,
            association_name=m.association_name,
            renforce=m.renforce,
            notified_on=m.notified_on,
            convention=m.convention,
            ends_on=m.ends_on,
            renewals=m.renewals,
            meetings=[{"on": day, "held": held} for day, held in m.meetings],
            bail=m.bail,
            closure=m.closure,
            last_occurred_on=m.last_occurred_on,
            created_on=m.created_on,
            modified_on=m.modified_on,
        )


class SaisinePublic(BaseModel):
    """A CCAPEX referral as it stands, with what its history shows of
    CCAPEX-SAISINE (a rule judged afterwards: `findings`)."""

    id: UUID
    version: int
    stage: str
    source: str
    household_id: UUID
    department: str
    commune: str
    landlord: str
    landlord_is_legal_entity: bool
    arrears: Decimal
    referred_on: date = Field(description="Jour de la saisine de la CCAPEX")
    signalled_by: ActorPublic
    registered_on: date | None
    summons_on: date | None
    hearing_on: date | None
    enquiry: dict[str, Any] | None
    orientations: list[dict[str, Any]]
    examinations: list[date] = Field(description="Jours des séances d'examen")
    avis: list[dict[str, Any]]
    follow_ups: list[dict[str, Any]]
    outcome: str | None
    closed_on: date | None
    truce_exception: str | None = Field(
        description="Expulsion pendant la trêve : exception invoquée (CPCE L412-6)"
    )
    findings: list[str] = Field(
        description="CCAPEX-SAISINE : délais non respectés que montre l'historique"
    )
    last_occurred_on: date
    created_on: datetime
    modified_on: datetime

    @classmethod
    def of(cls, s: Saisine) -> SaisinePublic:
        return cls(
            id=s.id,
            version=s.version,
            stage=s.stage,
            source=s.source,
            household_id=s.household_id,
            department=s.department,
            commune=s.commune,
            landlord=s.landlord,
            landlord_is_legal_entity=s.landlord_is_legal_entity,
            arrears=s.arrears,
            referred_on=s.referred_on,
            signalled_by=ActorPublic(**s.signalled_by.__dict__),
            registered_on=s.registered_on,
            summons_on=s.summons_on,
            hearing_on=s.hearing_on,
            enquiry=s.enquiry,
            orientations=s.orientations,
            examinations=s.examinations,
            avis=s.avis,
            follow_ups=s.follow_ups,
            outcome=s.outcome,
            closed_on=s.closed_on,
            truce_exception=s.truce_exception,
            findings=s.findings,
            last_occurred_on=s.last_occurred_on,
            created_on=s.created_on,
            modified_on=s.modified_on,
        )


class MesuresPublic(BaseModel):
    data: list[MesureRow]
    count: int
    position: int


class WorkloadPublic(BaseModel):
    """Each association's measures as they stood on `as_of` (the steps dated up
    to that day), judged by the department's settings in force that day."""

    as_of: date | None = Field(
        description="Jour demandé ; absent : le jour qu'il est dans chaque "
        "département (voir as_of de chaque ligne)"
    )
    associations: list[AssociationWorkload] = Field(
        description="active : mesures qui occupent une place (notifiée, diagnostic "
        "fait, en cours, renouvellement demandé), face à capacity ; renforces face à "
        "renforce_capacity ; ending_soon : convention en cours qui finit dans les 30 "
        "jours (dernier jour inclus) sans renouvellement demandé pour cette période, "
        "ou renouvellement demandé non décidé ; overdue_bilans : sous convention "
        "après son dernier jour, sans bilan ; few_meetings : sous convention depuis "
        "au moins les 30 jours qui finissent à as_of et moins de meetings_per_month "
        "rencontres tenues dans ces 30 jours"
    )
    workers: list[WorkerCaseload] = Field(
        description="Par référent : mesures qui occupent une place, sous sa convention"
    )
    position: int


class StatisticsPublic(BaseModel):
    """A department's ASLL figures for a civil year; each step is counted in the
    year of the day it happened (occurred_on)."""

    department: str
    year: int
    requested: int = Field(description="Mesures demandées dans l'année")
    instructed: int = Field(description="Demandes instruites dans l'année")
    granted: int = Field(description="dont accordées")
    refused: int = Field(description="dont refusées")
    notified: int = Field(description="Mesures notifiées à une association")
    conventions: int = Field(description="Conventions signées dans l'année")
    by_orientation: list[OrientationCount] = Field(
        description="Conventions de l'année par orientation, part en % (une "
        "décimale) : accès, maintien, diagnostic"
    )
    by_kind: list[KindCount] = Field(
        description="Conventions de l'année par nature de mesure, part en % (une "
        "décimale) : individuelle, bail glissant, action spécifique"
    )
    baux_glissants_share_percent: float | None = Field(
        description="Part des baux glissants dans les conventions de l'année, en % "
        "(une décimale ; null sans convention)"
    )
    reoriented: int = Field(description="Réorientées au diagnostic complémentaire")
    ended: int = Field(description="Terminées par un bilan co-signé")
    broken_off: int = Field(description="Rompues par le ménage")
    baux_glissants_started: int = Field(
        description="Baux glissants commencés : sous-locations qui débutent dans "
        "l'année"
    )
    baux_glissants_slid: int = Field(description="Baux glissés au ménage")
    households_supported: int = Field(
        description="Ménages distincts ayant une mesure sous convention (de son "
        "début à sa fin ou rupture) un jour de l'année"
    )
    demands_processed: int = Field(description="Demandes traitées (instruites)")
    mandats_de_gestion: int | None = Field(
        description="Non enregistrés dans Logis : toujours null"
    )
    notes: list[str]
    assumptions: list[str] = Field(
        description="Lectures des chiffres des sources qui sont des hypothèses"
    )
    position: int


class LltsStatisticsPublic(BaseModel):
    """A department's LLTS figures for a civil year, as the ALS gives its own
    (seed 001); each step counted in the year of the day it happened
    (occurred_on). `definitions` says what each figure counts in Logis's events;
    `assumptions`, where that reading of the seed is ours."""

    department: str
    year: int
    demands_identified: int = Field(description="Dossiers identifiés (repérage)")
    demands_processed: int = Field(
        description="Demandes traitées : dossiers dont l'analyse par l'ALS a commencé"
    )
    attributions: int = Field(description="Décisions d'attribution de la CAL")
    by_decision: list[DecisionCount] = Field(
        description="Attributions par décision, part en % (une décimale)"
    )
    leases_signed: int = Field(description="Baux signés")
    households_entered: int = Field(description="Ménages entrés dans les lieux")
    households_supported_after_entry: int = Field(
        description="Ménages accompagnés dans leur logement : sous convention ASLL "
        "un jour de l'année après leur entrée (dossier LLTS) ou par une mesure de "
        "maintien"
    )
    supported_after_llts_entry: int = Field(
        description="dont après une entrée enregistrée par un dossier LLTS"
    )
    supported_in_maintien: int = Field(description="dont par une mesure de maintien")
    definitions: dict[str, str]
    assumptions: list[str]
    position: int


class AuditEntryPublic(BaseModel):
    """One event of a record's audit trail, for people: what (label), on what
    legal basis, who, when recorded, when it happened, in which commission."""

    version: int
    position: int = Field(description="Position de l'événement dans le journal")
    type: str
    label: str
    basis: str = Field(description="Fondement : règle du DOMAIN §8 et sa source")
    actor: ActorPublic
    recorded_at: datetime
    occurred_on: date
    commission_id: UUID | None
    summary: str

    @classmethod
    def of(cls, row: AuditRow) -> AuditEntryPublic:
        return cls(
            version=row.version,
            position=row.position,
            type=row.event_type,
            label=row.label,
            basis=row.basis,
            actor=ActorPublic(
                subject=row.actor_subject,
                role=row.actor_role,
                organisation=row.actor_organisation,
            ),
            recorded_at=row.recorded_at,
            occurred_on=row.occurred_on,
            commission_id=row.commission_id,
            summary=row.summary,
        )


class AuditTrailPublic(BaseModel):
    id: UUID
    kind: str = Field(description="dossier, mesure, programme, commission, saisine")
    kind_label: str
    department: str | None
    commune: str | None
    events: list[AuditEntryPublic]
    count: int
    position: int

    @classmethod
    def of(
        cls,
        record: AuditRecord,
        rows: Sequence[AuditRow],
        position: int,
    ) -> AuditTrailPublic:
        return cls(
            id=record.id,
            kind=record.kind,
            kind_label=AUDIT_KIND_LABELS.get(record.kind, record.kind),
            department=record.department,
            commune=record.commune,
            events=[AuditEntryPublic.of(row) for row in rows],
            count=len(rows),
            position=position,
        )
