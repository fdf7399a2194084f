"""A commune's listes complémentaires (LC-VALIDITE): given events, when a command,
then events or error."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from uuid import uuid4

from domain.commission_steps import COMMISSION_PREFECTORALE as PREF
from domain.commune import CommuneListes, commune_listes_id
from domain.liste import ListeComplementaire
from tests.helpers.aggregates import given, read_back, then_error, then_event, when
from tests.helpers.commissions import LIST_VALID_UNTIL, OTHER_COMMUNE, SESSION
from tests.helpers.dossiers import COMMUNE, make_meta

OPENED_ON = SESSION[PREF]


def liste(
    *,
    commune: str = COMMUNE,
    decided_on: date = SESSION[PREF],
    valid_until: date = LIST_VALID_UNTIL,
    dossiers: int = 2,
) -> ListeComplementaire:
    return ListeComplementaire(
        commission_id=uuid4(),
        commune=commune,
        decided_on=decided_on,
        valid_until=valid_until,
        dossier_ids=tuple(uuid4() for _ in range(dossiers)),
    )


def register(lc: ListeComplementaire, on: date = SESSION[PREF]) -> Any:
    meta = make_meta("prefecture", on)
    return lambda x: x.register(lc, meta)


def history(*listes: ListeComplementaire) -> list[Any]:
    """The commune's register opened, then `listes` registered, as commands."""
    register_ = CommuneListes.open(COMMUNE, make_meta("prefecture", OPENED_ON))
    for lc in listes:
        register_.register(lc, make_meta("prefecture", lc.decided_on))
    return list(register_.collect_events())


class TestOpen:
    def test_commune_register_is_opened_empty(self) -> None:
        meta = make_meta("prefecture", OPENED_ON)
        events = when(None, lambda _: CommuneListes.open(COMMUNE, meta))
        then_event(
            events,
            CommuneListes.Opened,
            meta,
            originator_id=commune_listes_id(COMMUNE),
            commune=COMMUNE,
        )
        opened = given(events)
        assert (opened.commune, opened.listes) == (COMMUNE, [])

    def test_each_commune_has_one_register(self) -> None:
        assert commune_listes_id(COMMUNE) == commune_listes_id(COMMUNE)
        assert commune_listes_id(COMMUNE) != commune_listes_id(OTHER_COMMUNE)


class TestRegister:
    def test_liste_of_the_commune_is_registered(self) -> None:
        communes = given(history())
        lc = liste()
        meta = make_meta("prefecture", SESSION[PREF])
        events = when(communes, lambda x: x.register(lc, meta))
        then_event(
            events,
            CommuneListes.ListeRegistered,
            meta,
            commission_id=lc.commission_id,
            decided_on=lc.decided_on,
            valid_until=lc.valid_until,
            dossier_ids=list(lc.dossier_ids),
        )
        assert communes.listes == [lc]

    def test_listes_of_several_commissions_are_kept_in_order(self) -> None:
        older = liste(decided_on=date(2025, 3, 10), valid_until=date(2025, 9, 10))
        communes = given(history(older))
        newer = liste()
        when(communes, register(newer))
        assert communes.listes == [older, newer]

    def test_liste_of_another_commune_is_refused(self) -> None:
        then_error(
            given(history()), register(liste(commune=OTHER_COMMUNE)), "wrong_commune"
        )

    def test_liste_of_a_commission_is_registered_once(self) -> None:
        lc = liste()
        communes = given(history(lc))
        again = replace(lc, dossier_ids=(uuid4(),))
        then_error(communes, register(again), "liste_already_registered")


class TestReplay:
    def test_listes_are_rebuilt_from_the_events(self) -> None:
        older = liste(decided_on=date(2025, 3, 10), valid_until=date(2025, 9, 10))
        newer = liste(dossiers=3)
        events = history(older, newer)
        rebuilt = given(events)
        assert rebuilt.id == commune_listes_id(COMMUNE)
        assert rebuilt.version == len(events) == 3
        assert rebuilt.listes == [older, newer]

    def test_stored_events_come_back_equal(self) -> None:
        """Through Logis' transcoder (JSON): the UUIDs and dates of the lists
        come back as they were, and replay the same listes."""
        events = history(liste(), liste(dossiers=1))
        stored = read_back(events)
        assert stored == events
        assert given(stored) == given(events)
        assert given(stored).listes == given(events).listes
