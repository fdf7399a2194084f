"""What every aggregate shares: who acted, the command's metadata, the errors."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, ClassVar, Literal
from uuid import UUID

from eventsourcing.domain import Aggregate

Role = Literal[
    "als",
    "bailleur",
    "prefecture",
    "deal",
    "mairie",
    "ccas",
    "departement",
    "caf",
    "prescripteur",
    "commission_logement",
    "association",
    "ccapex",
    "auditeur",
    "admin",
]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]
# What people read for a role (CLI tables, printed pages); the codes stay in JSON.
ROLE_LABELS: dict[str, str] = {
    "als": "ALS",
    "bailleur": "Bailleur",
    "prefecture": "Préfecture",
    "deal": "DEAL",
    "mairie": "Mairie",
    "ccas": "CCAS",
    "departement": "Département",
    "caf": "CAF",
    "prescripteur": "Prescripteur",
    "commission_logement": "Commission logement (CLU/CLT)",
    "association": "Association ASLL",
    "ccapex": "CCAPEX",
    "auditeur": "Auditeur",
    "admin": "Administrateur",
}


def role_label(role: str) -> str:
    """A role as people read it (« Préfecture »); an unknown code as it is."""
    return ROLE_LABELS.get(role, role)


def role_labels(roles: Iterable[str]) -> str:
    """Roles as people read them, in alphabetical order of their labels."""
    return ", ".join(sorted(role_label(r) for r in roles))


def fr_day(day: date) -> str:
    """A day as people read it in French: « 01/03/2026 ». Every message for
    people (errors, refusals, findings, printed pages, the command line) shows
    days through it; JSON values, codes, `details` and stored events keep ISO
    8601. A moment is shown by `domain.clocks.local_moment`, in the
    department's zone, or reduced to its local day first (`local_today`).
    The year has four digits whatever the platform's strftime does (year 5:
    « 01/01/0005 »), a datetime shows its own date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


@dataclass(frozen=True)
class Actor:
    """Who issued a command: a person (subject) acting for an organisation."""

    subject: str
    role: str
    organisation: str


@dataclass(frozen=True)
class Meta:
    """Recorded on every event besides its timestamp (when it was recorded)."""

    actor: Actor
    occurred_on: date  # when it happened in the real world; may be earlier
    command_id: UUID
    correlation_id: str

    def fields(self) -> dict[str, object]:
        return {
            "actor": self.actor,
            "occurred_on": self.occurred_on,
            "command_id": self.command_id,
            "correlation_id": self.correlation_id,
        }


class RecordedEvent(Aggregate.Event):
    """The base of every Logis event: besides its timestamp (when it was
    recorded), who acted, when it happened, and which command and correlation
    it came from. Each aggregate's `Event` derives from it.

    Stored histories must stay readable: when an event class's fields change,
    set `class_version = N + 1` on that class and add a static
    `upcast_vN_vN+1(state)` there; the library upcasts old events on reading.
    tests/fixtures/event_schemas.json records the fields of every version."""

    class_version = 1  # not a field: no annotation
    # Fields holding the household's personal data, with their DOMAIN.md §9
    # category: encrypted with the household's key, erasable (domain/personal.py).
    PERSONAL: ClassVar[Mapping[str, str]] = {}

    actor: Actor
    occurred_on: date
    command_id: UUID
    correlation_id: str

    def values(self, *names: str) -> dict[str, Any]:
        """The named fields, as a dict: what the record keeps of the event."""
        return {name: getattr(self, name) for name in names}

    def copy_facts(self, record: Any, *, but: Collection[str] = ()) -> None:
        """Set each field of its own class (not those every event carries) on
        the record, under the same name, except those named `but`: how a
        creation gives the new record the facts it was created with."""
        for field in fields(self):  # type: ignore[arg-type]
            if field.name not in _CARRIED and field.name not in but:
                setattr(record, field.name, getattr(self, field.name))


# What every event carries, creation or step: not a fact of the record.
_CARRIED = frozenset(
    f.name for f in (*fields(RecordedEvent), *fields(Aggregate.Created))
)


class StagedEvent(RecordedEvent):
    """The base of the events of a record that goes through stages (a dossier,
    a measure, a programme, a referral, a commission): each may lead it to a
    stage, and dates its last step unless it stands outside the steps' order."""

    STAGE: ClassVar[str | None] = None  # the stage it leads to; None: unchanged
    CHRONOLOGICAL: ClassVar[bool] = True  # False: outside the steps' order

    def resulting_stage(self, current: str) -> str:
        """The record's stage after this event (also used by projections)."""
        return self.STAGE or current

    def mutate(self, aggregate: Any) -> Any:
        record = super().mutate(aggregate)
        record.stage = self.resulting_stage(getattr(record, "stage", ""))
        if self.CHRONOLOGICAL:
            self.date_last_step(record)
        return record

    def date_last_step(self, record: Any) -> None:
        record.last_occurred_on = self.occurred_on


class NamedTopics:
    """Mixed in before `Aggregate`: the event classes the aggregate declares
    (nested, or assigned to its class body) without a `TOPIC` of their own get
    `<prefix>.<the name it gives them>`, the prefix being that of its own
    `TOPIC` (`logis.mesure.Mesure` → `logis.mesure.Requested`). A stored topic
    never changes: an event class renamed declares its old topic itself
    (tests/unit/test_event_versions.py fails on a recorded topic that no longer
    resolves). Classes the library defines afterwards (the implicit `Created`)
    keep the topic they inherit, as before."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        topic = vars(cls).get("TOPIC")
        if topic:
            prefix = topic.rpartition(".")[0]
            for name, value in list(vars(cls).items()):
                if (
                    isinstance(value, type)
                    and issubclass(value, RecordedEvent)
                    and "TOPIC" not in vars(value)
                ):
                    value.TOPIC = f"{prefix}.{name}"
        super().__init_subclass__(**kwargs)


class Recording(NamedTopics):
    """The one way an aggregate's command method records its event: with the
    command's metadata (who, when it happened, command and correlation ids).
    Mixed in every record's aggregate, whose events it names (`NamedTopics`)."""

    def _record(self, event_class: type[Any], meta: Meta, **fields: Any) -> None:
        self.trigger_event(event_class, **meta.fields(), **fields)  # type: ignore[attr-defined]


class DomainError(Exception):
    """A command was refused. `code` is stable (a DOMAIN.md §8 rule id where one
    applies); `message` is French, for people."""

    code: str = "domain_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class RuleViolation(DomainError):
    """A rule of DOMAIN.md §8 refused the command; `code` is the rule id."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message, rule)


@dataclass(frozen=True)
class Breach:
    """A §8 rule broken by some values: what a pure rule check returns, the
    same for the command that refuses it and the legality engine that finds it."""

    rule: str
    message: str


def refuse(breach: Breach | None) -> None:
    """The command's side of a rule check: no breach, or refused with it."""
    if breach is not None:
        raise RuleViolation(breach.rule, breach.message)


class TransitionError(DomainError):
    """The command does not fit the aggregate's current state."""

    code = "invalid_transition"


class InvalidValueError(DomainError):
    """A value no real situation can have (checked again here, not only at the edge)."""

    code = "invalid_value"


class RoleNotAllowedError(DomainError):
    """The actor's role may not emit this event (DOMAIN.md §10 actors)."""

    code = "role_not_allowed"


def check_role(actor: Actor, allowed: frozenset[str], step_label: str) -> None:
    if actor.role not in allowed:
        msg = (
            f"Le rôle « {role_label(actor.role)} » ne peut pas enregistrer l'étape "
            f"« {step_label} » (rôles autorisés : {role_labels(allowed)})."
        )
        raise RoleNotAllowedError(msg)


def check_landlord(actor: Actor, landlord: str | None, step_label: str) -> None:
    """A landlord acts on its own programmes, sessions and attributions only."""
    if actor.role == "bailleur" and landlord and actor.organisation != landlord:
        msg = (
            f"« {step_label} » revient au bailleur {landlord}, pas à "
            f"{actor.organisation}."
        )
        raise RoleNotAllowedError(msg, "not_the_landlord")


def check_stated(text: str | None, message: str) -> None:
    """Free text a step must carry (a motive, a summary, a name): not blank."""
    if not (text or "").strip():
        raise InvalidValueError(message)


def check_all_present(
    rule: str, required: Iterable[str], present: Collection[str], message: str
) -> None:
    """Everyone (or everything) `required` is `present`, or the command breaks
    `rule`; `message` says who must be, its `{missing}` those who are not."""
    missing = [item for item in required if item not in present]
    if missing:
        raise RuleViolation(rule, message.format(missing=", ".join(missing)))


def check_not_ended(ended: bool, how: str, label: str, code: str) -> None:
    """A record that has ended takes no further step (`how` it ended, for
    people: « Le dossier est terminé (Clos) »)."""
    if ended:
        msg = f"{how} : {label} impossible."
        raise TransitionError(msg, code)


def check_chronology(meta: Meta, last_occurred_on: date) -> None:
    """A step happens no earlier than the step before it on the same record."""
    if meta.occurred_on < last_occurred_on:
        msg = (
            f"Date de l'étape ({fr_day(meta.occurred_on)}) antérieure à "
            f"l'étape précédente ({fr_day(last_occurred_on)})."
        )
        raise TransitionError(msg, "occurred_on_out_of_order")


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError  # pragma: no cover
