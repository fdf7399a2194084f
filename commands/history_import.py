"""Importing a department's past years (`logis import FILE`): settings versions
that took effect before today's, and past histories recorded through the
ordinary commands with their real dates, so that a history older than Logis can
be audited. Each step is judged by the rules, and later by the legality engine,
with the settings in force on its own day.

The file is JSON Lines, UTF-8. Its first line declares the import:

    {"import": {"department": "972", "key": "als-2024",
                "source": "Registre des attributions ALS 2024 (classeur)",
                "from": "2024-01-01", "to": "2024-12-31"}}

Each following line is one command, by its name (commands/dispatch.py):

    {"command": "IdentifyDossier", "ref": "d1",
     "actor": {"role": "ccas", "organisation": "CCAS de Fort-de-France",
               "subject": "instructrice", "commune": "97209"},
     "body": {"occurred_on": "2024-02-01", ...}}
    {"command": "RenderSocialEnquiry", "target": "d1", "actor": {...},
     "body": {"occurred_on": "2024-02-20", ...}}

`ref` names the record a creation opens; `target` is a step's record (a `ref`
or an id Logis knows); `{"$ref": "d1"}` anywhere in a body stands for that
record's id. Every step has its `occurred_on`, within the declared period;
`AdoptSettings` needs no actor (the importer adopts them). Blank lines and
lines starting with `#` are skipped.

The import is declared on the department (`Department.HistoryImported`: who
imported, the source, the period) and every step carries its correlation id
`import:<id>:l<line>`: the late-entry rule (SAISIE-TARDIVE) reports them as
imported, for information. Each line has its idempotency key (the import's
id and the line's number): a re-run replays what was written and goes on
where it stopped; a line changed since it was written is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from commands.base import ShortText, Text
from commands.context import CommandResult, Context
from commands.department import AdoptSettings, DeclareImport
from commands.dispatch import COMMANDS, CREATIONS, dispatch
from commands.idempotency import fingerprint
from domain.department import import_correlation
from domain.places import COMMUNE_PATTERN, DEPARTMENT_CODE_PATTERN, DepartmentCode
from domain.pydantic_french import field_of, french_problem
from domain.shared import Actor, DomainError, Role, fr_day

if TYPE_CHECKING:
    from collections.abc import Callable

    from commands.application import Logis


M = TypeVar("M", bound=BaseModel)


class ImportRefusedError(DomainError):
    """A line of the file was refused: nothing after it was written."""

    def __init__(self, line: int, code: str, message: str) -> None:
        super().__init__(f"Ligne {line} refusée ({code}) : {message}", code)
        self.line = line
        self.reason = message


class ImportHeader(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    department: DepartmentCode
    key: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,80}$")
    source: Text = Field(max_length=500)
    start: date = Field(alias="from")
    end: date = Field(alias="to")


class ActorIn(BaseModel):
    """Who really recorded the step, and where their credentials act."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    organisation: ShortText
    subject: ShortText
    department: str | None = Field(default=None, pattern=DEPARTMENT_CODE_PATTERN)
    commune: str | None = Field(default=None, pattern=COMMUNE_PATTERN)


class LineIn(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    command: str
    ref: str | None = Field(default=None, min_length=1, max_length=80)
    target: str | None = Field(default=None, min_length=1, max_length=80)
    actor: ActorIn | None = None
    body: dict[str, Any] = Field(default_factory=dict)


@dataclass
class ImportResult:
    import_id: UUID
    header: ImportHeader
    written: int = 0  # lines that wrote events
    replayed: int = 0  # lines already written by an earlier run
    refs: dict[str, UUID] = field(default_factory=dict)


def import_id_of(department: str, key: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"logis:import:{department}:{key}")


def _parse(text: str) -> tuple[int, ImportHeader, list[tuple[int, LineIn]]]:
    """The header and the command lines, every line checked for its form (JSON,
    fields, a known command, its refs, its date) before anything is written."""
    numbered = [
        (n, raw.strip())
        for n, raw in enumerate(text.splitlines(), start=1)
        if raw.strip() and not raw.strip().startswith("#")
    ]
    if not numbered:
        raise ImportRefusedError(1, "empty_import", "le fichier ne contient rien.")
    lines: list[tuple[int, dict[str, Any]]] = []
    for n, raw in numbered:
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            msg = f"JSON invalide ({error.msg}, colonne {error.colno})."
            raise ImportRefusedError(n, "malformed_json", msg) from None
        if not isinstance(value, dict):
            raise ImportRefusedError(n, "invalid_input", "un objet JSON est attendu.")
        lines.append((n, value))
    first, head = lines[0]
    if set(head) != {"import"}:
        msg = 'la première ligne déclare l\'import : {"import": {...}}.'
        raise ImportRefusedError(first, "invalid_input", msg)
    header = _validated(first, ImportHeader, head["import"])
    parsed, refs = [], set()
    for n, value in lines[1:]:
        line = _validated(n, LineIn, value)
        _check_form(n, line, header, refs)
        parsed.append((n, line))
    return first, header, parsed


def _check_form(n: int, line: LineIn, header: ImportHeader, refs: set[str]) -> None:
    cls = COMMANDS.get(line.command)
    if cls is None:
        msg = f"commande inconnue « {line.command} »."
        raise ImportRefusedError(n, "unknown_command", msg)
    creation = cls in CREATIONS
    if creation == (line.target is not None):
        msg = (
            "une création n'a pas de « target »."
            if creation
            else "une étape nomme son enregistrement dans « target »."
        )
        raise ImportRefusedError(n, "invalid_input", msg)
    if line.target is not None and line.target not in refs:
        try:
            UUID(line.target)
        except ValueError:
            msg = f"« target » : référence inconnue « {line.target} »."
            raise ImportRefusedError(n, "unknown_ref", msg) from None
    for name in _refs_in(line.body):
        if name not in refs:
            msg = f"référence inconnue « {name} » (à définir plus haut par « ref »)."
            raise ImportRefusedError(n, "unknown_ref", msg)
    if line.ref is not None:
        if not creation or line.ref in refs:
            msg = f"« ref » : « {line.ref} » déjà défini ou hors d'une création."
            raise ImportRefusedError(n, "invalid_input", msg)
        refs.add(line.ref)
    if cls is AdoptSettings:
        return
    if line.actor is None:
        raise ImportRefusedError(n, "invalid_input", "« actor » manque.")
    department = line.body.get("department")
    if creation and department != header.department:
        msg = f"le département doit être celui de l'import ({header.department})."
        raise ImportRefusedError(n, "invalid_input", msg)
    try:
        day = date.fromisoformat(str(line.body["occurred_on"]))
    except (KeyError, ValueError):
        msg = "« occurred_on » (AAAA-MM-JJ) : le jour où l'étape a eu lieu."
        raise ImportRefusedError(n, "invalid_input", msg) from None
    if not header.start <= day <= header.end:
        msg = (
            f"l'étape du {fr_day(day)} sort de la période déclarée (du "
            f"{fr_day(header.start)} au {fr_day(header.end)})."
        )
        raise ImportRefusedError(n, "outside_import_period", msg)


def _refs_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        if set(value) == {"$ref"}:
            return [str(value["$ref"])]
        return [r for v in value.values() for r in _refs_in(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs_in(v)]
    return []


def _resolved(value: Any, refs: dict[str, UUID]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$ref"}:
            return str(refs[str(value["$ref"])])
        return {k: _resolved(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolved(v, refs) for v in value]
    return value


def _validated(n: int, model: type[M], value: Any) -> M:
    try:
        return model.model_validate(value)
    except ValidationError as error:
        problem = error.errors()[0]
        where = field_of(problem, "ligne")
        why = french_problem(problem)
        msg = f"données invalides ({where} : {why})."
        raise ImportRefusedError(n, "invalid_input", msg) from None


def _why(error: DomainError) -> str:
    if error.code == "idempotency_key_reused":  # a line written, since changed
        return (
            "cette ligne a déjà été importée avec un autre contenu : un import "
            "écrit ne se réécrit pas ; pour compléter l'historique, déclarez un "
            "nouvel import (une autre « key »)."
        )
    return error.message


def run_import(
    app: Logis,
    text: str,
    importer: Actor,
    now: datetime,
    progress: Callable[[int, CommandResult], None] | None = None,
) -> ImportResult:
    """Declare the import (once), then carry out each line in order; stop at the
    first refused one (ImportRefusedError: its number, code, French message)."""
    first, header, lines = _parse(text)
    import_id = import_id_of(header.department, header.key)
    result = ImportResult(import_id, header)

    def context(actor: Actor, n: int, claims: ActorIn | None, body: Any) -> Context:
        key = f"import:{import_id}:{n}"
        return Context(
            actor=actor,
            correlation_id=import_correlation(import_id, f"l{n}"),
            now=now,
            idempotency_key=key,
            # The importer's own lines (declaration, settings) replay whoever
            # runs the file again; a step's actor is part of what was asked.
            fingerprint=fingerprint(
                actor.__dict__ if claims is not None else "importer", key, body
            ),
            department=(claims.department if claims else None) or header.department,
            commune=claims.commune if claims else None,
            import_id=import_id,
        )

    declaration = DeclareImport(
        import_id=import_id,
        source=header.source,
        period_start=header.start,
        period_end=header.end,
    )
    try:
        app.declare_import(
            header.department,
            declaration,
            context(importer, 0, None, declaration.model_dump(mode="json")),
        )
    except DomainError as error:
        raise ImportRefusedError(first, error.code, _why(error)) from None
    for n, line in lines:
        body = _resolved(line.body, result.refs)
        command = _validated(n, COMMANDS[line.command], body)
        actor = importer
        if line.actor is not None:
            actor = Actor(line.actor.subject, line.actor.role, line.actor.organisation)
        target = None
        if line.target is not None:
            target = result.refs.get(line.target) or UUID(line.target)
        asked = [line.command, str(target), command.model_dump(mode="json")]
        try:
            done = dispatch(
                app,
                header.department,
                command,
                target,
                context(actor, n, line.actor, asked),
            )
        except DomainError as error:
            raise ImportRefusedError(n, error.code, _why(error)) from None
        if line.ref is not None:
            result.refs[line.ref] = done.id
        if done.replayed:
            result.replayed += 1
        else:
            result.written += 1
        if progress is not None:
            progress(n, done)
    return result
