"""The store the `logis commissions` tests read (test_cli_commissions_list.py,
test_cli_commissions_show.py): written through the API with no projector
running, once per test module and backend."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.e2e.support import WrittenStore, api_without_projector
from tests.helpers.api import adopt_settings
from tests.helpers.procedure import full_procedure

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Store(WrittenStore):
    ranked: list[str]
    listed: list[str]
    prefectorale: str
    cal: str


def write_procedure(database_url: str, workdir: Path) -> Store:
    """Through the API, no projector: a programme, its pré-commission, commission
    préfectorale (3 ranked, 2 listed) and CAL (A1 decided, A2 not yet)."""
    with api_without_projector(database_url) as client:
        assert adopt_settings(client).status_code == 201
        done = full_procedure(client)
    return Store(
        database_url, workdir, done.ranked, done.listed, done.prefectorale, done.cal
    )
