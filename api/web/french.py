"""French for people on the pages: dates (Babel) in the department's time zone,
labels instead of codes."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from api.minutes.labels import STAGE_LABELS
from domain import places
from domain.department import OVERSEAS_TIMEZONES
from domain.shared import ROLE_LABELS

LOCALE = "fr_FR"


def day(value: date | None) -> str:
    """12 mars 2026."""
    return format_date(value, "d MMMM y", locale=LOCALE) if value else ""


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
    label = getattr(places, "commune_label", None)
    name = label(code) if label is not None else None
    return f"{name} ({code})" if name and name != code else code


FILTERS = {"day": day, "moment": moment, "stage": stage, "role": role}
FILTERS["commune"] = commune
