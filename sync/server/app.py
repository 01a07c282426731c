"""The server's ASGI application: the routes, and how every answer is made.

Every answer carries `X-Server-Time` (and JSON answers `server_time`); every refusal is
JSON `{"error": reason}` with a 4xx; a database that cannot be used is 503 with
`Retry-After`. An error nobody foresaw is logged and answered 503 too, never a 500 with
a traceback: the till then simply tries again later. The process keeps nothing between
requests but its pool of connections, so any number of processes serve as one.
The managers' status page (pages.py) is HTML, and answers its own errors as HTML pages.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.contract import HEADER_SERVER_TIME, ContractError
from sync.server import changes, pages, routes
from sync.server.database import URL_VARIABLE, DatabaseUnavailable, now, open_engine
from sync.server.errors import Refused

log = logging.getLogger("caisse.server")

RETRY_AFTER_SECONDS = 10


def create_app(database_url: str, busy_timeout_ms: int | None = None) -> FastAPI:
    """The application on the database at `database_url` (migrated: see migrate.py)."""
    return app_on(open_engine(database_url, busy_timeout_ms))


def create_app_from_environment() -> FastAPI:
    """The application on $CAISSE_SERVER_DATABASE_URL: what each uvicorn worker builds
    (`caisse-server run` sets it)."""
    url = os.environ.get(URL_VARIABLE)
    if not url:
        raise RuntimeError(f"{URL_VARIABLE} is not set")
    return create_app(url)


def app_on(engine: Engine) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    # No OpenAPI pages: bodies are read by sync.contract, which docs/sync.md describes.
    app = FastAPI(title="caisse-server", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.state.engine = engine
    app.include_router(routes.router)
    app.include_router(changes.router)  # reference data: import, pulls
    app.include_router(pages.router)  # the status page, for managers (HTML)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(ContractError, _contract_error)
    app.add_exception_handler(DatabaseUnavailable, _unavailable)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(Guard)
    return app


def error(request: Request, status: int, reason: str,
          headers: dict[str, str] | None = None) -> JSONResponse:
    moment = getattr(request.state, "server_time", None) or now()
    return JSONResponse({"error": reason, "server_time": moment}, status, headers)


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Refused)
    return error(request, exc.status, exc.reason)


async def _contract_error(request: Request, exc: Exception) -> JSONResponse:
    return error(request, 422, str(exc))


async def _unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", exc)
    return error(request, 503, "the database is unavailable: try again later",
                 {"Retry-After": str(RETRY_AFTER_SECONDS)})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        reason = f"no such endpoint: {request.method} {request.url.path}"
    elif exc.status_code == 405:
        reason = f"{request.method} is not allowed on {request.url.path}"
    else:
        reason = str(exc.detail)
    status = exc.status_code if 400 <= exc.status_code < 500 else 503
    return error(request, status, reason, dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first: dict[str, Any] = next(iter(exc.errors()), {})
    where = ".".join(str(part) for part in first.get("loc", ()))
    return error(request, 422, f"{where}: {first.get('msg', 'not valid')}")


class Guard:
    """The outermost layer: notes the server's time as a request arrives, adds it to the
    answer's headers, and turns an exception that reached it into a logged 503."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        moment = now()
        scope.setdefault("state", {})["server_time"] = moment
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[HEADER_SERVER_TIME] = moment
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("unexpected error answering %s %s", scope.get("method"),
                          scope.get("path"))
            if started:
                raise  # the answer is on its way: the server closes the connection
            response = JSONResponse(
                {"error": "the server could not answer: try again later",
                 "server_time": moment}, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)})
            await response(scope, receive, sending)
