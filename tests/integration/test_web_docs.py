"""/docs and /redoc load only files Logis serves itself (api/web/static/vendor/):
they work on a closed network, with no CDN."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

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


def test_each_vendored_package_keeps_its_licence() -> None:
    vendor = STATIC / "vendor"
    versions = json.loads((vendor / "versions.json").read_text())
    assert set(versions) == {"@gouvfr/dsfr", "htmx.org", "swagger-ui-dist", "redoc"}
    for folder in ("dsfr", "htmx", "swagger-ui", "redoc"):
        assert list((vendor / folder).glob("LICENSE*")), folder
