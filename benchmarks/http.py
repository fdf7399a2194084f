"""Commands over HTTP from 1, 4 and 16 concurrent clients, against the database
driver inserting one row a transaction from as many connections, measured in
the same run.

For each backend: `logis serve`'s application (api/main.py, its projector
thread included) served by uvicorn in a thread on a free loopback port, on a
store of its own, called with development tokens (LOGIS_JWT_SECRET). For each
number of clients, N dossiers are created, then each client (an httpx.Client
in a thread of its own) posts the social enquiry's avis on its share of them,
each command on a different dossier: throughput, median and 99th percentile
latency. The baseline: N rows inserted one a transaction from as many threads,
a connection each (benchmarks/raw.py).

    python -m benchmarks.http [--http 200] [--postgres URL]
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
import time
from typing import TYPE_CHECKING

import httpx
import uvicorn

from api.main import create_app
from benchmarks.commands import adopt_settings
from benchmarks.raw import (
    concurrent_inserts,
    concurrently,
    percentile,
    shaped,
    timed,
)
from benchmarks.table import DURATION, RATE, Row, standalone
from infra.development_tokens import issue_token
from infra.migrations import migrate
from infra.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from benchmarks.backends import SettingsFor
    from commands.application import Logis

CLIENTS = (1, 4, 16)
SECRET = secrets.token_urlsafe(48)  # signs this run's development tokens only
DEPARTMENT, COMMUNE = "972", "97213"  # Martinique, Le Lamentin
ENQUIRY = {"avis": "favorable", "summary": "Situation stable"}


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[tuple[str, Logis]]:
    """The application served on a free loopback port until the block ends:
    its base URL and its system's application."""
    app = create_app(settings)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]})
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                msg = "le serveur de mesure n'a pas démarré"
                raise RuntimeError(msg)
            time.sleep(0.05)
        served = app.state.system.app
        adopt_settings(served)
        yield f"http://127.0.0.1:{port}", served
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        listener.close()


def bearer(settings: Settings, role: str, **where: str) -> dict[str, str]:
    token = issue_token(
        settings, subject=f"bench.{role}", role=role, organisation=f"org-{role}",
        **where,
    )  # fmt: skip
    return {"Authorization": f"Bearer {token}"}


def posted(client: httpx.Client, url: str, body: dict) -> httpx.Response:
    answer = client.post(url, json=body)
    if not answer.is_success:
        msg = f"POST {url} : {answer.status_code} {answer.text[:300]}"
        raise RuntimeError(msg)
    return answer


def in_clients(
    base_url: str,
    headers: dict[str, str],
    clients: int,
    calls: list[Callable[[httpx.Client], object]],
) -> tuple[float, list[float]]:
    """`calls` shared among `clients` concurrent clients (call i by client i
    mod clients): (seconds, each call's seconds)."""

    def share(index: int, ready: Callable[[], object]) -> list[float]:
        with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
            client.get("/health")  # connected before the clock starts
            ready()
            return timed(lambda c=call: c(client) for call in calls[index::clients])

    return concurrently(clients, share)


def commands_over_http(
    settings: Settings, base_url: str, clients: int, count: int
) -> tuple[float, list[float]]:
    """`count` dossiers created, then the social enquiry's avis posted on each
    by `clients` concurrent clients: (commands per second, each one's
    seconds)."""
    mairie = bearer(settings, "mairie", commune=COMMUNE)
    body = {
        "household_size": 3,
        "department": DEPARTMENT,
        "commune": COMMUNE,
    }
    created: list[str] = []
    calls = [
        lambda client, n=n: created.append(
            posted(
                client, "/v1/dossiers", body | {"applicant_name": f"Ménage {n}"}
            ).json()["id"]
        )
        for n in range(count)
    ]
    in_clients(base_url, mairie, clients, calls)
    departement = bearer(settings, "departement", department=DEPARTMENT)
    steps = [
        lambda client, d=dossier: posted(
            client, f"/v1/dossiers/{d}/social-enquiry", ENQUIRY
        )
        for dossier in created
    ]
    elapsed, seconds = in_clients(base_url, departement, clients, steps)
    return count / elapsed, seconds


def rows(label: str, settings_for: SettingsFor, count: int) -> list[Row]:
    store = settings_for("http")
    settings = Settings(
        database_url=store.database_url, jwt_secret=SECRET, log_level="WARNING"
    )
    migrate(settings)
    measured = {}
    with serving(settings) as (base_url, app):
        for clients in CLIENTS:
            measured[clients] = commands_over_http(settings, base_url, clients, count)
        stored = [
            n
            for n in app.recorder.select_notifications(start=1, limit=10 * count + 50)
            if n.topic.startswith("logis.dossier.")
        ]
    shaped_rows = shaped(stored[-count:])  # the last round's avis
    table = []
    for clients, (rate, seconds) in measured.items():
        raw_rate, raw_seconds = concurrent_inserts(settings, shaped_rows, clients)
        measure = f"commandes HTTP, {clients} client{'s' if clients > 1 else ''}"
        baseline = f"pilote SQL, 1 ligne/transaction, {clients} conn."
        table += [
            Row(label, f"{measure} ({count})", rate, RATE, baseline, raw_rate),
            Row(label, f"{measure}, p50", 1000 * percentile(seconds, 0.5),
                DURATION, baseline, 1000 * percentile(raw_seconds, 0.5)),
            Row(label, f"{measure}, p99", 1000 * percentile(seconds, 0.99),
                DURATION, baseline, 1000 * percentile(raw_seconds, 0.99)),
        ]  # fmt: skip
    return table


def main() -> None:
    standalone(rows, __doc__, "http", 200)


if __name__ == "__main__":
    main()
