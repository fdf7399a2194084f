"""What the browser scenarios share (tests/e2e/test_web*.py): Debian's
Chromium, a demo person's sign-in, the paths of demo records."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from api.demo.identities import DEMO_IDENTITIES
from domain.shared import ROLE_LABELS

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.e2e.support import Server

CHROMIUM = os.environ.get("LOGIS_TEST_CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 15_000


def chromium_or_skip() -> str:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return CHROMIUM
    message = f"{CHROMIUM} absent : `make system` installe le paquet chromium"
    if os.environ.get("CI"):
        pytest.fail(message)  # in CI the browser tests never skip
    pytest.skip(message)


def sign_in(page: Page, role: str, home: str = "/travail") -> None:
    """Sign in by clicking the demo person of `role`: the page lands on the
    role's worklist, or the first list it reads when it has none."""
    actor = next(a for a, _, _ in DEMO_IDENTITIES if a.role == role)
    page.goto("/connexion")
    name = f"Se connecter : {actor.organisation} ({ROLE_LABELS[role]})"
    page.get_by_role("button", name=name).click()
    page.wait_for_url(f"**{home}")


def martinique_dossier(server: Server) -> str:
    """The path of a Martinique dossier's page, read as an auditor."""
    with server.client() as api:
        listed = api.get("/v1/dossiers", params={"limit": 1}).json()["data"]
    return f"/dossiers/{listed[0]['id']}"


def late_referral(server: Server) -> str:
    """The path of the demo's referral whose landlord assigned too early."""
    late = re.search(r"([0-9a-f-]{36})\s+\S+\s+Ménage Colombet", server.demo_report)
    assert late is not None, server.demo_report
    return f"/saisines/{late[1]}"
