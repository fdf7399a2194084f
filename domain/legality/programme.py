"""Legality rules engine on a programme's history: CONC-QUOTA (DOMAIN.md §2,
§8), a "cmd" rule checked again on any history, as of a day, judged by the
settings in force on the concertation's day."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from domain.legality.dwelling import check_programme_dwellings
from domain.legality.reading import History, finding_on
from domain.legality.rules import Finding, SettingsOn, in_force
from domain.programme import Programme
from domain.programme_steps import CONCERTATION_PARTNERS
from domain.shared import fr_day

if TYPE_CHECKING:
    from collections.abc import Iterable


def check_programme(
    events: Iterable[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """LOGEMENT-UNIQUE (legality/dwelling.py), and CONC-QUOTA: the
    concertation invited every partner of the seed (Mairie, CCAS, Département,
    CAF, Préfecture, DEAL), presented the programme, defined the candidates'
    profile, and set a quota of dossiers per dwelling equal to the setting in
    force that day unless motivated, and the dossiers to gather are that quota
    times the programme's dwellings (as announced)."""
    history = History.known(events, settings_on, as_of)
    known = history.events
    announced = next((e for e in known if isinstance(e, Programme.Announced)), None)
    dwellings = len(announced.dwellings) if announced is not None else None
    findings = []
    for event in known:
        if not isinstance(event, Programme.ConcertationHeld):
            continue
        problems = []
        invited = {p["role"] for p in event.invited}
        missing = [role for role in CONCERTATION_PARTNERS if role not in invited]
        if missing:
            problems.append(f"partenaires non invités : {', '.join(missing)}")
        if not event.programme_presented:
            problems.append("programme non présenté")
        if not (event.candidate_profile or "").strip():
            problems.append("profil des candidats non défini")
        quota = event.dossiers_per_dwelling
        rules = in_force(settings_on, event.occurred_on)
        version = None
        if rules is not None:
            version, settings = rules
            setting = settings.dossiers_per_dwelling
            if quota != setting and not (event.quota_motive or "").strip():
                problems.append(
                    f"quota de {quota} dossiers par logement sans motif (paramètre "
                    f"en vigueur : {setting})"
                )
        if dwellings is not None and event.dossiers_to_gather != quota * dwellings:
            problems.append(
                f"{event.dossiers_to_gather} dossiers à réunir pour {dwellings} "
                f"logement(s) à {quota} par logement"
            )
        if problems:
            findings.append(
                finding_on(
                    "CONC-QUOTA",
                    f"Concertation du {fr_day(event.occurred_on)} : "
                    f"{' ; '.join(problems)}.",
                    [event],
                    version,
                )
            )
    findings += check_programme_dwellings(history)
    return findings
