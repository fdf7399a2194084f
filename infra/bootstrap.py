"""The composition root: builds the application, the projection engine and its
views from settings. Nothing else constructs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from commands.application import Logis
from infra.access_log import AccessLog, access_log_for
from infra.erasure import attach_household_keys
from infra.locks import FileLocks, Locks, PostgresLocks
from infra.metrics import Metrics
from infra.projector import ProjectionEngine, ProjectorThread
from projections.audit_trail import AuditTrailProjection
from projections.commissions import CommissionsProjection
from projections.dossier_list import DossierListProjection
from projections.follow_up import FollowUpProjection
from projections.mesures import MesuresProjection
from projections.programmes import ProgrammesProjection
from projections.stage_counts import StageCountsProjection

if TYPE_CHECKING:
    from infra.settings import Settings
    from projections.rows import RowProjection

PROJECTIONS: tuple[type[RowProjection], ...] = (
    DossierListProjection,
    StageCountsProjection,
    ProgrammesProjection,
    CommissionsProjection,
    FollowUpProjection,
    MesuresProjection,
    AuditTrailProjection,
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

    def start_projector_thread(self) -> None:
        if self.thread is None:
            self.thread = ProjectorThread(
                self.engine, self.settings.projector_poll_seconds
            )
            self.thread.start()

    def catch_up(self) -> int:
        return self.engine.catch_up()

    def close(self) -> None:
        if self.thread is not None:
            self.thread.stop()
            self.thread = None
        self.engine.close()
        self.app.close()
        self.factory.close()


def build_system(settings: Settings) -> System:
    env = settings.eventsourcing_env()
    locks: Locks
    if settings.is_postgres:
        views_env = env
        locks = PostgresLocks(_conninfo(settings))
    else:
        events = settings.sqlite_path()
        events.parent.mkdir(parents=True, exist_ok=True)
        # Views in their own file: the projector's writes never wait for the
        # commands' ones (SQLite has one writer per file).
        views = events.with_name(f"{events.stem}-views{events.suffix}")
        views_env = {**env, "SQLITE_DBNAME": str(views)}
        locks = FileLocks(Path(f"{events}.locks"))
    app = Logis(env=env)
    attach_household_keys(app, settings.key_cache_seconds)
    factory = InfrastructureFactory.construct(Environment(name="views", env=views_env))
    engine = ProjectionEngine(
        app,
        list(PROJECTIONS),
        factory.datastore,  # type: ignore[attr-defined]
        locks,
        batch_size=settings.projector_batch_size,
    )
    access_log = access_log_for(app.recorder)
    access_log.create_table()
    return System(settings, app, engine, factory, Metrics(engine), access_log)


def _conninfo(settings: Settings) -> str:
    url = settings.database_url
    return url.replace("postgres://", "postgresql://", 1)
