"""The `logis` command speaks French in its usage lines, help and errors,
argparse's own messages included."""

from __future__ import annotations

import re

import pytest

from api.cli import build_parser, main
from tests.helpers.french import english_in

ENGLISH = re.compile(
    r"usage:|error:|required|invalid choice|choose from|unrecognized|expected "
    r"(one|at)|show this help|positional arguments|not allowed|record_id|"
    r"commission_id|\{serve,"
)
BAD_CALLS = [
    [],
    ["nope"],
    ["audit"],
    ["audit", "pas-un-uuid"],
    ["audit", "6f1c3e0e-2a8b-4a5e-9a51-6e1f0c2d7b90", "--format", "word"],
    ["legality", "--dossier"],
    ["projections"],
    ["commissions", "show"],
    ["commission", "minutes"],
    [
        "commission",
        "minutes",
        "6f1c3e0e-2a8b-4a5e-9a51-6e1f0c2d7b90",
        "--format",
        "doc",
    ],
    ["token", "--role", "mairie", "--unknown"],
    ["history", "6f1c3e0e-2a8b-4a5e-9a51-6e1f0c2d7b90", "--as-of", "hier"],
]


def exit_status(argv: list[str]) -> str | int | None:
    """The status the parser exits with on `argv`."""
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    return stopped.value.code


@pytest.mark.parametrize("argv", BAD_CALLS, ids=" ".join)
def test_errors_are_french(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_status(argv) == 2
    err = capsys.readouterr().err
    assert "erreur :" in err
    assert err.startswith("usage : logis")
    assert not ENGLISH.search(err), err


@pytest.mark.parametrize(
    "argv", [["--help"], ["audit", "--help"], ["projections", "-h"]]
)
def test_help_is_french(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_status(argv) == 0
    out = capsys.readouterr().out
    assert "afficher cette aide et quitter" in out
    assert not ENGLISH.search(out), out


@pytest.mark.parametrize(
    ("argv", "told"),
    [
        (["serve", "--port", "http"], "nombre entier de 1 à 65535 attendu"),
        (["access-log", "--offset", "-3"], "nombre entier de 0 à"),
    ],
)
def test_whole_numbers_are_asked_in_french(
    argv: list[str], told: str, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_status(argv)
    err = capsys.readouterr().err
    assert told in err, err
    assert "(int)" not in err, err


@pytest.mark.parametrize(
    ("variable", "value", "told"),
    [
        ("LOGIS_READ_WAIT_SECONDS", "bientôt", "(read_wait_seconds) : nombre attendu"),
        ("LOGIS_PORT", "0", "(port) : nombre supérieur ou égal à 1 attendu"),
        ("LOGIS_DATABASE_URL", "mysql://x", "doit commencer par sqlite:///"),
        ("LOGIS_LOG_JSON", "peut-être", "(log_json) : booléen attendu"),
    ],
)
def test_refused_settings_are_told_in_french(
    variable: str,
    value: str,
    told: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(variable, value)

    assert main(["projections", "status"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("Réglage refusé"), err
    assert told in err, err
    assert not english_in(err.replace(value, "")), err
