"""The benchmarks' figures as rows of one table: each figure beside the raw
baseline measured in the same run and the same process, and their ratio.

The ratio is always Logis's speed over the raw baseline's speed: rates are
divided (Logis ÷ raw), durations the other way (raw ÷ Logis). Above 1, Logis
is faster than the baseline; the issue's targets read as "ratio ≥ x"."""

from __future__ import annotations

import argparse
import json
import platform
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.backends import BACKENDS, POSTGRES_ADMIN, on_each_backend

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


RATE, DURATION = "/s", "ms"


@dataclass(frozen=True)
class Row:
    backend: str  # SQLite, PostgreSQL
    measure: str  # what Logis does
    value: float
    unit: str  # RATE (higher is faster) or DURATION (lower is faster)
    baseline: str  # what the raw baseline does
    raw: float  # in the same unit
    store: int | None = None  # events already in the store, for scaling rows

    @property
    def ratio(self) -> float:
        if self.unit == DURATION:
            return self.raw / self.value if self.value else 0.0
        return self.value / self.raw if self.raw else 0.0


def collect(
    bench: Callable[..., list[Row]],
    size: object,
    admin: str,
    backends: tuple[str, ...] = BACKENDS,
) -> list[Row]:
    """One benchmark (backend label, settings by store name, its size → its
    rows) on SQLite, then on PostgreSQL."""
    rows: list[Row] = []
    on_each_backend(
        admin, lambda label, for_: rows.extend(bench(label, for_, size)), backends
    )
    return rows


def text(rows: Sequence[Row]) -> str:
    """The table, one line a row, fixed columns."""
    header = (
        f"{'base':<11}{'mesure':<46}{'magasin':>9}{'valeur':>12} {'unité':<6}"
        f"{'référence brute':<48}{'brut':>12}{'ratio':>8}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        store = "" if r.store is None else f"{r.store:,}".replace(",", " ")
        lines.append(
            f"{r.backend:<11}{r.measure[:45]:<46}{store:>9}{_figure(r.value):>12} "
            f"{r.unit:<6}{r.baseline[:47]:<48}{_figure(r.raw):>12}{r.ratio:>8.2f}"
        )
    return "\n".join(lines)


def _figure(value: float) -> str:
    return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"


def write_json(rows: Sequence[Row], path: Path, sizes: dict[str, object]) -> None:
    """The run as JSON, for comparing runs: when, where, sizes, every row
    with its ratio."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "sizes": sizes,
        "ratio": "Logis speed / raw speed (rates: value/raw; durations: raw/value)",
        "rows": [asdict(r) | {"ratio": round(r.ratio, 4)} for r in rows],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def standalone(
    bench: Callable[..., list[Row]], doc: str | None, size: str, default: int
) -> None:
    """`python -m benchmarks.<one>`: that benchmark alone, its table printed."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument(f"--{size}", type=int, default=default, dest="size")
    parser.add_argument("--postgres", default=POSTGRES_ADMIN)
    args = parser.parse_args()
    print(text(collect(bench, args.size, args.postgres)))
