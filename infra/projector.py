"""The projection engine: every read model is fed here, in batches, exactly once.

For each projection it keeps one *active* generation of the view (what readers
see) and, while a rebuild runs, one *building* generation beside it. Each batch
of events is applied with its tracking position in one view transaction. A
generation is written by one process at a time (infra/locks.py); when a building
generation has caught up with the store, it replaces the active one in a single
update of `projection_generations`.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import structlog
from eventsourcing.persistence import IntegrityError, OperationalError, Tracking

from infra.connection_pins import pinned
from infra.generations import ACTIVE, BUILDING, RETIRED, Generation, Generations, newer
from infra.projection_failures import Failure, Failures
from infra.projection_status import ProjectionStatus, statuses
from infra.rebuild import rebuild
from infra.rowviews import SQLRowView
from infra.sealed_columns import sealer_of
from infra.settled import Settled
from infra.shared_reads import SharedReads

if TYPE_CHECKING:
    from collections.abc import Callable

    from eventsourcing.application import Application

    from infra.locks import Locks
    from projections.rows import RowProjection

log = structlog.get_logger("logis.projector")


class ProjectionEngine:
    def __init__(
        self,
        app: Application,
        projections: list[type[RowProjection]],
        datastore: Any,
        locks: Locks,
        batch_size: int = 1000,
    ) -> None:
        self.app = app
        self.projections = {p.name: p for p in projections}
        self.datastore = datastore
        self.locks = locks
        self.batch_size = batch_size
        self._views: dict[str, SQLRowView] = {}
        self._created: set[str] = set()
        # Personal values in the views sealed under the events' household keys.
        self.sealer = sealer_of(app)
        probe = SQLRowView(datastore, view="_", tables=())  # for its dialect
        self.registry = Generations(datastore, probe.dialect.mark)
        self.failures = Failures(datastore, probe.dialect.mark)
        self.mutex = threading.RLock()
        # Readers waiting for their writes (read-your-writes) are woken at each
        # commit of this process's projector instead of polling a sleep away.
        self.advanced = threading.Condition()
        self.commits = 0
        # Within a pass (run_once), what one projection's batch read and
        # decoded, for the next ones reading the same positions.
        self._shared: SharedReads | None = None
        self.settled = Settled(self)

    # ---- views -------------------------------------------------------------------

    def view(self, generation: Generation, *, create: bool = False) -> SQLRowView:
        """The generation's view; `create` (writers only) makes its tables first."""
        view = self._views.get(generation.view)
        if view is None:
            projection = self.projections[generation.name]
            view = SQLRowView(
                self.datastore,
                view=generation.view,
                tables=projection.tables,
                sealer=self.sealer,
            )
            self._views[generation.view] = view
        if create and generation.view not in self._created:
            view.create_table()
            self._created.add(generation.view)
        return view

    def reader(self, name: str) -> SQLRowView | None:
        """The generation readers use now, or None before its first build ends."""
        active = self.registry.find(name, ACTIVE)
        return None if active is None else self.view(active)

    def positions(self) -> dict[str, int]:
        """Where each projection's active view stands (0 before its first build)."""
        views = {name: self.reader(name) for name in self.projections}
        app = self.app.name
        return {n: (v.max_tracking_id(app) or 0) if v else 0 for n, v in views.items()}

    def position(self, generation: Generation) -> int:
        return self.view(generation).max_tracking_id(self.app.name) or 0

    def wait_for(self, view: SQLRowView, position: int, timeout: float) -> None:
        """Return once `view` has applied `position`, or raise TimeoutError.

        Woken by each commit of this process's projector; a projector in another
        process (`logis project`) is polled, from 10 ms up to 200 ms apart."""
        deadline = time.monotonic() + timeout
        interval = 0.01
        while True:
            seen = self.commits
            if view.has_tracking_id(self.app.name, position):
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                msg = f"{view.view} has not reached position {position}"
                raise TimeoutError(msg)
            with self.advanced:
                self.advanced.wait_for(
                    lambda seen=seen: self.commits != seen, min(interval, remaining)
                )
            interval = min(interval * 2, 0.2)

    def _committed(self) -> None:
        with self.advanced:
            self.commits += 1
            self.advanced.notify_all()

    # ---- processing --------------------------------------------------------------

    def run_once(self, max_batches: int = 10) -> int:
        """One pass over every projection, a batch each in turn (those that still
        move: they read and decode the same events once); how many were applied."""
        with self.mutex:
            try:
                with pinned(self.app.recorder.datastore, self.datastore):
                    return self._pass(max_batches)
            except OperationalError:  # a pinned connection lost: each from the pool
                return self._pass(max_batches)

    def _pass(self, max_batches: int) -> int:
        seen, at_rest = self.settled.look()
        if at_rest:
            return 0
        self._shared = SharedReads(self.app, keep=4 * self.batch_size)
        done = 0
        try:
            with self.registry.held(seen[1]):
                moving = list(self.projections.values())
                for _ in range(max_batches):
                    counts = [(p, self._advance(p, 1)) for p in moving]
                    done += sum(count for _, count in counts)
                    moving = [p for p, count in counts if count]
                    if not moving:
                        break
        finally:
            self._shared = None  # not kept between passes: keys may go
        self.settled.after_pass(seen, done)
        return done

    def catch_up(self) -> int:
        total = 0
        while count := self.run_once(max_batches=1000):
            total += count
        return total

    def _advance(self, projection: type[RowProjection], max_batches: int) -> int:
        active = self.registry.find(projection.name, ACTIVE)
        building = self.registry.find(projection.name, BUILDING)
        if newer(active, projection) or newer(building, projection):
            # A newer release runs beside this one (a rolling deploy): its views
            # are not this code's to write, nor to rebuild back to an old version.
            log.warning("projection_outdated", projection=projection.name)
            return 0
        if building is not None and building.version < projection.version:
            self._abandon(building)  # an older release's rebuild, never finished
            building = None
        if building is None and (
            active is None
            or active.version < projection.version
            or self._ahead_of_store(active)
        ):
            # Only if `active` still is: read before another projector switched
            # (`building` read after), it would start a needless rebuild.
            building = self.registry.create_replacing(
                projection.name, projection.version, active
            )
            if building is None:
                return 0  # the registry moved on: read it again next pass
            log.info(
                "rebuild_started",
                projection=projection.name,
                generation=building.generation,
                version=projection.version,
            )
        done = 0
        if building is not None and self.hold(building):
            done, switched = self._build(projection, building, max_batches)
            if switched:  # the old active generation is retired: nothing more here
                self.release_stale(projection.name)
                return done
        if (
            active is not None
            and active.version == projection.version
            and self.hold(active)
        ):
            done += self._apply_batches(projection, active, max_batches)[0]
        self.release_stale(projection.name)
        return done

    def _abandon(self, building: Generation) -> None:
        if not self.hold(building):
            return  # its builder still runs; it will find the newer code's work
        self.view(building).drop_tables()
        self._views.pop(building.view, None)
        self._created.discard(building.view)
        self.registry.forget(building)
        self.release_stale(building.name)
        log.info("rebuild_abandoned", view=building.view, version=building.version)

    def _ahead_of_store(self, active: Generation) -> bool:
        """A view past the store's last event was built from another store (one
        replaced or restored from an older backup): it must be rebuilt."""
        # The position first: read after it, the head is at least where the
        # leader stood when it wrote that position. Read before it, a standby
        # would take the leader's progress for a view ahead, and rebuild.
        position = self.position(active)
        head = self.app.recorder.max_notification_id() or 0
        ahead = position > head
        if ahead:
            log.error("view_ahead_of_store", view=active.view, head=head)
        return ahead

    def _build(
        self, projection: type[RowProjection], building: Generation, max_batches: int
    ) -> tuple[int, bool]:
        done, caught_up = self._apply_batches(projection, building, max_batches)
        if caught_up:
            try:
                self.switch(building)
            except IntegrityError:
                # Another projector switched it (or abandoned it) first; the
                # transaction rolled back whole: read the registry again next pass.
                log.info("view_switched_elsewhere", view=building.view)
                return done, False
        return done, caught_up

    def switch(self, building: Generation) -> None:
        self.registry.activate(building)
        log.info(
            "view_switched", projection=building.name, generation=building.generation
        )
        # Keep the generation just retired (readers may be mid-query on it); drop older.
        retired = [g for g in self.registry.all(building.name) if g.state == RETIRED]
        for old in retired:
            self.failures.clear(old)  # readers left it: its failure no longer matters
        for old in retired[:-1]:
            self._drop(old)

    def drop_retired(self) -> int:
        """Drop every retired generation (at an erasure: one written before the
        views were sealed holds personal values in clear); how many."""
        with self.mutex:
            retired = [g for g in self._generations() if g.state == RETIRED]
            for old in retired:
                self._drop(old)
        return len(retired)

    def _generations(self) -> list[Generation]:
        return [g for g in self.registry.everything() if g.name in self.projections]

    def _drop(self, old: Generation) -> None:
        self.view(old).drop_tables()
        self._views.pop(old.view, None)
        self._created.discard(old.view)
        self.registry.forget(old)

    def _apply_batches(
        self, projection: type[RowProjection], generation: Generation, max_batches: int
    ) -> tuple[int, bool]:
        if self.failures.waiting(generation):
            return 0, False  # stuck: tried again after its back-off
        done, caught_up = 0, False
        try:
            for _ in range(max_batches):
                count, caught_up = self.apply_batch(projection, generation)
                done += count
                if caught_up:
                    break
        except Exception:
            return done + self.isolate(projection, generation), False
        self.failures.clear(generation)
        return done, caught_up

    def isolate(self, projection: type[RowProjection], generation: Generation) -> int:
        """A batch failed: apply its events again one at a time, so that those
        before the culprit are applied and the culprit is named. A failure of the
        store itself (no recording possible) goes up to the caller's back-off."""
        done = 0
        for _ in range(self.batch_size):
            try:
                count, caught_up = self.apply_batch(projection, generation, limit=1)
            except Exception as error:
                self._record(projection, generation, error)
                return done
            done += count
            if caught_up:
                break
        return done

    def _record(
        self,
        projection: type[RowProjection],
        generation: Generation,
        error: Exception,
    ) -> Failure:
        position = self.position(generation)
        pending = self.app.recorder.select_notifications(
            start=position, limit=1, topics=projection.topics, inclusive_of_start=False
        )
        culprit = pending[0] if pending else None
        return self.failures.record(
            generation,
            culprit.id if culprit else position + 1,
            culprit.topic if culprit else "",
            str(culprit.originator_id) if culprit else "",
            error,
        )

    def stuck(self) -> list[Failure]:
        """The failures of generations still in use (active or building)."""
        live = {g.view for g in self._generations() if g.state != RETIRED}
        return [f for f in self.failures.all() if f.view in live]

    def apply_batch(
        self,
        projection_class: type[RowProjection],
        generation: Generation,
        limit: int | None = None,
    ) -> tuple[int, bool]:
        """Apply the next batch in one transaction: (events applied, head reached)."""
        view = self.view(generation, create=True)
        projection = projection_class(view=view)
        start = view.max_tracking_id(self.app.name) or 0
        head = self.app.recorder.max_notification_id() or 0
        if start >= head:
            return 0, True
        size = limit or self.batch_size
        # Alone (not in a pass), its reads are kept for this batch only.
        reads = self._shared or SharedReads(self.app, keep=size)
        notifications = reads.select(start, size, head, projection_class.topics)
        full = len(notifications) == size
        last = notifications[-1].id if full else head  # skipped events are passed over
        view.begin(after=start)
        try:
            events = reads.decoded_all(notifications, projection_class.reads_personal)
            projection.prefetch(events)
            process = projection.process_event  # bound once: dispatch per event
            for notification, event in zip(notifications, events, strict=True):
                process(event, Tracking(self.app.name, notification.id))
            view.commit(Tracking(self.app.name, last))
            self._committed()
        except IntegrityError:
            view.rollback()
            if (view.max_tracking_id(self.app.name) or 0) == start:
                raise  # nobody moved the view: the projection itself is at fault
            log.warning("batch_already_applied", view=generation.view, start=start)
            return 0, False
        except BaseException:
            view.rollback()
            raise
        return len(notifications), not full

    # ---- leadership, operations (infra/rebuild.py, infra/projection_status.py) ---

    def hold(self, generation: Generation) -> bool:
        return self.locks.acquire(f"logis:view:{generation.view}")

    def release_stale(self, name: str) -> None:
        generations = self.registry.all(name)
        live = {f"logis:view:{g.view}" for g in generations if g.state != RETIRED}
        prefix = f"logis:view:{name}_g"
        for key in self.locks.held():
            if key.startswith(prefix) and key not in live:
                self.locks.release(key)

    def rebuild(
        self, name: str, progress: Callable[[int, int], None] | None = None
    ) -> Generation:
        """Build a new generation from the first event and switch readers to it."""
        return rebuild(self, name, progress)

    def status(self) -> list[ProjectionStatus]:
        return statuses(self)

    def close(self) -> None:
        self.locks.close()
