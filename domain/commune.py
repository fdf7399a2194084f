"""A commune's listes complémentaires (LC-VALIDITE, DOMAIN.md §3.5, §10).

A liste complémentaire serves every LLTS vacancy of every landlord of its
commune for six months. The commission préfectorale that sets one registers it
here, in the same transaction as its ranking, so that a vacancy finds the
lists of its commune by loading one aggregate rather than searching them all.
No one registers a list by hand: the application does it on behalf of the
commission préfectorale whose ranking it records (role and date checked there).
"""

from __future__ import annotations

from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.liste import ListeComplementaire
from domain.shared import Meta, NamedTopics, RecordedEvent, TransitionError


def commune_listes_id(commune: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"logis:commune:{commune}:listes")


class CommuneListes(NamedTopics, Aggregate):
    TOPIC = "logis.commune.CommuneListes"

    class Event(RecordedEvent):
        """A liste complémentaire registered, or the register opened."""

    class Opened(Event, Aggregate.Created):
        commune: str

        def apply(self, register: CommuneListes) -> None:
            register.commune = self.commune
            register.listes = []

    class ListeRegistered(Event):
        commission_id: UUID
        decided_on: date
        valid_until: date
        dossier_ids: list[UUID]

        def apply(self, register: CommuneListes) -> None:
            register.listes = [
                *register.listes,
                ListeComplementaire(
                    commission_id=self.commission_id,
                    commune=register.commune,
                    decided_on=self.decided_on,
                    valid_until=self.valid_until,
                    dossier_ids=tuple(self.dossier_ids),
                ),
            ]

    @classmethod
    def open(cls, commune: str, meta: Meta) -> CommuneListes:
        return cls._create(
            cls.Opened, id=commune_listes_id(commune), commune=commune, **meta.fields()
        )

    def register(self, liste: ListeComplementaire, meta: Meta) -> None:
        if liste.commune != self.commune:
            msg = f"Liste de la commune {liste.commune}, pas de {self.commune}."
            raise TransitionError(msg, "wrong_commune")
        if any(known.commission_id == liste.commission_id for known in self.listes):
            msg = "La liste complémentaire de cette commission est déjà inscrite."
            raise TransitionError(msg, "liste_already_registered")
        self.trigger_event(
            self.ListeRegistered,
            commission_id=liste.commission_id,
            decided_on=liste.decided_on,
            valid_until=liste.valid_until,
            dossier_ids=list(liste.dossier_ids),
            **meta.fields(),
        )
