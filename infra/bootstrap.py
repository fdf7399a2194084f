"""The composition root: builds the application, its views and projectors from
settings. Nothing else constructs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from commands.application import Logis
from infra.projector import Projector, ProjectorThread
from infra.views import PostgresDossierListView, SQLiteDossierListView
from projections.dossier_list import DossierListProjection, DossierListView

if TYPE_CHECKING:
    from infra.settings import Settings


@dataclass
class System:
    settings: Settings
    app: Logis
    dossier_list: DossierListView
    projectors: list[Projector]
    factories: list[InfrastructureFactory] = field(default_factory=list)
    thread: ProjectorThread | None = field(default=None)

    def start_projector_thread(self) -> None:
        if self.thread is None:
            self.thread = ProjectorThread(
                self.projectors, self.settings.projector_poll_seconds
            )
            self.thread.start()

    def catch_up(self) -> int:
        return sum(p.catch_up() for p in self.projectors)

    def close(self) -> None:
        if self.thread is not None:
            self.thread.stop()
            self.thread = None
        self.app.close()
        for factory in self.factories:
            factory.close()


def build_system(settings: Settings) -> System:
    env = settings.eventsourcing_env()
    if not settings.is_postgres:
        settings.sqlite_path().parent.mkdir(parents=True, exist_ok=True)
    app = Logis(env=env)
    factory = InfrastructureFactory.construct(Environment(name="dossier_list", env=env))
    view_class = (
        PostgresDossierListView if settings.is_postgres else SQLiteDossierListView
    )
    dossier_list = factory.tracking_recorder(view_class)
    projection = DossierListProjection(view=dossier_list)
    return System(settings, app, dossier_list, [Projector(app, projection)], [factory])
