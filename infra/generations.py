"""The generations of each view: one *active* (what readers see) and, while a
rebuild runs, one *building* beside it, in `projection_generations`; a building
generation replaces the active one in a single update."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from projections.rows import RowProjection

ACTIVE, BUILDING, RETIRED = "active", "building", "retired"


@dataclass(frozen=True)
class Generation:
    name: str
    generation: int
    version: int
    state: str
    created_at: str
    switched_at: str | None

    @property
    def view(self) -> str:
        return f"{self.name}_g{self.generation}"


class Generations:
    """The registry: which generation of each view exists, and which one readers use."""

    def __init__(self, datastore: Any, mark: str) -> None:
        self.datastore = datastore
        self.m = mark
        # The projector's thread only: readers of the views keep asking the
        # registry itself.
        self._pass = threading.local()

    @contextmanager
    def held(self, generations: tuple[Generation, ...]) -> Iterator[None]:
        """Within a projector's pass, the registry as the pass read it at its
        start (`everything()`), read again after each change this process makes:
        a pass asked it three times for each view."""
        self._pass.held = generations
        try:
            yield
        finally:
            self._pass.held = None

    def _changed(self) -> None:
        if getattr(self._pass, "held", None) is not None:
            self._pass.held = self.everything()

    def all(self, name: str) -> list[Generation]:
        if (held := getattr(self._pass, "held", None)) is not None:
            return [g for g in held if g.name == name]
        return self._select(f"WHERE name = {self.m} ", (name,))

    def everything(self) -> tuple[Generation, ...]:
        """Every generation of every view, in one read."""
        return tuple(self._select("", ()))

    def _select(self, where: str, params: tuple[Any, ...]) -> list[Generation]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT name, generation, version, state, created_at, switched_at "
                f"FROM projection_generations {where}ORDER BY name, generation",
                params,
            )
            rows = c.fetchall()
        return [
            Generation(
                *(
                    r[k] if isinstance(r, dict) else r[i]
                    for i, k in enumerate(
                        (
                            "name",
                            "generation",
                            "version",
                            "state",
                            "created_at",
                            "switched_at",
                        )
                    )
                )
            )
            for r in rows
        ]

    def find(self, name: str, state: str) -> Generation | None:
        found = [g for g in self.all(name) if g.state == state]
        return found[-1] if found else None

    def create(self, name: str, version: int) -> Generation:
        m = self.m
        now = _now()
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                "INSERT INTO projection_generations "
                "(name, generation, version, state, created_at) "
                f"SELECT {m}, COALESCE(MAX(generation), 0) + 1, {m}, {m}, {m} "
                f"FROM projection_generations WHERE name = {m}",
                (name, version, BUILDING, now, name),
            )
        self._changed()
        created = self.find(name, BUILDING)
        assert created is not None
        return created

    def create_replacing(
        self, name: str, version: int, active: Generation | None
    ) -> Generation | None:
        """A new building generation, if `active` (what the caller read) is still
        the active one; None if another projector switched or created one since."""
        m = self.m
        try:
            with self.datastore.transaction(commit=True) as c:
                c.execute(
                    "INSERT INTO projection_generations "
                    "(name, generation, version, state, created_at) "
                    f"SELECT {m}, COALESCE(MAX(generation), 0) + 1, {m}, {m}, {m} "
                    f"FROM projection_generations WHERE name = {m} HAVING COALESCE("
                    f"MAX(CASE WHEN state = {m} THEN generation END), 0) = {m} "
                    "RETURNING generation",
                    (name, version, BUILDING, _now(), name, ACTIVE,
                     active.generation if active else 0),
                )  # fmt: skip
                created = c.fetchone()
        except IntegrityError:
            # Another process (a `logis` command started beside the server, a
            # second projector) created the same generation at the same moment.
            return None
        if created is None:
            return None
        self._changed()
        return self.find(name, BUILDING)

    def activate(self, generation: Generation) -> None:
        m = self.m
        now = _now()
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"UPDATE projection_generations SET state = {m}, switched_at = {m} "
                f"WHERE name = {m} AND state = {m}",
                (RETIRED, now, generation.name, ACTIVE),
            )
            c.execute(
                f"UPDATE projection_generations SET state = {m}, switched_at = {m} "
                f"WHERE name = {m} AND generation = {m} AND state = {m} "
                "RETURNING generation",
                (ACTIVE, now, generation.name, generation.generation, BUILDING),
            )
            if c.fetchone() is None:
                msg = f"{generation.view} is no longer building"
                raise IntegrityError(msg)
        self._changed()

    def forget(self, generation: Generation) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                "DELETE FROM projection_generations "
                f"WHERE name = {self.m} AND generation = {self.m}",
                (generation.name, generation.generation),
            )
        self._changed()


def _now() -> str:
    return datetime.now(UTC).isoformat()


def newer(generation: Generation | None, projection: type[RowProjection]) -> bool:
    return generation is not None and generation.version > projection.version
