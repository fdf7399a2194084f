"""A list's count on the pages, in French (issue 18): exact, or « plus de »
once the counting stopped at LOGIS_LIST_COUNT_LIMIT."""

from __future__ import annotations

from api.web.pages import environment
from projections.lists import COUNT_LIMIT, Counted


def count_line(total: Counted, page: int, pages: int) -> str:
    listing = environment.get_template("_macros.html").module.listing  # type: ignore[attr-defined]
    html = str(listing([], "Dossiers", [], total, "dossier", "Aucun.", page, pages, {}))
    start = html.index('<p id="compte">') + len('<p id="compte">')
    return html[start : html.index("</p>", start)]


def test_a_capped_count_says_more_than_with_french_thousands() -> None:
    capped = Counted(COUNT_LIMIT, count_capped=True)

    assert count_line(capped, 1, 2) == "plus de 10\u202f000 dossiers — page 1"


def test_an_exact_count_says_how_many_and_the_pages() -> None:
    assert (
        count_line(Counted(12_345), 3, 618) == "12\u202f345 dossiers — page 3 sur 618"
    )
    assert count_line(Counted(1), 1, 1) == "1 dossier"
