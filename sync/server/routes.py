"""The protocol's endpoints (docs/sync.md), prefix /v1.

Each request is checked in the same order: what its headers declare (413, 415), its
token (401), its body read and parsed by `sync.contract` (400, 422), whether it speaks
only for its own till (403); only then is anything written, in one transaction. Database
work runs on the thread pool, so a slow database never stalls the event loop.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from sync.contract import (
    PROTOCOL_VERSION,
    parse_enrol,
    parse_journal_push,
    parse_ping,
    parse_push,
)
from sync.server import journal, records, tills
from sync.server.bodies import check_declared, parse_json, read_body
from sync.server.errors import Refused

PREFIX = f"/v{PROTOCOL_VERSION}"
router = APIRouter(prefix=PREFIX)


def answer(request: Request, data: dict[str, Any], status: int = 200) -> JSONResponse:
    """A JSON answer with the server's time (the same as its X-Server-Time header)."""
    return JSONResponse({**data, "server_time": request.state.server_time}, status)


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def _authenticated(request: Request) -> tills.Till:
    return await run_in_threadpool(tills.authenticate, _engine(request),
                                   request.headers.get("authorization"))


async def _json(request: Request) -> Any:
    raw = await read_body(request)
    return await run_in_threadpool(parse_json, raw)


@router.post("/enrol")
async def enrol(request: Request) -> JSONResponse:
    check_declared(request)
    wanted = parse_enrol(await _json(request))
    enrolment = await run_in_threadpool(tills.enrol, _engine(request), wanted)
    return answer(request, enrolment.to_wire())


@router.get("/ping")
async def ping(request: Request) -> JSONResponse:
    """A till's heartbeat that says nothing of its outbox (a till before POST /v1/ping)."""
    till = await _authenticated(request)
    return answer(request, {"till_id": till.id, "name": till.name})


@router.post("/ping")
async def ping_with_outbox(request: Request) -> JSONResponse:
    """A till's heartbeat with its outbox's state, kept for the status page."""
    check_declared(request)
    till = await _authenticated(request)
    report = await run_in_threadpool(parse_ping, await _json(request))
    await run_in_threadpool(tills.note_outbox, _engine(request), till.id, report,
                            request.state.server_time)
    return answer(request, {"till_id": till.id, "name": till.name})


@router.post("/records")
async def push_records(request: Request) -> JSONResponse:
    check_declared(request)
    till = await _authenticated(request)
    envelopes = await run_in_threadpool(parse_push, await _json(request))
    for index, envelope in enumerate(envelopes):
        if envelope.till_id != till.id:
            raise Refused(403, f"records[{index}].till_id: a record of another till;"
                          " nothing was stored")
    answers = await run_in_threadpool(records.store_batch, _engine(request), till, envelopes)
    return answer(request, {"answers": [item.to_wire() for item in answers]})


@router.post("/journal")
async def push_journal(request: Request) -> JSONResponse:
    check_declared(request)
    till = await _authenticated(request)
    entries = await run_in_threadpool(parse_journal_push, await _json(request))
    acks = await run_in_threadpool(journal.receive, _engine(request), till, entries)
    return answer(request, {"chains": [ack.to_wire() for ack in acks]})


@router.get("/journal")
async def journal_heads(request: Request) -> JSONResponse:
    till = await _authenticated(request)
    acks = await run_in_threadpool(journal.acknowledged, _engine(request), till)
    return answer(request, {"chains": [ack.to_wire() for ack in acks]})

