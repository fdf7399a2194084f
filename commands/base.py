"""The base of every command model, and the field types commands share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Protocol, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from domain import records
from domain.text import MultiLine, SingleLine

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.domain import Aggregate

    from domain.department_settings import DepartmentSettings
    from domain.shared import Meta

# Every text field of every command is one of these: the characters a field may
# hold are decided once, in domain/text.py.
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    MultiLine,
]
OptionalText = Annotated[  # free text that may be left empty
    str, StringConstraints(strip_whitespace=True, max_length=2000), MultiLine
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    SingleLine,
]
# A household named by a creation: one the caller already follows, or a new one.
KnownHousehold = Annotated[
    UUID | None,
    Field(
        description="Ménage déjà connu de Logis, dont vous pouvez consulter un "
        "dossier, une mesure ou une saisine ; absent : Logis attribue un nouvel "
        "identifiant"
    ),
]
Money = Annotated[
    Decimal, Field(ge=0, le=Decimal("9999999999.99"), max_digits=12, decimal_places=2)
]


class Command(BaseModel):
    """An intention, validated strictly: unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    occurred_on: date | None = Field(
        default=None,
        description="Date à laquelle l'étape a eu lieu (par défaut : aujourd'hui).",
    )

    def arguments(self, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The command's fields by name, for the aggregate method that takes
        them under the same names (`occurred_on` is in the command's `Meta`)."""
        skipped = exclude | {"occurred_on"}
        return {name: value for name, value in self if name not in skipped}


class Creation(Command):
    """A command that creates a record (its kind: commands/procedures.py). The
    application checks the caller may create in its department and commune,
    then `check_named`, then its date, that the department is configured, and
    saves what `create` returns: the record first, then any other aggregate it
    changed, all together."""

    if TYPE_CHECKING:  # each declares its own, where its schema wants them
        department: str
        commune: str

    def check_named(self, lookup: Any) -> None:
        """The records it names, checked before anything else of it (404, 403)."""

    def create(self, meta: Meta, lookup: Any = None) -> Aggregate | Sequence[Aggregate]:
        raise NotImplementedError


class RulesLookup(Protocol):
    """What every kind's commands read besides their record (the application,
    commands/lookup.py); each kind's `Lookup` adds what its own read."""

    def rules(self) -> tuple[int, DepartmentSettings]:
        """The department's settings in force on the command's day, and their
        version."""
        ...


class RecordStep(Command):
    """A step on an existing record of `record_kind`: `action` is the
    aggregate's step (the key of its STEP_ROLES) and, unless the step's `apply`
    says otherwise, the aggregate's method it calls; `slug` its URL, `title`
    its name for people. Its POST route is built from these (api/steps.py),
    and from what follows where the default does not do."""

    record_kind: ClassVar[str]
    slug: ClassVar[str]
    action: ClassVar[str]
    title: ClassVar[str]
    # The field its URL fills, …/dwellings/{ref}/{slug}; the body is the rest.
    dwelling_field: ClassVar[str | None] = None
    # A programme's or commission's step: its operation's name (default: its
    # action) and description in the API.
    operation: ClassVar[str | None] = None
    route_doc: ClassVar[str | None] = None

    @classmethod
    def roles(cls) -> frozenset[str]:
        """The roles that may ever record it (domain/records.py; a commission's
        step: whichever kind of session)."""
        return records.kind(cls.record_kind).steps[cls.action]

    def named_dossiers(self) -> list[UUID]:
        """The dossiers the step decides on: the caller must act on each."""
        return []

    def apply(self, record: Any, meta: Meta, lookup: Any) -> Any:
        """The aggregate's method named by `action`, given the command's fields
        under their names (api/step_rules.py follows it there). A step that
        reads or changes more says so in its own `apply`, and returns the other
        aggregates it changed, if any."""
        getattr(record, self.action)(**self.arguments(), meta=meta)

    def perform(self, record: Any, meta: Meta, lookup: Any) -> Sequence[Aggregate]:
        """Apply the step; return the other aggregates it changed, saved with
        the record in one transaction."""
        return list(self.apply(record, meta, lookup) or ())


_Step = TypeVar("_Step", bound=RecordStep)


def by_slug(*steps: type[_Step]) -> dict[str, type[_Step]]:
    """A record kind's steps by the URL slug the API publishes each under: it
    builds one endpoint per step command (api/steps.py), so that declaring a
    step command publishes it."""
    return {step.slug: step for step in steps}


def steps_of(base: type[_Step]) -> list[type[_Step]]:
    """The step commands deriving from `base`: its subclasses that none derives
    from (a base some steps share is none), in the order they are declared."""
    below = base.__subclasses__()
    return [leaf for sub in below for leaf in steps_of(sub)] if below else [base]
