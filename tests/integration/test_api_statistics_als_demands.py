"""The ALS's 2016 demands [seed 001]: "l'ALS a traité 1093 demandes de logement
social [...] en 2016", reproduced from histories recorded in Logis and read
through the API (JSON and CSV).

The bulk is recorded through the application's commands in this process
(tests/helpers/llts_years.py: the same handlers, rules, scopes and
transactions as the API, without HTTP): 7,000 commands for the ALS's demands.
The households whose story tests a definition's edge are recorded through the
API. The ALS's year is told in two histories, this one and its tenants'
(test_api_statistics_als_tenants.py), each in its own file so that parallel
workers take them apart. SQLite only: what is tested is the counting, not the
store (test_api_workload runs the ASLL figures on both stores).
"""

from __future__ import annotations

import time
from datetime import date

from starlette.testclient import TestClient

from infra.settings import Settings
from tests.helpers.api import actor
from tests.helpers.statistics_years import (
    ALS_SECTORS,
    LLTS_972,
    MARTINIQUE,
    als_year,
    csv_rows,
    entered,
    head,
    identified,
    mesure_step,
    path_days,
    read,
    run_support,
    serving,
    walk,
)


class TestAls2016:
    """1093 demands processed: 1051 dossiers analysed and 40 households taken
    to entry and support in bulk; over the API, two households at the
    definitions' edges."""

    def test_1093_demands_processed(self, statistics_store: Settings) -> None:
        started = time.perf_counter()
        with als_year(statistics_store) as year:
            year.processed(1051)
            year.entered_and_supported(40)
        with serving(statistics_store) as client:
            h2_and_h3(client)
            figures = read(client, LLTS_972, year=2016)
            assert figures["demands_processed"] == 1093  # 1051 + 40 + H2 + H3
            assert figures["demands_identified"] == 1092  # not H2 (2015)
            assert figures["attributions"] == 42  # 40 + H2 + H3
            assert figures["by_decision"][0] == {
                "decision": "attribution",
                "count": 42,
                "share_percent": 100.0,
            }
            assert (figures["leases_signed"], figures["households_entered"]) == (
                42,
                42,
            )
            # H2's bilan found nothing; H3's measure ended before its entry
            assert figures["households_supported_after_entry"] == 40
            assert (
                figures["supported_after_llts_entry"],
                figures["supported_in_maintien"],
            ) == (40, 0)
            assert set(figures["definitions"]) >= {
                "demands_processed",
                "households_supported_after_entry",
            }
            assert any("1093" in text for text in figures["assumptions"])
            assert figures["position"] >= head(client) - 1
            as_csv = client.get(LLTS_972, params={"year": 2016, "format": "csv"})
        assert as_csv.status_code == 200, as_csv.text
        assert as_csv.headers["content-type"].startswith("text/csv")
        rows = csv_rows(as_csv.text)
        assert rows["demands_processed"]["value"] == "1093"
        assert rows["by_decision.attribution"]["share_percent"] == "100.0"
        assert {r["department"] for r in rows.values()} == {MARTINIQUE}
        print(
            f"\nALS 2016, demands: {year.commands} commands in process; "
            f"test {time.perf_counter() - started:.1f} s"
        )


def h2_and_h3(client: TestClient) -> None:
    """Two households at the edges of a demand processed, entered, supported."""
    # H2: identified in December 2015, analysed in January: processed in
    # 2016; entered in 2016, its bilan ok: not supported.
    review = {"installation_review": date(2016, 4, 1)}
    entered(client, date(2015, 12, 1), date(2016, 1, 5), date(2016, 3, 14), **review)
    # H3: an accès measure asked by the Département, ended in April, before
    # the household entered in May: supported, but not after its entry.
    h3 = identified(client, date(2016, 1, 4))
    household = client.get(f"/v1/dossiers/{h3}").json()["household_id"]
    asked = client.post(
        "/v1/mesures",
        json={
            "kind": "individuelle",
            "household_id": household,
            "department": MARTINIQUE,
            "commune": "97209",
            "diagnostic_summary": "Recherche d'un logement adapté.",
            "diagnostic_signed_on": "2016-01-11",
            "household_signed": True,
            "occurred_on": "2016-01-11",
        },
        headers=actor("departement", department=MARTINIQUE),
    )
    assert asked.status_code == 201, asked.text
    access_id = asked.json()["id"]
    run_support(client, access_id, date(2016, 1, 12), date(2016, 1, 15), months=3)
    mesure_step(
        client,
        access_id,
        "end",
        date(2016, 4, 15),
        {
            "bilan": "Logement trouvé.",
            "signed_by": ["travailleur_social", "menage"],
            "relayed_to": "Collectivite territoriale de Martinique",
        },
        "association",
        ALS_SECTORS[0][1],
    )
    days = path_days(date(2016, 1, 4), date(2016, 2, 1), date(2016, 5, 2))
    days["installation-review"] = date(2016, 6, 1)
    walk(client, h3, days, cal_decision={"dwelling_ref": "FDF-H3"})
