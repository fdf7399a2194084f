"""A short factual French summary of each event, one per event class.

Summaries keep decisions, avis, motives, ranks and dates; never the text of a
social enquiry, a diagnostic, a bilan, findings or free notes (DOMAIN.md §9).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain import commission as c
from domain import dossier as d
from domain import mesure as m
from domain import programme as p
from domain import saisine as s
from domain.personal import ERASED
from domain.shared import fr_day

if TYPE_CHECKING:
    from collections.abc import Callable


def day(value: date | None) -> str:
    return "—" if value is None else fr_day(value)


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
