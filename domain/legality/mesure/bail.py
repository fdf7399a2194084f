"""The bail glissant of an ASLL measure: BG-GLISSEMENT
(domain/legality/mesure)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from domain.legality.mesure.convention import CLOSINGS
from domain.legality.reading import History, finding_on, the_day_after
from domain.legality.rules import Finding, in_force
from domain.mesure import Mesure
from domain.shared import add_months, fr_day, role_label

if TYPE_CHECKING:
    from domain.legality.rules import SettingsOn


def check_bail(history: History) -> Iterator[Finding]:
    sublease = history.first(Mesure.SubleaseSigned)
    if sublease is None:
        return
    head = history.first(Mesure.HeadLeaseSigned)
    notified = history.first(Mesure.Notified)
    reviews = []
    for review in history.of(Mesure.SubleaseReviewed):
        actor = review.actor
        party = {
            "association": notified.association_name if notified else None,
            "bailleur": head.landlord if head else None,
        }.get(actor.role)
        if party is None or actor.organisation != party:
            yield finding_on(
                "BG-GLISSEMENT",
                f"Point du bail glissant du {fr_day(review.occurred_on)} "
                f"enregistré par {actor.organisation} "
                f"(rôle « {role_label(actor.role)} »), qui n'est "
                "partie ni au bail principal ni à la sous-location.",
                [review],
            )
        else:
            reviews.append(review)
    ending = history.first(Mesure.LeaseSlid, Mesure.SubleaseEnded)
    closing = history.first(*CLOSINGS)
    if closing is not None and (
        ending is None or ending.originator_version > closing.originator_version
    ):
        yield finding_on(
            "BG-GLISSEMENT",
            f"Mesure close le {fr_day(closing.occurred_on)} alors que le "
            "ménage est "
            "encore sous-locataire : ni glissement du bail, ni fin de la "
            "sous-location.",
            [sublease, closing],
        )
    stops = [e.occurred_on for e in (ending, closing) if e is not None]
    yield from _missed_reviews(
        sublease, reviews, min(stops, default=None), history.settings_on, history.as_of
    )


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
                f"Point du bail glissant fait le {fr_day(review.occurred_on)}, après "
                f"l'échéance du {fr_day(due)} ({every})."
            )
            versions = (since_event.originator_version, review.originator_version)
            since, since_event = review.occurred_on, review
        else:
            message = (
                f"Aucun point du bail glissant depuis le {fr_day(since)} : échéance "
                f"du {fr_day(due)} dépassée ({every})."
            )
            versions = (since_event.originator_version,)
            since = due
        findings.append(
            Finding("BG-GLISSEMENT", message, versions, the_day_after(due), number)
        )
    return findings
