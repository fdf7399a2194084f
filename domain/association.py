"""An association's load: the ASLL measures it runs at once (ASLL-CAPACITE).

An association never runs more measures than its declared monthly capacity
(and never more suivis renforcés than their own capacity). A measure takes a
place when it is notified to the association and gives it back when it ends,
breaks off or is reoriented. The place is taken in this aggregate, saved in the
same transaction as the measure: two notifications racing for the last place
both load version n, both try to append version n+1, and the store keeps one.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.shared import (
    Meta,
    NamedTopics,
    RecordedEvent,
    RuleViolation,
    TransitionError,
)


def association_load_id(department: str, association: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"logis:association:{department}:{association}:load")


class AssociationLoad(NamedTopics, Aggregate):
    TOPIC = "logis.association.AssociationLoad"

    class Event(RecordedEvent):
        """A place of the association taken or given back, or its load opened."""

    class Opened(Event, Aggregate.Created):
        department: str
        association: str

        def apply(self, load: AssociationLoad) -> None:
            load.department = self.department
            load.association = self.association
            load.active = {}  # mesure id → suivi renforcé

    class PlaceTaken(Event):
        mesure_id: UUID
        renforce: bool
        capacity: int  # the capacity in force, as checked
        renforce_capacity: int

        def apply(self, load: AssociationLoad) -> None:
            load.active = {**load.active, self.mesure_id: self.renforce}

    class PlaceReleased(Event):
        mesure_id: UUID

        def apply(self, load: AssociationLoad) -> None:
            load.active = {k: v for k, v in load.active.items() if k != self.mesure_id}

    @classmethod
    def open(cls, department: str, association: str, meta: Meta) -> AssociationLoad:
        return cls._create(
            cls.Opened,
            id=association_load_id(department, association),
            department=department,
            association=association,
            **meta.fields(),
        )

    def take(
        self,
        mesure_id: UUID,
        *,
        renforce: bool,
        capacity: int,
        renforce_capacity: int,
        meta: Meta,
    ) -> None:
        """Called for the notification of a measure: the role is checked there."""
        if mesure_id in self.active:
            msg = "La mesure occupe déjà une place de l'association."
            raise TransitionError(msg, "place_already_taken")
        if len(self.active) >= capacity:
            msg = (
                f"L'association {self.association} suit déjà {len(self.active)} "
                f"ménages pour une capacité mensuelle de {capacity}."
            )
            raise RuleViolation("ASLL-CAPACITE", msg)
        if renforce and self.renforce_count >= renforce_capacity:
            msg = (
                f"L'association {self.association} assure déjà {self.renforce_count} "
                f"suivis renforcés pour une capacité de {renforce_capacity}."
            )
            raise RuleViolation("ASLL-CAPACITE", msg)
        self.trigger_event(
            self.PlaceTaken,
            mesure_id=mesure_id,
            renforce=renforce,
            capacity=capacity,
            renforce_capacity=renforce_capacity,
            **meta.fields(),
        )

    def release(self, mesure_id: UUID, meta: Meta) -> None:
        if mesure_id not in self.active:
            return  # nothing held: a measure that never took a place
        self.trigger_event(self.PlaceReleased, mesure_id=mesure_id, **meta.fields())

    @property
    def renforce_count(self) -> int:
        return sum(1 for renforce in self.active.values() if renforce)
