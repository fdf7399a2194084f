"""Every benchmark in one run (`make bench`): one table of absolute figures,
each beside a raw baseline measured in the same run and the same process, on
SQLite then PostgreSQL; the same rows written as JSON (benchmarks/results/
latest.json, not committed: each run overwrites it; the README's run is kept
beside it under its date, to compare a run with).

    python -m benchmarks.run [--sizes 10000] [--only commands,scaling] …

Each size is a flag, so that the smoke test runs everything tiny."""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
import time
from pathlib import Path

from benchmarks import (
    access_log,
    commands,
    commissions,
    http,
    projections,
    relay,
    scaling,
)
from benchmarks.backends import BACKENDS, POSTGRES_ADMIN
from benchmarks.table import collect, text, write_json
from infra.logging import configure_logging

RESULTS = Path(__file__).parent / "results" / "latest.json"
BENCHMARKS = (
    "commands",
    "commissions",
    "projections",
    "relay",
    "access_log",
    "scaling",
    "http",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=200, help="dossiers")
    parser.add_argument("--commissions", type=int, default=300, help="dossiers")
    parser.add_argument("--projections", type=int, default=2400, help="dossiers")
    parser.add_argument("--relay", type=int, default=600, help="dossiers")
    parser.add_argument("--entries", type=int, default=2000, help="access log")
    parser.add_argument("--http", type=int, default=200, help="HTTP commands")
    parser.add_argument(
        "--sizes", default="10000", help="store sizes (events), comma-separated"
    )
    parser.add_argument(
        "--long", default="100,1000", help="events of the measures loaded"
    )
    parser.add_argument("--only", default=",".join(BENCHMARKS))
    parser.add_argument("--bootstrap", default=None, help="Kafka (else Tansu)")
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--postgres", default=POSTGRES_ADMIN)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args(argv)
    configure_logging("WARNING", json=False)
    only = args.only.split(",")
    unknown = set(only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = tuple(args.backends.split(","))
    if set(backends) - set(BACKENDS):
        wrong = ", ".join(sorted(set(backends) - set(BACKENDS)))
        parser.error(f"unknown backends: {wrong} (known: {', '.join(BACKENDS)})")
    long = [int(n) for n in args.long.split(",")]
    plan = {
        "commands": (commands.rows, args.commands),
        "commissions": (commissions.rows, args.commissions),
        "projections": (projections.rows, args.projections),
        "relay": (relay.rows, args.relay),
        "access_log": (access_log.rows, args.entries),
        "scaling": (functools.partial(scaling.rows, long=long), sizes),
        "http": (http.rows, args.http),
    }
    rows = []
    with contextlib.ExitStack() as stack:
        for name in only:
            bench, size = plan[name]
            if name == "relay":
                bootstrap = args.bootstrap or stack.enter_context(relay.tansu())
                bench = functools.partial(bench, bootstrap=bootstrap)
            started = time.perf_counter()
            rows += collect(bench, size, args.postgres, backends)
            seconds = time.perf_counter() - started
            print(f"{name}: {seconds:.0f} s", file=sys.stderr, flush=True)
    print(text(rows))
    write_json(rows, args.json, {name: plan[name][1] for name in only} | {"long": long})
    print(f"\n{len(rows)} lignes, écrites dans {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
