"""The status page for managers (`GET /status`, in French) and its sign-in.

Server-rendered HTML from the templates shipped with this package, escaped by Jinja2
(autoescape), with its style inline: no script, no asset from elsewhere, so it shows the
same behind any firewall. It shows business figures, so it asks for an administrator's
session (admins.py): without one, `/status` sends the browser to `/login`.

Like the JSON API, a page is never a 500: a database that cannot be used is a French
page with 503 and `Retry-After`, and anything unforeseen is logged and answered the
same way. The JSON API and its tokens are not touched by any of this.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from sync.server import admins, french, reports
from sync.server.database import DatabaseUnavailable

log = logging.getLogger("caisse.server")

router = APIRouter(include_in_schema=False)

COOKIE = "caisse_session"
REFRESH_SECONDS = 30  # the page reloads itself: a screen in the office stays current
RETRY_AFTER_SECONDS = 10
FORM_LIMIT = 4096  # a sign-in form holds one token: anything longer is not one
# No script, no frame, nothing from elsewhere; the inline style is the page's only
# resource. Figures are not kept by the browser or a proxy.
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline';"
                               " form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
_FORM_MEDIA = "application/x-www-form-urlencoded"


@cache
def templates() -> Environment:
    environment = Environment(
        loader=PackageLoader("sync.server", "templates"), autoescape=True,
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters.update({
        "euros": french.euros, "signed_euros": french.signed_euros,
        "paris_time": french.paris_time, "number": french.number, "chain": french.chain,
        "kind": french.kind, "conflict": french.conflict, "flag_reason": french.flag_reason,
        "short_hash": french.short_hash, "compact_json": _compact_json,
        "paid_twice": french.paid_twice, "ticket_conflict": french.ticket_conflict,
    })
    return environment


def render(template: str, status: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    html = templates().get_template(template).render({"refresh": None, **context})
    return HTMLResponse(html, status, {**HEADERS, **(headers or {})})


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def _guarded(request: Request, work: Callable[[], Awaitable[Response]]) -> Response:
    """`work`'s answer; a database that cannot be used, or an error nobody foresaw, is
    the French 503 page (logged), never a 500 or a traceback."""
    try:
        return await work()
    except DatabaseUnavailable as problem:
        log.warning("status page: database unavailable: %s", problem)
        return _unavailable(
            "La base de données ne répond pas",
            "Le serveur ne peut pas lire ses données pour le moment.")
    except Exception:
        log.exception("status page: unexpected error answering %s %s", request.method,
                      request.url.path)
        return _unavailable(
            "Le serveur n'a pas pu afficher cette page",
            "Une erreur imprévue s'est produite ; elle est notée dans le journal du serveur.")


def _unavailable(headline: str, explanation: str) -> HTMLResponse:
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    try:
        return render("unavailable.html", 503, headers, headline=headline,
                      explanation=explanation, refresh=REFRESH_SECONDS)
    except Exception:  # the templates themselves: the plainest page still says it
        log.exception("status page: the error page could not be rendered")
        return HTMLResponse(_PLAIN_UNAVAILABLE, 503, {**HEADERS, **headers})


_PLAIN_UNAVAILABLE = ('<!doctype html><html lang="fr"><meta charset="utf-8">'
                      "<title>Indisponible</title><h1>Service momentanément indisponible"
                      "</h1><p>Réessayez dans quelques instants.</p></html>")


@router.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/status", 303)


@router.get("/status")
async def status(request: Request) -> Response:
    async def work() -> Response:
        engine = _engine(request)
        if not await run_in_threadpool(admins.signed_in, engine, request.cookies.get(COOKIE)):
            return RedirectResponse("/login", 303, HEADERS)
        state = await run_in_threadpool(reports.server_state, engine)
        return await run_in_threadpool(status_page, state)

    return await _guarded(request, work)


def status_page(state: reports.ServerState) -> HTMLResponse:
    now = french.parse_time(state.at)
    assert now is not None  # the server's own time, as database.now() writes it

    def since(text: str | None) -> str:
        return french.ago(text, now)

    journals = [till for till in state.tills if till.chains]
    flags = [(till, flag) for till in state.tills for flag in till.flags]
    return render("status.html", state=state, journals=journals, flags=flags, since=since,
                  refresh=REFRESH_SECONDS)


@router.get("/login")
async def login_form(request: Request) -> Response:
    async def work() -> Response:
        if await run_in_threadpool(admins.signed_in, _engine(request),
                                   request.cookies.get(COOKIE)):
            return RedirectResponse("/status", 303, HEADERS)
        return render("login.html", problem=None)

    return await _guarded(request, work)


@router.post("/login")
async def login(request: Request) -> Response:
    async def work() -> Response:
        token = await _form_token(request)
        if token is None:
            return render("login.html", 400, problem="Le formulaire envoyé n'est pas"
                          " celui de cette page : saisissez le jeton ci-dessous.")
        session = await run_in_threadpool(admins.open_session, _engine(request), token)
        if session is None:
            return render("login.html", 401, problem="Ce jeton n'est pas reconnu, ou il"
                          " a été révoqué.")
        answer = RedirectResponse("/status", 303, HEADERS)
        # HttpOnly: no script may read it; Lax: another site's form cannot post with it;
        # Secure whenever the page came over HTTPS (a reverse proxy says so).
        answer.set_cookie(COOKIE, session.secret,
                          max_age=int(admins.SESSION_LIFETIME.total_seconds()),
                          path="/", httponly=True, samesite="lax",
                          secure=request.url.scheme == "https")
        return answer

    return await _guarded(request, work)


@router.post("/logout")
async def logout(request: Request) -> Response:
    async def work() -> Response:
        await run_in_threadpool(admins.close_session, _engine(request),
                                request.cookies.get(COOKIE))
        answer = RedirectResponse("/login", 303, HEADERS)
        answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
        return answer

    return await _guarded(request, work)


async def _form_token(request: Request) -> str | None:
    """The `jeton` field of a sign-in form; None when the body is not that form."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != _FORM_MEDIA:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > FORM_LIMIT:
            return None
    try:
        fields = parse_qs(body.decode("utf-8"), max_num_fields=10, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return None
    values = fields.get("jeton")
    return values[0] if values and len(values) == 1 else None


DETAIL_SHOWN = 400  # characters of a conflict's detail: the page is a summary


def _compact_json(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= DETAIL_SHOWN else text[:DETAIL_SHOWN - 1] + "…"
