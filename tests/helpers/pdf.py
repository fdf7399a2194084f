"""What a printed PDF says (pypdf), to test it. A narrow cell wraps anywhere in
a word (after a hyphen, inside an id), so text is compared without white space:
`printed(data)` and `squeezed(phrase)`."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_pages(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-"), data[:20]
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squeezed(text: str) -> str:
    return "".join(text.split())


def printed(data: bytes) -> str:
    """Every page's text, joined, without white space."""
    return squeezed("".join(pdf_pages(data)))
