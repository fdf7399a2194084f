"""The composition root: builds the application, the projection engine and its
views from settings. Nothing else constructs them."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from commands.application import Logis
from infra import migrations
from infra.access_log import AccessLog
from infra.access_log_stores import access_log_for
from infra.cipher_check import check_cipher_key
from infra.erasure import attach_household_keys
from infra.following import ProjectorThread
from infra.locks import FileLocks, Locks, PostgresLocks
from infra.metrics import Metrics
from infra.projector import ProjectionEngine
from infra.server_checks import warn_without_autovacuum
from infra.snapshot_stores import attach_snapshots
from projections.audit_trail import AuditTrailProjection
from projections.commissions import CommissionsProjection
from projections.dossier_list import DossierListProjection
from projections.follow_up import FollowUpProjection
from projections.llts_statistics import LltsStatisticsProjection
from projections.mesures import MesuresProjection
from projections.programmes import ProgrammesProjection
from projections.saisines import SaisinesProjection
from projections.stage_counts import StageCountsProjection

if TYPE_CHECKING:
    from infra.relay import Relay, RelayThread
    from infra.settings import Settings
    from projections.rows import RowProjection

PROJECTIONS: tuple[type[RowProjection], ...] = (
    DossierListProjection,
    StageCountsProjection,
    ProgrammesProjection,
    CommissionsProjection,
    FollowUpProjection,
    MesuresProjection,
    SaisinesProjection,
    AuditTrailProjection,
    LltsStatisticsProjection,
)


@dataclass
class System:
    settings: Settings
    app: Logis
    engine: ProjectionEngine
    factory: InfrastructureFactory[Any]
    metrics: Metrics
    access_log: AccessLog
    thread: ProjectorThread | None = field(default=None)
    relay_thread: RelayThread | None = field(default=None)

    def start_projector_thread(self) -> None:
        if self.thread is None:
            self.thread = ProjectorThread(
                self.engine, self.settings.projector_poll_seconds
            )
            self.app.saved_listeners.append(self.thread.wake)
            self.thread.start()

    def catch_up(self) -> int:
        return self.engine.catch_up()

    def relay(self) -> Relay:
        """The Kafka relay, with locks of its own (LOGIS_KAFKA_BOOTSTRAP needed)."""
        return build_relay(self.settings, self.app)

    def start_relay_thread(self) -> None:
        from infra.relay import RelayThread  # Kafka: only a process that relays

        if self.relay_thread is None:
            relay = self.relay()
            self.metrics.watch_relay(relay.status)
            self.relay_thread = RelayThread(relay)
            self.relay_thread.start()

    def close(self) -> None:
        if self.relay_thread is not None:
            self.relay_thread.stop()
            self.relay_thread = None
        if self.thread is not None:
            self.app.saved_listeners.remove(self.thread.wake)
            self.thread.stop()
            self.thread = None
        self.engine.close()
        self.app.close()
        self.factory.close()


def prepare_schema(settings: Settings, *, apply: bool | None = None) -> list[str]:
    """The store's schema at this code's version before anything else runs: a
    newer one refused (NewerSchemaError). The embedded store migrates at start;
    PostgreSQL only with `apply` (`logis migrate`, `setup`, `demo`), otherwise a
    missing version is refused (PendingMigrationsError): services started
    together must not race to alter a shared database."""
    if apply is None:
        apply = not settings.is_postgres
    if apply:
        return migrations.migrate(settings)
    migrations.check_schema(settings)
    return []


def open_application(settings: Settings, *, migrate: bool | None = None) -> Logis:
    """The application, once the schema is this code's (prepare_schema) and
    LOGIS_CIPHER_KEY is known to read its store (CipherKeyError otherwise,
    before anything is written)."""
    if not settings.is_postgres:
        settings.sqlite_path().parent.mkdir(parents=True, exist_ok=True)
    prepare_schema(settings, apply=migrate)
    app = Logis(env=settings.eventsourcing_env())
    if migrations.in_memory(settings):
        migrations.create_in_memory(app.recorder.datastore, "sqlite")  # type: ignore[attr-defined]
    try:
        check_cipher_key(app)
    except Exception:
        app.close()
        raise
    return app


def check_store(settings: Settings) -> None:
    """Refuse, as `build_system` would, a store the settings cannot read."""
    open_application(settings).close()


def build_system(settings: Settings, *, migrate: bool | None = None) -> System:
    env = settings.eventsourcing_env()
    locks: Locks
    if settings.is_postgres:
        views_env = env
        locks = PostgresLocks(_conninfo(settings))
    elif migrations.in_memory(settings):
        # The views in memory too, in a database of this system's own: a file
        # named ":memory:-views" would be shared by every test process in the
        # directory (and left behind); the locks in a directory of its own.
        views_env = {**env, "SQLITE_DBNAME": _memory_uri()}
        locks = FileLocks(Path(tempfile.mkdtemp(prefix="logis-locks-")))
    else:
        events = settings.sqlite_path()
        views_env = {**env, "SQLITE_DBNAME": str(migrations.views_file(events))}
        locks = FileLocks(Path(f"{events}.locks"))
    app = open_application(settings, migrate=migrate)
    if settings.is_postgres:
        warn_without_autovacuum(app.recorder.datastore)
    attach_household_keys(app, settings.key_cache_seconds, settings.cipher_key_bytes())
    if settings.snapshot_interval:
        attach_snapshots(app, settings.snapshot_interval, settings.cipher_key_bytes())
    factory = InfrastructureFactory.construct(Environment(name="views", env=views_env))
    if migrations.in_memory(settings):
        migrations.create_in_memory(factory.datastore, "sqlite_views")  # type: ignore[attr-defined]
    engine = ProjectionEngine(
        app,
        list(PROJECTIONS),
        factory.datastore,  # type: ignore[attr-defined]
        locks,
        batch_size=settings.projector_batch_size,
    )
    access_log = access_log_for(app.recorder)
    access_log.seal_unsealed()
    return System(settings, app, engine, factory, Metrics(engine), access_log)


def _memory_uri() -> str:
    """A named in-memory SQLite database that every connection of the pool
    shares (`cache=shared`), and that no other system in the process sees."""
    return f"file:logis-views-{uuid.uuid4().hex}?mode=memory&cache=shared"


def build_relay(settings: Settings, app: Logis) -> Relay:
    from infra.relay import Relay, RelayConfig  # Kafka: only a process that relays

    if not settings.kafka_bootstrap:
        msg = "LOGIS_KAFKA_BOOTSTRAP n'est pas défini : le relais ne sait où publier"
        raise RuntimeError(msg)
    config = RelayConfig(
        bootstrap=settings.kafka_bootstrap,
        prefix=settings.kafka_topic_prefix,
        batch_size=settings.relay_batch_size,
        poll_seconds=settings.relay_poll_seconds,
        idempotence=settings.relay_idempotence,
        send_timeout_seconds=settings.relay_send_timeout_seconds,
        max_backoff_seconds=settings.relay_max_backoff_seconds,
        pause_before_commit_seconds=settings.relay_pause_before_commit_seconds,
    )
    return Relay(app, config, _locks(settings))


def _locks(settings: Settings) -> Locks:
    if settings.is_postgres:
        return PostgresLocks(_conninfo(settings))
    return FileLocks(Path(f"{settings.sqlite_path()}.locks"))


def _conninfo(settings: Settings) -> str:
    url = settings.database_url
    return url.replace("postgres://", "postgresql://", 1)
