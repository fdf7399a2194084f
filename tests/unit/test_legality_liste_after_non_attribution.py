"""Issue 14, hole 4: one CAL's non-attribution keeps a listed household on its
commune's liste complémentaire. In the domain, another CAL may examine it; in an
imported history, taking it off the list before the list expires is found
(LC-VALIDITE), and a second CAL's decision within the list's validity is not."""

from __future__ import annotations

from datetime import date

import pytest

from domain import dossier as d
from domain.dossier import Dossier
from domain.shared import RuleViolation
from tests.helpers.aggregates import given
from tests.helpers.dossiers import decision_args, history_to, imported, make_meta
from tests.unit.test_legality import findings, rules_of

LISTED = {"ranking": "liste_complementaire", "decision": "non_attribution"}
SECOND_CAL = date(2025, 6, 10)  # the list is valid until 22 October 2025


def after_the_listing(
    cls: type[Dossier.Event], role: str, on: date, **fields: object
) -> list:
    """The household listed after a CAL's non-attribution, then one `cls` event
    by `role` on `on`, imported."""
    return imported(history_to(d.DECIDED, **LISTED), cls, role, on, **fields)


def taken_off_the_list(on: date) -> list:
    reason = "liste_complementaire_expiree"
    return after_the_listing(Dossier.ListExpired, "prefecture", on, reason=reason)


def test_another_cal_examines_a_listed_household_after_a_non_attribution() -> None:
    dossier = given(history_to(d.DECIDED, **LISTED))
    assert dossier.listed_after_non_attribution
    meta = make_meta("bailleur", SECOND_CAL, organisation="SMHLM")

    dossier.decide(meta=meta, **decision_args("attribution", SECOND_CAL, "SMHLM"))

    assert dossier.cal_decision["landlord"] == "SMHLM"


def test_an_attributed_household_is_refused_for_what_it_is() -> None:
    dossier = given(history_to(d.DECIDED, ranking="liste_complementaire"))
    meta = make_meta("bailleur", SECOND_CAL)
    with pytest.raises(RuleViolation, match="déjà décidé") as refused:
        dossier.decide(meta=meta, **decision_args("attribution", SECOND_CAL))
    assert refused.value.code == "CAL-PREALABLE"


def test_a_second_cal_within_the_lists_validity_is_legal() -> None:
    events = after_the_listing(
        Dossier.CALDecided,
        "bailleur",
        SECOND_CAL,
        **decision_args("attribution", SECOND_CAL),
    )
    assert findings(events) == []


def test_taking_the_household_off_the_list_before_it_expires_is_found() -> None:
    events = taken_off_the_list(SECOND_CAL)
    found = [f for f in findings(events) if f.rule == "LC-VALIDITE"]
    assert len(found) == 1, found
    assert "22/10/2025" in found[0].message


def test_the_lists_expiry_recorded_when_due_is_legal() -> None:
    events = taken_off_the_list(date(2025, 10, 23))
    assert "LC-VALIDITE" not in rules_of(findings(events))
