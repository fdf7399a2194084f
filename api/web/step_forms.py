"""Forms for a record's commonest steps, on its page: the fields of the step's
command model, for a caller whose role may record it at the record's stage.
A form posts the same command the API takes (api/steps.py's carry_out_step),
with the record's version as the API's If-Match and a key drawn with the form
as its Idempotency-Key: a form sent twice is recorded once, a stale one is
refused (409) and the page tells what was recorded since it was opened."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError

from api.web.awaited import DOSSIER_AWAITS, MESURE_AWAITS
from commands import dossier as dossier_commands
from commands import mesure as mesure_commands
from commands.base import RecordStep
from domain.access import Caller
from domain.mesure_steps import RUNNING, UNDER_CONVENTION
from domain.pydantic_french import field_of, french_problem

# A field's name for people; its choices' words (the API's codes otherwise).
FIELD_LABELS = {
    "avis": "Avis",
    "summary": "Synthèse de l'enquête",
    "comment": "Commentaire",
    "kind": "Rencontre",
    "months": "Durée du renouvellement demandé (mois)",
    "reason": "Pourquoi renouveler",
    "granted": "Renouvellement accordé",
    "motive": "Motif (obligatoire en cas de refus)",
    "occurred_on": "Date de l'étape (par défaut : aujourd'hui)",
}
CHOICE_LABELS = {
    "prioritaire": "prioritaire",
    "favorable": "favorable",
    "defavorable": "défavorable",
    "non_prioritaire": "non prioritaire",
    "entretien": "entretien",
    "visite_a_domicile": "visite à domicile",
}
YES_NO = (("true", "oui"), ("false", "non"))
VERSION_FIELD, KEY_FIELD = "expected_version", "idempotency_key"


def _stages_awaiting(awaits: dict[str, tuple[str, str]], action: str) -> frozenset:
    return frozenset(stage for stage, (step, _) in awaits.items() if step == action)


# Each kind's steps with a form, and the stages at which each is offered: the
# worklist's table where it follows the step (api/web/awaited.py), else the
# stages the measure's own check admits (domain/mesure_checks.py's meeting
# under convention, mesure_support.py's renewal asked while running). The
# aggregate checks again: a form shown is never a form accepted.
FORM_STEPS: dict[str, dict[str, tuple[type[RecordStep], frozenset[str]]]] = {
    "dossier": {
        step.slug: (step, _stages_awaiting(DOSSIER_AWAITS, step.action))
        for step in (
            dossier_commands.RenderSocialEnquiry,
            dossier_commands.RenderMairieAvis,
        )
    },
    "mesure": {
        step.slug: (step, stages)
        for step, stages in (
            (mesure_commands.HoldMeeting, UNDER_CONVENTION),
            (mesure_commands.RequestRenewal, frozenset({RUNNING})),
            (
                mesure_commands.DecideRenewal,
                _stages_awaiting(MESURE_AWAITS, "decide_renewal"),
            ),
        )
    },
}


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # "choice", "number", "text" (several lines) or "date"
    required: bool
    choices: tuple[tuple[str, str], ...] = ()


def fields_of(step: type[RecordStep]) -> list[FormField]:
    """The command model's fields, as a form's: a Literal or a yes/no is a
    choice, a whole number a number, a day a date, any other a text; the date
    of the step last, optional."""
    fields = []
    for name, info in step.model_fields.items():
        annotation = info.annotation
        label = FIELD_LABELS.get(name, name)
        if get_origin(annotation) is Literal:
            choices = tuple((c, CHOICE_LABELS.get(c, c)) for c in get_args(annotation))
            fields.append(FormField(name, label, "choice", info.is_required(), choices))
        elif annotation is bool:
            fields.append(FormField(name, label, "choice", info.is_required(), YES_NO))
        elif annotation is int:
            fields.append(FormField(name, label, "number", info.is_required()))
        elif date in (annotation, *get_args(annotation)):
            fields.append(FormField(name, label, "date", info.is_required()))
        else:
            fields.append(FormField(name, label, "text", info.is_required()))
    return sorted(fields, key=lambda f: f.name == "occurred_on")


def step_of(kind: str, slug: str) -> tuple[type[RecordStep], frozenset[str]] | None:
    return FORM_STEPS.get(kind, {}).get(slug)


def forms_for(
    kind: str,
    caller: Caller,
    record: Any,
    sent: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The forms `caller` may fill on `record` now: its role may record the step
    and the record's stage awaits it. `sent`: a form sent back, with its
    values and errors to show again (its version is the record's now)."""
    forms = []
    for slug, (step, stages) in FORM_STEPS.get(kind, {}).items():
        if caller.role not in step.roles() or record.stage not in stages:
            continue
        again = sent if sent and sent["slug"] == slug else {}
        forms.append(
            {
                "slug": slug,
                "title": step.title,
                "action": f"/{kind}s/{record.id}/etapes/{slug}",
                "fields": fields_of(step),
                "version": record.version,
                "key": secrets.token_urlsafe(16),
                "values": again.get("values", {}),
                "errors": again.get("errors", {}),
            }
        )
    return forms


def command_of(
    step: type[RecordStep], form: dict[str, str]
) -> tuple[RecordStep | None, dict[str, str], dict[str, str]]:
    """The command the form's values make, or the API's French words for what
    is wrong with each field (nothing else is read of the form)."""
    values = {f.name: form.get(f.name, "") for f in fields_of(step)}
    # A field left blank is not sent: the command's default, or « missing ».
    body = {name: value for name, value in values.items() if value.strip()}
    try:
        return step.model_validate(body), {}, values
    except ValidationError as error:
        errors: dict[str, str] = {}
        for problem in error.errors():
            errors.setdefault(field_of(problem, "formulaire"), french_problem(problem))
        return None, errors, values
