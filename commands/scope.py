"""Need-to-know on writes (domain/access.py): the caller may write on the record a
step loads, and on the dossiers it names."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from commands.lookup import Dossiers
from domain.access import check_write
from domain.commission import Commission
from domain.commission_steps import CAL
from domain.facts import LANDLORD_OUTCOMES
from domain.programme import Programme

if TYPE_CHECKING:
    from commands.application import Logis
    from commands.base import RecordStep
    from commands.context import Context
    from domain.dossier import Dossier


def check_scope(
    app: Logis,
    ctx: Context,
    kind: str,
    record: Any,
    parties: frozenset[tuple[str, str]] = frozenset(),
    landlords: dict[UUID, str | None] | None = None,
) -> None:
    """The caller may write on this record (with `parties` named besides
    its own): checked right after loading it, before its version and any
    rule, so a caller out of scope learns nothing of it but 403."""
    facts = app.record_facts(kind, record, ctx.caller, landlords)
    if parties:
        facts = replace(facts, parties=facts.parties | parties)
    check_write(ctx.caller, kind, facts)


def named_dossiers(
    app: Logis, record: Any, command: RecordStep, ctx: Context
) -> Dossiers:
    """The dossiers a step names (a commission's decision), loaded (404 for
    an unknown one), each one the caller may write on (a CAL's landlord:
    `CALParties`)."""
    named = Dossiers(app)
    ids = command.named_dossiers()
    if not ids:
        return named
    is_cal = isinstance(record, Commission) and record.kind == CAL
    cal = CALParties(app, record) if is_cal else None
    landlords: dict[UUID, str | None] = {}
    named.preload(ids)
    for dossier_id in ids:
        dossier = named[dossier_id]
        parties = cal.of(dossier) if cal is not None else frozenset()
        check_scope(app, ctx, "dossier", dossier, parties, landlords)
    return named


class CALParties:
    """Whom a CAL's landlord may decide on, besides the households ranked for
    its programmes (the dossier's own facts): those proposed for its
    programme's dwellings (a liste complémentaire), and those ranked for no
    programme in its commune (no landlord's yet). Never another landlord's."""

    def __init__(self, app: Logis, commission: Commission) -> None:
        self._app = app
        self._commission = commission
        self._communes: dict[UUID, str | None] = {}  # ranking commission → commune
        programme = (
            app._find(commission.programme_id) if commission.programme_id else None
        )
        dwellings = programme.dwellings if isinstance(programme, Programme) else {}
        self._proposed = {
            str(candidate["dossier_id"])
            for dwelling in dwellings.values()
            for candidate in dwelling["candidates"]
        }

    def of(self, dossier: Dossier) -> frozenset[tuple[str, str]]:
        landlord = self._commission.landlord
        if not landlord:
            return frozenset()
        ranking = dossier.ranking or {}
        unowned = (
            dossier.programme_id is None
            and ranking.get("outcome") in LANDLORD_OUTCOMES
            and self._ranked_in(ranking.get("commission_id"))
            == self._commission.commune
        )
        if unowned or str(dossier.id) in self._proposed:
            return frozenset({("bailleur", landlord)})
        return frozenset()

    def _ranked_in(self, commission_id: Any) -> str | None:
        if not commission_id:
            return None
        key = UUID(str(commission_id))
        if key not in self._communes:
            ranked_by = self._app._find(key)
            found = isinstance(ranked_by, Commission)
            self._communes[key] = ranked_by.commune if found else None
        return self._communes[key]
