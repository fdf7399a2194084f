"""The Logis application: every command goes load → apply → save here."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import chain
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from commands.context import CommandResult, Context, LogisRecorder, ReadsAhead
from commands.errors import ConcurrencyError, InvalidCommandError, NotFoundError
from commands.idempotency import IdempotencyRecord, replayed
from commands.lookup import Lookup
from commands.preconditions import check_expected_version, event_meta
from commands.procedures import procedure_for
from commands.saving import CollectingApplication
from commands.scope import check_scope, named_dossiers
from commands.settings_versions import SettingsVersions
from commands.snapshots import SNAPSHOT_PAGE, Replay, events_by, replayed_from
from domain import access
from domain.access import Caller, check_create, check_write
from domain.clocks import Clocks
from domain.commission import Commission
from domain.commune import CommuneListes, commune_listes_id
from domain.department import Department, HistoryImport, department_id
from domain.department_settings import DepartmentSettings
from domain.dossier import Dossier
from domain.facts import Facts
from domain.mesure import Mesure
from domain.programme import Programme
from domain.records import RecordKind, kind, kind_of
from domain.saisine import Saisine
from domain.shared import DomainError, RecordedEvent

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from eventsourcing.domain import Aggregate

    from commands.base import Command, Creation, RecordStep
    from commands.department import AdoptSettings, DeclareImport
    from commands.snapshots import SnapshotStore
    from domain.shared import Meta


class Logis(CollectingApplication):
    name = "Logis"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env)
        self.saved_listeners: list[Callable[[], None]] = []
        self.settings_versions = SettingsVersions()  # each validated once
        # Long records load from their nearest snapshot (infra/ attaches it).
        self.snapshots: SnapshotStore | None = None
        self.snapshot_page = SNAPSHOT_PAGE  # events read at a time by the clocks
        self.ahead = ReadsAhead()  # what the running command read first

    def _notify(self, recordings: list[Any]) -> None:
        """After each save: the in-process projector is woken (infra/)."""
        for listener in self.saved_listeners:
            listener()

    @property
    def store(self) -> LogisRecorder:
        return self.recorder  # type: ignore[return-value]

    # ---- any kind of record (domain/records.py, commands/procedures.py) --------

    def create(self, kind_name: str, command: Creation, ctx: Context) -> CommandResult:
        """A new record of that kind: the caller creates in its territory, the
        records the command names are checked (`check_named`), then its date,
        and the department must be configured; the command creates the record
        and says which other aggregates it changed, saved together."""
        procedure_for(kind_name, command)

        def act() -> Aggregate | list[Aggregate]:
            check_create(ctx.caller, command.department, command.commune)
            lookup = Lookup(self, command.department, None, caller=ctx.caller)
            command.check_named(lookup)
            meta = event_meta(command, ctx, command.department)
            lookup.day = meta.occurred_on
            lookup.rules()  # the department is configured
            created = command.create(meta, lookup)
            return list(created) if isinstance(created, list | tuple) else created

        return self._run(ctx, act, department=command.department)

    def step(
        self, kind_name: str, record_id: UUID, command: RecordStep, ctx: Context
    ) -> CommandResult:
        """A step on an existing record: loaded (404), the caller's write scope
        checked on it and on the dossiers the step names, before its version
        (409) and any rule; the step says which other aggregates it changed,
        saved with the record in one transaction."""
        procedure_for(kind_name, command)

        def act() -> list[Aggregate]:
            record = self.get(kind_name, record_id)
            check_scope(self, ctx, kind_name, record)
            named = named_dossiers(self, record, command, ctx)
            check_expected_version(record, ctx)
            meta = event_meta(command, ctx, record.department)
            lookup = Lookup(
                self, record.department, meta.occurred_on, named, ctx.caller
            )
            return [record, *command.perform(record, meta, lookup)]

        return self._run(ctx, act, record_id=record_id, department=ctx.department)

    def get(self, kind_name: str, record_id: UUID) -> Any:
        """The record of that kind as it stands; 404 `<kind>_not_found` when
        the store holds none with this id (or one of another kind)."""
        found = kind(kind_name)
        record = self._find(record_id)
        if not isinstance(record, found.aggregate):
            raise _not_found(found, record_id)
        return record

    def history(self, kind_name: str, record_id: UUID) -> list[RecordedEvent]:
        """The record's events; 404 `<kind>_not_found` as for `get`."""
        found = kind(kind_name)
        events = list(self.events.get(record_id))
        if not events or not isinstance(events[0], found.event):
            raise _not_found(found, record_id)
        return events

    def get_as_of(self, kind_name: str, record_id: UUID, as_of: datetime) -> Any:
        """The record exactly as the store held it at `as_of` (events recorded
        by then): the `known_at` clock alone."""
        return self.read_at(kind_name, record_id, Clocks(known_at=as_of))

    def read_at(
        self,
        kind_name: str,
        record_id: UUID,
        clocks: Clocks,
        now: datetime | None = None,
    ) -> Any:
        """The record as it stood by `clocks` (domain/clocks.py): replayed
        from its events known at `known_at`, up to the first one that happened
        after `as_of`. 404 for none of that kind; 404 `<kind>_not_known_at` or
        `<kind>_not_found_at_date` before it existed, by either clock; 422
        when the clocks read the future."""
        found = kind(kind_name)
        start, events = events_by(self, record_id, clocks)
        if start is not None:  # its events all known and happened by the clocks
            if not isinstance(start.aggregate, found.aggregate):
                raise _not_found(found, record_id)
            self.check_clocks(clocks, start.aggregate.department, now)
            replayed = clocks.replayable(events)
            return Replay(self.snapshots, record_id, start).apply(replayed).done()
        first = next(events, None)
        if not isinstance(first, found.event):
            raise _not_found(found, record_id)
        self.check_clocks(clocks, first.department, now)
        # One pass, decoding no event after the first beyond the clocks.
        replayable = clocks.replayable(chain([first], events))
        # None replayable: the first event was not known, or had not happened.
        absent = clocks.absent(found.label, record_id, replayable or [first])
        if absent is not None:
            message, code = absent
            raise NotFoundError(message, f"{kind_name}_{code}")
        return Replay(self.snapshots, record_id, None).apply(replayable).done()

    @staticmethod
    def check_clocks(
        clocks: Clocks, department: str, now: datetime | None = None
    ) -> None:
        """422 `known_at_in_future` for a moment to come: the store is read as
        it was, never as it may be (domain/clocks.py)."""
        why = clocks.future(department, now or datetime.now(UTC))
        if why is not None:
            raise InvalidCommandError(why, "known_at_in_future")

    def record_history_at(
        self, record_id: UUID, clocks: Clocks, now: datetime | None = None
    ) -> tuple[RecordKind, list[RecordedEvent]]:
        """Any record's kind and its events by `clocks`: known at `known_at`,
        happened by `as_of` (every one of them, in version order, even one
        recorded late behind a later step); 404 before it existed, 422 for
        clocks in the future."""
        kind, events = self.record_history(record_id)
        self.check_clocks(clocks, getattr(events[0], "department", ""), now)
        absent = clocks.absent(kind.label, record_id, events)
        if absent is not None:
            message, code = absent
            raise NotFoundError(message, f"{kind.name}_{code}")
        return kind, clocks.happened(events)

    def record_history(self, record_id: UUID) -> tuple[RecordKind, list[RecordedEvent]]:
        """Any record's events (dossier, mesure, programme, commission,
        saisine) and its kind, whichever it is: what `logis history` shows."""
        events = list(self.events.get(record_id))
        kind = kind_of(events[0]) if events else None
        if kind is None:
            msg = f"Aucun enregistrement {record_id} (dossier, mesure, programme…)."
            raise NotFoundError(msg, "record_not_found")
        return kind, events

    # The kinds' typed readers, for the code that needs one kind's fields.

    def get_dossier(self, dossier_id: UUID) -> Dossier:
        return self.get("dossier", dossier_id)  # type: ignore[no-any-return]

    def get_programme(self, programme_id: UUID) -> Programme:
        return self.get("programme", programme_id)  # type: ignore[no-any-return]

    def get_mesure(self, mesure_id: UUID) -> Mesure:
        return self.get("mesure", mesure_id)  # type: ignore[no-any-return]

    def get_commission(self, commission_id: UUID) -> Commission:
        return self.get("commission", commission_id)  # type: ignore[no-any-return]

    def get_saisine(self, saisine_id: UUID) -> Saisine:
        return self.get("saisine", saisine_id)  # type: ignore[no-any-return]

    def commune_listes(self, commune: str) -> CommuneListes | None:
        register = self._find(commune_listes_id(commune))
        return register if isinstance(register, CommuneListes) else None

    # ---- department settings ------------------------------------------------------

    def adopt_settings(
        self, code: str, command: AdoptSettings, ctx: Context
    ) -> CommandResult:
        def act() -> Department:
            department, meta = self._department_to_change(code, command, ctx)
            check_expected_version(department, ctx)
            department.adopt(
                command.settings,
                command.effective_from,
                meta,
                imported=ctx.import_id is not None,  # a past version, declared
            )
            return department

        return self._run(ctx, act, stage=lambda _: "adopte")

    def _department_to_change(
        self, code: str, command: Command, ctx: Context
    ) -> tuple[Department, Meta]:
        """The department an administrator changes (registered on its first
        change), and the change's metadata."""
        check_write(ctx.caller, "department", access.place_facts(code))
        meta = event_meta(command, ctx, code)
        department = self._find(department_id(code))
        if not isinstance(department, Department):
            department = Department.register(code, meta)
        return department, meta

    def department_settings(
        self, code: str, day: date
    ) -> tuple[int, DepartmentSettings]:
        aggregate_id = department_id(code)
        version = self.ahead.department_version(code)
        if version is None:
            last = self.recorder.select_events(aggregate_id, desc=True, limit=1)
            version = last[0].originator_version if last else 0
        return self.settings_versions.in_force(
            code, day, version, lambda: self._find(aggregate_id)
        )

    def declare_import(
        self, code: str, command: DeclareImport, ctx: Context
    ) -> CommandResult:
        """An administrator declares an import of the department's past years
        (once: declaring it again as it was changes nothing)."""

        def act() -> Department:
            department, meta = self._department_to_change(code, command, ctx)
            department.declare_import(
                command.import_id,
                command.source,
                (command.period_start, command.period_end),
                meta,
            )
            return department

        return self._run(ctx, act, stage=lambda _: "import_declare")

    def department_imports(self, code: str) -> dict[UUID, HistoryImport]:
        """The department's declared imports of past years (none if unknown)."""
        department = self._find(department_id(code))
        return department.imported() if isinstance(department, Department) else {}

    def department_versions(self, code: str) -> list[tuple[date, int, dict[str, Any]]]:
        department = self._find(department_id(code))
        if not isinstance(department, Department):
            msg = f"Le département {code} n'a aucun paramétrage."
            raise NotFoundError(msg, "department_not_found")
        return list(department.versions)

    # ---- need-to-know on writes (domain/access.py) --------------------------------

    def record_facts(
        self,
        kind_name: str,
        record: Any,
        caller: Caller,
        landlords: dict[UUID, str | None] | None = None,
    ) -> Facts:
        """Where a record sits and who its parties are; a landlord's dossier
        also needs its programme's landlord (`landlords`: those already read)."""
        of_kind = kind(kind_name)
        if not of_kind.programme_party:
            return of_kind.facts(record)
        landlord = None
        programme_id = record.programme_id
        if caller.role == "bailleur" and programme_id is not None:
            landlords = landlords if landlords is not None else {}
            if programme_id not in landlords:
                programme = self._find(programme_id)  # an id Logis may not know
                found = isinstance(programme, Programme)
                landlords[programme_id] = programme.landlord if found else None
            landlord = landlords[programme_id]
        return of_kind.facts(record, landlord)

    def _find(self, aggregate_id: UUID) -> Any:
        """The aggregate as it stands now, or None if there is none: from its
        latest snapshot and the events after it (commands/snapshots.py)."""
        loaded = self.ahead.record(aggregate_id)  # read with the command's reads
        if loaded is not None:
            return replayed_from(self, aggregate_id, *loaded)
        start, events = events_by(self, aggregate_id, Clocks())
        return Replay(self.snapshots, aggregate_id, start).apply(events).done()

    def find_many(self, ids: Sequence[UUID]) -> dict[UUID, Any]:
        """`_find` of each: those the store can read together, together."""
        read = {} if self.snapshots is None else self.snapshots.after_many(ids)
        found = {i: replayed_from(self, i, *loaded) for i, loaded in read.items()}
        return {i: found[i] if i in found else self._find(i) for i in ids}

    # ---- the one way a command is carried out ---------------------------------------

    def _run(
        self,
        ctx: Context,
        act: Callable[[], Aggregate | Sequence[Aggregate]],
        stage: Callable[[Any], str] = lambda aggregate: aggregate.stage,
        record_id: UUID | None = None,
        department: str | None = None,
    ) -> CommandResult:
        """Carry out `act`, which returns the command's aggregate, or it first
        and then the others it changed: all are saved together or none; its
        key, record and settings version read together first (ReadsAhead)."""
        reading = self.ahead.reading(self.snapshots, ctx, record_id, department)
        with self.store.session(), reading:
            return self._carry_out(ctx, act, stage)

    def _carry_out(
        self,
        ctx: Context,
        act: Callable[[], Aggregate | Sequence[Aggregate]],
        stage: Callable[[Any], str],
        *,
        again: bool = True,
    ) -> CommandResult:
        first = replayed(self.store, ctx, self.ahead.idempotency())
        if first is not None:
            return first
        try:
            acted = act()
        except DomainError:
            # The same keyed command, sent twice at once, may have been saved since
            # the check above: the refusal it now meets is its own success.
            first = replayed(self.store, ctx)
            if first is not None:
                return first
            raise
        aggregates = list(acted) if isinstance(acted, list) else [acted]
        aggregate = aggregates[0]
        result = CommandResult(aggregate.id, aggregate.version, 0, stage(aggregate))
        record = None
        if ctx.idempotency_key:
            record = IdempotencyRecord(
                ctx.idempotency_key, ctx.fingerprint, result.answer()
            )
        try:
            recordings = self.save(*aggregates, idempotency=record)
        except IntegrityError:
            first = replayed(self.store, ctx)
            if first is not None:
                return first
            if again and self.store.household_key_taken():
                # Nothing of it is stored: once more, under the household's key.
                return self._carry_out(ctx, act, stage, again=False)
            msg = (
                "L'enregistrement a été modifié entre-temps : rechargez-le et "
                "recommencez avec la nouvelle version."
            )
            raise ConcurrencyError(msg) from None
        position = recordings[-1].notification.id
        return replace(result, position=position, events=len(recordings))


def _not_found(found: RecordKind, record_id: UUID) -> NotFoundError:
    return NotFoundError(found.not_found_message(record_id), found.not_found_code)
