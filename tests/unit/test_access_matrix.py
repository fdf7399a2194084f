"""The need-to-know matrix (domain/access.py) as pure functions, and README's
copy of it, which must not drift."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from domain import access, categories
from domain.access import Caller, ForbiddenError
from domain.access_markdown import matrix_markdown
from domain.dossier import Dossier
from domain.facts import Facts, dossier_facts
from domain.saisine import Saisine
from domain.shared import ROLE_LABELS, ROLES, Actor, RoleNotAllowedError

README = Path(__file__).parents[2] / "README.md"
START, END = "<!-- access-matrix:start -->\n", "<!-- access-matrix:end -->"


def caller(role: str, organisation: str = "X", **claims: str) -> Caller:
    return Caller(Actor("agent", role, organisation), **claims)


def test_readme_shows_the_matrix_the_code_enforces() -> None:
    text = README.read_text(encoding="utf-8")
    shown = text[text.index(START) + len(START) : text.index(END)]
    expected = matrix_markdown()
    assert shown == expected, (
        f"README.md, between the markers, should read:\n{expected}"
    )


def test_every_role_has_a_row_and_every_scope_is_known() -> None:
    assert set(access.READS) == set(ROLES)
    for actions in access.READS.values():
        assert set(actions) <= set(access.READ_ACTIONS)
        assert set(actions.values()) <= {"all", "department", "commune", "organisation"}


def test_writes_come_from_the_aggregates_step_roles() -> None:
    assert access.WRITES["dossier"]["rank"] == frozenset({"prefecture"})
    assert access.writable_steps("auditeur") == {kind: [] for kind in access.WRITES}
    for steps in access.WRITES.values():
        assert all(not roles & access.READ_ONLY for roles in steps.values())


A_DOSSIER = Facts("972", "97209", frozenset({("bailleur", "SIMAR")}))


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (caller("mairie", commune="97209"), True),
        (caller("mairie", commune="97213"), False),
        (caller("mairie"), False),  # no commune claimed
        (caller("prefecture", department="972"), True),
        (caller("prefecture", department="971"), False),
        (caller("bailleur", "SIMAR"), True),
        (caller("bailleur", "Ozanam"), False),
        (caller("association", "AGASEF"), False),
        (caller("auditeur"), True),
    ],
)
def test_may_read_a_dossier(who: Caller, allowed: bool) -> None:
    verdict = access.may_read(who, "dossier", A_DOSSIER)
    assert (verdict is True) == allowed
    if not allowed:
        assert f"« {ROLE_LABELS[who.role]} »" in str(verdict)


def test_a_record_surface_needs_the_surface_and_the_kind() -> None:
    mairie = caller("mairie", commune="97209")
    assert access.may_read(mairie, "history", A_DOSSIER, kind="dossier") is True
    assert access.may_read(mairie, "audit", A_DOSSIER, kind="dossier") is not True


def test_scope_filter_per_scope() -> None:
    assert access.scope_filter(caller("auditeur"), "dossier") == {}
    assert access.scope_filter(caller("deal", department="972"), "dossier") == {
        "department": "972"
    }
    assert access.scope_filter(caller("ccas", commune="97209"), "dossier") == {
        "commune": "97209"
    }
    assert access.scope_filter(caller("caf", "CAF"), "dossier") == {
        "party": ("caf", "CAF")
    }
    with pytest.raises(ForbiddenError):
        access.scope_filter(caller("bailleur", "SIMAR"), "mesure")


def test_a_landlord_is_a_party_once_the_dossier_is_ranked() -> None:
    def dossier(outcome: str | None) -> SimpleNamespace:
        return SimpleNamespace(
            origin=Actor("a", "ccas", "CCAS"),
            department="972",
            commune="97209",
            ranking={"outcome": outcome} if outcome else None,
            cal_decision=None,
        )

    for outcome, party in (
        (None, False),
        ("non_retenu", False),
        ("rang", True),
        ("liste_complementaire", True),
    ):
        facts = dossier_facts(dossier(outcome), "SIMAR")
        assert (("bailleur", "SIMAR") in facts.parties) == party


def test_redact_withholds_what_the_role_does_not_read() -> None:
    data = {"avis": "prioritaire", "summary": "Texte de l'enquête."}
    fields = categories.personal_fields(Dossier.SocialEnquiryRendered)
    kept, withheld = categories.redact(caller("mairie"), data, fields)
    assert kept == {"avis": "prioritaire", "summary": None}
    assert withheld == ["summary"]
    assert categories.redact(caller("als"), data, fields) == (data, [])
    nested = {"enquiry": {"operator": "UDAF", "summary": "Texte."}}
    kept, _ = categories.redact(
        caller("prefecture"), nested, {"enquiry.summary": "Soc"}
    )
    assert kept == {"enquiry": {"operator": "UDAF", "summary": None}}


def test_a_field_has_one_category_wherever_it_is_declared() -> None:
    """An event's `PERSONAL` (what erasure encrypts) and EVENT_FIELDS (what
    reads withhold) name a field's category alike: `PERSONAL` wins when both
    exist, so a disagreement would silently change who reads the field."""
    for cls, declared in categories.EVENT_FIELDS.items():
        own = vars(cls).get("PERSONAL") or {}
        for field, category in declared.items():
            if field in own:
                assert own[field] == category, (cls.__qualname__, field)


def test_a_ccapex_enquiry_reads_in_its_history_as_on_its_record() -> None:
    """The MOUS's enquiry is Soc (DOMAIN.md §9): the Préfecture reads its
    summary avis on the record, not the enquiry's text, nor in the history."""
    fields = categories.personal_fields(Saisine.EnquiryReturned)
    record = {"enquiry": {"summary": "Texte de l'enquête."}}
    for role in ("prefecture", "mairie", "bailleur", "ccapex", "als"):
        _, in_history = categories.redact(caller(role), {"summary": "x"}, fields)
        _, on_record = categories.redact(
            caller(role), record, categories.RECORD_FIELDS["saisine"]
        )
        assert bool(in_history) == bool(on_record), role
    _, withheld = categories.redact(caller("prefecture"), {"summary": "x"}, fields)
    assert withheld == ["summary"]


def test_a_record_is_created_only_in_the_claimed_territory() -> None:
    access.check_create(caller("mairie", commune="97209"), "972", "97209")
    access.check_create(caller("bailleur"), "971", "97105")  # not territorial
    refused = [
        (caller("mairie"), "972", "97213"),  # no claim: writes nothing
        (caller("mairie", department="972"), "972", "97209"),  # not its commune
        (caller("deal"), "972", "97209"),
        (caller("mairie", commune="97209"), "972", "97213"),
        (caller("deal", department="972"), "971", "97105"),
    ]
    for who, department, commune in refused:
        with pytest.raises(ForbiddenError):
            access.check_create(who, department, commune)
    with pytest.raises(RoleNotAllowedError):
        access.check_create(caller("auditeur"), "972", None)


CREATIONS = {"identify", "request", "signal", "announce", "convene"}


def test_each_role_writes_on_the_records_it_reads_or_is_a_party_to() -> None:
    """A role with a step on an existing record of a kind has a write scope for
    it: its read scope there, or its organisation's records (named party)."""
    for role in ROLES:
        for kind, steps in access.writable_steps(role).items():
            scope = access.write_scope(role, kind)
            if set(steps) - CREATIONS:
                read = access.scope_of(role, access.WRITE_SURFACES.get(kind, kind))
                assert scope in {read, "organisation"}, (role, kind, scope)
            else:
                assert scope == "none", (role, kind, scope)


def test_writes_on_a_record_stay_in_the_write_scope() -> None:
    here = A_DOSSIER
    access.check_write(caller("mairie", commune="97209"), "dossier", here)
    access.check_write(caller("bailleur", "SIMAR"), "dossier", here)
    refused = [
        caller("mairie"),  # no claim
        caller("mairie", commune="97213"),
        caller("deal", department="971"),
        caller("bailleur", "Ozanam"),
    ]
    for who in refused:
        with pytest.raises(ForbiddenError) as error:
            access.check_write(who, "dossier", here)
        assert "97209" not in str(error.value)  # nothing of the record's place
    with pytest.raises(RoleNotAllowedError):
        access.check_write(caller("prescripteur"), "dossier", here)
    with pytest.raises(RoleNotAllowedError):
        access.check_write(caller("auditeur"), "dossier", here)
