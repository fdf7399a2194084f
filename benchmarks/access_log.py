"""The access log's cost per logged read: one entry a transaction, as a read of
one record writes it, with its seal (infra/ledger/access_chain.py), on each
backend, against the database driver inserting a row of the same size one a
transaction (benchmarks/raw.py).

    python -m benchmarks.access_log [--entries 2000] [--postgres URL]
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import uuid4

from benchmarks.raw import insert_rate
from benchmarks.table import RATE, Row, standalone
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


def per_second(log: AccessLog, count: int) -> float:
    """Entries appended one a transaction, sealed: entries per second."""
    started = time.perf_counter()
    for n in range(count):
        log.append([entry(n)])
    return count / (time.perf_counter() - started)


def rows(label: str, settings_for: SettingsFor, count: int) -> list[Row]:
    settings = settings_for("access")
    system = build_system(settings)
    try:
        with_seal = per_second(system.access_log, count)
    finally:
        system.close()
    # A row of about an entry's size (its JSON), one a transaction.
    state = json.dumps(asdict(entry(0)), default=str).encode()
    raw = insert_rate(settings, [(uuid4(), 1, "access", state) for _ in range(count)])
    return [
        Row(label, "lectures journalisées (1 entrée scellée par transaction)",
            with_seal, RATE, "pilote SQL, 1 ligne par transaction", raw)
    ]  # fmt: skip


def main() -> None:
    standalone(rows, __doc__, "entries", 2000)


if __name__ == "__main__":
    main()
