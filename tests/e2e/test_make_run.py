"""`make run` as a newcomer sees it: the last lines on screen are the address to
open and how to sign in, and a taken port is a French message saying how to
choose another."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

from tests.e2e.support import free_port, run_logis

CHECKOUT = Path(__file__).resolve().parents[2]
BANNER_END = "Arrêt"


def test_make_run_ends_with_the_address_and_how_to_sign_in(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGIS_")}
    env |= {
        "LOGIS_DATABASE_URL": f"sqlite:///{tmp_path / 'logis.sqlite3'}",
        "LOGIS_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    make = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(CHECKOUT), "run", f"VAR={tmp_path}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # make, logis and uvicorn stopped together
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 180
        assert make.stdout is not None
        while time.monotonic() < deadline:
            line = make.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.strip().startswith(BANNER_END):
                break
        shown = [line for line in lines if line.strip()]
        assert shown[-5:] == [
            "Logis est prêt.",
            f"  Pages       http://127.0.0.1:{port}/ (un clic par personne de la "
            "démonstration)",
            f"  Ouvrez      http://127.0.0.1:{port}/docs",
            f"  Connexion   bouton « Authorize », collez un jeton de "
            f"{tmp_path}/demo-tokens.txt (un par rôle de la démonstration)",
            "  Arrêt       Ctrl+C",
        ], "\n".join(lines)
        assert len(shown) <= 9, "\n".join(lines)  # no installer or log noise
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200
        tokens = (tmp_path / "demo-tokens.txt").read_text(encoding="utf-8")
        [mairie] = [line for line in tokens.splitlines() if line.startswith("mairie ")]
        token = mairie.split("Bearer ")[1]
        answer = httpx.get(
            f"http://127.0.0.1:{port}/v1/dossiers",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=30)


def test_a_taken_port_says_how_to_choose_another(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_logis(
            "serve",
            "--port",
            str(port),
            database_url=f"sqlite:///{tmp_path / 'logis.sqlite3'}",
            cwd=tmp_path,
        )
    assert result.returncode == 1
    assert f"impossible d'écouter sur 127.0.0.1:{port} (port déjà utilisé)" in (
        result.stderr
    )
    assert f"LOGIS_PORT={port + 1} make run" in result.stderr
