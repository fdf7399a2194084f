"""Rules an ASLL measure's commands answer to, as pure functions the aggregate
(domain/mesure.py) and the legality engine call: who instructs a measure
(ASLL-CANAL) and how a re-intervention continues the chain of renewals
(ASLL-DUREE)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from domain.mesure_steps import DIRECT, KIND_LABELS, LEGACY_CHANNELS
from domain.shared import RuleViolation, add_months

if TYPE_CHECKING:
    from domain.department_settings import AssociationSettings, DepartmentSettings


class ChainLink(NamedTuple):
    """What a re-intervention needs of the measure before it (ASLL-DUREE)."""

    ran: bool  # under a convention: support was given
    ended_on: date
    chain_renewals: int
    renewals: int


def instruction_channel(
    kind: str, settings: DepartmentSettings, association: AssociationSettings | None
) -> dict[str, Any]:
    """ASLL-CANAL: who instructs a measure of `kind` in this department."""
    if kind == "action_specifique" and association is not None:
        return {
            "channel": DIRECT,
            "channel_name": association.name,
            "channel_role": "association",
            "channel_members": [],  # its own agents: `_check_association`
        }
    channel = settings.channel(kind)
    if channel is None:
        msg = (
            "Aucun canal d'instruction des mesures "
            f"« {KIND_LABELS.get(kind, kind)} » dans ce département."
        )
        raise RuleViolation("ASLL-CANAL", msg)
    return {
        "channel": channel.code,
        "channel_name": channel.name,
        "channel_role": channel.role,
        "channel_members": list(channel.members),
    }


def channel_label(
    code: str, settings: DepartmentSettings | None, association: str | None = None
) -> str:
    """A channel as people read it: the association for its direct actions, the
    name the department's settings give it (« la CLU »), the name it had before
    channels were settings; else its code."""
    if code == DIRECT and association:
        return association
    named = settings and next(
        (c.name for c in settings.asll_channels if c.code == code), None
    )
    legacy = dict(LEGACY_CHANNELS.values())
    return named or legacy.get(code, code)


def chained_renewals(
    previous: ChainLink | None, requested_on: date, settings: DepartmentSettings
) -> int:
    """ASLL-DUREE: the renewals a measure asked on `requested_on` starts with.

    A re-intervention is a new measure when the situation worsens later
    (seed 002); asked within `asll_reintervention_gap_months` of the end of a
    previous measure that ran under a convention, it continues that support
    and counts as one more renewal of the chain (the previous measure's chain
    and own renewals, plus one). After a measure refused or reoriented, or
    ended long enough before, a new chain starts."""
    if previous is None or not previous.ran:
        return 0
    gap = settings.asll_reintervention_gap_months
    if requested_on > add_months(previous.ended_on, gap):
        return 0
    return previous.chain_renewals + previous.renewals + 1
