"""Forms for a record's steps, on its page: one per step command of the record's
kind (commands/procedures.py, whose roles are the registry's: domain/records.py)
that the caller's role may record at the record's stage, its fields the
command model's. A form posts the same command the API takes (api/steps.py's
carry_out_step), with the record's version as the API's If-Match and a key
drawn with the form as its Idempotency-Key: a form sent twice is recorded once,
a stale one is refused (409) and the page tells what was recorded since it was
opened.

A field holding a list of parts (a commission's candidates, a concertation's
partners) is a table: one row per part, its cells named `field.row.part`
(the place pydantic's errors name, so a message lands next to its cell)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Literal, TypeVar, Union, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel, ValidationError

from api.web.step_stages import ENDED, is_other, offered_at
from api.web.words import CHOICE_LABELS, FIELD_LABELS, STEP_FIELD_LABELS
from commands.base import Command, RecordStep
from commands.procedures import PROCEDURES
from domain import (
    commission_steps,
)
from domain.access import Caller
from domain.pydantic_french import field_of, french_problem

C = TypeVar("C", bound=Command)
YES_NO = (("true", "oui"), ("false", "non"))
VERSION_FIELD, KEY_FIELD = "expected_version", "idempotency_key"
FORM_FIELD = "form_id"  # which of a step's forms was sent
BLANK_ROWS = 8  # rows offered for parts nobody listed beforehand
UUID_PARTS = ("dossier_id",)


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # choice, number, decimal, text, lines, date, hidden or rows
    required: bool
    choices: tuple[tuple[str, str], ...] = ()
    parts: tuple[FormField, ...] = ()  # rows: the fields of one part
    single: bool = False  # rows: one part at most (an optional model)


@dataclass(frozen=True)
class Preset:
    """One form of a step: what its title adds, the values it fixes (sent
    hidden), the rows it fills beforehand, each with a caption."""

    suffix: str = ""
    fixed: Mapping[str, str] = field(default_factory=dict)
    rows: Mapping[str, list[dict[str, str]]] = field(default_factory=dict)
    choices: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    ident: str = ""  # what tells it from the step's other forms (else `fixed`)


def part_model(annotation: Any) -> type[BaseModel] | None:
    """The part model of `list[Part]` or `Part | None`, None for another."""
    args = get_args(annotation)
    inner = args[0] if get_origin(annotation) is list and args else annotation
    if get_origin(inner) in (Union, type(int | None)):
        inner = next((a for a in get_args(inner) if a is not type(None)), inner)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner
    return None


def _field(name: str, info: Any) -> FormField:
    annotation = info.annotation
    members = (annotation, *get_args(annotation))
    label = FIELD_LABELS.get(name, name)
    required = info.is_required()
    model = part_model(annotation)
    literal = next((m for m in members if get_origin(m) is Literal), None)
    if model is not None:
        parts = tuple(  # a cell of a row: one line
            replace(part, kind="line") if part.kind == "text" else part
            for part in (_field(n, i) for n, i in model.model_fields.items())
        )
        single = get_origin(annotation) is not list
        return FormField(name, label, "rows", required, parts=parts, single=single)
    if literal is not None:
        choices = tuple((c, CHOICE_LABELS.get(c, c)) for c in get_args(literal))
        return FormField(name, label, "choice", required, choices)
    if bool in members:
        return FormField(name, label, "choice", required, YES_NO)
    if int in members:
        return FormField(name, label, "number", required)
    if Decimal in members:
        return FormField(name, label, "decimal", required)
    if date in members:
        return FormField(name, label, "date", required)
    if UUID in members:
        return FormField(name, label, "line", required)
    if get_origin(annotation) is list:
        return FormField(name, label, "lines", required)
    return FormField(name, label, "text", required)


def fields_of(
    step: type[Command], fixed: Mapping[str, str] | None = None
) -> list[FormField]:
    """The command model's fields, as a form's (those `fixed` hidden); the
    date of the step last, optional."""
    fixed = fixed or {}
    fields = [
        replace(
            f,
            kind="hidden" if f.name in fixed else f.kind,
            label=STEP_FIELD_LABELS.get((getattr(step, "action", ""), f.name), f.label),
        )
        for f in (_field(n, i) for n, i in step.model_fields.items())
    ]
    return sorted(fields, key=lambda f: f.name == "occurred_on")


def steps_of(kind: str) -> dict[str, type[RecordStep]]:
    """The kind's step commands by slug (commands/procedures.py)."""
    return {step.slug: step for step in PROCEDURES[kind].steps}


def step_of(kind: str, slug: str) -> type[RecordStep] | None:
    return steps_of(kind).get(slug) if kind in PROCEDURES else None


def may_take(step: type[RecordStep], role: str, record: Any) -> bool:
    """Whether `role` may record `step` on `record` now: one of its roles (a
    commission's: for that kind of session), at a stage that awaits it."""
    roles = step.roles()
    if step.record_kind == "commission":
        by_kind = commission_steps.STEP_ROLES[step.action]
        roles = by_kind.get(record.kind, frozenset())
    if role not in roles:
        return False
    stages = offered_at(step.record_kind, step.action)
    if stages is None:
        return record.stage not in ENDED.get(step.record_kind, frozenset())
    return record.stage in stages


PresetsOf = Callable[[type[RecordStep], Any], list[Preset]]


def forms_for(
    kind: str,
    caller: Caller,
    record: Any,
    sent: dict[str, Any] | None = None,
    presets: PresetsOf = lambda step, record: [Preset()],
) -> list[dict[str, Any]]:
    """The forms `caller` may fill on `record` now (`presets`: a step's forms,
    one by default). `sent`: a form sent back, with its values and errors to
    show again (its version is the record's now)."""
    forms = []
    for step in steps_of(kind).values():
        if not may_take(step, caller.role, record):
            continue
        for preset in presets(step, record):
            url = f"/{kind}s/{record.id}/etapes/{step.slug}"
            form = command_form(
                step, step.slug, step.title, url, record.version, preset, sent or {}
            )
            forms.append(form | {"other": is_other(kind, step.action)})
    return forms


def _chosen(
    f: FormField, choices: Mapping[str, tuple[tuple[str, str], ...]]
) -> FormField:
    """The field (or its parts, named `field.part`) as a choice among
    `choices` where the preset gives them."""
    if f.name in choices:
        return replace(f, kind="choice", choices=choices[f.name])
    parts = tuple(
        replace(p, kind="choice", choices=choices[f"{f.name}.{p.name}"])
        if f"{f.name}.{p.name}" in choices
        else p
        for p in f.parts
    )
    return replace(f, parts=parts)


def command_form(
    model: type[Command],
    slug: str,
    title: str,
    url: str,
    version: int,
    preset: Preset,
    sent: dict[str, Any],
) -> dict[str, Any]:
    """The form of a command `model` posted to `url` (its title, the record's
    version it was drawn at), as `preset` fills it; `sent`: a form sent back,
    shown again with its values and errors if it is this one."""
    fixed = dict(preset.fixed)
    ident = "-".join((slug, preset.ident)) if preset.ident else slug
    if not preset.ident and fixed:
        ident = "-".join((slug, *fixed.values()))
    again = sent if sent.get("form") == ident else {}
    values = {**fixed, **again.get("values", {})}
    fields = [_chosen(f, preset.choices) for f in fields_of(model, fixed)]
    rows = {}
    for f in fields:
        if f.kind == "rows":
            seeded = preset.rows.get(f.name, [])
            count = 1 if f.single else len(seeded) or BLANK_ROWS
            rows[f.name] = [seeded[i] if i < len(seeded) else {} for i in range(count)]
            for i, seed in enumerate(seeded):
                for part, value in seed.items():
                    values.setdefault(f"{f.name}.{i}.{part}", value)
    return {
        "slug": slug,
        "id": ident,
        "title": title + preset.suffix,
        "action": url,
        "fields": fields,
        "rows": rows,
        "version": version,
        "key": secrets.token_urlsafe(16),
        "values": values,
        "errors": again.get("errors", {}),
        "sent": bool(again),  # the form sent back (its group shown open)
    }


def _row(parts: tuple[FormField, ...], cells: dict[str, str]) -> dict[str, Any] | None:
    """A part from its row's cells (blanks left out), None for a row nobody
    filled: a row's dossier alone, written beforehand, is no answer where the
    part asks for more (a decision), and one where it asks nothing else (a
    place in a ranked list)."""
    filled = {name: value for name, value in cells.items() if value.strip()}
    asks_more = any(p.required and p.name not in UUID_PARTS for p in parts)
    answered = [name for name in filled if name not in UUID_PARTS or not asks_more]
    if not answered:
        return None
    lines = {p.name for p in parts if p.kind == "lines"}
    return {
        name: [line.strip() for line in value.splitlines() if line.strip()]
        if name in lines
        else value
        for name, value in filled.items()
    }


def _rows(f: FormField, form: Mapping[str, str]) -> list[dict[str, Any]]:
    count = 1 + max(
        (int(key.split(".")[1]) for key in form if _row_key(key, f.name)), default=-1
    )
    rows = []
    for i in range(min(count, 500)):
        cells = {p.name: form.get(f"{f.name}.{i}.{p.name}", "") for p in f.parts}
        part = _row(f.parts, cells)
        if part is not None:
            rows.append(part)
    return rows


def _row_key(key: str, name: str) -> bool:
    pieces = key.split(".")
    return len(pieces) == 3 and pieces[0] == name and pieces[1].isdigit()


def body_of(fields: list[FormField], form: Mapping[str, str]) -> dict[str, Any]:
    """The command's body from the form's values: a field left blank is not
    sent (the command's default, or « missing »)."""
    body: dict[str, Any] = {}
    for f in fields:
        if f.kind == "rows":
            rows = _rows(f, form)
            if f.single:
                if rows:
                    body[f.name] = rows[0]
            elif rows or f.required:
                body[f.name] = rows
            continue
        value = form.get(f.name, "")
        if not value.strip():
            continue
        if f.kind == "lines":
            body[f.name] = [line.strip() for line in value.splitlines() if line.strip()]
        else:
            body[f.name] = value
    return body


def sent_values(form: Mapping[str, str], fields: list[FormField]) -> dict[str, str]:
    """What the form sent for its fields (nothing else is read of it)."""
    names = {f.name for f in fields}
    return {
        key: value
        for key, value in form.items()
        if key.split(".")[0] in names and isinstance(value, str)
    }


def command_of(
    step: type[C], form: Mapping[str, str]
) -> tuple[C | None, dict[str, str], dict[str, str]]:
    """The command the form's values make, or the API's French words for what
    is wrong with each field, and the values sent."""
    fields = fields_of(step)
    values = sent_values(form, fields)
    try:
        return step.model_validate(body_of(fields, values)), {}, values
    except ValidationError as error:
        errors: dict[str, str] = {}
        for problem in error.errors():
            errors.setdefault(field_of(problem, "formulaire"), french_problem(problem))
        return None, errors, values
