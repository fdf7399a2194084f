"""`logis commissions show`, the real executable, on a store written through
the API with no projector running (tests/e2e/commission_store.py): the command
catches the views up itself, then prints a session's ranked list, its liste
complémentaire and the CAL's decisions per dwelling in French, or as JSON. On
SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from uuid import uuid4

from tests.e2e.support import parse_refusal

if TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.commission_store import Store


class TestShow:
    def test_prints_the_ranked_list_and_the_liste_complementaire(
        self, sessions: Store
    ) -> None:
        result = sessions.logis("commissions", "show", sessions.prefectorale)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert out.startswith("Commission préfectorale du ")
        assert "présidence : préfet" in out  # the function's words, not its code
        assert "Programme : programme « Résidence Les Flamboyants »" in out
        ranking = section(out, "Classement (3)")
        assert [row.split()[:2] for row in ranking] == [
            [str(rank), dossier] for rank, dossier in enumerate(sessions.ranked, 1)
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
            [str(place), dossier] for place, dossier in enumerate(sessions.listed, 1)
        ]
        assert section(out, "Non retenus (0)") == ["aucun dossier"]

    def test_prints_the_cal_decisions_per_dwelling(self, sessions: Store) -> None:
        result = sessions.logis("commissions", "show", sessions.cal)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert out.startswith("CAL du ")
        assert "État : PV clos le " in out
        assert "Logement A1 — 3 candidat(s)" in out
        assert "Logement A2 : pas encore examiné" in out
        for dossier, decision in zip(
            sessions.ranked,
            ("attribution", "non-attribution", "ajournement"),
            strict=True,
        ):
            (line,) = [x for x in out.splitlines() if dossier in x]
            assert decision in line

    def test_as_json(self, sessions: Store) -> None:
        result = sessions.logis(
            "commissions", "show", sessions.prefectorale, "--format", "json"
        )
        assert result.returncode == 0, result.stderr
        body = json.loads(result.stdout)
        assert [e["dossier_id"] for e in body["ranked"]] == sessions.ranked
        assert [
            e["dossier_id"] for e in body["liste_complementaire"]
        ] == sessions.listed
        assert body["list_valid_until"]

    def test_an_unknown_commission_fails_in_french(self, sessions: Store) -> None:
        result = sessions.logis("commissions", "show", str(uuid4()))
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
