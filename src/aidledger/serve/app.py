"""The service: one FastAPI application with the JSON API under /api and the dashboard at /.

    app = create_app(Settings(url="sqlite:///aidledger.db"))

Every error under /api, whatever raised it (a missing route, a bad parameter, a library error, a bug),
answers with the one `Error` shape; the dashboard answers errors with an HTML page. The API docs and all
dashboard assets are served from the package: nothing is fetched at run time.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from aidledger.errors import AidledgerError, ConfigurationError, StoreError
from aidledger.store.ledger import Ledger

log = logging.getLogger("aidledger.serve")
HERE = resources.files("aidledger.serve")
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "body_too_large", 422: "invalid_parameters", 500: "internal_error",
         503: "unavailable"}
SETTINGS_ENV = "AIDLEDGER_SERVE_SETTINGS"  # how `aidledger serve --workers N` hands its settings to the workers


@dataclass(frozen=True)
class Settings:
    url: str
    public_reads: bool = True  # False: every read needs a token too (API: bearer; dashboard: sign-in)
    secret: bytes | None = None  # signs sessions and CSRF values; random per process when not given


class ServiceError(Exception):
    """An HTTP-level refusal: missing credentials (401), a failed CSRF check (403), an unknown id (404)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def create_app(settings: Settings) -> FastAPI:
    from aidledger.serve import api, dashboard
    from aidledger.serve.limits import RequestLimits

    app = FastAPI(title="aidledger", version="1", docs_url=None, redoc_url=None,
                  description="A source-linked, reconciled ledger of aid commitments extracted from news.")
    app.state.ledger = Ledger(settings.url, mapped=True)  # reads dominate: search maps the file
    app.state.settings = settings
    app.state.secret = settings.secret or _secret()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.mount("/api-assets", StaticFiles(directory=str(_docs_assets())), name="api-assets")
    app.include_router(api.router)
    app.include_router(dashboard.router)
    _install_error_handlers(app)
    app.add_middleware(RequestLimits)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="aidledger API",
                                   swagger_js_url="/api-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/api-assets/swagger-ui.css",
                                   swagger_favicon_url="/api-assets/favicon.png")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(openapi_url="/openapi.json", title="aidledger API",
                              redoc_js_url="/api-assets/redoc.standalone.js",
                              redoc_favicon_url="/api-assets/favicon.png", with_google_fonts=False)

    return app


def worker_environment(settings: Settings) -> dict[str, str]:
    """What the worker processes of `aidledger serve --workers N` read their settings from (app_from_environment).

    Every worker signs and checks sessions and CSRF values with one key, so a sign-in answered by one worker is
    valid in the others: the configured key, or one drawn here for the server's lifetime.
    """
    return {SETTINGS_ENV: json.dumps({"url": settings.url, "public_reads": settings.public_reads}),
            "AIDLEDGER_SECRET": os.environ.get("AIDLEDGER_SECRET") or secrets.token_hex(32)}


def app_from_environment() -> FastAPI:
    """The app of one worker process of `aidledger serve --workers N` (an app factory for uvicorn)."""
    try:
        values = json.loads(os.environ[SETTINGS_ENV])
    except (KeyError, ValueError) as exc:
        raise ConfigurationError(f"{SETTINGS_ENV} is not set: start workers with `aidledger serve --workers N`") \
            from exc
    return create_app(Settings(url=values["url"], public_reads=values["public_reads"]))


def _secret() -> bytes:
    configured = os.environ.get("AIDLEDGER_SECRET")
    return configured.encode() if configured else secrets.token_bytes(32)


def _docs_assets():
    """Swagger UI and ReDoc as shipped by the fastapi-offline package (FastAPI's defaults load them from a CDN)."""
    try:
        return resources.files("fastapi_offline") / "static"
    except ModuleNotFoundError as exc:  # pragma: no cover - the serve extra brings it
        raise ConfigurationError("the API docs need fastapi-offline: pip install 'aidledger[serve]'") from exc


# ---------------------------------------------------------------- errors


def error_body(status: int, message: str, details: list | None = None) -> dict:
    return {"error": {"status": status, "code": CODES.get(status, "error"), "message": message, "details": details}}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path in ("/openapi.json",)


def respond(request: Request, status: int, message: str, details: list | None = None, headers=None):
    if _wants_json(request):
        return JSONResponse(error_body(status, message, details), status_code=status, headers=headers)
    if status == 401:  # the dashboard's answer to "sign in first"
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    from aidledger.serve.dashboard import error_page

    return error_page(request, status, message)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error")
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = f"no such resource: {request.url.path} (see /docs for the routes)"
        return respond(request, exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
                   for e in exc.errors()]
        return respond(request, 422, "invalid parameters: " + "; ".join(
            f"{d['where']}: {d['problem']}" for d in details), details)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return respond(request, exc.status, exc.message, headers=headers)

    @app.exception_handler(AidledgerError)
    async def library_error(request: Request, exc: AidledgerError):
        status = 503 if isinstance(exc, StoreError) else 400
        return respond(request, status, str(exc))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception):
        # The answer names no exception, SQL or path: those go to the log, under a reference the reader can quote.
        reference = secrets.token_hex(4)
        log.exception("unhandled error %s on %s", reference, request.url.path)
        return respond(request, 500, f"internal error (reference {reference}); the server log has the details")
