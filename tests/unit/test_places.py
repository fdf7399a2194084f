"""The codes of places (domain/places.py): one pattern for a commune's INSEE
code wherever a record or an import names one."""

import pytest
from pydantic import ValidationError

from commands.history_import import ActorIn
from domain.places import check_place, department_of
from domain.shared import InvalidValueError


class TestCheckPlace:
    @pytest.mark.parametrize(
        ("department", "commune"), [("972", "97209"), ("2A", "2A004"), ("42", "42218")]
    )
    def test_accepts_a_commune_of_its_department(self, department, commune):
        check_place(department, commune)
        assert department_of(commune) == department

    def test_refuses_a_commune_of_another_department(self):
        with pytest.raises(InvalidValueError, match="pas un code INSEE du 971"):
            check_place("971", "97209")


class TestImportActorCommune:
    def test_accepts_an_insee_code(self):
        actor = ActorIn(
            role="ccas", organisation="CCAS", subject="agent", commune="97209"
        )
        assert actor.commune == "97209"

    def test_refuses_digits_that_are_not_ascii(self):
        # The import's actor commune follows the INSEE pattern every record uses:
        # its former \d also took other scripts' digits.
        with pytest.raises(ValidationError):
            ActorIn(role="ccas", organisation="CCAS", subject="agent", commune="٩٧٢٠٩")
