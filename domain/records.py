"""The kinds of record a person can look up by id: an LLTS dossier, an ASLL
measure, a programme, a commission session, a CCAPEX referral; and every event
class that can be stored. Departments, listes complémentaires and association
loads are bookkeeping, not records.

The registry (issue 15): one `RecordKind` per procedure says all the domain
knows of it; every per-kind list of the domain and of the floors above is
derived from `KINDS` or looked up with `kind(name)`. Adding a kind is one entry
here; adding a step touches its aggregate (STEP_ROLES) and its command model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from domain import (
    association,
    commission,
    commune,
    department,
    dossier,
    dwellings,
    facts,
    mesure,
    personal,
    programme,
    record_names,
    saisine,
    sessions,
)
from domain.legality.assumptions import stating_assumptions
from domain.legality.commission import check_commission
from domain.legality.dossier import check_dossier
from domain.legality.late_entry import with_late_entries
from domain.legality.mesure import check_mesure
from domain.legality.programme import check_programme
from domain.legality.saisine import check_saisine
from domain.shared import RecordedEvent

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import date
    from types import ModuleType
    from uuid import UUID

    from domain.facts import Facts
    from domain.legality.rules import Finding

    Retention = Callable[[Sequence[Any], personal.SettingsOn], "date | None"]


@dataclass(frozen=True)
class RecordKind:
    name: str  # stable, English: dossier, mesure, programme, commission, saisine
    label: str  # French, for people
    aggregate: type
    labels: Mapping[type, str]  # French label of each event class
    bases: Mapping[type, str]  # legal basis of each event class
    noun: str  # French, capitalised: "Dossier {id} introuvable."
    this: str  # French, in a refusal: "ce dossier"
    covers: str  # French, what reading the kind covers: "les dossiers LLTS"
    # role sets per step (creation steps only where a setting names them)
    steps: Mapping[str, frozenset[str]]
    facts: Callable[..., Facts]  # where the record sits, the parties it names
    # The rules of DOMAIN §8 its history breaks: `check(events, settings_on,
    # as_of, imports=…)`, late entries (SAISIE-TARDIVE) included, its findings
    # stating the settings assumptions they rest on.
    check: Callable[..., list[Finding]]
    scheme: str  # the public scheme it belongs to: LLTS, ASLL, CCAPEX (SCHEMES)
    # What a reader recognises it by, from its first event: its title in a
    # report (`name_households`: for a reader allowed the household's
    # identity), how a text mentions it (domain/record_names.py).
    title: Callable[..., str]
    mention: Callable[[Any], str]
    # Its programme's landlord is a party of it once ranked (facts' second
    # argument, which the application reads from the programme).
    programme_party: bool = False
    # The state's fields a reader may lack, dotted path → DOMAIN §9 category.
    record_fields: Mapping[str, str] = field(default_factory=dict)
    # What a read of the record (or its history) reveals, by §9 category; ():
    # no household's personal data, reads are not logged.
    reveals: tuple[str, ...] = ()
    trail_reveals: tuple[str, ...] = ()  # the same for its audit trail
    # The commission session each of its events belongs to, if any.
    session_of: Callable[[Any], UUID | None] = sessions.named_session
    # RGPD-CONSERVATION: the last day its personal data must be kept (None
    # while it needs them); no retention: nothing of its own to erase.
    retention: Retention | None = None

    @property
    def event(self) -> type:
        """The aggregate's base event class."""
        return self.aggregate.Event  # type: ignore[attr-defined, no-any-return]

    @property
    def not_found_code(self) -> str:
        return f"{self.name}_not_found"

    def not_found_message(self, record_id: UUID) -> str:
        return f"{self.noun} {record_id} introuvable."

    def event_classes(self) -> list[type[RecordedEvent]]:
        return _nested_events(self.aggregate)

    def retained_until(
        self, events: Sequence[Any], settings_on: personal.SettingsOn
    ) -> date | None:
        return self.retention(events, settings_on) if self.retention else None


def _flat(steps: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """commission.STEP_ROLES is per kind of session: the union of its roles."""
    return {
        step: roles
        if isinstance(roles, frozenset)
        else frozenset().union(*roles.values())
        for step, roles in steps.items()
    }


def _kind(
    name: str,
    label: str,
    module: ModuleType,
    aggregate: type,
    check: Callable[..., list[Finding]],
    *,
    creation: Mapping[str, frozenset[str]] | None = None,
    **more: Any,
) -> RecordKind:
    """A kind from its aggregate's module: its events' labels and bases, its
    STEP_ROLES, its legality check composed with the late entries'."""
    return RecordKind(
        name,
        label,
        aggregate,
        module.EVENT_LABELS,
        module.EVENT_BASES,
        steps={**(creation or {}), **_flat(module.STEP_ROLES)},
        check=stating_assumptions(with_late_entries(check)),
        **more,
    )


# Who asks for a measure is a department setting (ASLL-PRESCRIPTEUR): its default.
PRESCRIBERS = frozenset(
    department.DepartmentSettings.model_fields["prescriber_roles"].default
)

KINDS: tuple[RecordKind, ...] = (
    _kind(
        "dossier", "Dossier LLTS", dossier, dossier.Dossier, check_dossier,
        scheme="LLTS", noun="Dossier", this="ce dossier", covers="les dossiers LLTS",
        title=record_names.dossier_title, mention=record_names.dossier_mention,
        facts=facts.dossier_facts, programme_party=True,
        record_fields={"resources": "Res", "solvency": "Res"},
        reveals=("Id", "Res", "Soc", "Dec"), trail_reveals=("Id", "Res", "Dec"),
        retention=personal.dossier_retained_until,
    ),
    _kind(
        "mesure", "Mesure ASLL", mesure, mesure.Mesure, check_mesure,
        creation={"request": PRESCRIBERS},
        scheme="ASLL", noun="Mesure", this="cette mesure", covers="les mesures ASLL",
        title=record_names.mesure_title, mention=record_names.mesure_mention,
        facts=facts.mesure_facts,
        reveals=("Id", "Soc", "M"), trail_reveals=("Id", "Soc", "M"),
        retention=personal.mesure_retained_until,
    ),
    _kind(
        "programme", "Programme", programme, programme.Programme, check_programme,
        scheme="LLTS", noun="Programme", this="ce programme", covers="les programmes",
        title=record_names.programme_title, mention=record_names.programme_mention,
        session_of=sessions.proposing_session,
        facts=facts.programme_facts,
    ),
    _kind(
        "commission", "Commission", commission, commission.Commission,
        check_commission,
        scheme="LLTS", noun="Commission", this="cette commission",
        covers="les commissions",
        title=record_names.commission_title, mention=record_names.commission_mention,
        session_of=sessions.own_session,
        facts=facts.commission_facts,
    ),
    _kind(
        "saisine", "Saisine CCAPEX", saisine, saisine.Saisine, check_saisine,
        scheme="CCAPEX", noun="Saisine", this="cette saisine",
        covers="les saisines CCAPEX",
        title=record_names.saisine_title, mention=record_names.saisine_mention,
        facts=facts.saisine_facts,
        record_fields={"enquiry.summary": "Soc"},
        reveals=("Id", "Soc", "Debt"), trail_reveals=("Id", "Soc", "Debt"),
        retention=personal.saisine_retained_until,
    ),
)  # fmt: skip
_BY_NAME = {k.name: k for k in KINDS}
KIND_LABELS = {k.name: k.label for k in KINDS}
# The kinds whose reads are logged: those holding a household's personal data.
LOGGED = tuple(k.name for k in KINDS if k.reveals)
# The public schemes, in the order a report groups its kinds: the LLTS
# procedure (dossier, programme, commission), then ASLL, then CCAPEX.
SCHEMES = ("LLTS", "ASLL", "CCAPEX")
BY_SCHEME = tuple(k.name for scheme in SCHEMES for k in KINDS if k.scheme == scheme)


def kind(name: str) -> RecordKind:
    """The kind named `name` (KeyError for none)."""
    return _BY_NAME[name]


def kind_of(event: object) -> RecordKind | None:
    """The kind of record `event` belongs to, None for bookkeeping aggregates."""
    return next((k for k in KINDS if isinstance(event, k.event)), None)


# The bookkeeping aggregates, by the type name other systems know them by (a
# commune's two registers are one type).
BOOKKEEPING: dict[type, str] = {
    department.Department: "department",
    commune.CommuneListes: "commune",
    dwellings.CommuneDwellings: "commune",
    association.AssociationLoad: "association",
}
# Every aggregate whose events are stored, records and bookkeeping alike, by
# its type name.
AGGREGATE_TYPES: dict[type, str] = {
    **{k.aggregate: k.name for k in KINDS},
    **BOOKKEEPING,
}
AGGREGATES: tuple[type, ...] = tuple(AGGREGATE_TYPES)


def event_classes() -> list[type[RecordedEvent]]:
    """Every event class that can be stored, by topic: what a history written
    today may contain, and what must stay readable tomorrow."""
    found = {cls.TOPIC: cls for a in AGGREGATES for cls in _nested_events(a)}
    return [found[topic] for topic in sorted(found)]


def _nested_events(aggregate: type) -> list[type[RecordedEvent]]:
    """The aggregate's own event classes: its nested subclasses of its Event
    with a topic of their own (the library's implicit `Created` is never
    stored: each aggregate names its creation event)."""
    base = aggregate.Event  # type: ignore[attr-defined]
    return [
        cls
        for cls in vars(aggregate).values()
        if isinstance(cls, type)
        and issubclass(cls, base)
        and cls is not base
        and "TOPIC" in vars(cls)
    ]
