"""`logis commissions list`, the real executable, on a store written through
the API with no projector running (tests/e2e/commission_store.py): the command
catches the views up itself, then prints the sessions in French, as a piped
table or as JSON, filtered. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from domain.commission_steps import KINDS, STAGES
from tests.e2e.support import parse_refusal

if TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.commission_store import Store


FRENCH_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


class TestList:
    def test_lists_the_three_sessions_in_french(self, sessions: Store) -> None:
        result = sessions.logis("commissions", "list")
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == "Séances de commission — 3 séance(s)"
        assert lines[1].split()[:4] == ["séance", "commission", "commune", "état"]
        body = "\n".join(lines[3:])
        for name in ("pré-commission", "commission préfectorale", "CAL", "PV clos"):
            assert name in body
        assert body.count("Fort-de-France (97209)") == 3
        assert sessions.prefectorale in body
        assert sessions.cal in body
        assert all(FRENCH_DATE.search(line) for line in lines[3:])

    def test_a_piped_table_has_french_headers_and_labels_only(
        self, sessions: Store
    ) -> None:
        # FORCE_COLOR would colour a terminal, COLUMNS narrow it: a pipe stays
        # plain text, one line per session, however wide.
        result = sessions.logis(
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

    def test_json_is_the_same_bytes_as_before_the_tables(self, sessions: Store) -> None:
        result = sessions.logis(
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
    def test_filters(self, sessions: Store, args: tuple[str, ...], count: int) -> None:
        result = sessions.logis("commissions", "list", *args, "--format", "json")
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
