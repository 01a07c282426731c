"""Reference data's endpoints (docs/sync.md, "Reference data (pull)"): an administrator
imports (`POST /v1/import`), tills pull (`GET /v1/changes`)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from pos_app.domain.reference_fields import InvalidImport
from sync.contract import MAX_PULL
from sync.server import admins, reference, tills
from sync.server.bodies import parse_json
from sync.server.errors import Refused
from sync.server.reference import MAX_IMPORT_BYTES
from sync.server.routes import PREFIX, _engine, answer

router = APIRouter(prefix=PREFIX)



@router.post("/import")
async def import_reference(request: Request) -> JSONResponse:
    engine = _engine(request)
    await run_in_threadpool(admins.authenticate, engine, request.headers.get("authorization"))
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise Refused(415, "the body must be JSON (Content-Type: application/json)")
    declared = request.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > MAX_IMPORT_BYTES:
        raise Refused(413, f"the body is larger than {MAX_IMPORT_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_IMPORT_BYTES:
            raise Refused(413, f"the body is larger than {MAX_IMPORT_BYTES} bytes")
        chunks.append(chunk)
    document = await run_in_threadpool(parse_json, b"".join(chunks))
    del chunks
    try:
        result = await run_in_threadpool(reference.import_document, engine, document)
    except InvalidImport as refused:
        return answer(request, {"error": "the document was refused; nothing was written",
                                "problems": reference.problems_of(refused)}, 422)
    return answer(request, result.to_wire())


@router.get("/changes")
async def pull(request: Request) -> Response:
    engine = _engine(request)
    await run_in_threadpool(tills.authenticate, engine, request.headers.get("authorization"))
    since = _whole(request, "since", 0)
    limit = _whole(request, "limit", MAX_PULL)
    if limit < 1:
        raise Refused(400, "limit: a whole number from 1")
    page = await run_in_threadpool(reference.changes, engine, since, limit)
    moment = request.state.server_time

    def body() -> Iterator[str]:
        yield from page.json_parts()
        yield f',"server_time":"{moment}"}}'

    return Response("".join(body()), media_type="application/json")


def _whole(request: Request, name: str, default: int) -> int:
    value = request.query_params.get(name)
    if value is None:
        return default
    if not value.isdigit() or len(value) > 18:
        raise Refused(400, f"{name}: a whole number from 0")
    return int(value)
