"""A household's ASLL measures together: ASLL-DUREE over re-interventions
(domain/legality/mesure)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from domain import mesure_rules as m
from domain.legality.mesure.convention import CLOSINGS, chained_too_far
from domain.legality.reading import events_of, finding_on, first_of, in_order, known_by
from domain.legality.rules import Finding, in_force
from domain.mesure import Mesure
from domain.shared import fr_day

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from uuid import UUID

    from domain.legality.rules import SettingsOn


def _link(events: Sequence[Any], chain: int) -> m.ChainLink | None:
    closing = first_of(events, *CLOSINGS)
    if closing is None:
        return None
    return m.ChainLink(
        first_of(events, Mesure.ConventionSigned) is not None,
        closing.occurred_on,
        chain,
        len(events_of(events, Mesure.Renewed)),
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
    histories = [h for h in (known_by(h, as_of) for h in measure_histories) if h]
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
            problems.append(chained_too_far(request, chain, judged))
        for number, renewal in enumerate(events_of(events, Mesure.Renewed), chain + 1):
            on_day = in_force(settings_on, renewal.occurred_on)
            if on_day and number > on_day[1].asll_renewals_allowed:
                problems.append(
                    finding_on(
                        "ASLL-DUREE",
                        f"Renouvellement n° {number} de l'accompagnement du ménage "
                        f"décidé le {fr_day(renewal.occurred_on)} : "
                        f"{on_day[1].asll_renewals_allowed} au plus dans le "
                        "département.",
                        [renewal],
                        on_day[0],
                    )
                )
        if problems:
            found[request.originator_id] = in_order(problems)
        link = _link(events, chain)
    return found
