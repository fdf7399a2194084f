"""LOGEMENT-UNIQUE on imported histories (issue 14, hole 0): what the commands
now refuse, built as an import would store it, is a finding of the engine —
on the programme (a lease no CAL attribution named, a dwelling let or
attributed while let) and on the dossier (a second dwelling attributed while it
holds the first)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from domain import dossier as d
from domain.dossier import Dossier
from domain.legality import check_dossier, check_programme
from domain.legality.rules import Finding
from domain.programme import Programme
from tests.helpers.commissions import PROGRAMME_DAY, programme_with_history
from tests.helpers.dossiers import history_to, make_settings

RULE = "LOGEMENT-UNIQUE"
LATE = date(2026, 6, 30)
SETTINGS = make_settings(social_data_retention_months=24)
RELET = ("hold_concertation", "let_dwelling", "vacate_dwelling", "relet_dwelling")


def findings(events: list[Any], check: Any = check_programme) -> list[Finding]:
    return [f for f in check(events, lambda _: (1, SETTINGS), LATE) if f.rule == RULE]


def the(events: list[Any], cls: type) -> Any:
    return next(e for e in events if type(e) is cls)


def appended(events: list[Any], event: Any, on: date, **changes: Any) -> list[Any]:
    """`events` and a copy of `event` after them, as an import would store it."""
    version = events[-1].originator_version + 1
    return [
        *events,
        replace(event, originator_version=version, occurred_on=on, **changes),
    ]


def renumbered(events: list[Any]) -> list[Any]:
    return [replace(e, originator_version=i) for i, e in enumerate(events, start=1)]


def test_leases_that_follow_the_cals_attributions_are_legal() -> None:
    assert findings(programme_with_history(*RELET)[1]) == []


def test_a_lease_no_cal_attribution_named_is_a_finding() -> None:
    # As the store kept it before LOGEMENT-UNIQUE, or a lease to a random id.
    history = programme_with_history(*RELET)[1]
    unattributed = renumbered(
        [e for e in history if type(e) is not Programme.DwellingAttributed]
    )
    random_id = [
        replace(e, dossier_id=uuid4()) if type(e) is Programme.DwellingLet else e
        for e in history
    ]

    for events in (unattributed, random_id):
        found = findings(events)
        assert [f.breached_on for f in found] == [
            PROGRAMME_DAY["let_dwelling"],
            PROGRAMME_DAY["relet_dwelling"],
        ]
        assert all("aucune décision de CAL" in f.message for f in found)
        assert found[0].severity == "bloquant"


def test_a_dwelling_let_again_while_let_is_a_finding() -> None:
    history = programme_with_history("hold_concertation", "let_dwelling")[1]
    let = the(history, Programme.DwellingLet)
    attributed = the(history, Programme.DwellingAttributed)
    on = PROGRAMME_DAY["let_dwelling"] + timedelta(days=3)
    other = uuid4()
    # A second CAL attributes the let dwelling, and a second lease follows.
    events = appended(history, attributed, on, dossier_ids=[other])
    events = appended(events, let, on, dossier_id=other)

    found = findings(events)

    assert [f.versions for f in found] == [
        (events[-2].originator_version,),
        (events[-1].originator_version,),
    ]
    assert "alors qu'il est loué" in found[0].message
    assert "déjà loué" in found[1].message


def test_a_household_attributed_a_second_dwelling_is_a_finding() -> None:
    history = history_to(d.DECIDED)
    decided = the(history, Dossier.CALDecided)
    on = decided.occurred_on + timedelta(days=1)
    events = appended(
        history, decided, on, commission_id=uuid4(), dwelling_ref="AUTRE-PROGRAMME-1"
    )

    [finding] = findings(events, check_dossier)

    assert finding.versions == (
        decided.originator_version,
        events[-1].originator_version,
    )
    assert "AUTRE-PROGRAMME-1" in finding.message
    assert findings(history, check_dossier) == []


def test_a_household_that_refused_its_offer_may_be_attributed_another() -> None:
    history = history_to(d.REFUSED)
    decided = the(history, Dossier.CALDecided)
    on = the(history, Dossier.OfferRefused).occurred_on
    events = appended(history, decided, on, dwelling_ref="AUTRE-PROGRAMME-1")
    assert findings(events, check_dossier) == []
