"""A search's words: folded without case, accents or ligatures, nothing but
letters and digits left (no LIKE wildcard reaches the SQL), matched each."""

from __future__ import annotations

import pytest

from domain.text import folded
from projections.rows import Containing


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("Fort-de-France", "fort de france"),
        ("SCHŒLCHER", "schoelcher"),
        ("Grand’Rivière", "grand riviere"),
        ("  50%_de  réduction ", "50 de reduction"),
        ("%_\\", ""),
    ],
)
def test_folded(typed: str, words: str) -> None:
    assert folded(typed) == words


def test_containing_matches_every_word_and_refuses_wildcards() -> None:
    search = Containing(("riviere", "972"))
    assert search.matches("grand riviere\n97211\n972")
    assert not search.matches("grand riviere\n97411")
    assert not search.matches(None)
    with pytest.raises(ValueError, match="letters and digits"):
        Containing(("50%",))
