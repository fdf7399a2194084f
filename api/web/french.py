"""French for people on the pages: dates (Babel) in the department's time zone,
labels instead of codes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from api.minutes import labels as minutes
from api.minutes.labels import STAGE_LABELS
from domain import (
    commission_steps,
    mesure_steps,
    places,
    programme_steps,
    saisine_steps,
)
from domain.department import OVERSEAS_TIMEZONES
from domain.shared import ROLE_LABELS

LOCALE = "fr_FR"


def day(value: date | str | None) -> str:
    """12 mars 2026 (a record's dict may hold its days as ISO text)."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return format_date(value, "d MMMM y", locale=LOCALE) if value else ""


def euros(value: Decimal | str | None) -> str:
    """1 850,40 €."""
    return "" if value is None else format_currency(value, "EUR", locale=LOCALE)


def number(value: int) -> str:
    """10 000 (a narrow no-break space between thousands)."""
    return format_decimal(value, locale=LOCALE)


def moment(value: datetime | None, department: str | None = None) -> str:
    """12 mars 2026 à 14:30, in the department's time zone (Paris elsewhere)."""
    if value is None:
        return ""
    zone = ZoneInfo(OVERSEAS_TIMEZONES.get(department or "", "Europe/Paris"))
    return format_datetime(value, "d MMMM y 'à' HH:mm", tzinfo=zone, locale=LOCALE)


def stage(code: str) -> str:
    return STAGE_LABELS.get(code, code)


def role(code: str) -> str:
    return ROLE_LABELS.get(code, code)


def commune(code: str | None) -> str:
    """The commune's name where domain/places.py knows it; its INSEE code else."""
    if not code:
        return ""
    return places.commune_label(code)  # « Fort-de-France (97209) »


# Other records' codes, in words: `{{ code | label("mesure_stage") }}`.
LABELS: dict[str, dict[str, str]] = {
    "dossier_stage": STAGE_LABELS,
    "mesure_stage": mesure_steps.STAGE_LABELS,
    "mesure_kind": mesure_steps.KIND_LABELS,
    "saisine_stage": saisine_steps.STAGE_LABELS,
    "saisine_source": saisine_steps.SOURCE_LABELS,
    "saisine_outcome": saisine_steps.OUTCOME_LABELS,
    "mesure_orientation": {"acces": "accès au logement", "maintien": "maintien"}
    | {"diagnostic": "diagnostic"},
    "bail_status": {
        mesure_steps.HEAD_LEASE: "bail principal signé par l'association",
        mesure_steps.SUBLET: "sous-location en cours",
        mesure_steps.SLID: "bail glissé au ménage",
        mesure_steps.SUBLEASE_ENDED: "sous-location terminée",
    },
    "programme_kind": {"livraison": "livraison", "vacance": "vacance"},
    "programme_stage": {
        programme_steps.ANNOUNCED: "annoncé",
        programme_steps.CONCERTED: "concertation tenue",
    },
    "commission_kind": minutes.KIND_TITLES,
    "commission_stage": commission_steps.STAGE_LABELS,
    "outcome": minutes.OUTCOMES,
    "function": minutes.FUNCTIONS,
    "cal_exception": minutes.EXCEPTIONS,
    "closure": {
        "terminee": "terminée, bilan co-signé",
        "rompue": "rompue par le ménage",
        "refusee": "demande refusée",
        "reorientee": "réorientée",
    },
}


def label(code: str | None, vocabulary: str) -> str:
    return "" if code is None else LABELS[vocabulary].get(code, code)


FILTERS = {"day": day, "moment": moment, "stage": stage, "role": role}
FILTERS.update(commune=commune, euros=euros, label=label, number=number)
