"""The Logis application: every command goes load → apply → save here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from commands.errors import ConcurrencyError, InvalidCommandError, NotFoundError
from commands.idempotency import IdempotencyRecord
from commands.procedures import procedure_for
from domain import access
from domain import dossier as d
from domain.access import Caller, Facts, check_create, check_read, check_write
from domain.association import AssociationLoad, association_load_id
from domain.clocks import Clocks
from domain.commission import (
    CAL,
    COMMISSION_PREFECTORALE,
    Commission,
    DwellingFacts,
    PriorRanking,
)
from domain.commune import CommuneListes, commune_listes_id
from domain.department import (
    IMPORT_PREFIX,
    Department,
    DepartmentNotConfiguredError,
    DepartmentSettings,
    HistoryImport,
    department_id,
    import_of,
    local_today,
)
from domain.dossier import Dossier
from domain.dwellings import CommuneDwellings, commune_dwellings_id
from domain.liste import ListedCandidate, next_candidates
from domain.mesure import Mesure
from domain.programme import LET, TO_LET, Programme
from domain.records import RecordKind, kind, kind_of
from domain.saisine import Saisine
from domain.shared import Actor, DomainError, Meta, RecordedEvent

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from eventsourcing.domain import Aggregate

    from commands.base import Command, Creation, RecordStep
    from commands.department import AdoptSettings, DeclareImport


class LogisRecorder(Protocol):
    """What the application needs of its recorder besides the library's (infra/)."""

    def find_idempotency(self, key: str) -> tuple[str, dict[str, Any], int] | None: ...

    def count_events(self) -> int: ...

    def count_events_between(
        self, after: int, until: int, topics: Sequence[str] = ()
    ) -> int: ...

    def ping(self) -> None: ...


@dataclass(frozen=True)
class Context:
    """Who asks, and how: everything about a command that is not its body."""

    actor: Actor
    correlation_id: str
    now: datetime  # when the command arrived (timezone-aware)
    expected_version: int | None = None
    idempotency_key: str | None = None
    fingerprint: str = ""
    # Where the caller's credentials say they act: writes stay there.
    department: str | None = None
    commune: str | None = None
    # Set by an import of past years only (`logis import`): its steps carry the
    # import's correlation id; no other caller may claim one.
    import_id: UUID | None = None

    @property
    def caller(self) -> Caller:
        return Caller(self.actor, self.department, self.commune)


@dataclass(frozen=True)
class CommandResult:
    id: UUID
    version: int
    position: int  # notification id of the last event: read-your-writes
    stage: str
    replayed: bool = False
    events: int = 0  # how many this command appended (0 when replayed)

    def answer(self) -> dict[str, Any]:
        return {"id": str(self.id), "version": self.version, "stage": self.stage}


class Logis(Application[UUID]):
    name = "Logis"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        super().__init__(env)
        self.saved_listeners: list[Callable[[], None]] = []

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
            lookup = _Lookup(self, command.department, None, caller=ctx.caller)
            command.check_named(lookup)
            meta = self._meta(command, ctx, command.department)
            lookup.day = meta.occurred_on
            lookup.rules()  # the department is configured
            created = command.create(meta, lookup)
            return list(created) if isinstance(created, list | tuple) else created

        return self._run(ctx, act)

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
            self._check_scope(ctx, kind_name, record)
            named = self._named_dossiers(record, command, ctx)
            self._check_expected_version(record, ctx)
            meta = self._meta(command, ctx, record.department)
            lookup = _Lookup(
                self, record.department, meta.occurred_on, named, ctx.caller
            )
            return [record, *command.perform(record, meta, lookup)]

        return self._run(ctx, act)

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
        current = self.get(kind_name, record_id)
        self.check_clocks(clocks, current.department, now)
        events = list(self.events.get(record_id))
        absent = clocks.absent(kind(kind_name).label, record_id, events)
        if absent is not None:
            message, code = absent
            raise NotFoundError(message, f"{kind_name}_{code}")
        aggregate: Any = None
        for event in clocks.replayable(events):
            aggregate = event.mutate(aggregate)
        return aggregate

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

    # ---- what steps change besides their record (through _Lookup) ------------------

    def _association_load(
        self, department: str, association: str, meta: Meta
    ) -> AssociationLoad:
        load = self._find(association_load_id(department, association))
        if isinstance(load, AssociationLoad):
            return load
        return AssociationLoad.open(department, association, meta)

    def _dwellings_register(self, commune: str, meta: Meta) -> CommuneDwellings:
        register = self._find(commune_dwellings_id(commune))
        if isinstance(register, CommuneDwellings):
            return register
        return CommuneDwellings.open(commune, meta)

    def _attribute_dwelling(
        self,
        commission: Commission,
        event: Commission.CALDecisionsTaken,
        dossiers: _Dossiers,
        meta: Meta,
    ) -> Programme | None:
        """LOGEMENT-UNIQUE: an attribution by a programme's CAL takes the dwelling
        on the programme, saved with the decision, so that of two decisions on
        one dwelling (or a decision and its lease) the store keeps one."""
        attributed = [
            decision["dossier_id"]
            for decision in sorted(event.decisions, key=lambda x: x["rank"] or 0)
            if decision["decision"] in d.ATTRIBUTIONS
        ]
        if not attributed:
            return None
        if commission.programme_id is None:  # registered since it was convened?
            self._check_outside_programmes(commission, [event.dwelling_ref])
            return None
        programme = self.get_programme(commission.programme_id)
        held = programme.dwellings.get(event.dwelling_ref, {}).get("attribution")
        in_the_running = [
            dossier_id
            for dossier_id in (held or {}).get("dossier_ids", ())
            if _holds(dossiers[dossier_id], held["commission_id"])
        ]
        programme.attribute_dwelling(
            event.dwelling_ref, commission.id, attributed, in_the_running, meta
        )
        return programme

    def _check_outside_programmes(
        self, commission: Commission, refs: Sequence[str]
    ) -> None:
        register = self._find(commune_dwellings_id(commission.commune))
        if isinstance(register, CommuneDwellings):
            register.check_outside_programmes(refs, commission.landlord or "")

    def _register_liste(
        self, commission: Commission, meta: Meta
    ) -> CommuneListes | None:
        liste = commission.liste_complementaire
        if liste is None:
            return None
        register = self.commune_listes(commission.commune)
        if register is None:
            register = CommuneListes.open(commission.commune, meta)
        register.register(liste, meta)
        return register

    def commune_listes(self, commune: str) -> CommuneListes | None:
        register = self._find(commune_listes_id(commune))
        return register if isinstance(register, CommuneListes) else None

    # ---- department settings ------------------------------------------------------

    def adopt_settings(
        self, code: str, command: AdoptSettings, ctx: Context
    ) -> CommandResult:
        def act() -> Department:
            check_write(ctx.caller, "department", access.place_facts(code))
            meta = self._meta(command, ctx, code)
            department = self._find(department_id(code))
            if not isinstance(department, Department):
                department = Department.register(code, meta)
            self._check_expected_version(department, ctx)
            department.adopt(
                command.settings,
                command.effective_from,
                meta,
                imported=ctx.import_id is not None,  # a past version, declared
            )
            return department

        return self._run(ctx, act, stage=lambda _: "adopte")

    def department_settings(
        self, code: str, day: date
    ) -> tuple[int, DepartmentSettings]:
        department = self._find(department_id(code))
        if not isinstance(department, Department):
            msg = (
                f"Le département {code} n'a aucun paramétrage : "
                "un administrateur doit l'adopter."
            )
            raise DepartmentNotConfiguredError(msg)
        return department.settings_on(day)

    def declare_import(
        self, code: str, command: DeclareImport, ctx: Context
    ) -> CommandResult:
        """An administrator declares an import of the department's past years
        (once: declaring it again as it was changes nothing)."""

        def act() -> Department:
            check_write(ctx.caller, "department", access.place_facts(code))
            meta = self._meta(command, ctx, code)
            department = self._find(department_id(code))
            if not isinstance(department, Department):
                department = Department.register(code, meta)
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

    def _check_scope(
        self,
        ctx: Context,
        kind: str,
        record: Any,
        parties: frozenset[tuple[str, str]] = frozenset(),
        landlords: dict[UUID, str | None] | None = None,
    ) -> None:
        """The caller may write on this record (with `parties` named besides
        its own): checked right after loading it, before its version and any
        rule, so a caller out of scope learns nothing of it but 403."""
        facts = self.record_facts(kind, record, ctx.caller, landlords)
        if parties:
            facts = replace(facts, parties=facts.parties | parties)
        check_write(ctx.caller, kind, facts)

    def _named_dossiers(
        self, record: Any, command: RecordStep, ctx: Context
    ) -> _Dossiers:
        """The dossiers a step names (a commission's decision), loaded (404 for
        an unknown one), each one the caller may write on (a CAL's landlord:
        `_CALParties`)."""
        named = _Dossiers(self)
        ids = command.named_dossiers()
        if not ids:
            return named
        is_cal = isinstance(record, Commission) and record.kind == CAL
        cal = _CALParties(self, record) if is_cal else None
        landlords: dict[UUID, str | None] = {}
        for dossier_id in ids:
            dossier = named[dossier_id]
            parties = cal.of(dossier) if cal is not None else frozenset()
            self._check_scope(ctx, "dossier", dossier, parties, landlords)
        return named

    def _find(self, aggregate_id: UUID) -> Any:
        """The aggregate as it stands now, or None if there is none."""
        try:
            return self.repository.get(aggregate_id, projector_func=_replay)
        except AggregateNotFoundError:
            return None

    # ---- the one way a command is carried out ---------------------------------------

    def _run(
        self,
        ctx: Context,
        act: Callable[[], Aggregate | Sequence[Aggregate]],
        stage: Callable[[Any], str] = lambda aggregate: aggregate.stage,
    ) -> CommandResult:
        """Carry out `act`, which returns the command's aggregate, or it first
        and then the others it changed: all are saved together or none."""
        replayed = self._replay(ctx)
        if replayed is not None:
            return replayed
        try:
            acted = act()
        except DomainError:
            # The same keyed command, sent twice at once, may have been saved since
            # the check above: the refusal it now meets is its own success.
            replayed = self._replay(ctx)
            if replayed is not None:
                return replayed
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
            replayed = self._replay(ctx)
            if replayed is not None:
                return replayed
            msg = (
                "L'enregistrement a été modifié entre-temps : rechargez-le et "
                "recommencez avec la nouvelle version."
            )
            raise ConcurrencyError(msg) from None
        return CommandResult(
            result.id,
            result.version,
            recordings[-1].notification.id,
            result.stage,
            events=len(recordings),
        )

    @staticmethod
    def _meta(command: Command, ctx: Context, department: str) -> Meta:
        """The event metadata; `occurred_on` defaults to the department's today."""
        today = local_today(department, ctx.now)
        occurred_on = command.occurred_on or today
        if occurred_on > today:
            msg = f"La date de l'étape ({occurred_on.isoformat()}) est dans le futur."
            raise InvalidCommandError(msg, "occurred_on_in_future")
        if import_of(ctx.correlation_id) != ctx.import_id or (
            ctx.correlation_id.startswith(IMPORT_PREFIX) and ctx.import_id is None
        ):
            msg = (
                f"L'identifiant de corrélation « {ctx.correlation_id} » est réservé "
                "aux imports d'historique (logis import)."
            )
            raise InvalidCommandError(msg, "reserved_correlation_id")
        return Meta(ctx.actor, occurred_on, uuid4(), ctx.correlation_id)

    def _replay(self, ctx: Context) -> CommandResult | None:
        if not ctx.idempotency_key:
            return None
        found = self.store.find_idempotency(ctx.idempotency_key)
        if found is None:
            return None
        fingerprint, answer, position = found
        if fingerprint != ctx.fingerprint:
            msg = (
                "Cette clé d'idempotence a déjà servi pour une autre requête : "
                "utilisez une nouvelle clé."
            )
            raise InvalidCommandError(msg, "idempotency_key_reused")
        return CommandResult(
            UUID(answer["id"]), answer["version"], position, answer["stage"], True
        )

    @staticmethod
    def _check_expected_version(aggregate: Aggregate, ctx: Context) -> None:
        if (
            ctx.expected_version is not None
            and ctx.expected_version != aggregate.version
        ):
            msg = (
                f"Version attendue {ctx.expected_version}, version actuelle "
                f"{aggregate.version} : rechargez-le avant de recommencer."
            )
            raise ConcurrencyError(msg)


def _replay(aggregate: Any, events: Iterable[Any]) -> Any:
    """The library's projector without its per-event protocol assertion, which
    costs a third of an aggregate's load on Python 3.11 (benchmarks/commissions)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def _holds(dossier: Dossier, commission_id: UUID) -> bool:
    """The household still holds the dwelling that CAL attributed it: neither
    declined nor withdrawn, nor decided on since by another CAL."""
    decision = dossier.cal_decision or {}
    return (
        decision.get("commission_id") == commission_id
        and not dossier.declined_offer
        and dossier.stage not in d.TERMINAL
    )


def _not_found(found: RecordKind, record_id: UUID) -> NotFoundError:
    return NotFoundError(found.not_found_message(record_id), found.not_found_code)


class _Lookup:
    """What commands read besides their own aggregate, on the command's day:
    the department's rules, the records they name (dossiers each loaded
    once), what the commission préfectorale decided on a dossier, a vacancy's
    next candidates; and the other aggregates a command changes (an
    association's load, a commune's registers, a programme's dwelling)."""

    def __init__(
        self,
        app: Logis,
        department: str,
        day: date | None,
        dossiers: _Dossiers | None = None,
        caller: Caller | None = None,
    ) -> None:
        self._app = app
        self._department = department
        self.day = day  # None until the command's date is checked
        self._caller = caller
        self._rules: tuple[int, DepartmentSettings] | None = None
        self.dossiers = dossiers if dossiers is not None else _Dossiers(app)

    def rules(self) -> tuple[int, DepartmentSettings]:
        if self._rules is None:
            assert self.day is not None
            self._rules = self._app.department_settings(self._department, self.day)
        return self._rules

    def programme(self, programme_id: UUID) -> Programme:
        return self._app.get_programme(programme_id)

    def readable_programme(self, programme_id: UUID) -> Programme:
        programme = self._app.get_programme(programme_id)
        assert self._caller is not None
        check_read(self._caller, "programme", access.programme_facts(programme))
        return programme

    def association_load(self, association: str, meta: Meta) -> AssociationLoad:
        return self._app._association_load(self._department, association, meta)

    def dwellings_register(self, commune: str, meta: Meta) -> CommuneDwellings:
        return self._app._dwellings_register(commune, meta)

    def check_outside_programmes(
        self, commission: Commission, refs: Sequence[str]
    ) -> None:
        self._app._check_outside_programmes(commission, refs)

    def register_liste(
        self, commission: Commission, meta: Meta
    ) -> CommuneListes | None:
        return self._app._register_liste(commission, meta)

    def attribute_dwelling(
        self, commission: Commission, event: Commission.CALDecisionsTaken, meta: Meta
    ) -> Programme | None:
        return self._app._attribute_dwelling(commission, event, self.dossiers, meta)

    def prior_ranking(self, dossier_id: UUID) -> PriorRanking:
        dossier = self.dossiers[dossier_id]
        ranking = dossier.ranking or {}
        if not ranking.get("commission_id"):
            return PriorRanking(None, dossier.commune, None)
        ranked_by = self._app.get_commission(ranking["commission_id"])
        if ranked_by.kind != COMMISSION_PREFECTORALE:  # pragma: no cover
            return PriorRanking(None, dossier.commune, None)
        prior = ranked_by.prior_ranking(dossier_id)
        preselected_by = getattr(dossier, "preselected_by", None)
        if preselected_by is None:
            return prior
        pre_commission = self._app.get_commission(preselected_by)
        return replace(prior, preselected_for=pre_commission.programme_id)

    def dalo_recognised(self, dossier_id: UUID) -> bool:
        """CAL-TROIS: the DALO recognition the dossier records (proposed by the
        Préfecture under DALO), not the CAL's claim."""
        return bool(self.dossiers[dossier_id].dalo)

    def dwelling(self, commission: Commission, ref: str) -> DwellingFacts | None:
        if commission.programme_id is None:
            return None
        programme = self._app.get_programme(commission.programme_id)
        status = programme.dwellings.get(ref, {}).get("status")
        return DwellingFacts(
            programme_id=programme.id,
            new_delivery=programme.kind == "livraison" and status == TO_LET,
            concerted=programme.concertation is not None,
        )

    def mesure(self, mesure_id: UUID) -> Mesure:
        return self._app.get_mesure(mesure_id)

    def ranked_ahead(self, dossier: Dossier) -> list[Dossier]:
        decision = dossier.cal_decision or {}
        if decision.get("decision") != "attribution_par_classement":
            return []
        cal = self._app.get_commission(decision["commission_id"])
        return [
            self.dossiers[other["dossier_id"]]
            for examination in cal.examinations
            if examination["dwelling_ref"] == decision["dwelling_ref"]
            for other in examination["decisions"]
            if other["decision"] == "attribution_par_classement"
            and other["rank"] < decision["rank"]
        ]

    def _refused_for(self, dossier: Dossier, programme: Programme, ref: str) -> bool:
        """A listed household a CAL did not attribute this very dwelling: still a
        candidate for the commune's others (LC-VALIDITE), not for this one."""
        if not dossier.listed_after_non_attribution:
            return False
        cal = self._app.get_commission(dossier.cal_decision["commission_id"])
        return cal.programme_id == programme.id and any(
            examination["dwelling_ref"] == ref
            and any(x["dossier_id"] == dossier.id for x in examination["decisions"])
            for examination in cal.examinations
        )

    def candidates(self, programme: Programme, ref: str) -> list[ListedCandidate]:
        """The next households of the commune's valid listes complémentaires,
        leaving out those already examined by a CAL or out of the procedure, and
        those proposed for another dwelling of the programme still to let."""
        register = self._app.commune_listes(programme.commune)
        if register is None:
            return []
        proposed = {
            candidate["dossier_id"]
            for other, dwelling in programme.dwellings.items()
            if other != ref and dwelling["status"] != LET
            for candidate in dwelling["candidates"]
        }
        listed = {i for liste in register.listes for i in liste.dossier_ids}
        waiting = {
            i
            for i in listed - proposed
            if self.dossiers[i].awaits_a_dwelling
            and not self._refused_for(self.dossiers[i], programme, ref)
        }
        concertation = programme.concertation or {}
        count = concertation.get("dossiers_per_dwelling") or (
            self.rules()[1].dossiers_per_dwelling
        )
        return next_candidates(
            register.listes,
            programme.commune,
            self.day,
            count,
            exclude=listed - waiting,
        )


class _CALParties:
    """Whom a CAL's landlord may decide on, besides the households ranked for
    its programmes (the dossier's own facts): those proposed for its
    programme's dwellings (a liste complémentaire), and those ranked for no
    programme in its commune (no landlord's yet). Never another landlord's."""

    def __init__(self, app: Logis, commission: Commission) -> None:
        self._app = app
        self._commission = commission
        self._communes: dict[UUID, str | None] = {}  # ranking commission → commune
        programme = (
            app._find(commission.programme_id) if commission.programme_id else None
        )
        dwellings = programme.dwellings if isinstance(programme, Programme) else {}
        self._proposed = {
            str(candidate["dossier_id"])
            for dwelling in dwellings.values()
            for candidate in dwelling["candidates"]
        }

    def of(self, dossier: Dossier) -> frozenset[tuple[str, str]]:
        landlord = self._commission.landlord
        if not landlord:
            return frozenset()
        ranking = dossier.ranking or {}
        unowned = (
            dossier.programme_id is None
            and ranking.get("outcome") in access.LANDLORD_OUTCOMES
            and self._ranked_in(ranking.get("commission_id"))
            == self._commission.commune
        )
        if unowned or str(dossier.id) in self._proposed:
            return frozenset({("bailleur", landlord)})
        return frozenset()

    def _ranked_in(self, commission_id: Any) -> str | None:
        if not commission_id:
            return None
        key = UUID(str(commission_id))
        if key not in self._communes:
            ranked_by = self._app._find(key)
            found = isinstance(ranked_by, Commission)
            self._communes[key] = ranked_by.commune if found else None
        return self._communes[key]


class _Dossiers(dict[UUID, Dossier]):
    """Dossiers loaded on first use: a decision names them by id."""

    def __init__(self, app: Logis) -> None:
        super().__init__()
        self._app = app

    def __missing__(self, dossier_id: UUID) -> Dossier:
        dossier = self._app.get_dossier(dossier_id)
        self[dossier_id] = dossier
        return dossier
