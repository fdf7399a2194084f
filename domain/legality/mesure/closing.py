"""How an ASLL measure ends and what it keeps after: ASLL-FIN, BILAN-SUITE (the
measure's side), RGPD-CONSERVATION (domain/legality/mesure)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from domain import mesure_steps as m
from domain.legality.mesure.convention import CLOSINGS
from domain.legality.reading import History, finding_on, the_day_after
from domain.legality.rules import Finding
from domain.mesure import Mesure
from domain.mesure_rules import channel_label
from domain.shared import add_months, fr_day

if TYPE_CHECKING:
    from collections.abc import Sequence


BILAN_SIGNATORIES = ("travailleur_social", "menage")


def check_end(history: History) -> Iterator[Finding]:
    request = history.first(Mesure.Requested)
    channel = request.channel if request is not None else None
    for event in history.of(*CLOSINGS):
        problems = []
        if isinstance(event, Mesure.Ended):
            missing = [s for s in BILAN_SIGNATORIES if s not in event.signed_by]
            if not event.bilan.strip():
                problems.append("sans bilan rédigé")
            if missing:
                problems.append(f"bilan sans la signature de : {', '.join(missing)}")
            if channel and event.returned_to != channel:
                on_day = history.in_force(event.occurred_on)
                returned = channel_label(
                    event.returned_to, on_day and on_day[1], request.association_name
                )
                problems.append(
                    f"bilan retourné à « {returned} » et non à {request.channel_name}"
                )
        if not event.relayed_to.strip():
            problems.append("sans relais au service prescripteur")
        if problems:
            what = "Fin" if isinstance(event, Mesure.Ended) else "Rupture"
            yield finding_on(
                "ASLL-FIN",
                f"{what} de la mesure le {fr_day(event.occurred_on)} : "
                f"{' ; '.join(problems)}.",
                [event],
            )


def check_follow_up(history: History) -> Iterator[Finding]:
    """BILAN-SUITE: the minimum the bilan d'installation asked for."""
    request = history.first(Mesure.Requested)
    if request is None or not request.min_months:
        return
    least = request.min_months
    convention = history.first(Mesure.ConventionSigned)
    if convention is not None and convention.duration_months < least:
        yield finding_on(
            "BILAN-SUITE",
            f"Convention de {convention.duration_months} mois pour un "
            f"accompagnement d'au moins {least} mois demandé après le bilan "
            "d'installation.",
            [request, convention],
        )
    ended = history.first(Mesure.Ended)
    if convention is not None and ended is not None:
        until = add_months(convention.starts_on, least)
        if ended.occurred_on < until:
            yield finding_on(
                "BILAN-SUITE",
                f"Mesure terminée le {fr_day(ended.occurred_on)}, "
                f"avant les {least} "
                f"mois d'accompagnement demandés après le bilan d'installation "
                f"(jusqu'au {fr_day(until)}).",
                [request, ended],
            )


def check_support_starts(history: History) -> list[Finding]:
    """BILAN-SUITE: the support a bilan d'installation asked for starts, its
    convention signed within `bilan_support_start_months` (in force on the
    request's day) of the request; otherwise a breach the day after."""
    request = history.first(Mesure.Requested)
    judged = (
        request and request.origin_dossier_id and history.in_force(request.occurred_on)
    )
    if not judged:
        return []
    number, settings = judged
    due = add_months(request.occurred_on, settings.bilan_support_start_months)
    convention = history.first(Mesure.ConventionSigned)
    if (
        convention is not None and convention.occurred_on <= due
    ) or history.as_of <= due:
        return []
    late = (
        f"convention signée le {fr_day(convention.occurred_on)}"
        if convention is not None
        else f"mesure au stade « {m.STAGE_LABELS[_stage(history.events)]} »"
    )
    return [
        finding_on(
            "BILAN-SUITE",
            f"Accompagnement demandé le {fr_day(request.occurred_on)} après un bilan "
            f"d'installation, pas commencé au {fr_day(due)} "
            f"({settings.bilan_support_start_months} mois) : {late}.",
            [request],
            number,
            on=the_day_after(due),
        )
    ]


def _stage(events: Sequence[Any]) -> str:
    stage = m.REQUESTED
    for event in events:
        stage = event.STAGE or stage
        if isinstance(event, Mesure.Instructed) and not event.granted:
            stage = m.REFUSED
    return stage


def check_retention(history: History) -> list[Finding]:
    if any(isinstance(e, Mesure.PersonalDataErased) for e in history.events):
        return []  # erased: nothing held any more
    last = max(history.events, key=lambda e: (e.occurred_on, e.originator_version))
    judged = history.in_force(last.occurred_on)
    if not judged:
        return []
    number, settings = judged
    until = add_months(last.occurred_on, settings.support_retention_months)
    if history.as_of <= until:
        return []
    return [
        finding_on(
            "RGPD-CONSERVATION",
            f"Données d'accompagnement social conservées au-delà du {fr_day(until)} : "
            f"dernier contact le {fr_day(last.occurred_on)}, "
            f"{settings.support_retention_months} mois de conservation. À effacer.",
            [last],
            number,
            on=the_day_after(until),
        )
    ]
