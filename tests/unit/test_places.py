"""The codes of places (domain/places.py): one pattern for a commune's INSEE
code wherever a record or an import names one."""

import pytest
from pydantic import ValidationError

from commands.history_import import ActorIn
from domain.places import COMMUNE_NAMES, check_place, commune_label, department_of
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


class TestCommuneLabel:
    @pytest.mark.parametrize(
        ("code", "label"),
        [
            ("97209", "Fort-de-France (97209)"),
            ("97229", "Schœlcher (97229)"),
            ("97231", "Les Trois-Îlets (97231)"),
            ("42218", "Saint-Étienne (42218)"),
            ("42187", "Roanne (42187)"),
            ("2A004", "Ajaccio (2A004)"),
        ],
    )
    def test_names_a_known_commune_beside_its_code(self, code, label):
        assert commune_label(code) == label

    def test_shows_an_unknown_commune_by_its_code(self):
        assert commune_label("01001") == "01001"

    def test_names_every_commune_of_martinique(self):
        martinique = {c for c in COMMUNE_NAMES if department_of(c) == "972"}
        assert martinique == {f"972{n:02d}" for n in range(1, 35)}
