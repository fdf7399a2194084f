"""Personal data in events, and their erasure (DOMAIN.md §8 RGPD-CONSERVATION,
§9 data categories).

An event class declares in `PERSONAL` which of its fields hold personal data of
its household, with the §9 category of each: `{"applicant_name": "Id"}`; a key
of a dict field is named `"diagnostic.summary"`; a key of each item of a list
of dicts naming a dossier (a commission's decisions) `"ranked[].motive"`: that
item's value belongs to the household of its `dossier_id`. A household's
figure (Decimal) reads None once erased. The store encrypts those values
with the household's key (infra/household_keys.py); once the key is destroyed
they read as their erased value, of the same JSON type: a text reads
`ERASED`, a list `[]`, a dict `{}`. Upcasters see such fields encrypted: never
read them in an upcaster.

`<kind>_retained_until` says, for one record's history, the last day its
personal data must be kept (erasure is possible from the next day), by the same
reading of RGPD-CONSERVATION as the legality rule; each kind of record names
its own (domain/records.py), `settings_on(day)` giving the department's
settings in force on `day` (None before the first: the defaults then apply).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from domain.department import DepartmentNotConfiguredError
from domain.department_settings import DepartmentSettings
from domain.shared import Actor, Meta, StagedEvent, add_months, check_role

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    SettingsOn = Callable[[date], tuple[int, DepartmentSettings] | None]

ERASED = "[donnée effacée]"
CATEGORIES = ("Id", "Res", "Soc", "H", "Dec", "M", "Debt")  # DOMAIN.md §9
SNE_RETENTION_MONTHS = 12  # CNIL 2014-124: SNE data one year after radiation
ERASER_ROLES = frozenset({"admin"})
SOCIAL = "social_data_retention_months"
SUPPORT = "support_retention_months"


def erased_value(value: Any) -> Any:
    """What `value` reads as once erased: same JSON type, no content."""
    if isinstance(value, str):
        return ERASED
    if isinstance(value, list | tuple):
        return []
    if isinstance(value, dict):
        return {}
    return None


def personal_fields(event_class: type) -> Mapping[str, str]:
    return getattr(event_class, "PERSONAL", {})


def personal_values(state: Mapping[str, Any], paths: Iterable[str]) -> list[str]:
    """The paths of `paths` that hold a value in `state` (None holds nothing);
    a path into each item of a list ("ranked[].motive") becomes one path per
    item ("ranked[0].motive")."""
    found = []
    for path in paths:
        name, _, key = path.partition(".")
        if name.endswith("[]"):
            items = state.get(name[:-2])
            found += [
                f"{name[:-2]}[{i}].{key}"
                for i, item in enumerate(items if isinstance(items, list) else ())
                if isinstance(item, dict) and item.get(key) is not None
            ]
            continue
        value = state.get(name)
        if key:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            found.append(path)
    return found


def item_of(path: str) -> tuple[str, int] | None:
    """("ranked", 0) for "ranked[0].motive"; None for a path to no list item."""
    name = path.partition(".")[0]
    if not name.endswith("]"):
        return None
    field, _, index = name[:-1].partition("[")
    return field, int(index)


def replace_value(state: dict[str, Any], path: str, new: Any) -> None:
    """Set the value at `path` ("field", "field.key" or "field[i].key") of
    `state` in place (copying the containers it changes)."""
    name, _, key = path.partition(".")
    item = item_of(path)
    if item is not None:
        field, index = item
        items = list(state[field])
        items[index] = {**items[index], key: new}
        state[field] = items
    elif key:
        state[name] = {**state[name], key: new}
    else:
        state[name] = new


def value_at(state: Mapping[str, Any], path: str) -> Any:
    name, _, key = path.partition(".")
    item = item_of(path)
    if item is not None:
        return state[item[0]][item[1]][key]
    return state[name][key] if key else state[name]


def erased_copy(event: Any) -> Any:
    """The event as it reads once its household's personal data are erased."""
    state = dict(vars(event))
    for path in personal_values(state, personal_fields(type(event))):
        replace_value(state, path, erased_value(value_at(state, path)))
    copy = object.__new__(type(event))
    object.__setattr__(copy, "__dict__", state)
    return copy


def categories_held(events: Iterable[Any]) -> list[str]:
    """The §9 categories of the personal data these events hold."""
    held = {
        category
        for event in events
        for path, category in personal_fields(type(event)).items()
        if personal_values(vars(event), [path])
    }
    return [c for c in CATEGORIES if c in held]


def dossier_retained_until(
    events: Sequence[Any], settings_on: SettingsOn
) -> date | None:
    """Radiated, one year after the radiation (SNE); with a bilan
    d'installation, the follow-up's end (the bilan's day plus its support
    months) plus `social_data_retention_months`; ended otherwise (withdrawn,
    inadmissible, list expired, closed), the end's day plus the same months;
    None while still open."""
    recorded = _recorded(events)
    radiations = [e for e in recorded if type(e).__name__ == "Radiated"]
    if radiations:
        return add_months(radiations[-1].occurred_on, SNE_RETENTION_MONTHS)
    reviews = [e for e in recorded if type(e).__name__ == "InstallationReviewed"]
    if reviews:
        review = reviews[-1]
        end = add_months(review.occurred_on, review.support_months or 0)
        return add_months(end, _months(settings_on, review.occurred_on, SOCIAL))
    names = {type(e).__name__ for e in recorded}
    if names & {"Withdrawn", "DeclaredInadmissible", "ListExpired", "Closed"}:
        last = recorded[-1].occurred_on
        return add_months(last, _months(settings_on, last, SOCIAL))
    return None


def mesure_retained_until(events: Sequence[Any], settings_on: SettingsOn) -> date:
    """The last contact plus `support_retention_months` (two years)."""
    recorded = _recorded(events)
    contact = max(recorded, key=lambda e: (e.occurred_on, e.originator_version))
    months = _months(settings_on, contact.occurred_on, SUPPORT)
    return add_months(contact.occurred_on, months)


def saisine_retained_until(
    events: Sequence[Any], settings_on: SettingsOn
) -> date | None:
    """Closed, its closure plus `support_retention_months` (a social
    follow-up's file: the rule names no other period); None while open."""
    recorded = _recorded(events)
    if "Closed" not in {type(e).__name__ for e in recorded}:
        return None
    last = recorded[-1].occurred_on
    return add_months(last, _months(settings_on, last, SUPPORT))


def _recorded(events: Sequence[Any]) -> list[Any]:
    return [e for e in events if not _is_erasure(e)]


def _months(settings_on: SettingsOn, day: date, name: str) -> int:
    """The setting in force on `day`; its default before the first settings."""
    try:
        found = settings_on(day)
    except DepartmentNotConfiguredError:
        found = None
    if found is None:
        return int(DepartmentSettings.model_fields[name].default)
    return int(getattr(found[1], name))


def check_eraser(actor: Actor) -> None:
    """Only an administrator erases, once the retention allows (DOMAIN.md §1)."""
    check_role(actor, ERASER_ROLES, "effacement des données personnelles")


class DataErased(StagedEvent):
    """RGPD-CONSERVATION: the household's key is destroyed; the personal fields
    of the record read as erased. Not a step with the household: the record's
    last day stays. Each record's `PersonalDataErased` derives from it."""

    CHRONOLOGICAL = False
    categories: list[str]  # DOMAIN.md §9 categories erased


class Erasable:
    """The erasure every record of a household takes (mixed in its aggregate)."""

    def erase_personal_data(self, categories: list[str], meta: Meta) -> None:
        """Recorded once the household's key is destroyed, at any stage."""
        check_eraser(meta.actor)
        self._record(self.PersonalDataErased, meta, categories=categories)  # type: ignore[attr-defined]


def _is_erasure(event: Any) -> bool:
    return type(event).__name__ == "PersonalDataErased"
