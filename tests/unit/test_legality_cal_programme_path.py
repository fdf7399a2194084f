"""Issue 14, hole 1, on imported CAL histories: the engine finds a DALO
designation the dossier's recorded recognition does not back (CAL-TROIS), a
liste complémentaire serving a new delivery (LC-VALIDITE), and a programme's
dwelling attributed to a household ranked without that programme's
concertation, pré-commission or commission préfectorale (CAL-PREALABLE)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from uuid import uuid4

from domain import commission_steps as c
from domain.commission import Commission
from tests.helpers.commissions import session_history
from tests.unit.test_legality_records import commission_findings, rules_of

PROGRAMME = uuid4()
NEW_DELIVERY = {"programme_id": PROGRAMME, "new_delivery": True, "concerted": True}


def the_dalo_dwelling(**changes: Any) -> list[Any]:
    """A whole CAL session whose second dwelling went to one household designated
    DALO; `changes`: that decision's fields as an import stored them."""
    _, events = session_history(c.CAL)
    last = [e for e in events if type(e) is Commission.CALDecisionsTaken][-1]
    [decision] = last.decisions
    altered = replace(last, decisions=[{**decision, **changes}])
    return [altered if e is last else e for e in events]


def test_the_recorded_session_is_legal() -> None:
    assert commission_findings(the_dalo_dwelling()) == []


def test_a_dalo_designation_without_recorded_recognition_is_found() -> None:
    found = commission_findings(the_dalo_dwelling(dalo_recognised=False))
    # the claim itself, and three candidates missing without an exemption
    assert rules_of(found) == ["CAL-TROIS", "CAL-TROIS"]
    assert "reconnaissance DALO" in found[0].message


def test_a_dalo_designation_recorded_before_the_recognition_was_read() -> None:
    """An imported decision without `dalo_recognised` shows no recognition."""
    _, events = session_history(c.CAL)
    last = [e for e in events if type(e) is Commission.CALDecisionsTaken][-1]
    [decision] = last.decisions
    del decision["dalo_recognised"]
    assert "CAL-TROIS" in rules_of(commission_findings(events))


def test_a_liste_complementaire_serving_a_new_delivery_is_found() -> None:
    prior = {
        "outcome": "liste_complementaire",
        "programme_id": None,
        "valid_until": date(2025, 10, 22),  # valid on the CAL's day
    }
    _, events = session_history(c.CAL)
    cal = next(e for e in events if type(e) is Commission.CALDecisionsTaken)
    decisions = [
        {**x, "prior": {**x["prior"], **prior}, "dwelling": NEW_DELIVERY}
        for x in cal.decisions
    ]
    altered = [replace(e, decisions=decisions) if e is cal else e for e in events]
    found = [f for f in commission_findings(altered) if f.rule == "LC-VALIDITE"]
    assert found, commission_findings(altered)
    assert all("livraison neuve" in f.message for f in found), found


def test_a_programme_dwelling_without_the_programmes_path_is_found() -> None:
    _, events = session_history(c.CAL)
    cal = next(e for e in events if type(e) is Commission.CALDecisionsTaken)
    unconcerted = {**NEW_DELIVERY, "concerted": False}
    decisions = [{**x, "dwelling": unconcerted} for x in cal.decisions]
    altered = [replace(e, decisions=decisions) if e is cal else e for e in events]
    found = [f for f in commission_findings(altered) if f.rule == "CAL-PREALABLE"]
    assert len(found) == 1, found  # the attribution only, not the refusals
    for step in ("concertation", "pré-commission", "commission préfectorale"):
        assert step in found[0].message


def test_a_programme_dwelling_after_its_whole_path_is_legal() -> None:
    _, events = session_history(c.CAL)
    cal = next(e for e in events if type(e) is Commission.CALDecisionsTaken)
    programme = events[0].programme_id  # the CAL's own programme
    path = {"programme_id": programme, "preselected_for": programme}
    dwelling = {**NEW_DELIVERY, "programme_id": programme}
    decisions = [
        {**x, "prior": {**x["prior"], **path}, "dwelling": dwelling}
        for x in cal.decisions
    ]
    altered = [replace(e, decisions=decisions) if e is cal else e for e in events]
    assert commission_findings(altered) == []
