"""Documents `logis` writes (audit trail, procès-verbal, legality report): on
stdout, or into the file --output names, a PDF there."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from api.documents import render_pdf

if TYPE_CHECKING:
    import argparse
    from pathlib import Path


def pdf_without_file(args: argparse.Namespace) -> bool:
    """The pdf format asked without --output: says so on stderr."""
    if args.format == "pdf" and args.output is None:
        print(
            "Erreur : le format pdf s'écrit dans un fichier (--output).",
            file=sys.stderr,
        )
        return True
    return False


def write_document(text: str, pdf: bool, path: Path | None, written: str) -> None:
    """`text` printed as a PDF (`pdf`, from HTML) into `path`, or as it is into
    `path` (UTF-8) or on stdout; "<written> dans <path>." on stderr once it is
    in a file."""
    if pdf:
        assert path is not None
        path.write_bytes(render_pdf(text))
    elif path is None:
        sys.stdout.write(text)
        return
    else:
        path.write_text(text, encoding="utf-8", newline="")
    print(f"{written} dans {path}.", file=sys.stderr)
