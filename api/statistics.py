"""A department's yearly figures (LLTS and ASLL) as CSV, for the API and the
`logis statistics` command alike: one row per figure, UTF-8 with a header.

    department,year,figure,value,share_percent
    42,2006,conventions,733,
    42,2006,by_orientation.acces,619,84.4

Lists of counts (`by_orientation`, `by_kind`, `by_decision`) give one row per
item, named `<list>.<item>`; texts (definitions, assumptions, notes) stay in
the JSON. No cell holds free text, so none can be read as a formula.
"""

from __future__ import annotations

import csv
import io
from typing import Any

HEADER = ("department", "year", "figure", "value", "share_percent")
NOT_FIGURES = frozenset({"department", "year", "position"})


def figure_rows(figures: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(department, year, figure, value, share) for each figure, in order."""
    place = (figures["department"], figures["year"])
    rows: list[tuple[Any, ...]] = []
    for name, value in figures.items():
        if name in NOT_FIGURES or isinstance(value, (str, dict)):
            continue
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and "count" in item:
                    label = next(iter(item.values()))
                    share = item.get("share_percent")
                    rows.append((*place, f"{name}.{label}", item["count"], share))
            continue
        rows.append((*place, name, value, None))
    return rows


def to_csv(figures: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in figure_rows(figures):
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue()
