"""Every command by its name, and the one way to carry out any of them: what
the demo and `logis import` share (the API has a route per command)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands import commission, dossier, mesure, saisine
from commands.commission import CommissionStep, ConveneCommission, DecideOnDwelling
from commands.department import AdoptSettings
from commands.dossier import IdentifyDossier, Step
from commands.mesure import MesureStep, RequestMesure
from commands.programme import (
    AnnounceProgramme,
    HoldConcertation,
    LetDwelling,
    ProgrammeStep,
    ProposeCandidates,
    VacateDwelling,
)
from commands.saisine import SaisineStep, SignalSaisine

if TYPE_CHECKING:
    from uuid import UUID

    from commands.application import CommandResult, Context, Logis
    from commands.base import Command

# Commands that create a record (no target) and the steps on one (a target).
CREATIONS: tuple[type[Command], ...] = (
    AdoptSettings,
    IdentifyDossier,
    AnnounceProgramme,
    ConveneCommission,
    RequestMesure,
    SignalSaisine,
)
COMMANDS: dict[str, type[Command]] = {
    cls.__name__: cls
    for cls in (
        *CREATIONS,
        *dossier.STEPS.values(),
        HoldConcertation,
        LetDwelling,
        VacateDwelling,
        ProposeCandidates,
        *commission.STEPS.values(),
        DecideOnDwelling,
        *mesure.STEPS.values(),
        *saisine.STEPS.values(),
    )
}


def dispatch(
    app: Logis, code: str, command: Command, target: UUID | None, ctx: Context
) -> CommandResult:
    """Carry out `command` (on record `target` for a step; settings for
    department `code`) as the application's entry point for it would."""
    if isinstance(command, AdoptSettings):
        return app.adopt_settings(code, command, ctx)
    if isinstance(command, IdentifyDossier):
        return app.identify_dossier(command, ctx)
    if isinstance(command, AnnounceProgramme):
        return app.announce_programme(command, ctx)
    if isinstance(command, ConveneCommission):
        return app.convene_commission(command, ctx)
    if isinstance(command, RequestMesure):
        return app.request_mesure(command, ctx)
    if isinstance(command, SignalSaisine):
        return app.signal_saisine(command, ctx)
    assert target is not None
    if isinstance(command, MesureStep):
        return app.apply_mesure_step(target, command, ctx)
    if isinstance(command, SaisineStep):
        return app.apply_saisine_step(target, command, ctx)
    if isinstance(command, Step):
        return app.apply_step(target, command, ctx)
    if isinstance(command, ProgrammeStep):
        return app.apply_programme_step(target, command, ctx)
    assert isinstance(command, CommissionStep)
    return app.apply_commission_step(target, command, ctx)
