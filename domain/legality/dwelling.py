"""LOGEMENT-UNIQUE on a history: a dwelling is held by one household at a time,
a household by one dwelling. Commands refuse it (the programme records each
attribution, saved with the CAL's decision); an imported history may still show
it, on the programme (a lease no attribution named, a dwelling attributed or
let while let) or on the dossier (a second dwelling attributed while the first
is still held)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from domain import dossier as d
from domain.dossier_rules import ATTRIBUTIONS
from domain.legality.reading import History, finding_on
from domain.legality.rules import Finding
from domain.programme import LET, Programme
from domain.shared import fr_day

RULE = "LOGEMENT-UNIQUE"


def check_programme_dwellings(history: History) -> list[Finding]:
    """Each dwelling's attributions and leases, in the programme's order."""
    status: dict[str, dict[str, Any]] = {}  # ref → status, holders, let_to
    findings = []

    def found(event: Any, message: str) -> None:
        versions = (event.originator_version,)
        findings.append(Finding(RULE, message, versions, event.occurred_on))

    for event in history.events:
        if isinstance(event, Programme.Announced):
            status = {
                w["ref"]: {"status": None, "holders": ()} for w in event.dwellings
            }
            continue
        ref = getattr(event, "ref", None)
        dwelling = status.setdefault(ref, {"status": None, "holders": ()})
        if isinstance(event, Programme.DwellingAttributed):
            if dwelling["status"] == LET:
                found(
                    event,
                    f"Logement {ref} attribué le {fr_day(event.occurred_on)} par "
                    f"la CAL {event.commission_id} alors qu'il est loué au dossier "
                    f"{dwelling['let_to']}.",
                )
            dwelling["holders"] = tuple(event.dossier_ids)
        elif isinstance(event, Programme.DwellingLet):
            if dwelling["status"] == LET:
                found(
                    event,
                    f"Logement {ref} loué au dossier {event.dossier_id} alors qu'il "
                    f"est déjà loué au dossier {dwelling['let_to']}.",
                )
            elif event.dossier_id not in dwelling["holders"]:
                found(
                    event,
                    f"Logement {ref} loué au dossier {event.dossier_id}, qu'aucune "
                    "décision de CAL enregistrée ne lui attribue.",
                )
            status[ref] = {"status": LET, "holders": (), "let_to": event.dossier_id}
        elif isinstance(event, Programme.DwellingVacated):
            status[ref] = {"status": None, "holders": ()}
    return findings


def check_dossier_dwellings(history: History) -> Iterator[Finding]:
    """A household attributed a second dwelling while it still holds the first:
    neither refused nor lapsed (withdrawal ends the dossier)."""
    held: Any = None  # the attribution the household holds
    for event in history.events:
        if isinstance(event, (d.Dossier.OfferRefused, d.Dossier.OfferLapsed)):
            held = None
        if not isinstance(event, d.Dossier.CALDecided):
            continue
        if event.decision not in ATTRIBUTIONS:
            continue
        if held is not None and (
            held.commission_id,
            held.dwelling_ref,
        ) != (event.commission_id, event.dwelling_ref):
            yield finding_on(
                RULE,
                f"Le ménage reçoit le logement {event.dwelling_ref} (CAL du "
                f"{fr_day(event.occurred_on)}) alors qu'il tient encore le "
                f"logement {held.dwelling_ref} attribué le "
                f"{fr_day(held.occurred_on)}.",
                [held, event],
            )
        held = event
