"""/docs (Swagger UI) and /redoc from the vendored files under /static: they
work on a closed network. The schema they read, /openapi.json, is FastAPI's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

if TYPE_CHECKING:
    from fastapi import FastAPI

STATIC = Path(__file__).parent / "static"
VENDOR = "/static/vendor"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
Endpoint = Callable[[], HTMLResponse]
# Only this server: ReDoc's sidebar logo (cdn.redoc.ly, no option hides it) is
# blocked, not fetched; FastAPI's pages need their inline scripts and styles,
# ReDoc a worker from a blob.
SAME_ORIGIN_ONLY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "worker-src 'self' blob:; connect-src 'self'"
)


def same_origin_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = SAME_ORIGIN_ONLY
    return page


def _amended(page: HTMLResponse, stylesheet: str | None = None) -> str:
    """FastAPI's page, in French (the schema's titles and descriptions are:
    axe's html-has-lang) and with Logis's `stylesheet` after the UI's own."""
    html = bytes(page.body).decode()
    amended = html.replace("<html>", '<html lang="fr">', 1)
    if stylesheet is not None:
        link = f'<link type="text/css" rel="stylesheet" href="{stylesheet}">'
        amended = amended.replace("</head>", f"{link}\n</head>", 1)
    if amended.count('lang="fr"') != 1 or "</head>" not in html:
        # a newer FastAPI writes its page otherwise: say so at start-up
        raise RuntimeError("FastAPI's documentation page has changed its form")
    return amended


def add_static_and_docs(app: FastAPI) -> None:
    """/static, /docs and /redoc; the app is built with docs_url=redoc_url=None,
    so these replace FastAPI's CDN pages and stay out of the schema."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    openapi_url = app.openapi_url or "/openapi.json"
    favicon = f"{VENDOR}/swagger-ui/favicon-32x32.png"

    def page(
        draw: Callable[..., HTMLResponse], stylesheet: str | None = None, **options: Any
    ) -> Endpoint:
        """A documentation page drawn from this app's OpenAPI and the vendored
        assets only."""
        html = _amended(draw(openapi_url=openapi_url, **options), stylesheet)

        def documentation() -> HTMLResponse:
            return same_origin_only(HTMLResponse(html))

        return documentation

    swagger = page(
        get_swagger_ui_html,
        title=f"{app.title} - Swagger UI",
        swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=favicon,
        oauth2_redirect_url=OAUTH2_REDIRECT,
        stylesheet="/static/docs.css",  # contrasts that meet WCAG's
        # validatorUrl: no badge fetched from validator.swagger.io; deepLinking
        # off: it puts a link inside each operation's button (axe's
        # nested-interactive), and the addresses it writes are not needed;
        # obsidian: the examples' colours that contrast enough (agate's numbers
        # do not)
        swagger_ui_parameters={
            "persistAuthorization": True,
            "validatorUrl": None,
            "deepLinking": False,
            "syntaxHighlight": {"theme": "obsidian"},
        },
    )
    redoc = page(
        get_redoc_html,
        title=f"{app.title} - ReDoc",
        redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=favicon,
        with_google_fonts=False,
    )

    def redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    app.add_api_route("/docs", swagger, methods=["GET"], include_in_schema=False)
    app.add_api_route(
        OAUTH2_REDIRECT, redirect, methods=["GET"], include_in_schema=False
    )
    app.add_api_route("/redoc", redoc, methods=["GET"], include_in_schema=False)
