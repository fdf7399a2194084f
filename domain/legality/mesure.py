"""Legality of an ASLL measure's history (issue 6): the DOMAIN.md §8 rules of
the measure and of its bail glissant, read from the recorded events.

`check_mesure` reads one measure's events (no aggregate, no I/O) and reports:

- the "hist" rules, only visible afterwards: ASLL-DUREE, ASLL-RYTHME,
  BG-GLISSEMENT, BILAN-SUITE, RGPD-CONSERVATION;
- the "cmd" rules checked again on any history, since an imported history never
  went through the commands: ASLL-PRESCRIPTEUR, ASLL-ADHESION, ASLL-CANAL,
  ASLL-CONTENU, ASLL-FIN (and the command side of ASLL-DUREE).

`check_association` reads the histories of an association's measures together
for ASLL-CAPACITE, the one rule no single history shows.

Only the events that happened by the end of `as_of` (`occurred_on <= as_of`)
count; they are read in version order. Each step is judged by the department's
settings version in force on its day (`settings_on`), and a finding that read a
setting names that version; a step older than any settings version is not
judged on the rules that need one.

Readings chosen where the seeds are loose:

- ASLL-DUREE: a convention whose length is outside the department's bounds
  (`asll_min_months`..`asll_max_months`, in force on the signing day); a
  renewal beyond the number allowed (`asll_renewals_allowed`) or longer than
  `asll_max_months` (in force on the renewal's day), or decided by another
  commission than the one that notified the measure (Loire: the prolongation
  is asked of the notifying CLU/CLT). And the cover: the convention's
  `ends_on` (then each renewal's) is the measure's last day; by then it is
  renewed, ended by its bilan or broken off. Otherwise the breach arises the
  day after: the measure still runs without renewal, a renewal is decided
  after the end, or the bilan or the rupture comes after it. One finding per
  uncovered end, whatever came later.
- ASLL-RYTHME: "about two meetings a month" is read per month of the
  convention (from `starts_on`, month after month, while it is covered by the
  convention and its granted renewals and the measure is open): a whole month
  with fewer meetings held (missed ones do not count) than `meetings_per_month`
  in force on the month's first day is a breach the day after that month ends.
  A month cut short by the end of the measure is not judged.
- BG-GLISSEMENT: the sublet is reviewed at least every
  `bail_glissant_review_months` (in force on the day the period starts: the
  sublease's start, then each review); a review missing by its due date is a
  breach the day after it (one per missed period; a late review starts the next
  period). A review is "with both parties" when recorded by a party to the
  bail glissant: the association running the measure or the head lease's
  landlord. The event records one actor and no co-signature, so a review
  recorded by anyone else (an import) is reported and does not count. The
  sublet ends by the lease sliding or the sublease's end, at the latest with the
  measure: a measure ended or broken off while the household still sublets is
  a breach on that day.
- BILAN-SUITE (the measure's side): a measure asked after a bilan
  d'installation that found problems records its minimum (`min_months`); a
  convention shorter than that (signing day), or a measure ended by its bilan
  before that many months from the convention's start (its end day), breaks it.
  A rupture by the household does not.
- RGPD-CONSERVATION: social-support data are kept `support_retention_months`
  after the last contact, read as the measure's last recorded step (in force on
  that day); past that, the history is due for erasure: an alert the day after.
- ASLL-PRESCRIPTEUR: the requester's role is among `prescriber_roles` in force
  on the request's day, or the association itself for its own specific action
  when the settings make it one that instructs directly.
- ASLL-ADHESION: a diagnostic co-signed by the household and summarised; a
  convention signed by the association, the household and the prescriber; no
  meeting before the convention runs (support started without adhesion).
- ASLL-CANAL: instruction, notification and the renewal decision by the CLU or
  CLT (`commission_logement`) for individual measures and baux glissants, by
  the association itself for its specific actions; a specific action notified
  to its own association, one that instructs directly in the settings.
- ASLL-CONTENU: an orientation (accès, maintien, diagnostic) and at least one
  work axis, every axis in `asll_work_axes` in force on the signing day.
- ASLL-FIN: a bilan written and signed by the worker and the household,
  returned to the channel that instructed and relayed to a named service; a
  rupture relayed to a named service.
- ASLL-CAPACITE: places are counted as `domain.association.AssociationLoad`
  counts them, at once: a measure holds a place from its notification until it
  ends, breaks off or is reoriented (a place freed on a day serves a
  notification of that day). A notification that takes the association above
  its `monthly_capacity` (or its `renforce_capacity` for a suivi renforcé) in
  force that day is a breach that day, reported on that measure. A later
  settings version lowering the capacity does not make the places already
  held a breach.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from domain import mesure as m
from domain.legality.rules import Finding, in_force
from domain.mesure import Mesure
from domain.shared import add_months

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from uuid import UUID

    from domain.department import DepartmentSettings
    from domain.legality.rules import SettingsOn

CLOSINGS = (Mesure.Ended, Mesure.BrokenOff)
BAIL_PARTIES = frozenset({"association", "bailleur"})
BILAN_SIGNATORIES = ("travailleur_social", "menage")
LATE_STEPS: dict[type, str] = {
    Mesure.Renewed: "renouvellement décidé",
    Mesure.Ended: "bilan de fin de mesure",
    Mesure.BrokenOff: "rupture constatée",
}


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _of(events: Sequence[Any], *classes: type) -> list[Any]:
    return [event for event in events if isinstance(event, classes)]


def _first(events: Sequence[Any], *classes: type) -> Any | None:
    return next(iter(_of(events, *classes)), None)


def _known(events: Iterable[Any], as_of: date) -> list[Any]:
    return sorted(
        (e for e in events if e.occurred_on <= as_of),
        key=lambda e: e.originator_version,
    )


def _the_day_after(day: date) -> date:
    return day + timedelta(days=1)


# ---- the request ----------------------------------------------------------------


def _check_prescriber(events: Sequence[Any], settings_on: SettingsOn) -> list[Finding]:
    request = _first(events, Mesure.Requested)
    judged = request and in_force(settings_on, request.occurred_on)
    if not judged:
        return []
    number, settings = judged
    allowed = set(settings.prescriber_roles)
    association = request.association and settings.association(request.association)
    if request.kind == "action_specifique" and association and association.direct:
        allowed.add("association")
    if request.actor.role in allowed:
        return []
    return [
        Finding(
            "ASLL-PRESCRIPTEUR",
            f"Mesure demandée le {_day(request.occurred_on)} par "
            f"{request.actor.organisation} (rôle « {request.actor.role} »), qui "
            f"n'est pas un prescripteur habilité (rôles : "
            f"{', '.join(sorted(allowed))}).",
            (request.originator_version,),
            request.occurred_on,
            number,
        )
    ]


def _check_adhesion(events: Sequence[Any], settings_on: SettingsOn) -> list[Finding]:
    findings = []
    request = _first(events, Mesure.Requested)
    if request is not None and not (
        request.diagnostic.get("household_signed")
        and str(request.diagnostic.get("summary") or "").strip()
    ):
        findings.append(
            Finding(
                "ASLL-ADHESION",
                f"Mesure demandée le {_day(request.occurred_on)} sans diagnostic "
                "préalable co-signé par le ménage.",
                (request.originator_version,),
                request.occurred_on,
            )
        )
    convention = None
    for event in events:
        if isinstance(event, Mesure.ConventionSigned):
            convention = event
            missing = [s for s in m.SIGNATORIES if s not in event.signed_by]
            if missing:
                findings.append(
                    Finding(
                        "ASLL-ADHESION",
                        f"Convention du {_day(event.occurred_on)} sans la signature "
                        f"de : {', '.join(missing)}.",
                        (event.originator_version,),
                        event.occurred_on,
                    )
                )
        elif isinstance(event, Mesure.MeetingHeld) and (
            convention is None or event.occurred_on < convention.starts_on
        ):
            findings.append(
                Finding(
                    "ASLL-ADHESION",
                    f"Rencontre du {_day(event.occurred_on)} avant toute convention "
                    "en cours : l'accompagnement commence sans l'adhésion signée.",
                    (event.originator_version,),
                    event.occurred_on,
                )
            )
    return findings


def _check_channel(events: Sequence[Any], settings_on: SettingsOn) -> list[Finding]:
    """ASLL-CANAL: each step by the channel recorded with the request; a
    measure of a kind the department's settings in force that day give to
    another channel, or to none, is asked of the wrong one."""
    request = _first(events, Mesure.Requested)
    if request is None or request.kind not in m.KINDS:
        return []
    direct = request.kind == "action_specifique"
    findings = []
    judged = in_force(settings_on, request.occurred_on)
    configured = judged and judged[1].channel(request.kind)
    if (
        judged
        and not direct
        and (configured is None or configured.code != request.channel)
    ):
        expected = configured.name if configured else "aucun canal configuré"
        findings.append(
            Finding(
                "ASLL-CANAL",
                f"Mesure « {request.kind} » demandée le "
                f"{_day(request.occurred_on)} pour instruction par "
                f"{request.channel_name} ; le département la confie à : {expected}.",
                (request.originator_version,),
                request.occurred_on,
                judged[0],
            )
        )

    def breach(event: Any, what: str, number: int | None = None) -> None:
        findings.append(
            Finding(
                "ASLL-CANAL",
                f"{what} le {_day(event.occurred_on)} par {event.actor.organisation} "
                f"(rôle « {event.actor.role} ») : une mesure « {request.kind} » "
                f"relève de {request.channel_name}.",
                (event.originator_version,),
                event.occurred_on,
                number,
            )
        )

    steps = (
        (Mesure.Instructed, "Demande instruite"),
        (Mesure.Notified, "Mesure notifiée"),
        (Mesure.Renewed, "Renouvellement décidé"),
        (Mesure.RenewalRefused, "Renouvellement refusé"),
    )
    members = request.channel_members
    for event in events:
        what = next((label for cls, label in steps if type(event) is cls), None)
        if what is None:
            continue
        actor = event.actor
        if actor.role != request.channel_role or (
            members and actor.organisation not in members
        ):
            breach(event, what)
        elif isinstance(event, Mesure.Instructed) and event.channel != request.channel:
            breach(event, f"Demande instruite comme « {event.channel} »")
        elif direct and isinstance(event, Mesure.Notified):
            on_day = in_force(settings_on, event.occurred_on)
            association = on_day and on_day[1].association(event.association)
            if event.association != request.association:
                breach(event, f"Action spécifique notifiée à {event.association_name}")
            elif on_day and not (association and association.direct):
                breach(
                    event,
                    f"Action spécifique notifiée à {event.association_name}, qui "
                    "n'instruit pas elle-même,",
                    on_day[0],
                )
    return findings


# ---- the convention ---------------------------------------------------------------


def _check_content(events: Sequence[Any], settings_on: SettingsOn) -> list[Finding]:
    findings = []
    for convention in _of(events, Mesure.ConventionSigned):
        judged = in_force(settings_on, convention.occurred_on)
        if not judged:
            continue
        number, settings = judged
        unknown = [a for a in convention.axes if a not in settings.asll_work_axes]
        problems = []
        if convention.orientation not in m.ORIENTATIONS:
            problems.append(f"orientation « {convention.orientation} » inconnue")
        if not convention.axes:
            problems.append("aucun axe de travail")
        if unknown:
            problems.append(
                f"axes hors de la liste du département : {', '.join(unknown)}"
            )
        if problems:
            findings.append(
                Finding(
                    "ASLL-CONTENU",
                    f"Convention du {_day(convention.occurred_on)} : "
                    f"{' ; '.join(problems)}.",
                    (convention.originator_version,),
                    convention.occurred_on,
                    number,
                )
            )
    return findings


def _check_duration(events: Sequence[Any], settings_on: SettingsOn) -> list[Finding]:
    """ASLL-DUREE, the command side: lengths, renewals (counting those of the
    household's chain of measures) and who grants them."""
    findings = []
    notified = _first(events, Mesure.Notified)
    request = _first(events, Mesure.Requested)
    renewals = request.chain_renewals if request else 0
    judged = request and in_force(settings_on, request.occurred_on)
    if judged and renewals > judged[1].asll_renewals_allowed:
        findings.append(_chained_too_far(request, renewals, judged))
    for event in events:
        if not isinstance(event, Mesure.ConventionSigned | Mesure.Renewed):
            continue
        judged = in_force(settings_on, event.occurred_on)
        if not judged:
            continue
        number, settings = judged
        problems = []
        if isinstance(event, Mesure.ConventionSigned):
            low, high = settings.asll_min_months, settings.asll_max_months
            if not low <= event.duration_months <= high:
                problems.append(
                    f"Convention du {_day(event.occurred_on)} pour "
                    f"{event.duration_months} mois, hors des bornes du département "
                    f"({low} à {high} mois)."
                )
        else:
            renewals += 1
            allowed = settings.asll_renewals_allowed
            if renewals > allowed:
                problems.append(
                    f"Renouvellement n° {renewals} décidé le "
                    f"{_day(event.occurred_on)} : {allowed} au plus dans le "
                    "département."
                )
            if not 1 <= event.months <= settings.asll_max_months:
                problems.append(
                    f"Renouvellement du {_day(event.occurred_on)} pour {event.months} "
                    f"mois : de 1 à {settings.asll_max_months} mois."
                )
            notifier = notified.actor.organisation if notified else None
            if notifier and event.actor.organisation != notifier:
                problems.append(
                    f"Renouvellement décidé le {_day(event.occurred_on)} par "
                    f"{event.actor.organisation}, pas par {notifier} qui a notifié "
                    "la mesure."
                )
        findings += [
            Finding(
                "ASLL-DUREE",
                problem,
                (event.originator_version,),
                event.occurred_on,
                number,
            )
            for problem in problems
        ]
    return findings


def _check_cover(events: Sequence[Any], as_of: date) -> list[Finding]:
    """ASLL-DUREE, the history side: no day of support outside the convention."""
    findings = []
    period: Any = None  # the convention or the last renewal: it sets the end
    for event in events:
        if isinstance(event, Mesure.ConventionSigned) and period is None:
            period = event
            continue
        if period is None or not isinstance(event, (Mesure.Renewed, *CLOSINGS)):
            continue
        if event.occurred_on > period.ends_on:
            what = LATE_STEPS[type(event)]
            findings.append(
                Finding(
                    "ASLL-DUREE",
                    f"Mesure arrivée à son terme le {_day(period.ends_on)} sans "
                    f"renouvellement : {what} le {_day(event.occurred_on)}, après "
                    "la fin.",
                    (period.originator_version, event.originator_version),
                    _the_day_after(period.ends_on),
                )
            )
        if isinstance(event, Mesure.Renewed):
            period = event
        else:
            period = None  # closed: nothing more to cover
            break
    if period is not None and as_of > period.ends_on:
        findings.append(
            Finding(
                "ASLL-DUREE",
                f"La mesure court au-delà de son terme du {_day(period.ends_on)} "
                "sans renouvellement, ni bilan, ni rupture.",
                (period.originator_version,),
                _the_day_after(period.ends_on),
            )
        )
    return findings


def _check_rhythm(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    convention = _first(events, Mesure.ConventionSigned)
    if convention is None:
        return []
    last = max(e.ends_on for e in _of(events, Mesure.ConventionSigned, Mesure.Renewed))
    closing = _first(events, *CLOSINGS)
    if closing is not None:
        last = min(last, closing.occurred_on)
    meetings = _of(events, Mesure.MeetingHeld, Mesure.MeetingMissed)
    findings = []
    month = 0
    while True:
        first_day = add_months(convention.starts_on, month)
        last_day = add_months(convention.starts_on, month + 1) - timedelta(days=1)
        month += 1
        if last_day > last or last_day >= as_of:
            break
        judged = in_force(settings_on, first_day)
        if not judged:
            continue
        number, settings = judged
        in_month = [e for e in meetings if first_day <= e.occurred_on <= last_day]
        held = sum(1 for e in in_month if isinstance(e, Mesure.MeetingHeld))
        if held < settings.meetings_per_month:
            findings.append(
                Finding(
                    "ASLL-RYTHME",
                    f"{held} rencontre(s) tenue(s) du {_day(first_day)} au "
                    f"{_day(last_day)}, pour {settings.meetings_per_month} attendues "
                    "par mois.",
                    (
                        convention.originator_version,
                        *(e.originator_version for e in in_month),
                    ),
                    _the_day_after(last_day),
                    number,
                )
            )
    return findings


def _check_end(events: Sequence[Any], settings_on: SettingsOn) -> list[Finding]:
    request = _first(events, Mesure.Requested)
    channel = request.channel if request is not None else None
    findings = []
    for event in _of(events, *CLOSINGS):
        problems = []
        if isinstance(event, Mesure.Ended):
            missing = [s for s in BILAN_SIGNATORIES if s not in event.signed_by]
            if not event.bilan.strip():
                problems.append("sans bilan rédigé")
            if missing:
                problems.append(f"bilan sans la signature de : {', '.join(missing)}")
            if channel and event.returned_to != channel:
                problems.append(
                    f"bilan retourné à « {event.returned_to} » et non à "
                    f"{request.channel_name}"
                )
        if not event.relayed_to.strip():
            problems.append("sans relais au service prescripteur")
        if problems:
            what = "Fin" if isinstance(event, Mesure.Ended) else "Rupture"
            findings.append(
                Finding(
                    "ASLL-FIN",
                    f"{what} de la mesure le {_day(event.occurred_on)} : "
                    f"{' ; '.join(problems)}.",
                    (event.originator_version,),
                    event.occurred_on,
                )
            )
    return findings


def _check_follow_up(events: Sequence[Any], settings_on: SettingsOn) -> list[Finding]:
    """BILAN-SUITE: the minimum the bilan d'installation asked for."""
    request = _first(events, Mesure.Requested)
    if request is None or not request.min_months:
        return []
    least = request.min_months
    findings = []
    convention = _first(events, Mesure.ConventionSigned)
    if convention is not None and convention.duration_months < least:
        findings.append(
            Finding(
                "BILAN-SUITE",
                f"Convention de {convention.duration_months} mois pour un "
                f"accompagnement d'au moins {least} mois demandé après le bilan "
                "d'installation.",
                (request.originator_version, convention.originator_version),
                convention.occurred_on,
            )
        )
    ended = _first(events, Mesure.Ended)
    if convention is not None and ended is not None:
        until = add_months(convention.starts_on, least)
        if ended.occurred_on < until:
            findings.append(
                Finding(
                    "BILAN-SUITE",
                    f"Mesure terminée le {_day(ended.occurred_on)}, avant les {least} "
                    f"mois d'accompagnement demandés après le bilan d'installation "
                    f"(jusqu'au {_day(until)}).",
                    (request.originator_version, ended.originator_version),
                    ended.occurred_on,
                )
            )
    return findings


def _check_support_starts(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """BILAN-SUITE: the support a bilan d'installation asked for starts, its
    convention signed within `bilan_support_start_months` (in force on the
    request's day) of the request; otherwise a breach the day after."""
    request = _first(events, Mesure.Requested)
    judged = (
        request
        and request.origin_dossier_id
        and in_force(settings_on, request.occurred_on)
    )
    if not judged:
        return []
    number, settings = judged
    due = add_months(request.occurred_on, settings.bilan_support_start_months)
    convention = _first(events, Mesure.ConventionSigned)
    if (convention is not None and convention.occurred_on <= due) or as_of <= due:
        return []
    late = (
        f"convention signée le {_day(convention.occurred_on)}"
        if convention is not None
        else f"mesure au stade « {_stage(events)} »"
    )
    return [
        Finding(
            "BILAN-SUITE",
            f"Accompagnement demandé le {_day(request.occurred_on)} après un bilan "
            f"d'installation, pas commencé au {_day(due)} "
            f"({settings.bilan_support_start_months} mois) : {late}.",
            (request.originator_version,),
            _the_day_after(due),
            number,
        )
    ]


def _stage(events: Sequence[Any]) -> str:
    stage = m.REQUESTED
    for event in events:
        stage = event.STAGE or stage
        if isinstance(event, Mesure.Instructed) and not event.granted:
            stage = m.REFUSED
    return stage


# ---- the bail glissant ---------------------------------------------------------------


def _check_bail(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    sublease = _first(events, Mesure.SubleaseSigned)
    if sublease is None:
        return []
    head = _first(events, Mesure.HeadLeaseSigned)
    notified = _first(events, Mesure.Notified)
    findings = []
    reviews = []
    for review in _of(events, Mesure.SubleaseReviewed):
        actor = review.actor
        party = {
            "association": notified.association_name if notified else None,
            "bailleur": head.landlord if head else None,
        }.get(actor.role)
        if party is None or actor.organisation != party:
            findings.append(
                Finding(
                    "BG-GLISSEMENT",
                    f"Point du bail glissant du {_day(review.occurred_on)} enregistré "
                    f"par {actor.organisation} (rôle « {actor.role} »), qui n'est "
                    "partie ni au bail principal ni à la sous-location.",
                    (review.originator_version,),
                    review.occurred_on,
                )
            )
        else:
            reviews.append(review)
    ending = _first(events, Mesure.LeaseSlid, Mesure.SubleaseEnded)
    closing = _first(events, *CLOSINGS)
    if closing is not None and (
        ending is None or ending.originator_version > closing.originator_version
    ):
        findings.append(
            Finding(
                "BG-GLISSEMENT",
                f"Mesure close le {_day(closing.occurred_on)} alors que le ménage est "
                "encore sous-locataire : ni glissement du bail, ni fin de la "
                "sous-location.",
                (sublease.originator_version, closing.originator_version),
                closing.occurred_on,
            )
        )
    stops = [e.occurred_on for e in (ending, closing) if e is not None]
    findings += _missed_reviews(
        sublease, reviews, min(stops, default=None), settings_on, as_of
    )
    return findings


def _missed_reviews(
    sublease: Any,
    reviews: list[Any],
    stop: date | None,
    settings_on: SettingsOn,
    as_of: date,
) -> list[Finding]:
    findings = []
    since, since_event = sublease.starts_on, sublease
    while True:
        judged = in_force(settings_on, since)
        if not judged:
            break
        number, settings = judged
        due = add_months(since, settings.bail_glissant_review_months)
        if (stop is not None and stop <= due) or as_of <= due:
            break
        review = next((r for r in reviews if r.occurred_on > since), None)
        if review is not None and review.occurred_on <= due:
            since, since_event = review.occurred_on, review
            continue
        every = f"un point tous les {settings.bail_glissant_review_months} mois"
        if review is not None:
            message = (
                f"Point du bail glissant fait le {_day(review.occurred_on)}, après "
                f"l'échéance du {_day(due)} ({every})."
            )
            versions = (since_event.originator_version, review.originator_version)
            since, since_event = review.occurred_on, review
        else:
            message = (
                f"Aucun point du bail glissant depuis le {_day(since)} : échéance "
                f"du {_day(due)} dépassée ({every})."
            )
            versions = (since_event.originator_version,)
            since = due
        findings.append(
            Finding("BG-GLISSEMENT", message, versions, _the_day_after(due), number)
        )
    return findings


# ---- retention -------------------------------------------------------------------


def _check_retention(
    events: Sequence[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    if any(isinstance(e, Mesure.PersonalDataErased) for e in events):
        return []  # erased: nothing held any more
    last = max(events, key=lambda e: (e.occurred_on, e.originator_version))
    judged = in_force(settings_on, last.occurred_on)
    if not judged:
        return []
    number, settings = judged
    until = add_months(last.occurred_on, settings.support_retention_months)
    if as_of <= until:
        return []
    return [
        Finding(
            "RGPD-CONSERVATION",
            f"Données d'accompagnement social conservées au-delà du {_day(until)} : "
            f"dernier contact le {_day(last.occurred_on)}, "
            f"{settings.support_retention_months} mois de conservation. À effacer.",
            (last.originator_version,),
            _the_day_after(until),
            number,
        )
    ]


_CHECKS: tuple[Callable[[Sequence[Any], SettingsOn], list[Finding]], ...] = (
    _check_prescriber,
    _check_adhesion,
    _check_channel,
    _check_content,
    _check_duration,
    _check_end,
    _check_follow_up,
)
_DATED_CHECKS: tuple[
    Callable[[Sequence[Any], SettingsOn, date], list[Finding]], ...
] = (
    _check_rhythm,
    _check_support_starts,
    _check_bail,
    _check_retention,
)


def _ordered(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.breached_on, f.rule, f.versions))


def check_mesure(
    events: Iterable[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """The breaches an ASLL measure's history shows at the end of `as_of`, ordered
    by the day they arose, then rule id, then versions."""
    known = _known(events, as_of)
    if not known:
        return []
    findings = [f for check in _CHECKS for f in check(known, settings_on)]
    findings += _check_cover(known, as_of)
    findings += [f for check in _DATED_CHECKS for f in check(known, settings_on, as_of)]
    return _ordered(findings)


# ---- a household's measures together ------------------------------------------------


def _chained_too_far(
    request: Any, chain: int, judged: tuple[int, DepartmentSettings]
) -> Finding:
    number, settings = judged
    return Finding(
        "ASLL-DUREE",
        f"Ré-intervention demandée le {_day(request.occurred_on)}, moins de "
        f"{settings.asll_reintervention_gap_months} mois après la fin de la mesure "
        f"précédente : renouvellement n° {chain} de l'accompagnement, "
        f"{settings.asll_renewals_allowed} au plus dans le département.",
        (request.originator_version,),
        request.occurred_on,
        number,
    )


def _link(events: Sequence[Any], chain: int) -> m.ChainLink | None:
    closing = _first(events, *CLOSINGS)
    if closing is None:
        return None
    return m.ChainLink(
        _first(events, Mesure.ConventionSigned) is not None,
        closing.occurred_on,
        chain,
        len(_of(events, Mesure.Renewed)),
    )


def check_household(
    measure_histories: Iterable[Iterable[Any]], settings_on: SettingsOn, as_of: date
) -> dict[UUID, list[Finding]]:
    """ASLL-DUREE over one household's measures, whatever each request recorded
    (an imported history may not link a re-intervention to its previous measure
    nor count it): in the order they were asked, a measure asked within the gap
    after the previous one's end continues its chain (`chained_renewals`), and
    a request or renewal beyond `asll_renewals_allowed` is a finding on that
    measure. By measure id; measures without a finding are left out."""
    histories = [h for h in (_known(h, as_of) for h in measure_histories) if h]
    histories.sort(key=lambda h: (h[0].occurred_on, h[0].timestamp))
    found: dict[UUID, list[Finding]] = {}
    link: m.ChainLink | None = None
    for events in histories:
        request = events[0]
        judged = in_force(settings_on, request.occurred_on)
        if not judged:
            link = None
            continue
        chain = m.chained_renewals(link, request.occurred_on, judged[1])
        problems = []
        if chain > judged[1].asll_renewals_allowed:
            problems.append(_chained_too_far(request, chain, judged))
        for number, renewal in enumerate(_of(events, Mesure.Renewed), chain + 1):
            on_day = in_force(settings_on, renewal.occurred_on)
            if on_day and number > on_day[1].asll_renewals_allowed:
                problems.append(
                    Finding(
                        "ASLL-DUREE",
                        f"Renouvellement n° {number} de l'accompagnement du ménage "
                        f"décidé le {_day(renewal.occurred_on)} : "
                        f"{on_day[1].asll_renewals_allowed} au plus dans le "
                        "département.",
                        (renewal.originator_version,),
                        renewal.occurred_on,
                        on_day[0],
                    )
                )
        if problems:
            found[request.originator_id] = _ordered(problems)
        link = _link(events, chain)
    return found


# ---- an association's measures together --------------------------------------------


def _place(events: Sequence[Any]) -> tuple[Any, date | None] | None:
    """The notification that took the measure's place, and the day it gave it
    back (None: still held)."""
    notified = _first(events, Mesure.Notified)
    if notified is None:
        return None
    released = next(
        (
            e
            for e in events
            if e.originator_version > notified.originator_version
            and (
                isinstance(e, CLOSINGS)
                or (
                    isinstance(e, Mesure.ComplementaryDiagnosisDone)
                    and e.outcome == "reoriente"
                )
            )
        ),
        None,
    )
    return notified, released.occurred_on if released else None


def check_association(
    measure_histories: Iterable[Iterable[Any]], settings_on: SettingsOn, as_of: date
) -> dict[UUID, list[Finding]]:
    """ASLL-CAPACITE over the measures of one or more associations: by measure
    id, the findings of the notifications that took an association above its
    capacity in force that day. Measures without a finding are left out."""
    # (day, 0 release | 1 take | 2 release of a place taken that day, order, event)
    moves: list[tuple[date, int, Any, Any]] = []
    for history in measure_histories:
        place = _place(_known(history, as_of))
        if place is None:
            continue
        notified, released_on = place
        moves.append((notified.occurred_on, 1, notified.timestamp, notified))
        if released_on is not None:
            same_day = released_on == notified.occurred_on
            moves.append(
                (released_on, 2 if same_day else 0, notified.timestamp, notified)
            )
    moves.sort(key=lambda move: move[:3])
    held: dict[str, dict[UUID, bool]] = {}  # association → measure → renforcé
    found: dict[UUID, list[Finding]] = {}
    for day, taking, _, notified in moves:
        places = held.setdefault(notified.association, {})
        if taking != 1:
            places.pop(notified.originator_id, None)
            continue
        judged = in_force(settings_on, day)
        association = judged and judged[1].association(notified.association)
        if judged and association:
            renforces = sum(1 for renforce in places.values() if renforce)
            problems = []
            if len(places) >= association.monthly_capacity:
                problems.append(
                    f"{len(places)} ménages déjà suivis pour une capacité mensuelle "
                    f"de {association.monthly_capacity}"
                )
            if notified.renforce and renforces >= association.renforce_capacity:
                problems.append(
                    f"{renforces} suivis renforcés déjà assurés pour une capacité "
                    f"de {association.renforce_capacity}"
                )
            if problems:
                found.setdefault(notified.originator_id, []).append(
                    Finding(
                        "ASLL-CAPACITE",
                        f"Mesure notifiée le {_day(day)} à {association.name} : "
                        f"{' ; '.join(problems)}.",
                        (notified.originator_version,),
                        day,
                        judged[0],
                    )
                )
        places[notified.originator_id] = notified.renforce
    return {mesure: _ordered(findings) for mesure, findings in found.items()}
