"""The `logis` command speaks French in its usage lines, help and errors,
argparse's own messages included."""

from __future__ import annotations

import re

import pytest

from api.cli import build_parser

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


@pytest.mark.parametrize("argv", BAD_CALLS, ids=" ".join)
def test_errors_are_french(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "erreur :" in err
    assert err.startswith("usage : logis")
    assert not ENGLISH.search(err), err


@pytest.mark.parametrize(
    "argv", [["--help"], ["audit", "--help"], ["projections", "-h"]]
)
def test_help_is_french(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(argv)
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "afficher cette aide et quitter" in out
    assert not ENGLISH.search(out), out
