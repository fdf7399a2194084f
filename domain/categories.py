"""Field-level need-to-know (DOMAIN.md §9): the data categories, what each
role holds on each (as §9 writes it: "R…", "RW…", "summary", "—"), the event
and record fields that carry a category a reader may lack, and the redaction
that withholds them. Who may read a record at all is domain/access.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import dossier, mesure, saisine
from domain.records import KINDS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from domain.access import Caller


CATEGORIES = ("Id", "Res", "Soc", "H", "Dec", "M", "Debt")
# What people read for a category (the access log's table); JSON keeps the codes.
CATEGORY_LABELS: dict[str, str] = {
    "Id": "identité",
    "Res": "ressources",
    "Soc": "enquête sociale",
    "H": "santé",
    "Dec": "décisions",
    "M": "suivi ASLL",
    "Debt": "dossier CCAPEX",
}
# role → category → right, as in DOMAIN.md §9 ("R…", "RW…", "summary", "—");
# CAF and prescribers are not in §9: what they wrote, no more.
CATEGORY_RIGHTS: dict[str, dict[str, str]] = {
    "als": {"Id": "RW", "Res": "RW", "Soc": "RW", "H": "RW own cases", "Dec": "R",
            "M": "RW", "Debt": "R"},
    "departement": {"Id": "RW", "Res": "R", "Soc": "RW", "H": "RW",
                    "Dec": "R outcome", "M": "R", "Debt": "R"},
    "ccas": {"Id": "RW", "Res": "RW", "Soc": "R", "Dec": "R own commune"},
    "mairie": {"Id": "R", "Soc": "summary", "Dec": "R own commune"},
    "deal": {"Id": "R", "Res": "RW", "Dec": "RW"},
    "prefecture": {"Id": "R", "Res": "R", "Soc": "summary", "Dec": "RW",
                   "Debt": "R"},
    "bailleur": {"Id": "R", "Res": "R", "Soc": "summary", "Dec": "RW own programmes"},
    "association": {"Id": "RW own measures", "Res": "RW", "Soc": "RW", "H": "RW",
                    "M": "RW own measures", "Debt": "R"},
    "commission_logement": {"Id": "R", "Res": "R", "Soc": "R", "Dec": "R",
                            "M": "RW", "Debt": "R"},
    "ccapex": {"Id": "R", "Res": "R", "Soc": "R", "M": "R", "Debt": "RW"},
    "auditeur": dict.fromkeys(CATEGORIES, "R"),
    "caf": {"Id": "R"},
    "prescripteur": {"Id": "R", "Soc": "R", "M": "R"},
}  # fmt: skip

# Event fields carrying a category a reader may lack (free texts of Soc or H,
# resource figures), by event class; an event class's own `PERSONAL` mapping
# (field → category, domain/personal.py), where declared, is used instead.
EVENT_FIELDS: dict[type, dict[str, str]] = {
    dossier.Dossier.SocialEnquiryRendered: {"summary": "Soc"},
    dossier.Dossier.InstallationReviewed: {"findings": "Soc"},
    dossier.Dossier.ResourcesChecked: {"annual_resources": "Res"},
    dossier.Dossier.SolvencyAssessed: {
        name: "Res"
        for name in (
            "monthly_resources",
            "housing_benefit",
            "taux_effort",
            "reste_a_vivre",
            "reste_a_vivre_per_person",
        )
    },
    mesure.Mesure.Requested: {"diagnostic": "Soc"},
    mesure.Mesure.ComplementaryDiagnosisDone: {"summary": "Soc"},
    saisine.Saisine.EnquiryReturned: {"summary": "Soc"},
}
# The same on the records' current state (dotted: a key inside a field).
RECORD_FIELDS: dict[str, Mapping[str, str]] = {
    k.name: k.record_fields for k in KINDS if k.record_fields
}


def reads_category(role: str, category: str) -> bool:
    """ "R…" or "RW…" reads the category; "summary" and "—" do not."""
    return CATEGORY_RIGHTS.get(role, {}).get(category, "—").startswith("R")


def personal_fields(event_class: type) -> dict[str, str]:
    """Field → category: a class's own `PERSONAL` where it declares one (the
    crypto-shredding's declaration), else its entry in EVENT_FIELDS."""
    fields: dict[str, str] = {}
    for cls in reversed(event_class.__mro__):
        own = vars(cls).get("PERSONAL")
        fields.update(own if own is not None else EVENT_FIELDS.get(cls, {}))
    return fields


def redact(
    caller: Caller, data: Mapping[str, Any], fields: Mapping[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """`data` without the fields (dotted paths) of a category the caller's role
    does not read, set to None, and the list of those withheld."""
    kept = dict(data)
    withheld = []
    for path, category in fields.items():
        if reads_category(caller.role, category):
            continue
        head, _, key = path.partition(".")
        if key and isinstance(kept.get(head), dict) and key in kept[head]:
            kept[head] = {**kept[head], key: None}
            withheld.append(path)
        elif not key and kept.get(head) is not None:
            kept[head] = None
            withheld.append(path)
    return kept, withheld


def redact_event(
    caller: Caller, event_class: type, data: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    return redact(caller, data, personal_fields(event_class))
