"""An erasure leaves nothing behind (issue 13): after it, a raw scan of every byte
the store keeps — each SQLite file (events, views, write-ahead logs, locks…), or
a `pg_dump` of the PostgreSQL database — finds none of the household's personal
values (name, free text, figures), even with a view rebuilt twice (a retired
generation kept), one of them written before the views were sealed; another
household's values still read."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from domain.personal import ERASED
from tests.helpers.api import (
    CAL_DECISION,
    CAL_DEFERRAL,
    WITHDRAWAL,
    actor,
    drive_dossier,
    main_line,
    today,
)
from tests.helpers.backends import EVERY_STORE

pytestmark = EVERY_STORE

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.testclient import TestClient

    from infra.bootstrap import System
    from infra.settings import Settings

# The main line to the ranking, then a CAL's deferral (a decision with a motive,
# in the commission's event) and a withdrawal.
TO_THE_CAL = main_line()[: main_line().index(CAL_DECISION)]
PATH = [*TO_THE_CAL, CAL_DEFERRAL, WITHDRAWAL]
VIEWS = ("dossier_list", "audit_trail", "commissions")


def household_values(tag: str) -> dict[str, dict[str, str]]:
    """Bodies of the steps, each with values found nowhere else."""
    return {
        "identify": {"applicant_name": f"Éléonore Quatrefages-{tag}"},
        "social-enquiry": {"summary": f"Hébergée chez sa sœur à Sainte-Luce {tag}."},
        "mairie-avis": {"comment": f"Voisine du maire, tél. 0696 {tag} 17."},
        "resources-check": {"annual_resources": f"1{tag}.24"},
        "solvency": {"monthly_resources": f"1{tag}.56"},
        "cal-deferral": {"motive": f"Fils du gardien, bâtiment B {tag}."},
        "withdrawal": {"reason": f"Partie vivre chez M. Lapierre {tag}."},
    }


def needles(values: dict[str, dict[str, str]]) -> list[bytes]:
    """Every personal value, as text and as the encodings a store may use."""
    found = []
    for body in values.values():
        for value in body.values():
            found += [
                value.encode(),
                json.dumps(value).strip('"').encode(),  # \u00e9
                value.encode("utf-16-le"),
            ]
            if value[0].isdigit():  # a figure, as the summaries print it
                euros, cents = value.split(".")
                found.append(f"{euros[-3:]},{cents}".encode())
    return found


def dossier_of(client: TestClient, tag: str) -> tuple[str, str]:
    values = household_values(tag)
    dossier_id = drive_dossier(
        client,
        to="retire",
        on=today() - timedelta(days=100),
        path=PATH,
        identify_with=values["identify"],
        bodies=values,
    )
    return dossier_id, client.get(f"/v1/dossiers/{dossier_id}").json()["household_id"]


def stored_bytes(settings: Settings, tmp_path: Path) -> bytes:
    if settings.is_postgres:
        url = settings.database_url.replace("postgres://", "postgresql://", 1)
        dumped = subprocess.run(
            ["pg_dump", "--no-owner", "-d", url],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return dumped.stdout
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert any(p.name.endswith("-views.sqlite3") for p in files)
    return b"".join(p.read_bytes() for p in files)


def rebuild_unsealed(system: System, name: str) -> None:
    """A generation as the views were written before they were sealed."""
    engine = system.engine
    sealer, engine.sealer = engine.sealer, None
    try:
        engine.rebuild(name)
    finally:
        engine.sealer = sealer
    engine._views.clear()  # the next views are built sealed again


def test_nothing_of_an_erased_household_remains_in_the_store(
    client: TestClient, department: str, settings: Settings, tmp_path: Path
):
    # Step: two households, both withdrawn 100 days ago; the views built.
    erased_id, household = dossier_of(client, "4711")
    kept_id, _ = dossier_of(client, "5822")
    system: System = client.app.state.system  # type: ignore[attr-defined]
    system.catch_up()
    erased, kept = needles(household_values("4711")), needles(household_values("5822"))
    # Sealed: with its key alive, the household's name is nowhere in clear.
    before = stored_bytes(settings, tmp_path)
    assert [n for n in erased if n in before] == []

    # Step: each view rebuilt twice, the first time unsealed (a generation from
    # before this release): the retired generation holds the values in clear.
    for name in VIEWS:
        rebuild_unsealed(system, name)
        system.engine.rebuild(name)
    assert household_values("4711")["identify"]["applicant_name"].encode() in (
        stored_bytes(settings, tmp_path)
    )
    listed = client.get(f"/v1/dossiers/{erased_id}").json()
    assert listed["applicant_name"].startswith("Éléonore")

    # Step: the administrator erases; the projector learns it.
    answer = client.post(
        f"/v1/admin/households/{household}/erasure", headers=actor("admin")
    )
    assert answer.status_code == 200, answer.text
    system.catch_up()

    # Step: not one of its values is left, in any file or in the dump.
    after = stored_bytes(settings, tmp_path)
    assert [n for n in erased if n in after] == []
    # Its history still replays, audits and is checked, figures erased.
    dossier = client.get(f"/v1/dossiers/{erased_id}").json()
    assert dossier["applicant_name"] == ERASED
    trail = client.get(f"/v1/dossiers/{erased_id}/audit")
    assert trail.status_code == 200
    assert "Ressources annuelles [donnée effacée]" in trail.text
    legality = client.get(
        f"/v1/legality/dossiers/{erased_id}", headers=actor("auditeur")
    )
    assert legality.status_code == 200, legality.text
    # The other household's values are still there (sealed), and read.
    assert (
        client.get(f"/v1/dossiers/{kept_id}").json()["applicant_name"]
        == (household_values("5822")["identify"]["applicant_name"])
    )
    trail = client.get(f"/v1/dossiers/{kept_id}/audit").text
    assert "Lapierre 5822" in trail
    assert [n for n in kept if n in after] == []  # sealed, never in clear


@pytest.mark.parametrize("backend", ["sqlite"])  # the same code on both stores
def test_a_sealed_column_is_neither_filtered_nor_sorted_on(
    client: TestClient, department: str
):
    dossier_of(client, "6933")
    system: System = client.app.state.system  # type: ignore[attr-defined]
    system.catch_up()
    view = system.engine.reader("dossier_list")
    assert view is not None
    with pytest.raises(ValueError, match="sealed"):
        view.select("dossiers", {"applicant_name": "Éléonore"})
    with pytest.raises(ValueError, match="sealed"):
        view.select("dossiers", order_by=("-applicant_name",))
    rows, _ = view.select("dossiers")
    assert rows[0]["applicant_name"].endswith("6933")
