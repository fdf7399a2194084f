"""What one operation costs as the store grows, against the raw database.

For each backend, `logis generate`'s generator (api/synthetic/) fills one store
up to each of the sizes asked (events); at each size, in the same process:
- one command (a dossier identified, then its enquête sociale: both through
  the application's command path, with idempotency keys), against the
  database driver inserting one row a transaction;
- loading a measure of 100 and one of 1,000 events, as it stands and as of a
  date half-way through its history (after one untimed load, which takes its
  snapshots), against the driver reading its rows in order and decoding their
  JSON (benchmarks/raw.py);
- `logis verify` of the whole store, against the driver reading every row;
- the views caught up, then the first page (50) of a department's dossiers as
  GET /v1/dossiers reads it (the page and the count of the matching rows, up
  to LOGIS_LIST_COUNT_LIMIT), against the same page's SELECT alone on the
  views' database.
The two long measures are written once, before the generation (their
meetings applied in memory by the domain and saved in one transaction: a
fixture, not a figure); their load must not depend on what else the store
holds. The generator's own rate (commands a second) is a row too.

    python -m benchmarks.scaling [--sizes 10000,100000] [--long 100,1000]
                                 [--postgres URL]
"""

from __future__ import annotations

import argparse
import functools
import time
import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING

from api.demo.loading import carry_out, declare_import
from api.demo.plan import Order
from api.synthetic import Options, generate
from api.synthetic.places import CODES, department
from benchmarks.backends import POSTGRES_ADMIN
from benchmarks.raw import analyse, insert_rate, read_all_rate, select_seconds
from benchmarks.table import DURATION, RATE, Row, collect, text
from commands.dossier import RenderSocialEnquiry
from commands.dossier_identification import IdentifyDossier
from commands.mesure import Diagnose, Instruct, Notify, RequestMesure, SignConvention
from domain.clocks import Clocks
from domain.mesure_steps import MEETING_KINDS
from domain.shared import Meta
from infra.bootstrap import build_system
from infra.departments import load_department_settings
from infra.ledger import ledger_of, verify_store
from infra.logging import configure_logging
from infra.rowviews import physical
from projections.dossier_list import DossierFilter, select_dossiers

if TYPE_CHECKING:
    from collections.abc import Sequence

    from api.synthetic.places import Department
    from commands.application import Logis
    from infra.bootstrap import System
    from infra.settings import Settings

LONG = (100, 1000)  # events of the measures loaded
COMMANDS = 40  # timed at each size (20 dossiers, 2 commands each)
LOADS = 20  # loads timed at each size, of each measure
PAGE = 50  # dossiers a page
START = date(2025, 2, 3)
TODAY = date(2026, 12, 1)  # the generation's last day: the same every run


def rows(
    label: str, make_settings, sizes: Sequence[int], long: Sequence[int] = LONG
) -> list[Row]:
    """The figures at each of `sizes` (events in the store), with measures of
    `long` events to load."""
    settings = make_settings("scaling")
    _, base = load_department_settings("42")
    system = build_system(settings)
    found: list[Row] = []
    try:
        app = system.app
        probe = _Probe(app, department(len(CODES) - 1, base, 0, TODAY), system)
        measures = {n: probe.long_measure(n) for n in long}
        started = time.perf_counter()
        before = [0, 0.0]  # commands generated, seconds spent measuring

        def checkpoint(events: int) -> None:
            paused = time.perf_counter()
            analyse(settings)
            found.extend(probe.measure(label, settings, events, measures))
            before[1] += time.perf_counter() - paused

        counts = generate(
            app,
            base,
            Options(seed=18, events=max(sizes), today=TODAY, marks=tuple(sizes)),
            checkpoint=checkpoint,
        )
        generating = time.perf_counter() - started - before[1]
        found.append(
            Row(label, f"génération ({counts.commands} commandes)",
                counts.commands / generating, RATE,
                "pilote SQL, 1 ligne par transaction",
                insert_rate(settings, probe.rows(200)), counts.events)
        )  # fmt: skip
    finally:
        system.close()
    return found


class _Probe:
    """A department of its own where the benchmark measures, apart from the
    generated ones (same settings, same cast)."""

    def __init__(self, app: Logis, where: Department, system: System) -> None:
        self.app, self.where, self.number = app, where, 0
        self.system = system
        plan = where.plan(f"{where.code}001")
        self.import_id = declare_import(
            app, plan, "Mesures de logis (benchmarks/scaling.py)", self.key(), "bench"
        )
        from commands.department import AdoptSettings

        adopt = AdoptSettings(effective_from=date(2025, 1, 1), settings=where.settings)
        self.run(plan, Order("admin", date(2025, 1, 1), "parametres", adopt), {})

    def key(self) -> str:
        self.number += 1
        return f"scaling:{self.number}"

    def run(self, plan, order: Order, ids: dict) -> uuid.UUID:
        result = carry_out(self.app, plan, self.key(), order, ids, self.import_id)
        ids.setdefault(order.name, result.id)
        return result.id

    def long_measure(self, events: int) -> tuple[uuid.UUID, date]:
        """A measure of `events` events: request to convention through the
        commands, then its meetings (two a day) in memory, saved at once.
        Returns its id and the day half-way through its meetings."""
        plan, ids = self.where.plan(), {}
        association = self.where.settings.associations[0]
        on = START
        course = [
            ("prescripteur", RequestMesure(
                occurred_on=on, kind="individuelle", department=plan.code,
                commune=f"{plan.code}001", diagnostic_summary="Mesure longue.",
                diagnostic_signed_on=on, household_signed=True)),
            ("clu", Instruct(occurred_on=on, granted=True)),
            ("clu", Notify(occurred_on=on, association=association.code)),
            (association.code, Diagnose(
                occurred_on=on, outcome="confirme", summary="Confirmé.")),
            (association.code, SignConvention(
                occurred_on=on, orientation="acces", axes=["gestion_budgetaire"],
                duration_months=6, starts_on=on, worker="Référent",
                signed_by=["association", "menage", "prescripteur"])),
        ]  # fmt: skip
        for actor, command in course:
            mesure_id = self.run(plan, Order(actor, on, "longue", command), ids)
        mesure = self.app.get_mesure(mesure_id)
        worker = plan.actors[association.code]
        meetings = events - mesure.version
        for n in range(meetings):
            day = START + timedelta(days=n // 2)
            meta = Meta(worker, day, uuid.uuid4(), "bench")
            mesure.hold_meeting(MEETING_KINDS[n % 2], meta)
        self.app.save(mesure)
        return mesure_id, START + timedelta(days=meetings // 4)

    def measure(
        self,
        label: str,
        settings: Settings,
        events: int,
        measures: dict[int, tuple[uuid.UUID, date]],
    ) -> list[Row]:
        """The figures with `events` events in the store."""
        driver = insert_rate(settings, self.rows(COMMANDS))
        found = [
            Row(label, "une commande (création ou étape d'un dossier)",
                self.command_ms(), DURATION, "pilote SQL, 1 ligne par transaction",
                1e3 / driver, events)
        ]  # fmt: skip
        found.append(self.verify_row(label, settings, events))
        found.append(self.page_row(label, events))
        baseline = "pilote SQL : SELECT de ses lignes, JSON décodé"
        for length, (mesure_id, half) in measures.items():
            table = self.app.recorder.events_table_name
            raw = select_seconds(settings, table, mesure_id, LOADS) * 1e3
            current = self.load_ms(lambda i=mesure_id: self.app.get("mesure", i))
            as_of = self.load_ms(
                lambda i=mesure_id, d=half: self.app.read_at(
                    "mesure", i, Clocks(as_of=d)
                )
            )
            found += [
                Row(label, f"charger une mesure de {length} év.", current,
                    DURATION, baseline, raw, events),
                Row(label, "  la même, à une date (mi-parcours)", as_of,
                    DURATION, baseline, raw, events),
            ]  # fmt: skip
        return found

    def verify_row(self, label: str, settings: Settings, events: int) -> Row:
        """`logis verify` of the whole store (every hash and link recomputed)
        against the driver reading every row."""
        table = self.app.recorder.events_table_name
        raw = read_all_rate(settings, table)
        started = time.perf_counter()
        verified = verify_store(ledger_of(self.app))
        rate = verified.events / (time.perf_counter() - started)
        baseline = "pilote SQL : lecture de toutes les lignes"
        measure = "logis verify (tout le magasin)"
        return Row(label, measure, rate, RATE, baseline, raw, events)

    def page_row(self, label: str, events: int) -> Row:
        """The first page of the largest generated department's dossiers, as
        the API reads it, against the page's SELECT alone."""
        self.system.catch_up()
        view = self.system.engine.reader("dossier_list")
        assert view is not None
        limit = self.system.settings.list_count_limit  # as the API counts
        query = DossierFilter(department=CODES[0], limit=PAGE, count_limit=limit)
        page = self.load_ms(lambda: select_dossiers(view, query))
        table = view.table("dossiers")
        mark = view.dialect.mark
        statement = (
            f"SELECT {', '.join(table.columns)} FROM {physical(view.view, table)} "
            f"WHERE department = {mark} ORDER BY identified_on DESC, "
            f"{', '.join(table.key)} LIMIT {PAGE}"
        )

        def raw() -> None:
            with view.datastore.transaction(commit=False) as c:
                c.execute(statement, [CODES[0]])
                c.fetchall()

        return Row(label, f"une page de {PAGE} dossiers (et leur nombre)", page,
                   DURATION, "SELECT de la page seule, base des vues",
                   self.load_ms(raw), events)  # fmt: skip

    def command_ms(self) -> float:
        """Mean milliseconds of a command: dossiers identified, each with its
        enquête sociale."""
        plan = self.where.plan(f"{self.where.code}001")
        started = time.perf_counter()
        for _ in range(COMMANDS // 2):
            ids: dict = {}
            name = f"d{self.number}"
            identify = IdentifyDossier(
                occurred_on=TODAY, applicant_name="Ménage mesuré",
                household_size=2, department=plan.code, commune=f"{plan.code}001",
            )  # fmt: skip
            self.run(plan, Order("mairie", TODAY, name, identify), ids)
            enquiry = RenderSocialEnquiry(
                occurred_on=TODAY, avis="favorable", summary="Mesure."
            )
            self.run(plan, Order("departement", TODAY, name, enquiry), ids)
        return (time.perf_counter() - started) * 1e3 / COMMANDS

    def load_ms(self, load) -> float:
        """Mean milliseconds of `load`, after one untimed run: the first load
        of a measure whose events were saved at once takes its snapshots
        (infra/snapshots.py), as the loads of a growing record take them one
        at a time."""
        load()
        started = time.perf_counter()
        for _ in range(LOADS):
            load()
        return (time.perf_counter() - started) * 1e3 / LOADS

    def rows(self, count: int) -> list:
        """Rows of a stored event's size, for the driver's inserts."""
        state = b'{"occurred_on":"2026-12-01","avis":"favorable"}' * 8
        return [(uuid.uuid4(), 1, "bench", state) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--long", default="100,1000", help="measures loaded (events)")
    parser.add_argument("--postgres", default=POSTGRES_ADMIN)
    args = parser.parse_args()
    configure_logging("WARNING", json=False)
    sizes = [int(s) for s in args.sizes.split(",")]
    long = [int(n) for n in args.long.split(",")]
    bench = functools.partial(rows, long=long)
    print(text(collect(bench, sizes, args.postgres)))


if __name__ == "__main__":
    main()
