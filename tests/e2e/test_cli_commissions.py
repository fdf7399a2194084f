"""`logis commissions list` and `logis commissions show`, the real executable, on
a store written through the API with no projector running: the command catches
the views up itself, then prints the sessions, the ranked list and the liste
complémentaire in French. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest
from starlette.testclient import TestClient

from api.main import create_app
from domain.commission_steps import KINDS, STAGES
from infra.settings import Settings
from tests.e2e.support import parse_refusal, run_logis
from tests.helpers.api import TEST_JWT_SECRET, actor, adopt_settings
from tests.helpers.backends import BACKENDS, database_url
from tests.helpers.procedure import (
    adjournment,
    attribution,
    concerted_programme,
    decide,
    in_session,
    post_step,
    ranked_dossiers,
    refusal,
)

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterator
    from pathlib import Path


FRENCH_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


@dataclass(frozen=True)
class Store:
    database_url: str
    workdir: Path
    ranked: list[str]
    listed: list[str]
    prefectorale: str
    cal: str

    def logis(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return run_logis(
            *args, database_url=self.database_url, cwd=self.workdir, env=env
        )


def write_procedure(database_url: str, workdir: Path) -> Store:
    """Through the API, no projector: a programme, its pré-commission, commission
    préfectorale (3 ranked, 2 listed) and CAL (A1 decided, A2 not yet)."""
    settings = Settings(
        database_url=database_url,
        log_json=False,
        projector_in_process=False,
        jwt_secret=TEST_JWT_SECRET,
    )
    with TestClient(create_app(settings), headers=actor("auditeur")) as client:
        assert adopt_settings(client).status_code == 201
        programme_id = concerted_programme(client)
        ranked, listed, prefectorale = ranked_dossiers(
            client, programme_id, ranked=3, liste=2
        )
        cal = in_session(
            client, "cal", programme_id=programme_id, dwelling_refs=["A1", "A2"]
        )
        candidates = [
            attribution(ranked[0]),
            refusal(ranked[1]),
            adjournment(ranked[2]),
        ]
        assert decide(client, cal, "A1", candidates).status_code == 200
        closed = post_step(
            client, cal, "minutes", {"summary": "Close."}, role="bailleur"
        )
        assert closed.status_code == 200, closed.text
    return Store(database_url, workdir, ranked, listed, prefectorale, cal)


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    workdir = tmp_path_factory.mktemp("logis-cli-commissions")
    with database_url(request, workdir) as url:
        yield write_procedure(url, workdir)


class TestList:
    def test_lists_the_three_sessions_in_french(self, store: Store) -> None:
        result = store.logis("commissions", "list")
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == "Séances de commission — 3 séance(s)"
        assert lines[1].split()[:4] == ["séance", "commission", "commune", "état"]
        body = "\n".join(lines[3:])
        for name in ("pré-commission", "commission préfectorale", "CAL", "PV clos"):
            assert name in body
        assert body.count("Fort-de-France (97209)") == 3
        assert store.prefectorale in body
        assert store.cal in body
        assert all(FRENCH_DATE.search(line) for line in lines[3:])

    def test_a_piped_table_has_french_headers_and_labels_only(
        self, store: Store
    ) -> None:
        # FORCE_COLOR would colour a terminal, COLUMNS narrow it: a pipe stays
        # plain text, one line per session, however wide.
        result = store.logis(
            "commissions", "list", env={"FORCE_COLOR": "1", "COLUMNS": "60"}
        )
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout
        lines = result.stdout.splitlines()
        assert lines[1].split() == [
            "séance", "commission", "commune", "état", "présents", "décisions",
            "LC", "jusqu’au", "identifiant",
        ]  # fmt: skip
        assert set(lines[2]) == {"─"}
        assert len(lines) == 3 + 3
        assert all(line == line.rstrip() for line in lines)
        for code in KINDS + STAGES:
            assert code not in result.stdout

    def test_json_is_the_same_bytes_as_before_the_tables(self, store: Store) -> None:
        result = store.logis(
            "commissions", "list", "--format", "json", env={"FORCE_COLOR": "1"}
        )
        assert result.returncode == 0, result.stderr
        page = json.loads(result.stdout)
        assert result.stdout == json.dumps(page, ensure_ascii=False, indent=2) + "\n"
        assert {"id", "kind", "stage", "held_on"} <= page["data"][0].keys()
        assert page["data"][0]["kind"] in KINDS  # codes, for scripts

    @pytest.mark.parametrize(
        ("args", "count"),
        [
            (("--kind", "cal"), 1),
            (("--commune", "97209"), 3),
            (("--commune", "97213"), 0),
            (("--department", "971"), 0),
            (("--department", "972", "--kind", "commission_prefectorale"), 1),
            (("--limit", "1"), 3),
        ],
    )
    def test_filters(self, store: Store, args: tuple[str, ...], count: int) -> None:
        result = store.logis("commissions", "list", *args, "--format", "json")
        assert result.returncode == 0, result.stderr
        page = json.loads(result.stdout)
        assert page["count"] == count
        limit = int(args[1]) if args[0] == "--limit" else 100
        assert len(page["data"]) == min(count, limit)

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (("--kind", "conseil"), "nature de commission invalide : « conseil »"),
            (("--commune", "abc"), "code INSEE de commune invalide : « abc »"),
            (("--department", "99"), "code de département invalide : « 99 »"),
            (("--limit", "0"), "nombre de séances (1 à 9999) invalide"),
        ],
    )
    def test_refuses_bad_filters_in_french(
        self, tmp_path: Path, args: tuple[str, ...], message: str
    ) -> None:
        result = parse_refusal("commissions", "list", *args, cwd=tmp_path)
        assert result.returncode == 2
        assert "erreur" in result.stderr
        assert message in result.stderr


class TestShow:
    def test_prints_the_ranked_list_and_the_liste_complementaire(
        self, store: Store
    ) -> None:
        result = store.logis("commissions", "show", store.prefectorale)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert out.startswith("Commission préfectorale du ")
        assert "présidence : préfet" in out  # the function's words, not its code
        assert "Programme : programme « Résidence Les Flamboyants »" in out
        ranking = section(out, "Classement (3)")
        assert [row.split()[:2] for row in ranking] == [
            [str(rank), dossier] for rank, dossier in enumerate(store.ranked, 1)
        ]
        assert all("Marie-Josée Lordinot" in row for row in ranking)  # ménage
        assert ranking[0].endswith("attribution (A1)")
        assert ranking[1].endswith("non-attribution (A1)")
        assert ranking[2].endswith("ajournement (A1)")
        (title,) = [x for x in out.splitlines() if x.startswith("Liste complémentaire")]
        assert re.fullmatch(
            r"Liste complémentaire \(2\) — valable jusqu'au \d{2}/\d{2}/\d{4}", title
        )
        listed = section(out, title)
        assert [row.split()[:2] for row in listed] == [
            [str(place), dossier] for place, dossier in enumerate(store.listed, 1)
        ]
        assert section(out, "Non retenus (0)") == ["aucun dossier"]

    def test_prints_the_cal_decisions_per_dwelling(self, store: Store) -> None:
        result = store.logis("commissions", "show", store.cal)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert out.startswith("CAL du ")
        assert "État : PV clos le " in out
        assert "Logement A1 — 3 candidat(s)" in out
        assert "Logement A2 : pas encore examiné" in out
        for dossier, decision in zip(
            store.ranked, ("attribution", "non-attribution", "ajournement"), strict=True
        ):
            (line,) = [x for x in out.splitlines() if dossier in x]
            assert decision in line

    def test_as_json(self, store: Store) -> None:
        result = store.logis(
            "commissions", "show", store.prefectorale, "--format", "json"
        )
        assert result.returncode == 0, result.stderr
        body = json.loads(result.stdout)
        assert [e["dossier_id"] for e in body["ranked"]] == store.ranked
        assert [e["dossier_id"] for e in body["liste_complementaire"]] == store.listed
        assert body["list_valid_until"]

    def test_an_unknown_commission_fails_in_french(self, store: Store) -> None:
        result = store.logis("commissions", "show", str(uuid4()))
        assert result.returncode == 1
        assert "Erreur (commission_not_found)" in result.stderr
        assert "introuvable" in result.stderr

    def test_a_malformed_id_is_refused_in_french(self, tmp_path: Path) -> None:
        result = parse_refusal("commissions", "show", "pas-un-uuid", cwd=tmp_path)
        assert result.returncode == 2
        assert "identifiant de commission invalide (UUID attendu)" in result.stderr


def section(out: str, title: str) -> list[str]:
    """The rows of a titled table: after its title, header and rule, up to a
    blank line."""
    lines = out.splitlines()
    start = lines.index(title) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(line.strip())
    if rows and rows[0] != "aucun dossier":
        assert set(rows[1]) == {"─"}
        rows = rows[2:]  # the header and its rule
    return rows
