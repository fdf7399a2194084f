"""Copies the front-end files Logis serves from node_modules/ (installed by
`npm ci` from package-lock.json) into api/web/static/vendor/, with each
package's licence, so that the pages and /docs need neither Node nor a CDN.
Run by `make assets`; the copy is committed, and rerunning it on the same lock
file changes nothing."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "api" / "web" / "static" / "vendor"

# package → (folder under vendor/, files or folders to copy, relative to the package)
PACKAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "@gouvfr/dsfr": (
        "dsfr",
        (
            "LICENSE.md",
            "doc/legal/cgu.md",
            "dist/dsfr.min.css",
            "dist/dsfr.module.min.js",
            "dist/dsfr.nomodule.min.js",
            "dist/fonts",
            "dist/favicon",
            # Every icon: the DSFR's stylesheet draws its components' with them
            # (a missing SVG draws as a plain square); the icon sets the pages
            # use find them three folders up, as the DSFR's own layout has them.
            "dist/icons",
            "dist/utility/icons/icons-system/icons-system.min.css",
            "dist/utility/icons/icons-user/icons-user.min.css",
            "dist/utility/icons/icons-arrows/icons-arrows.min.css",
        ),
    ),
    # The whole library (the workload page draws bar charts with it): its
    # one-chart modules (BarChart/…) put the chart in a shadow root, where
    # neither the DSFR's nor their own stylesheet reaches (a legend without
    # its colours); this one draws in the page. It needs the DSFR's
    # stylesheet and script, served.
    "@gouvfr/dsfr-chart": (
        "dsfr-chart",
        ("LICENSE", "dist/DSFRChart/DSFRChart.js", "dist/DSFRChart/DSFRChart.css"),
    ),
    "htmx.org": ("htmx", ("LICENSE", "dist/htmx.min.js")),
    "swagger-ui-dist": (
        "swagger-ui",
        (
            "LICENSE",
            "NOTICE",
            "swagger-ui.css",
            "swagger-ui-bundle.js",
            "swagger-ui-bundle.js.LICENSE.txt",
            "favicon-32x32.png",
        ),
    ),
    "redoc": (
        "redoc",
        (
            "LICENSE",
            "bundles/redoc.standalone.js",
            "bundles/redoc.standalone.js.LICENSE.txt",
        ),
    ),
}


def main() -> int:
    if not MODULES.is_dir():
        print("node_modules/ absent : lancez d'abord npm ci", file=sys.stderr)
        return 1
    shutil.rmtree(VENDOR, ignore_errors=True)
    versions = {}
    for package, (folder, paths) in PACKAGES.items():
        source = MODULES / package
        versions[package] = json.loads((source / "package.json").read_text())["version"]
        for path in paths:
            origin = source / path
            # The first folder (dist/, bundles/, doc/) is dropped: the DSFR's
            # stylesheet finds its fonts/ beside it, as its relative URLs expect.
            parts = Path(path).parts
            target = VENDOR / folder / Path(*(parts[1:] if len(parts) > 1 else parts))
            target.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, target)
            else:
                shutil.copy2(origin, target)
    (VENDOR / "versions.json").write_text(json.dumps(versions, indent=2) + "\n")
    print(f"Copié dans {VENDOR.relative_to(ROOT)} : {versions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
