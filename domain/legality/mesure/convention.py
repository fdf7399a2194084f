"""An ASLL measure's convention and its course: ASLL-CONTENU, ASLL-DUREE (the
convention's length, its renewals, its cover), ASLL-RYTHME
(domain/legality/mesure)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from domain import mesure_steps as m
from domain.legality.reading import History, finding_on, the_day_after
from domain.legality.rules import Finding
from domain.mesure import Mesure
from domain.shared import add_months, fr_day

if TYPE_CHECKING:
    from domain.department_settings import DepartmentSettings


CLOSINGS = (Mesure.Ended, Mesure.BrokenOff)


LATE_STEPS: dict[type, str] = {
    Mesure.Renewed: "renouvellement décidé",
    Mesure.Ended: "bilan de fin de mesure",
    Mesure.BrokenOff: "rupture constatée",
}


def chained_too_far(
    request: Any, chain: int, judged: tuple[int, DepartmentSettings]
) -> Finding:
    number, settings = judged
    return finding_on(
        "ASLL-DUREE",
        f"Ré-intervention demandée le {fr_day(request.occurred_on)}, moins de "
        f"{settings.asll_reintervention_gap_months} mois après la fin de la mesure "
        f"précédente : renouvellement n° {chain} de l'accompagnement, "
        f"{settings.asll_renewals_allowed} au plus dans le département.",
        [request],
        number,
    )


def check_content(history: History) -> Iterator[Finding]:
    for convention in history.of(Mesure.ConventionSigned):
        judged = history.in_force(convention.occurred_on)
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
            yield finding_on(
                "ASLL-CONTENU",
                f"Convention du {fr_day(convention.occurred_on)} : "
                f"{' ; '.join(problems)}.",
                [convention],
                number,
            )


def check_duration(history: History) -> Iterator[Finding]:
    """ASLL-DUREE, the command side: lengths, renewals (counting those of the
    household's chain of measures) and who grants them."""
    notified = history.first(Mesure.Notified)
    request = history.first(Mesure.Requested)
    renewals = request.chain_renewals if request else 0
    judged = request and history.in_force(request.occurred_on)
    if judged and renewals > judged[1].asll_renewals_allowed:
        yield chained_too_far(request, renewals, judged)
    for event in history.events:
        if not isinstance(event, Mesure.ConventionSigned | Mesure.Renewed):
            continue
        judged = history.in_force(event.occurred_on)
        if not judged:
            continue
        number, settings = judged
        problems = []
        if isinstance(event, Mesure.ConventionSigned):
            low, high = settings.asll_min_months, settings.asll_max_months
            if not low <= event.duration_months <= high:
                problems.append(
                    f"Convention du {fr_day(event.occurred_on)} pour "
                    f"{event.duration_months} mois, hors des bornes du département "
                    f"({low} à {high} mois)."
                )
        else:
            renewals += 1
            allowed = settings.asll_renewals_allowed
            if renewals > allowed:
                problems.append(
                    f"Renouvellement n° {renewals} décidé le "
                    f"{fr_day(event.occurred_on)} : {allowed} au plus dans le "
                    "département."
                )
            if not 1 <= event.months <= settings.asll_max_months:
                problems.append(
                    f"Renouvellement du {fr_day(event.occurred_on)} "
                    f"pour {event.months} "
                    f"mois : de 1 à {settings.asll_max_months} mois."
                )
            notifier = notified.actor.organisation if notified else None
            if notifier and event.actor.organisation != notifier:
                problems.append(
                    f"Renouvellement décidé le {fr_day(event.occurred_on)} par "
                    f"{event.actor.organisation}, pas par {notifier} qui a notifié "
                    "la mesure."
                )
        yield from [
            finding_on("ASLL-DUREE", problem, [event], number) for problem in problems
        ]


def check_cover(history: History) -> Iterator[Finding]:
    """ASLL-DUREE, the history side: no day of support outside the convention."""
    period: Any = None  # the convention or the last renewal: it sets the end
    for event in history.events:
        if isinstance(event, Mesure.ConventionSigned) and period is None:
            period = event
            continue
        if period is None or not isinstance(event, (Mesure.Renewed, *CLOSINGS)):
            continue
        if event.occurred_on > period.ends_on:
            what = LATE_STEPS[type(event)]
            yield finding_on(
                "ASLL-DUREE",
                f"Mesure arrivée à son terme le {fr_day(period.ends_on)} sans "
                f"renouvellement : {what} le {fr_day(event.occurred_on)}, après "
                "la fin.",
                [period, event],
                on=the_day_after(period.ends_on),
            )
        if isinstance(event, Mesure.Renewed):
            period = event
        else:
            period = None  # closed: nothing more to cover
            break
    if period is not None and history.as_of > period.ends_on:
        yield finding_on(
            "ASLL-DUREE",
            f"La mesure court au-delà de son terme du {fr_day(period.ends_on)} "
            "sans renouvellement, ni bilan, ni rupture.",
            [period],
            on=the_day_after(period.ends_on),
        )


def check_rhythm(history: History) -> Iterator[Finding]:
    convention = history.first(Mesure.ConventionSigned)
    if convention is None:
        return
    last = max(e.ends_on for e in history.of(Mesure.ConventionSigned, Mesure.Renewed))
    closing = history.first(*CLOSINGS)
    if closing is not None:
        last = min(last, closing.occurred_on)
    meetings = history.of(Mesure.MeetingHeld, Mesure.MeetingMissed)
    month = 0
    while True:
        first_day = add_months(convention.starts_on, month)
        last_day = add_months(convention.starts_on, month + 1) - timedelta(days=1)
        month += 1
        if last_day > last or last_day >= history.as_of:
            break
        judged = history.in_force(first_day)
        if not judged:
            continue
        number, settings = judged
        in_month = [e for e in meetings if first_day <= e.occurred_on <= last_day]
        held = sum(1 for e in in_month if isinstance(e, Mesure.MeetingHeld))
        if held < settings.meetings_per_month:
            yield Finding(
                "ASLL-RYTHME",
                f"{held} rencontre(s) tenue(s) du {fr_day(first_day)} au "
                f"{fr_day(last_day)}, pour {settings.meetings_per_month} attendues "
                "par mois.",
                (
                    convention.originator_version,
                    *(e.originator_version for e in in_month),
                ),
                the_day_after(last_day),
                number,
            )
