"""What the commands floor adds to each kind of record (domain/records.py): the
command that creates it and the base class of the commands of its steps, whose
subclasses are its step commands (a new step needs no other entry). The
application carries any of them out the same way (Logis.create, Logis.step);
what a step changes besides its record, its command says (`perform`)."""

from __future__ import annotations

from dataclasses import dataclass

from commands.base import Command, Creation, RecordStep, steps_of
from commands.commission import CommissionStep, ConveneCommission
from commands.dossier import Step
from commands.dossier_identification import IdentifyDossier
from commands.mesure import MesureStep, RequestMesure
from commands.programme import AnnounceProgramme, ProgrammeStep
from commands.saisine import SaisineStep, SignalSaisine
from domain.records import RecordKind, kind


@dataclass(frozen=True)
class Procedure:
    kind: RecordKind
    creation: type[Creation]
    step: type[RecordStep]  # every step command of the kind derives from it

    @property
    def steps(self) -> tuple[type[RecordStep], ...]:
        """Its step commands, in the order they are declared (steps_of)."""
        return tuple(steps_of(self.step))


PROCEDURES: dict[str, Procedure] = {
    p.kind.name: p
    for p in (
        Procedure(kind("dossier"), IdentifyDossier, Step),
        Procedure(kind("mesure"), RequestMesure, MesureStep),
        Procedure(kind("programme"), AnnounceProgramme, ProgrammeStep),
        Procedure(kind("commission"), ConveneCommission, CommissionStep),
        Procedure(kind("saisine"), SignalSaisine, SaisineStep),
    )
}


def procedure_of(command: Command) -> tuple[Procedure, bool]:
    """The procedure `command` belongs to, and whether it creates a record."""
    for procedure in PROCEDURES.values():
        if isinstance(command, procedure.creation | procedure.step):
            return procedure, isinstance(command, procedure.creation)
    msg = f"no procedure for {type(command).__name__}"
    raise LookupError(msg)


def procedure_for(kind_name: str, command: Command) -> Procedure:
    """The kind's procedure, once `command` is one of its (TypeError if not)."""
    procedure = PROCEDURES[kind_name]
    if not isinstance(command, procedure.creation | procedure.step):
        msg = f"{type(command).__name__} is no command of a {kind_name}"
        raise TypeError(msg)
    return procedure
