"""What people read instead of codes: legal sources cited by the titles of the
documents the procedures come from, never by their file numbers ("seed 000"),
while the stored strings keep the numbers; roles and data categories by their
French labels."""

from __future__ import annotations

import pytest

from domain.categories import CATEGORIES, CATEGORY_LABELS
from domain.legality.rules import RULES, SOURCES, cited
from domain.records import KINDS
from domain.shared import ROLE_LABELS, ROLES

BASES = [basis for kind in KINDS for basis in kind.bases.values()]


@pytest.mark.parametrize("source", [rule.source for rule in RULES] + BASES)
def test_every_source_shown_names_its_text(source: str) -> None:
    assert "seed" not in cited(source)


def test_a_seed_is_replaced_by_its_title_and_the_rest_kept() -> None:
    assert cited("CCH R441-3-1 ; seed 000") == f"CCH R441-3-1 ; {SOURCES['000']}"
    assert cited("ASLL-ADHESION : loi 90-449 art. 6 ; seed 004") == (
        "ASLL-ADHESION : loi 90-449 art. 6 ; Service ASLL de l'UDAF de la Dordogne"
    )
    assert cited("ASLL-DUREE : seeds 002, 004") == (
        "ASLL-DUREE : PDALPD de la Loire 2002-2007 ; "
        "Service ASLL de l'UDAF de la Dordogne"
    )
    assert cited("CCH L441-2-1") == "CCH L441-2-1"


def test_the_catalogue_keeps_the_seed_numbers() -> None:
    """Stored findings and the JSON API read them: they do not change."""
    assert any("seed 000" in rule.source for rule in RULES)


def test_every_role_and_data_category_has_a_french_label() -> None:
    assert set(ROLE_LABELS) == set(ROLES)
    assert set(CATEGORY_LABELS) == set(CATEGORIES)
