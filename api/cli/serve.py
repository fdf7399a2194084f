"""`logis serve`: the HTTP API (api/main.py) under uvicorn, after checking that
its address is free; it says where to open it once it answers."""

from __future__ import annotations

import errno
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli.arguments import whole_number_arg

if TYPE_CHECKING:
    import argparse

    from infra.settings import Settings


def add_parsers(commands: Any) -> None:
    serve = commands.add_parser("serve", help="démarrer l'API HTTP")
    serve.add_argument("--host", default=None, help="adresse d'écoute (LOGIS_HOST)")
    serve.add_argument(
        "--port",
        type=whole_number_arg(1, 65535),
        default=None,
        help="port (LOGIS_PORT)",
    )
    serve.add_argument(
        "--tokens",
        type=Path,
        default=None,
        help="fichier des jetons de démonstration, rappelé une fois l'API prête",
    )
    serve.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from api.main import create_app

    host, port = args.host or settings.host, args.port or settings.port
    taken = _port_taken(host, port)
    if taken:
        print(
            f"Erreur : impossible d'écouter sur {host}:{port} ({taken}). Un autre "
            f"Logis tourne peut-être déjà ; choisissez un autre port : "
            f"LOGIS_PORT={port + 1} make run, ou logis serve --port {port + 1}.",
            file=sys.stderr,
        )
        return 1
    tokens = args.tokens
    pages = not settings.uses_identity_provider  # the one-click sign-in

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:  # last on screen, once it answers
                welcome = _welcome(host, port, tokens, pages=pages)
                print(welcome, file=sys.stderr, flush=True)

    config = uvicorn.Config(
        create_app(settings), host=host, port=port, log_config=None, access_log=False
    )
    Server(config).run()
    return 0


def _port_taken(host: str, port: int) -> str | None:
    """Why `host:port` cannot be listened on (in use, no such address), if so."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return "port déjà utilisé"
            return error.strerror or str(error)
    return None


def _welcome(host: str, port: int, tokens: Path | None, *, pages: bool) -> str:
    shown = f"[{host}]" if ":" in host else host
    where = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}"  # noqa: S104
    sign_in = (
        f"collez un jeton de {tokens} (un par rôle de la démonstration)"
        if tokens is not None
        else "collez un jeton (logis token --help)"
    )
    # The pages' one-click sign-in exists with development tokens only.
    browse = f"  Pages       {where}/ (un clic par personne de la démonstration)\n"
    return (
        f"\nLogis est prêt.\n"
        f"{browse if pages else ''}"
        f"  Ouvrez      {where}/docs\n"
        f"  Connexion   bouton « Authorize », {sign_in}\n"
        f"  Arrêt       Ctrl+C\n"
    )
