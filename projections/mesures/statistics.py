"""A department's ASLL figures for a year (the Loire's 2006 table, seed 002)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain import mesure_steps as m
from projections.rows import Between, RowView

ASLL_ASSUMPTIONS = (
    "Les mesures de l'année (Loire 2006 : 733) sont lues comme les conventions "
    "signées dans l'année, par orientation et par nature de mesure.",
    "« Baux glissants : 47 % des suivis » (Loire 2006) est lu comme la part des "
    "mesures en bail glissant dans ces conventions.",
)
MANDATS_NOTE = (
    "Les mandats de gestion (AML) ne sont pas enregistrés dans Logis : "
    "aucun chiffre n'est donné."
)


@dataclass(frozen=True)
class OrientationCount:
    orientation: str
    count: int
    share_percent: float | None  # of the year's conventions, one decimal


@dataclass(frozen=True)
class KindCount:
    kind: str
    count: int
    share_percent: float | None  # of the year's conventions, one decimal


@dataclass(frozen=True)
class Statistics:
    department: str
    year: int
    requested: int
    instructed: int
    granted: int
    refused: int
    notified: int
    conventions: int
    by_orientation: list[OrientationCount]
    by_kind: list[KindCount]
    # The Loire's "baux glissants: 47 % des suivis" [seed 002]: the bail glissant
    # measures' share of the year's conventions, the base of the orientations.
    baux_glissants_share_percent: float | None
    reoriented: int
    ended: int
    broken_off: int
    baux_glissants_started: int
    baux_glissants_slid: int
    households_supported: int
    demands_processed: int
    mandats_de_gestion: int | None
    notes: list[str]
    assumptions: list[str]


def shares(counts: dict[str, int]) -> dict[str, float | None]:
    """Each count's share of their total in %, one decimal rounded half up (the
    Loire 2006: 619, 57, 57 of 733 → 84.4, 7.8, 7.8)."""
    total = sum(counts.values())
    return {
        key: (
            None
            if not total
            else float(
                (Decimal(100 * count) / total).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                )
            )
        )
        for key, count in counts.items()
    }


def select_statistics(view: RowView, department: str, year: int) -> Statistics:
    """What the department's measures did in the year, each step counted on the
    day it happened; households supported: distinct households with a measure
    under convention (from its start to its end or rupture) on any day of it.
    The conventions signed in the year are counted by orientation and by kind
    of measure (individuelle, bail glissant, action spécifique), each with its
    share: the Loire's 2006 table [seed 002]."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    in_year = Between(first, last)

    def count(**where: Any) -> int:
        return view.select("mesures", {"department": department, **where}, limit=0)[1]

    by_orientation = {
        orientation: count(signed_on=in_year, orientation=orientation)
        for orientation in m.ORIENTATIONS
    }
    percents = shares(by_orientation)
    by_kind = {kind: count(signed_on=in_year, kind=kind) for kind in m.KINDS}
    kind_percents = shares(by_kind)
    started = view.select_rows(
        "mesures", {"department": department, "starts_on": Between(None, last)}
    )
    households = {
        row["household_id"]
        for row in started
        if row["signed_on"] is not None
        and (
            row["closed_on"] is None or row["closed_on"] >= max(first, row["starts_on"])
        )
    }
    instructed = count(instructed_on=in_year)
    return Statistics(
        department=department,
        year=year,
        requested=count(requested_on=in_year),
        instructed=instructed,
        granted=count(instructed_on=in_year, granted=True),
        refused=count(instructed_on=in_year, granted=False),
        notified=count(notified_on=in_year),
        conventions=sum(by_orientation.values()),
        by_orientation=[
            OrientationCount(orientation, n, percents[orientation])
            for orientation, n in by_orientation.items()
        ],
        by_kind=[
            KindCount(kind, n, kind_percents[kind]) for kind, n in by_kind.items()
        ],
        baux_glissants_share_percent=kind_percents["bail_glissant"],
        reoriented=count(closed_on=in_year, closure_reason=m.REORIENTED),
        ended=count(closed_on=in_year, closure_reason=m.ENDED),
        broken_off=count(closed_on=in_year, closure_reason=m.BROKEN_OFF),
        baux_glissants_started=count(sublease_starts_on=in_year),
        baux_glissants_slid=count(slid_on=in_year),
        households_supported=len(households),
        demands_processed=instructed,
        mandats_de_gestion=None,
        notes=[MANDATS_NOTE],
        assumptions=list(ASLL_ASSUMPTIONS),
    )
