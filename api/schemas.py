"""What the API answers (the commands' bodies are the models of commands/)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from commands.application import CommandResult
from domain.commission import Commission
from domain.dossier import EVENT_LABELS, Dossier
from domain.mesure import Mesure
from domain.programme import Programme
from domain.shared import RecordedEvent
from projections.commissions import (
    CommissionList,
    CommissionRow,
    CommuneListe,
    DwellingDecisions,
    EntryRow,
)
from projections.dossier_list import DossierRow
from projections.follow_up import BilanRow, ReadyDossier, SupportRequestRow
from projections.programmes import ProgrammeRow


class CommandAnswer(BaseModel):
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
