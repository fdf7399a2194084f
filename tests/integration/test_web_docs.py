"""/docs and /redoc load only files Logis serves itself (api/web/static/vendor/):
they work on a closed network, with no CDN."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from api.web.docs import STATIC
from tests.helpers.api import anonymous

if TYPE_CHECKING:
    from starlette.testclient import TestClient

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*'([^']+)'""")


def test_docs_and_redoc_load_only_vendored_files(client: TestClient) -> None:
    nobody = anonymous(client)
    for page in ("/docs", "/redoc"):
        html = nobody.get(page).text
        assets = [a or b for a, b in ASSET.findall(html)]
        assert assets, page
        for asset in assets:
            assert asset.startswith("/"), (page, asset)  # never another host
            answer = nobody.get(asset)
            assert answer.status_code == 200, (page, asset)
        assert "cdn" not in html.lower(), page
        assert "fonts.googleapis" not in html, page
        # what the bundles themselves would fetch elsewhere (ReDoc's logo) is
        # blocked by the browser: only this server
        policy = nobody.get(page).headers["content-security-policy"]
        assert "http" not in policy, policy
        assert "default-src 'self'" in policy


def test_the_pages_stylesheets_and_all_they_load_are_served(client: TestClient) -> None:
    """The DSFR's stylesheet and the icon sets the pages use, and every font and
    SVG they name, come from this server (an icon whose SVG is missing draws as
    a plain square)."""
    nobody = anonymous(client)
    html = nobody.get("/connexion").text
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert any("icons-user" in sheet for sheet in sheets), sheets
    for sheet in sheets:
        css = nobody.get(sheet)
        assert css.status_code == 200, sheet
        for url in sorted(set(re.findall(r"url\(([^)]+)\)", css.text))):
            url = url.strip("'\"")
            if url.startswith("data:"):
                continue
            target = urljoin(sheet, url.split("#")[0].split("?")[0])
            assert target.startswith("/static/"), (sheet, url)
            assert nobody.get(target).status_code == 200, (sheet, target)


def test_each_vendored_package_keeps_its_licence() -> None:
    vendor = STATIC / "vendor"
    versions = json.loads((vendor / "versions.json").read_text())
    assert set(versions) == {
        "@gouvfr/dsfr",
        "@gouvfr/dsfr-chart",
        "htmx.org",
        "swagger-ui-dist",
        "redoc",
    }
    for folder in ("dsfr", "dsfr-chart", "htmx", "swagger-ui", "redoc"):
        assert list((vendor / folder).glob("LICENSE*")), folder
