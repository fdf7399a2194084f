"""LOGEMENT-UNIQUE on the programme (issue 14, hole 0): its CAL's attribution
takes a dwelling; a let dwelling, or one still held by a household that has not
declined it, is not attributed again; the lease goes to an attributed household."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from domain.programme import Programme
from tests.helpers.aggregates import then_error, then_event, when
from tests.helpers.commissions import (
    HOUSEHOLD,
    LANDLORD,
    LEASE_START,
    PROGRAMME_DAY,
    REFS,
    programme_after,
)
from tests.helpers.dossiers import make_meta

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

RULE = "LOGEMENT-UNIQUE"
CAL = uuid4()


def attribute(
    ref: str = REFS[1],
    in_the_running: Sequence[UUID] = (),
    organisation: str = LANDLORD,
) -> Callable[[Programme], None]:
    meta = make_meta(
        "bailleur", PROGRAMME_DAY["let_dwelling"], organisation=organisation
    )
    return lambda x: x.attribute_dwelling(
        ref, CAL, [HOUSEHOLD], list(in_the_running), meta
    )


def test_the_cal_attributes_a_dwelling_to_let() -> None:
    events = when(programme_after("hold_concertation"), attribute())
    then_event(
        events,
        Programme.DwellingAttributed,
        ref=REFS[1],
        commission_id=CAL,
        dossier_ids=[HOUSEHOLD],
    )


def test_a_let_dwelling_is_not_attributed() -> None:
    programme = programme_after("hold_concertation", "let_dwelling")
    then_error(programme, attribute(REFS[0]), RULE)


def test_a_dwelling_held_by_a_household_in_the_running_is_not_attributed() -> None:
    programme = programme_after("hold_concertation")
    then_error(programme, attribute(in_the_running=(uuid4(),)), RULE)


def test_another_landlords_cal_does_not_attribute_the_dwelling() -> None:
    programme = programme_after("hold_concertation")
    then_error(programme, attribute(organisation="OZANAM"), "not_the_landlord")


def test_the_lease_goes_only_to_an_attributed_household() -> None:
    programme = programme_after("hold_concertation", "attributed")
    meta = make_meta("bailleur", PROGRAMME_DAY["let_dwelling"])
    then_error(
        programme, lambda x: x.let_dwelling(REFS[0], uuid4(), LEASE_START, meta), RULE
    )
    then_error(
        programme, lambda x: x.let_dwelling(REFS[1], HOUSEHOLD, LEASE_START, meta), RULE
    )
