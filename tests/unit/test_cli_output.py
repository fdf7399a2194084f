"""api/cli/output: what `logis` prints for people, off a terminal (pytest's
captured streams are not terminals, as a pipe is not)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from api.cli.output import local_time, print_table, progress, rows, table


def test_a_table_off_a_terminal_is_plain_text_one_line_a_row(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "40")
    long = "ADSEA 42 — SIESI Plaines et Vallées, " * 3
    grid = rows(table("association", ("actifs", "right")), [(long, 2), (None, 10)])
    print_table("Charge — 2 association(s)", grid, "fin")
    lines = capsys.readouterr().out.splitlines()
    assert "\x1b" not in "".join(lines)
    assert lines[0] == "Charge — 2 association(s)"
    assert lines[1].split() == ["association", "actifs"]
    assert lines[3].startswith(long.rstrip())
    assert lines[3].endswith(" 2")
    assert lines[4].startswith("—")
    assert lines[5] == "fin"
    assert all(line == line.rstrip() for line in lines)


def test_cells_are_text_not_rich_markup(capsys: pytest.CaptureFixture[str]) -> None:
    print_table("[bold]Ménage[/bold]", rows(table("nom"), [("[donnée effacée]",)]))
    out = capsys.readouterr().out
    assert "[bold]Ménage[/bold]" in out
    assert "[donnée effacée]" in out


def test_an_empty_table_prints_its_title_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_table("Aucune séance", table("séance"))
    assert capsys.readouterr().out == "Aucune séance\n"


@pytest.mark.parametrize(
    ("department", "shown"),
    [
        ("972", "07/12/2026 09:30"),  # Martinique, UTC−4
        ("974", "07/12/2026 17:30"),  # La Réunion, UTC+4
        ("42", "07/12/2026 14:30"),  # mainland, winter time
        (None, "07/12/2026 14:30"),
    ],
)
def test_moments_in_the_departments_zone(department: str | None, shown: str) -> None:
    assert local_time(department, datetime(2026, 12, 7, 13, 30, tzinfo=UTC)) == shown


def test_no_progress_bar_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with progress("Vérification") as advance:
        advance(1, 2)
        advance(2, 2)
    assert capsys.readouterr() == ("", "")
