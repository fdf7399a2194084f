"""`logis history ID`: the timeline of any record (dossier, ASLL measure,
programme, commission, CCAPEX referral) as a person reads it: each event's
French label, the day it happened and the moment it was recorded (the
department's local time, its offset spelled out), who acted, what it decided
(the audit trail's summary), with records named rather than numbered (a
programme's name, a commission's kind and day, a dossier's household) and no
Python value written as Python. `--format json` keeps every field and every
full id, for machines.

Two clocks (domain/clocks.py): `--as-of DAY` the steps that had happened by
the end of that day, `--known-at MOMENT` what the store held then.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from api.cli.arguments import add_format, moment_arg, uuid_arg
from api.cli.output import print_json
from api.cli.views import opened
from domain import commission_steps, dossier_steps, mesure_steps, saisine_steps
from domain.clocks import Clocks, local_moment
from domain.places import commune_label
from domain.records import kind_of
from domain.shared import fr_day, role_label

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from commands.application import Logis
    from infra.settings import Settings

UUID_TEXT = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I
)
# A record's stage in words, by kind of record.
STAGE_LABELS: dict[str, dict[str, str]] = {
    "dossier": dossier_steps.STAGE_LABELS,
    "mesure": mesure_steps.STAGE_LABELS,
    "commission": commission_steps.STAGE_LABELS,
    "saisine": saisine_steps.STAGE_LABELS,
}


def add_parsers(commands: Any) -> None:
    history = commands.add_parser(
        "history",
        help="chronologie d'un dossier, d'une mesure, d'un programme, d'une "
        "commission ou d'une saisine",
        description="Chronologie lisible d'un enregistrement : chaque événement "
        "avec son libellé, sa date de survenue et sa date d'enregistrement "
        "(heure locale du département), son auteur et ce qu'il a décidé.",
    )
    history.add_argument(
        "record_id",
        type=uuid_arg("identifiant de dossier"),
        help="identifiant (UUID) de l'enregistrement",
    )
    history.add_argument(
        "--as-of",
        type=as_of_arg,
        default=None,
        metavar="AAAA-MM-JJ",
        help="les étapes survenues au plus tard ce jour (date de survenue) ; "
        "défaut : aujourd'hui. Une date et heure ISO 8601 (ancien usage) vaut "
        "--known-at",
    )
    history.add_argument(
        "--known-at",
        type=moment_arg,
        default=None,
        metavar="ISO-8601",
        help="ce que le registre savait à cet instant (heure d'enregistrement ; "
        "sans fuseau : UTC) ; défaut : maintenant",
    )
    history.add_argument(
        "--details",
        action="store_true",
        help="chaque champ de chaque événement, en plus du résumé",
    )
    add_format(
        history,
        help_text="table (défaut, pour les personnes) ou json (tous les champs, "
        "identifiants complets)",
    )
    history.set_defaults(run=run)


def as_of_arg(text: str) -> date | datetime:
    """A day; a date and time (the former --as-of) is kept as a moment."""
    if "T" in text.upper() or " " in text.strip():
        return moment_arg(text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        msg = f"jour AAAA-MM-JJ attendu, pas « {text} »"
        raise argparse.ArgumentTypeError(msg) from None


def clocks_of(args: argparse.Namespace) -> Clocks:
    as_of, known_at = args.as_of, args.known_at
    if isinstance(as_of, datetime):
        if known_at is not None:
            msg = (
                "--as-of est un jour (AAAA-MM-JJ) ; l'instant se donne dans --known-at"
            )
            raise argparse.ArgumentTypeError(msg)
        return Clocks(None, as_of)
    return Clocks(as_of, known_at)


def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        clocks = clocks_of(args)
    except argparse.ArgumentTypeError as error:
        print(f"logis history : erreur : {error}", file=sys.stderr)
        return 2
    from api.schemas.history import HistoryEntry

    with opened(settings) as system:
        kind, events = system.app.record_history_at(args.record_id, clocks)
        all_events = list(system.app.events.get(args.record_id))
        if args.format == "json":
            entries = [HistoryEntry.of(e, kind.labels) for e in events]
            return print_json([e.model_dump(mode="json") for e in entries])
        names = Names(system.app)
        state: Any = None
        for event in clocks.replayable(all_events):
            state = event.mutate(state)
        print(render(kind.label, args.record_id, events, state, clocks, names, args))
    return 0


class Names:
    """What to call a record instead of its id, read once from its first event;
    the full id when there is nothing better (never a shortened one)."""

    def __init__(self, app: Logis) -> None:
        self.app = app
        self.known: dict[UUID, str] = {}

    def __call__(self, record_id: UUID) -> str:
        if record_id not in self.known:
            self.known[record_id] = self._name(record_id)
        return self.known[record_id]

    def household(self, dossier_id: UUID) -> str:
        """The applicant's name alone, for a column of households."""
        first = self._first(dossier_id)
        return str(getattr(first, "applicant_name", None) or dossier_id)

    def _first(self, record_id: UUID) -> Any:
        try:
            return next(iter(self.app.events.get(record_id, limit=1)), None)
        except Exception:
            return None

    def _name(self, record_id: UUID) -> str:
        first = self._first(record_id)
        kind = kind_of(first) if first is not None else None
        if kind is None:
            return str(record_id)
        return kind.mention(first)

    def in_text(self, text: str) -> str:
        return UUID_TEXT.sub(lambda m: self(UUID(m.group(0))), text)


def human(value: Any, names: Callable[[UUID], str], department: str | None) -> str:
    """A value as a person reads it: days dd/mm/yyyy, moments in the
    department's local time, amounts with a decimal comma, yes/no, records by
    name; never a Python repr."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Enum):
        return human(value.value, names, department)
    if isinstance(value, Decimal):
        return f"{value:f}".replace(".", ",")
    if isinstance(value, datetime):
        return local_moment(department, value)
    if isinstance(value, date):
        return fr_day(value)
    if isinstance(value, UUID):
        return names(value)
    if isinstance(value, str):
        return value.replace("_", " ") if value.isidentifier() else value
    if is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, dict):
        parts = [
            f"{field_label(k)} : {human(v, names, department)}"
            for k, v in value.items()
            if v not in (None, "", [], {})
        ]
        return "(" + ", ".join(parts) + ")"
    if isinstance(value, list | tuple | set | frozenset):
        return " ; ".join(human(v, names, department) for v in value)
    return str(value)


def field_label(name: str) -> str:
    return str(name).replace("_", " ")


def render(
    label: str,
    record_id: UUID,
    events: list[Any],
    state: Any,
    clocks: Clocks,
    names: Names,
    args: argparse.Namespace,
) -> str:
    from api.schemas.history import HistoryEntry
    from projections.audit_trail import summarise

    first = events[0]
    department = getattr(first, "department", None)
    kind = kind_of(first)
    title = kind.mention(first) if kind is not None else label
    when = clocks.describe(department) or "état actuel"
    place = ", ".join(
        p
        for p in (
            f"commune {commune_label(first.commune)}"
            if getattr(first, "commune", None)
            else "",
            f"département {department}" if department else "",
        )
        if p
    )
    lines = [
        f"{label} {record_id} — {len(events)} événement(s) ({when})",
        f"{title[0].upper()}{title[1:]}" + (f" — {place}" if place else ""),
    ]
    stage = getattr(state, "stage", None)
    if stage:
        stage_labels = STAGE_LABELS.get(kind.name, {}) if kind is not None else {}
        shown = stage_labels.get(stage) or human(stage, names, department)
        lines.append(f"Étape ({when}) : {shown}")
    lines.append(
        "Dates : « survenu le » (jour de l'étape) et « enregistré le » (heure "
        f"locale du département {department or '—'})."
    )
    labels: Mapping[type, str] = kind.labels if kind is not None else {}
    for event in events:
        lines.append("")
        lines.append(
            f"{event.originator_version:>3}. {labels.get(type(event), 'Événement')}"
        )
        lines.append(
            f"     survenu le {fr_day(event.occurred_on)} — enregistré le "
            f"{local_moment(department, event.timestamp)}"
        )
        actor = event.actor
        lines.append(
            f"     par {actor.subject} ({role_label(actor.role)}, {actor.organisation})"
        )
        for link, what in (("commission_id", "séance"), ("programme_id", "programme")):
            linked = getattr(event, link, None)
            if isinstance(linked, UUID) and linked != record_id:
                lines.append(f"     {what} : {names(linked)}")
        summary = names.in_text(summarise(event))
        if summary:
            lines.append(f"     {summary}")
        if args.details or not summary:
            lines.extend(
                f"     · {field_label(k)} : {human(v, names, department)}"
                for k, v in HistoryEntry.of(event).data.items()
                if v not in (None, "", [], {})
            )
    return "\n".join(lines)
