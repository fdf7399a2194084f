"""The dwellings of a commune's programmes, by reference (LOGEMENT-UNIQUE).

A programme's dwelling is attributed through its programme, where its CAL's
attribution is saved with the decision. A CAL convened without a programme
examines dwellings Logis does not hold; this register, kept by the application
in the same transaction as each programme's announcement, lets it refuse one
that is in fact a programme's — another landlord's, or its own to be examined
through the programme. Reading (assumption): a reference names one dwelling in
its commune, whichever landlord's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.shared import Meta, NamedTopics, RecordedEvent, RuleViolation

if TYPE_CHECKING:
    from collections.abc import Sequence

ONE_HOUSEHOLD = "LOGEMENT-UNIQUE"


def commune_dwellings_id(commune: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"logis:commune:{commune}:dwellings")


class CommuneDwellings(NamedTopics, Aggregate):
    TOPIC = "logis.dwellings.CommuneDwellings"

    class Event(RecordedEvent):
        """A programme's dwellings registered, or the register opened."""

    class Opened(Event, Aggregate.Created):
        commune: str

        def apply(self, register: CommuneDwellings) -> None:
            register.commune = self.commune
            register.owners = {}  # ref → [(programme id, landlord)]

    class ProgrammeRegistered(Event):
        programme_id: UUID
        landlord: str
        refs: list[str]

        def apply(self, register: CommuneDwellings) -> None:
            owners = dict(register.owners)
            for ref in self.refs:
                owners[ref] = [*owners.get(ref, []), (self.programme_id, self.landlord)]
            register.owners = owners

    @classmethod
    def open(cls, commune: str, meta: Meta) -> CommuneDwellings:
        return cls._create(
            cls.Opened,
            id=commune_dwellings_id(commune),
            commune=commune,
            **meta.fields(),
        )

    def register(
        self, programme_id: UUID, landlord: str, refs: Sequence[str], meta: Meta
    ) -> None:
        """Called for a programme's announcement: its role is checked there."""
        self.trigger_event(
            self.ProgrammeRegistered,
            programme_id=programme_id,
            landlord=landlord,
            refs=list(refs),
            **meta.fields(),
        )

    def check_outside_programmes(self, refs: Sequence[str], landlord: str) -> None:
        """A CAL without a programme examines no programme's dwelling."""
        for ref in refs:
            for programme_id, owner in self.owners.get(ref, ()):
                if owner != landlord:
                    msg = (
                        f"Le logement {ref} est celui d'un programme de {owner} : "
                        "seule sa CAL l'attribue."
                    )
                else:
                    msg = (
                        f"Le logement {ref} est celui du programme {programme_id} : "
                        "la CAL qui l'examine est convoquée pour ce programme."
                    )
                raise RuleViolation(ONE_HOUSEHOLD, msg)
