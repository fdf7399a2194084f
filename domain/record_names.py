"""How a person recognises a record, from its first event (each kind declares
its own, domain/records.py): its title in a report, which names the household
only for a reader allowed its identity (DOMAIN §9 "Id"); its name inside a text
(a history), which always does."""

from __future__ import annotations

from typing import Any

from domain.commission_steps import KIND_TITLES as COMMISSION_TITLES
from domain.mesure_steps import KIND_LABELS as MESURE_KINDS
from domain.places import commune_label
from domain.saisine_steps import SOURCE_LABELS
from domain.shared import fr_day

COMMISSION_KINDS = {
    "pre_commission": "pré-commission",
    "commission_prefectorale": "commission préfectorale",
    "cal": "CAL",
}


def dossier_title(first: Any, *, name_households: bool) -> str:
    """Its applicant and its numéro unique, or its numéro unique alone."""
    numero = f"n° unique {first.numero_unique}" if first.numero_unique else None
    if name_households:
        return " — ".join(p for p in (first.applicant_name, numero) if p)
    return f"Dossier {numero}" if numero else f"Dossier du {fr_day(first.occurred_on)}"


def programme_title(first: Any, *, name_households: bool) -> str:
    return f"{first.name} ({first.landlord})"


def commission_title(first: Any, *, name_households: bool) -> str:
    return f"{COMMISSION_TITLES[first.kind]} du {fr_day(first.held_on)}"


def mesure_title(first: Any, *, name_households: bool) -> str:
    by = first.association_name or first.channel_name
    return f"Mesure {MESURE_KINDS[first.kind]} — {by}"


def saisine_title(first: Any, *, name_households: bool) -> str:
    return f"Saisine ({SOURCE_LABELS[first.source]}) — {first.landlord}"


def dossier_mention(first: Any) -> str:
    return f"dossier du ménage « {first.applicant_name} »"


def programme_mention(first: Any) -> str:
    return f"programme « {first.name} » ({first.landlord})"


def commission_mention(first: Any) -> str:
    what = COMMISSION_KINDS.get(first.kind, first.kind)
    where = commune_label(first.commune)
    return f"{what} du {fr_day(first.held_on)} (commune {where})"


def mesure_mention(first: Any) -> str:
    kind = MESURE_KINDS.get(first.kind, first.kind)
    return f"mesure ASLL {kind} (commune {commune_label(first.commune)})"


def saisine_mention(first: Any) -> str:
    return f"saisine CCAPEX du bailleur {first.landlord}"
