"""The access log's cost per logged read: one entry a transaction, as a read of
one record writes it, with its seal (infra/ledger/access_chain.py), on each
backend. Run on main's code too for the cost of the seal (README).

    python -m benchmarks.access_log [--entries 2000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from benchmarks.backends import POSTGRES_ADMIN, on_each_backend
from infra.access_entries import AccessEntry
from infra.bootstrap import build_system

if TYPE_CHECKING:
    from benchmarks.backends import SettingsFor
    from infra.access_log import AccessLog


def entry(n: int) -> AccessEntry:
    return AccessEntry(
        datetime.now(UTC),
        f"lecteur.{n % 7}",
        "auditeur",
        "Cour des comptes",
        "dossier",
        uuid4(),
        "GET /v1/dossiers/{dossier_id}",
        f"req-{n}",
        ("identite", "ressources"),
    )


def per_second(log: AccessLog, count: int, write: object) -> float:
    started = time.perf_counter()
    for n in range(count):
        write(log, n)  # type: ignore[operator]
    return count / (time.perf_counter() - started)


def sealed(log: AccessLog, n: int) -> None:
    log.append([entry(n)])


def run(label: str, settings_for: SettingsFor, count: int) -> None:
    system = build_system(settings_for("access"))
    try:
        log = system.access_log
        with_seal = per_second(log, count, sealed)
    finally:
        system.close()
    print(
        f"{label}: {with_seal:,.0f} logged reads/s, sealed "
        f"({1e6 / with_seal:,.0f} µs each)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--postgres", default=POSTGRES_ADMIN)
    args = parser.parse_args()
    on_each_backend(args.postgres, lambda label, s: run(label, s, args.entries))


if __name__ == "__main__":
    main()
