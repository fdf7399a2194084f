"""What the need-to-know matrix (domain/access.py) reads of a record: where it
sits and the parties it names. Each kind of record declares its own
(domain/records.py); the matrix only compares them with the caller's claims."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The outcomes of the commission préfectorale after which a dossier names its
# programme's landlord (or the CAL's) as a party.
LANDLORD_OUTCOMES = ("rang", "liste_complementaire")


@dataclass(frozen=True)
class Facts:
    """What the matrix needs of a record: its department and commune, and the
    (role, organisation) pairs it names as parties (the organisation scope)."""

    department: str | None = None
    commune: str | None = None
    parties: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def dossier_facts(d: Any, programme_landlord: str | None = None) -> Facts:
    """A dossier names the partner who identified it; once ranked (rang or
    liste complémentaire) its programme's landlord, or the CAL's that decided."""
    parties = {(d.origin.role, d.origin.organisation)}
    ranking = d.ranking or {}
    cal_landlord = (d.cal_decision or {}).get("landlord")
    landlord = cal_landlord or programme_landlord
    if landlord and ranking.get("outcome") in LANDLORD_OUTCOMES:
        parties.add(("bailleur", landlord))
    return Facts(d.department, d.commune, frozenset(parties))


def mesure_facts(m: Any) -> Facts:
    """A measure names its prescriber, its association and, on a bail glissant,
    the landlord (who reads no measure, but reviews and slides its lease)."""
    parties = {(m.prescriber.role, m.prescriber.organisation)}
    if m.association_name:
        parties.add(("association", m.association_name))
    if m.bail and m.bail.get("landlord"):
        parties.add(("bailleur", m.bail["landlord"]))
    return Facts(m.department, m.commune, frozenset(parties))


def saisine_facts(s: Any) -> Facts:
    """A referral names its enquiry's operator and the landlord (who reads no
    referral, but records the court dates of its own)."""
    enquiry = s.enquiry or {}
    parties = {("bailleur", s.landlord)} if s.landlord else set()
    if enquiry.get("operator"):
        parties.add((enquiry["operator_role"], enquiry["operator"]))
    return Facts(s.department, s.commune, frozenset(parties))


def programme_facts(p: Any) -> Facts:
    return Facts(p.department, p.commune, frozenset({("bailleur", p.landlord)}))


def commission_facts(c: Any) -> Facts:
    parties = {("bailleur", c.landlord)} if c.landlord else set()
    return Facts(c.department, c.commune, frozenset(parties))
