"""The audit trail: every event of every record (dossier, ASLL measure,
programme, commission session, CCAPEX referral) in the order it was recorded,
with who acted (subject, role, organisation), when it was recorded and when it
happened, its French label, its legal basis, the commission it belongs to and a
short factual summary of what it decided.

Summaries keep decisions, avis, motives, ranks and dates; never the text of a
social enquiry, a diagnostic, a bilan, findings or free notes (DOMAIN.md §9:
commissions get the summary avis, not the social enquiry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import singledispatchmethod
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import Tracking

from domain import commission as c
from domain import dossier as d
from domain import mesure as m
from domain import programme as p
from domain import saisine as s
from domain.personal import ERASED, erased_copy
from domain.records import KINDS, kind_of
from domain.shared import RecordedEvent
from projections.rows import Row, RowProjection, RowView, Table

if TYPE_CHECKING:
    from collections.abc import Callable

    from domain.clocks import Clocks

EVENTS = Table(
    name="events",
    columns={
        "aggregate_id": "uuid",
        "version": "int",
        "kind": "text",  # dossier, mesure, programme, commission, saisine
        "position": "int",  # the event's notification id in the store
        "event_type": "text",
        "label": "text",
        "basis": "text",
        "actor_subject": "text",
        "actor_role": "text",
        "actor_organisation": "text",
        "recorded_at": "datetime",
        "occurred_on": "date",
        "commission_id": "uuid",
        # The summary as it reads once the household's personal data are
        # erased (domain/personal.py): it names nobody, so it is kept in clear.
        "summary": "text",
        # The full summary when it differs, sealed under the household's key
        # (infra/sealed_columns.py): erased with it.
        "personal_summary": "text",
    },
    key=("aggregate_id", "version"),
    personal={"personal_summary": "aggregate_id"},
    indexes=(("commission_id",),),
)
# Each record once, from its first event: what kind it is and where.
RECORDS = Table(
    name="records",
    columns={
        "id": "uuid",
        "kind": "text",
        "department": "text",
        "commune": "text",
    },
    key=("id",),
)


def audit_topics() -> tuple[str, ...]:
    return tuple(cls.TOPIC for k in KINDS for cls in k.event_classes())


@dataclass(frozen=True)
class AuditRow:
    aggregate_id: UUID
    version: int
    kind: str
    position: int
    event_type: str
    label: str
    basis: str
    actor_subject: str
    actor_role: str
    actor_organisation: str
    recorded_at: datetime
    occurred_on: date
    commission_id: UUID | None
    summary: str


@dataclass(frozen=True)
class AuditRecord:
    id: UUID
    kind: str
    department: str | None
    commune: str | None


class AuditTrailProjection(RowProjection):
    name = "audit_trail"
    version = 3  # 3: the personal summary apart, sealed
    tables = (EVENTS, RECORDS)
    topics = audit_topics()

    @singledispatchmethod
    def process_event(self, _: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def event_recorded(self, event: RecordedEvent, tracking: Tracking) -> None:
        kind = kind_of(event)
        if kind is None:
            return  # bookkeeping (settings, loads, listes): not a record
        cls = type(event)
        summary = summarise(event)
        erased = summarise(erased_copy(event))
        if event.originator_version == 1:
            self.view.insert(
                "records",
                {
                    "id": event.originator_id,
                    "kind": kind.name,
                    "department": getattr(event, "department", None),
                    "commune": getattr(event, "commune", None),
                },
            )
        self.view.insert(
            "events",
            {
                "aggregate_id": event.originator_id,
                "version": event.originator_version,
                "kind": kind.name,
                "position": tracking.notification_id,
                "event_type": cls.__name__,
                "label": kind.labels.get(cls, cls.__name__),
                "basis": kind.bases.get(cls, ""),
                "actor_subject": event.actor.subject,
                "actor_role": event.actor.role,
                "actor_organisation": event.actor.organisation,
                "recorded_at": event.timestamp,
                "occurred_on": event.occurred_on,
                "commission_id": commission_of(kind.name, event),
                "summary": erased,
                "personal_summary": summary if summary != erased else None,
            },
        )
        if type(event).__name__ == "PersonalDataErased":
            self._erase_summaries(event.originator_id, event.originator_version)

    def _erase_summaries(self, aggregate_id: UUID, erased_at_version: int) -> None:
        # Unreadable already (its key is gone): no longer kept at all.
        for version in range(1, erased_at_version):
            row = self.view.get("events", (aggregate_id, version))
            if row is not None and row["personal_summary"] is not None:
                self.view.update(
                    "events", (aggregate_id, version), {"personal_summary": None}
                )


def commission_of(kind: str, event: Any) -> UUID | None:
    """The commission the event belongs to: a session's own events; a dossier's
    pré-sélection, ranking, CAL decision or deferral; the one commission whose
    liste complémentaire a vacancy's candidates all come from."""
    if kind == "commission":
        return event.originator_id  # type: ignore[no-any-return]
    if isinstance(event, p.Programme.CandidatesProposed):
        ids = {candidate.get("commission_id") for candidate in event.candidates}
        only = ids.pop() if len(ids) == 1 else None
        return UUID(str(only)) if only else None
    found = getattr(event, "commission_id", None)
    return found if isinstance(found, UUID) else None


def select_trail(view: RowView, aggregate_id: UUID) -> list[AuditRow]:
    rows, _ = view.select("events", {"aggregate_id": aggregate_id}, ("version",))
    return [
        AuditRow(
            **{c: v for c, v in row.items() if c != "personal_summary"}
            | {"summary": _readable_summary(row)}
        )
        for row in rows
    ]


def trail_by(clocks: Clocks, rows: list[AuditRow]) -> list[AuditRow]:
    """The rows of events recorded by `known_at` that had happened by `as_of`
    (domain/clocks.py), in version order: a step recorded late stays in its
    place, its two dates shown."""
    return [
        row
        for row in rows
        if (clocks.known_at is None or row.recorded_at <= clocks.known_at)
        and (clocks.as_of is None or row.occurred_on <= clocks.as_of)
    ]


def _readable_summary(row: Row) -> str:
    """The full summary while it can be read, else the one naming nobody."""
    personal = row["personal_summary"]
    return personal if personal not in (None, ERASED) else row["summary"]


def find_record(view: RowView, record_id: UUID) -> AuditRecord | None:
    rows, _ = view.select("records", {"id": record_id}, limit=1)
    return AuditRecord(**rows[0]) if rows else None


def select_records(
    view: RowView,
    department: str,
    commune: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> tuple[list[AuditRecord], int]:
    """The records (every kind) sitting in a department, or one of its communes,
    by kind then id, and how many there are."""
    where = {"department": department}
    if commune is not None:
        where["commune"] = commune
    rows, total = view.select("records", where, ("kind", "id"), limit, offset)
    return [AuditRecord(**row) for row in rows], total


# ---- the summaries, one per event class -------------------------------------------


def day(value: date | None) -> str:
    return "—" if value is None else f"{value:%d/%m/%Y}"


def _join(*parts: str | None) -> str:
    return " ; ".join(part for part in parts if part)


def _if(value: object, text: str) -> str | None:
    return text if value not in (None, "", [], ()) else None


def _listed(values: Any) -> str:
    return ", ".join(str(v) for v in values)


def _euros(amount: Decimal | None) -> str:
    if amount is None:  # a household's figure, erased
        return ERASED
    return f"{amount} €".replace(".", ",")  # French decimal comma


def _percent(ratio: Decimal | None) -> str:
    if ratio is None:
        return ERASED
    return f"{(ratio * 100).quantize(Decimal('0.01'))} %".replace(".", ",")


def _reason(e: Any) -> str:
    return f"Motif : {e.reason}"


def _motive(e: Any) -> str | None:
    return _if(e.motive, f"motif : {e.motive}")


def _identified(e: d.Dossier.Identified) -> str:
    return _join(
        f"Ménage « {e.applicant_name} », {e.household_size} personne(s)",
        f"commune {e.commune}",
        "DALO" if e.dalo else None,
        _if(e.numero_unique, f"numéro unique {e.numero_unique}"),
    )


def _resources(e: d.Dossier.ResourcesChecked) -> str:
    return _join(
        f"Ressources annuelles {_euros(e.annual_resources)}",
        f"plafond {_euros(e.ceiling)} (catégorie {e.household_category}, "
        f"{e.ceiling_year})",
        "éligible" if e.eligible else "inéligible",
    )


def _solvency(e: d.Dossier.SolvencyAssessed) -> str:
    return _join(
        f"Avis : {e.opinion}",
        f"taux d'effort {_percent(e.taux_effort)}",
        f"reste à vivre {_euros(e.reste_a_vivre_per_person)} par personne",
        "seuils respectés" if e.thresholds_met else "seuils non respectés",
        _motive(e),
    )


def _ranked(e: d.Dossier.Ranked) -> str:
    return _join(
        f"Issue : {e.outcome}",
        _if(e.rank, f"rang {e.rank}"),
        _if(e.list_valid_until, f"liste valable jusqu'au {day(e.list_valid_until)}"),
        _motive(e),
    )


def _cal_decided(e: d.Dossier.CALDecided) -> str:
    return _join(
        f"Décision : {e.decision}",
        _if(e.dwelling_ref, f"logement {e.dwelling_ref}"),
        _if(e.rank, f"rang {e.rank}"),
        _if(
            e.missing_document,
            f"pièce manquante {e.missing_document} avant le "
            f"{day(e.condition_deadline)}",
        ),
        _motive(e),
    )


def _lease(e: d.Dossier.LeaseSigned) -> str:
    return _join(
        f"Logement {e.dwelling_ref}",
        f"bail à compter du {day(e.lease_start)}",
        f"loyer {_euros(e.rent)}, charges {_euros(e.charges)}",
    )


def _mesure_requested(e: m.Mesure.Requested) -> str:
    return _join(
        f"Mesure {e.kind}",
        f"commune {e.commune}",
        _if(e.association_name, f"association {e.association_name}"),
        _if(e.min_months, f"au moins {e.min_months} mois"),
    )


def _convention(e: m.Mesure.ConventionSigned) -> str:
    return _join(
        f"Orientation {e.orientation}",
        f"axes : {_listed(e.axes)}",
        f"{e.duration_months} mois, du {day(e.starts_on)} au {day(e.ends_on)}",
        f"référent {e.worker}",
        f"signée par {_listed(e.signed_by)}",
    )


def _convened(e: c.Commission.Convened) -> str:
    return _join(
        f"{e.kind} du {day(e.held_on)}",
        f"commune {e.commune}",
        _if(e.landlord, f"bailleur {e.landlord}"),
        _if(e.dwelling_refs, f"logements {_listed(e.dwelling_refs)}"),
    )


def _attendance(e: c.Commission.AttendanceRecorded) -> str:
    chair = e.presided_by
    return _join(
        f"{len(e.attendees)} présent(s)",
        chair and f"présidence : {chair['function']} ({chair['organisation']})",
    )


def _ranking(e: c.Commission.RankingDecided) -> str:
    return _join(
        f"{len(e.ranked)} classé(s)",
        f"{len(e.liste_complementaire)} en liste complémentaire"
        + (f" jusqu'au {day(e.list_valid_until)}" if e.list_valid_until else ""),
        f"{len(e.non_retenus)} non retenu(s)",
        _if(e.departures, f"{len(e.departures)} dérogation(s) à l'ordre du RDA"),
    )


def _cal_decisions(e: c.Commission.CALDecisionsTaken) -> str:
    return _join(
        f"Logement {e.dwelling_ref}",
        _listed(f"{x['dossier_id']} : {x['decision']}" for x in e.decisions),
        _if(e.exception, f"moins de trois candidats : {e.exception}"),
    )


def _signalled(e: s.Saisine.Signalled) -> str:
    return _join(
        f"Source : {e.source}",
        f"bailleur {e.landlord}",
        f"impayés {_euros(e.arrears)}",
        _if(e.summons_on, f"assignation le {day(e.summons_on)}"),
        _if(e.hearing_on, f"audience le {day(e.hearing_on)}"),
    )


def _court_dates(e: s.Saisine.CourtDatesRecorded) -> str:
    return _join(
        _if(e.summons_on, f"Assignation le {day(e.summons_on)}"),
        _if(e.hearing_on, f"audience le {day(e.hearing_on)}"),
    )


SUMMARIES: dict[type, Callable[[Any], str]] = {
    d.Dossier.Identified: _identified,
    d.Dossier.SocialEnquiryRendered: lambda e: f"Avis : {e.avis}",
    d.Dossier.MairieAvisRendered: lambda e: f"Avis : {e.avis}",
    d.Dossier.Completed: lambda e: f"Pièces : {_listed(e.documents)}",
    d.Dossier.DemandRenewed: lambda e: f"Numéro unique : {e.numero_unique}",
    d.Dossier.ResourcesChecked: _resources,
    d.Dossier.DocumentsRequested: lambda e: (
        f"Pièces : {_listed(e.documents)} ; par {e.through_organisation} "
        f"({e.through_role})"
    ),
    d.Dossier.DocumentsReceived: lambda e: f"Pièces : {_listed(e.documents)}",
    d.Dossier.SolvencyAssessed: _solvency,
    d.Dossier.PreSelected: lambda e: f"Issue : {e.outcome}",
    d.Dossier.Ranked: _ranked,
    d.Dossier.CALDecided: _cal_decided,
    d.Dossier.Deferred: lambda e: _join(
        f"Motif : {e.motive}", f"retour en séance le {day(e.return_session_on)}"
    ),
    d.Dossier.ConditionFulfilled: lambda e: f"Pièce : {e.document}",
    d.Dossier.Offered: lambda e: _join(
        f"Logement {e.dwelling_ref}",
        f"réponse au plus tard le {day(e.answer_deadline)}",
    ),
    d.Dossier.OfferRefused: lambda e: _if(e.motive, f"Motif : {e.motive}") or "",
    d.Dossier.LeaseSigned: _lease,
    d.Dossier.InformationMeetingAttended: lambda e: f"Thèmes : {_listed(e.topics)}",
    d.Dossier.InstallationReviewed: lambda e: _join(
        f"Issue : {e.outcome}",
        _if(e.support_months, f"accompagnement de {e.support_months} mois"),
    ),
    d.Dossier.Withdrawn: _reason,
    d.Dossier.DeclaredInadmissible: _reason,
    d.Dossier.Radiated: _reason,
    d.Dossier.ListExpired: _reason,
    d.Dossier.Closed: _reason,
    m.Mesure.Requested: _mesure_requested,
    m.Mesure.Instructed: lambda e: _join(
        f"{'Accordée' if e.granted else 'Refusée'} (instruction : {e.channel})",
        _motive(e),
    ),
    m.Mesure.Notified: lambda e: _join(
        f"Association {e.association_name}", "suivi renforcé" if e.renforce else None
    ),
    m.Mesure.ComplementaryDiagnosisDone: lambda e: _join(
        f"Issue : {e.outcome}", _if(e.reoriented_to, f"vers {e.reoriented_to}")
    ),
    m.Mesure.ConventionSigned: _convention,
    m.Mesure.MeetingHeld: lambda e: f"Rencontre : {e.kind}",
    m.Mesure.MeetingMissed: lambda e: (
        "Ménage relancé" if e.relaunched else "Sans relance"
    ),
    m.Mesure.RenewalRequested: lambda e: f"{e.months} mois ; motif : {e.reason}",
    m.Mesure.Renewed: lambda e: f"{e.months} mois, jusqu'au {day(e.ends_on)}",
    m.Mesure.RenewalRefused: lambda e: f"Motif : {e.motive}",
    m.Mesure.Ended: lambda e: _join(
        f"Bilan signé par {_listed(e.signed_by)}",
        f"rendu à {e.returned_to}",
        f"relais vers {e.relayed_to}",
    ),
    m.Mesure.BrokenOff: lambda e: _join(
        f"Motif : {e.motive}", f"relais vers {e.relayed_to}"
    ),
    m.Mesure.HeadLeaseSigned: lambda e: _join(
        f"Bailleur {e.landlord}",
        f"logement {e.dwelling_ref}",
        f"à compter du {day(e.starts_on)}",
    ),
    m.Mesure.SubleaseSigned: lambda e: f"À compter du {day(e.starts_on)}",
    m.Mesure.SubleaseEnded: lambda e: f"Motif : {e.motive}",
    p.Programme.Announced: lambda e: _join(
        f"{e.name} ({e.kind})",
        f"bailleur {e.landlord}",
        f"commune {e.commune}",
        f"{len(e.dwellings)} logement(s)",
    ),
    p.Programme.ConcertationHeld: lambda e: _join(
        f"{e.dossiers_per_dwelling} dossier(s) par logement, "
        f"{e.dossiers_to_gather} à rassembler",
        f"{len(e.present)} présent(s) sur {len(e.invited)} invité(s)",
        _if(e.quota_motive, f"motif du quota : {e.quota_motive}"),
    ),
    p.Programme.DwellingLet: lambda e: _join(
        f"Logement {e.ref}",
        f"dossier {e.dossier_id}",
        f"bail à compter du {day(e.lease_start)}",
    ),
    p.Programme.DwellingVacated: lambda e: (
        f"Logement {e.ref}, libéré le {day(e.vacated_on)}"
    ),
    p.Programme.CandidatesProposed: lambda e: (
        f"Logement {e.ref} : {len(e.candidates)} candidat(s)"
    ),
    p.Programme.DwellingAttributed: lambda e: (
        f"Logement {e.ref} : CAL {e.commission_id}, "
        f"{len(e.dossier_ids)} ménage(s) attributaire(s)"
    ),
    c.Commission.Convened: _convened,
    c.Commission.AttendanceRecorded: _attendance,
    c.Commission.PreSelectionDecided: lambda e: f"Dossier {e.dossier_id} : {e.outcome}",
    c.Commission.RankingDecided: _ranking,
    c.Commission.CALDecisionsTaken: _cal_decisions,
    s.Saisine.Signalled: _signalled,
    s.Saisine.EnquiryRequested: lambda e: f"Opérateur : {e.operator}",
    s.Saisine.Oriented: lambda e: f"Vers : {e.towards}",
    s.Saisine.Examined: lambda e: f"Séance du {day(e.session_on)}",
    s.Saisine.AvisIssued: lambda e: f"Recommandations : {_listed(e.recommendations)}",
    s.Saisine.CourtDatesRecorded: _court_dates,
    s.Saisine.Closed: lambda e: _join(
        f"Issue : {e.outcome}",
        _if(e.truce_exception, f"exception à la trêve : {e.truce_exception}"),
    ),
}


def summarise(event: object) -> str:
    """A short factual French summary of what the event recorded ("" if the
    label says it all, or if its content is not for an audit trail)."""
    summary = SUMMARIES.get(type(event))
    return summary(event) if summary is not None else ""
