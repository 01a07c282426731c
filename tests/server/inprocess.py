"""The server's application called in this process, through httpx's ASGI transport: the
same requests as over the network, without the network. Anything the application lets
escape is raised here (`raise_app_exceptions`), so a test sees it.

The application runs on an event loop of its own thread, under one long-lived task: the
thread pool the application hands its database work to lives as long as that task, so
it is made once, not once per request.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from concurrent.futures import Future
from typing import Any

import httpx
from fastapi import FastAPI

_Job = tuple[Callable[[], Awaitable[Any]], Future[Any]]


class InProcess:
    """A synchronous client of `app`."""

    def __init__(self, app: FastAPI) -> None:
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=True),
            base_url="http://127.0.0.1", timeout=30)
        self._ready = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout=10):
            raise RuntimeError("the application's event loop did not start")

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._jobs: asyncio.Queue[_Job | None] = asyncio.Queue()
        self._ready.set()
        while (job := await self._jobs.get()) is not None:
            work, done = job
            try:
                done.set_result(await work())
            except BaseException as error:  # noqa: BLE001 - handed to the caller as it is
                done.set_exception(error)
        await self._client.aclose()

    def _run(self, work: Callable[[], Awaitable[Any]]) -> Any:
        done: Future[Any] = Future()
        self._loop.call_soon_threadsafe(self._jobs.put_nowait, (work, done))
        return done.result(timeout=60)

    def request(self, method: str, path: str, *, content: Any = None, json: Any = None,
                headers: dict[str, str] | None = None) -> httpx.Response:
        if content is not None and not isinstance(content, bytes | str):
            content = _streamed(content)  # a body sent in chunks, with no declared length
        response: httpx.Response = self._run(lambda: self._client.request(
            method, path, content=content, json=json, headers=headers))
        return response

    def get(self, path: str, **options: Any) -> httpx.Response:
        return self.request("GET", path, **options)

    def post(self, path: str, **options: Any) -> httpx.Response:
        return self.request("POST", path, **options)

    def put(self, path: str, **options: Any) -> httpx.Response:
        return self.request("PUT", path, **options)

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookies answers set, which later requests send (as httpx.Client's)."""
        return self._client.cookies

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._jobs.put_nowait, None)
        self._thread.join(timeout=10)


async def _streamed(chunks: Iterable[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
