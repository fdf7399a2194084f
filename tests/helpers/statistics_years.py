"""What the yearly statistics tests share (tests/integration/test_api_statistics*.py):
each test's own SQLite store, memory-backed where the machine has it; a year
recorded in bulk through the application's commands in process
(tests/helpers/llts_years.py), then read through the API; and the steps of one
dossier or one measure over the API, each on its own day."""

from __future__ import annotations

import csv
import io
import tempfile
from contextlib import closing, contextmanager
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.testclient import TestClient

from api.main import create_app
from commands.department import AdoptSettings
from infra.bootstrap import build_system
from infra.settings import Settings
from tests.helpers.api import (
    TEST_JWT_SECRET,
    actor,
    identification,
    identify,
    main_line,
    settings_body,
    take,
)
from tests.helpers.llts_years import BulkYear
from tests.helpers.mesure_courses import headers

if TYPE_CHECKING:
    from collections.abc import Iterator

SHM = Path("/dev/shm")
LLTS_972 = "/v1/departments/972/statistics/llts"
MARTINIQUE, LOIRE = "972", "42"
ALS_SECTORS = tuple((f"als{n:02d}", f"ALS Martinique secteur {n}") for n in range(12))


def statistics_settings(tmp_path: Path) -> Settings:
    """Its own SQLite store, memory-backed when /dev/shm exists (thousands of
    commits)."""
    where = tempfile.mkdtemp(dir=SHM) if SHM.is_dir() else str(tmp_path)
    return Settings(
        database_url=f"sqlite:///{where}/logis.sqlite3",
        log_json=False,
        jwt_secret=TEST_JWT_SECRET,
        read_wait_seconds=60,  # the views' first build follows the bulk
    )


@contextmanager
def in_process(settings: Settings, **bulk: Any) -> Iterator[BulkYear]:
    """The application on the test's store, without the API and before it
    starts: its projector then catches up in batches of a thousand events."""
    with closing(build_system(settings)) as system:
        yield BulkYear(system.app, **bulk)


@contextmanager
def serving(settings: Settings) -> Iterator[TestClient]:
    """The API on the same store, called by an auditor unless told otherwise."""
    with TestClient(create_app(settings), headers=actor("auditeur")) as client:
        yield client


def associations(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"code": c, "name": n, "monthly_capacity": 400} for c, n in pairs]


def adopt(year: BulkYear, since: date, **settings: Any) -> None:
    years = tuple(range(since.year, since.year + 3))
    body = settings_body(effective_from=since, years=years, **settings)
    year.app.adopt_settings(
        year.department, AdoptSettings.model_validate(body), year.ctx("admin")
    )


def head(client: TestClient) -> int:
    return int(client.app.state.system.app.recorder.max_notification_id() or 0)  # type: ignore[attr-defined]


def read(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    answer = client.get(path, params={"min_position": head(client), **params})
    assert answer.status_code == 200, answer.text
    figures: dict[str, Any] = answer.json()
    return figures


def whole_percent(share: float) -> int:
    """A share rounded as the seed rounds it (84.4 → 84, 7.8 → 8)."""
    return int(Decimal(str(share)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# ---- one dossier over the API, each step on its own day ------------------------

STEPS = {step.slug: step for step in main_line()}


def walk(
    client: TestClient,
    dossier_id: str,
    days: dict[str, date],
    **bodies: dict[str, Any],
) -> None:
    """Take the main line's steps named in `days`, in order, each on its day;
    `bodies` overrides fields, by slug (underscores for dashes)."""
    for slug, on in days.items():
        step = STEPS[slug]
        body = {**step.body(on), **bodies.get(slug.replace("-", "_"), {})}
        answer = take(client, dossier_id, step, body)
        assert answer.status_code == 200, f"{slug}: {answer.text}"


def identified(client: TestClient, on: date) -> str:
    answer = identify(client, identification(on))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def path_days(
    first: date, analysis: date, entry: date | None = None
) -> dict[str, date]:
    """The main line: the dossier's first steps on `first`, its analysis; when
    `entry` is named, on to it: the solvency a week after the analysis, the
    steps from the pre-selection to the lease set back from the entry (the
    offer answered within its ten days, the lease signed on the day of
    entry)."""
    firsts = ("social-enquiry", "mairie-avis", "completion", "resources-check")
    days = {**dict.fromkeys(firsts, first), "analysis": analysis}
    if entry is None:
        return days
    before_entry = {"pre-selection": 42, "ranking": 28, "cal-decision": 13}
    before_entry |= {"offer": 12, "offer-answer": 10, "lease": 0, "entry": 0}
    days["solvency"] = analysis + timedelta(days=7)
    days |= {slug: entry - timedelta(days=n) for slug, n in before_entry.items()}
    assert days["solvency"] < days["pre-selection"], "entry too close to analysis"
    return days


def entered(
    client: TestClient, first: date, analysis: date, entry: date, **last: date
) -> str:
    """A dossier identified on `first`, taken by path_days to its entry into
    its own dwelling (and on, with `installation_review=` its day)."""
    dossier = identified(client, first)
    days = path_days(first, analysis, entry)
    days |= {slug.replace("_", "-"): on for slug, on in last.items()}
    ref = f"FDF-{dossier[:8]}"
    walk(client, dossier, days, cal_decision={"dwelling_ref": ref})
    return dossier


def mesure_step(
    client: TestClient,
    mesure_id: str,
    slug: str,
    on: date,
    body: dict[str, Any],
    role: str,
    organisation: str | None = None,
) -> None:
    answer = client.post(
        f"/v1/mesures/{mesure_id}/{slug}",
        json={**body, "occurred_on": on.isoformat()},
        headers=headers(role, organisation),
    )
    assert answer.status_code == 200, f"{slug}: {answer.text}"


def run_support(
    client: TestClient,
    mesure_id: str,
    notified_on: date,
    starts_on: date,
    association: tuple[str, str] = ALS_SECTORS[0],
    months: int = 6,
) -> None:
    """Instructed, notified and diagnosed on one day; a convention from another."""
    code, name = association
    clu = "commission_logement"
    mesure_step(client, mesure_id, "instruction", notified_on, {"granted": True}, clu)
    mesure_step(
        client, mesure_id, "notification", notified_on, {"association": code}, clu
    )
    mesure_step(
        client,
        mesure_id,
        "complementary-diagnosis",
        notified_on,
        {"outcome": "confirme", "summary": "Projet confirmé."},
        "association",
        name,
    )
    mesure_step(
        client,
        mesure_id,
        "convention",
        starts_on,
        {
            "orientation": "acces",
            "axes": ["projet_logement"],
            "duration_months": months,
            "starts_on": starts_on.isoformat(),
            "worker": "Claire Joseph",
            "signed_by": ["association", "menage", "prescripteur"],
        },
        "association",
        name,
    )


def asked_by(client: TestClient, answer: Any) -> str:
    """The measure a bilan d'installation asked for, saved with it."""
    store = client.app.state.system.app.recorder  # type: ignore[attr-defined]
    position = answer.json()["position"]
    for n in store.select_notifications(start=position - 3, limit=4):
        if n.topic == "logis.mesure.Requested":
            return str(n.originator_id)
    raise AssertionError(answer.text)


@contextmanager
def als_year(settings: Settings) -> Iterator[BulkYear]:
    """The ALS's year recorded in process, its twelve sectors adopted."""
    with in_process(settings, associations=ALS_SECTORS) as year:
        als_settings(year)
        yield year


def csv_rows(text: str) -> dict[str, dict[str, str]]:
    """The rows of a statistics CSV, by figure."""
    return {r["figure"]: r for r in csv.DictReader(io.StringIO(text))}


def als_settings(year: BulkYear) -> None:
    adopt(
        year,
        date(2015, 1, 1),
        associations=associations(*ALS_SECTORS),
        prescriber_roles=["prescripteur", "als", "departement"],
    )
