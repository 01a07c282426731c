"""A code reader kept reading: opened, and when it cannot be opened or dies while it reads
(a serial reader unplugged, a camera gone), said, then opened again after 1 s, 2 s, 4 s…
at most 30 s between tries, until it reads again, which is said too."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pos_app.services.ports import CodeReader

BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)

# Opens the reader once; a failure (opening, or later while it reads) goes to the callback
# given, with the reader's port or source; an empty answer: it could not be opened.
OpenOnce = Callable[[Callable[[str, BaseException | None], None]], Sequence["CodeReader"]]


class KeptReader:
    """`on_state(problem)` hears each failure's words, and None once the reader reads
    again after failing (on the keeper's thread). `stop()` ends it for good."""

    def __init__(self, kind: str, open_once: OpenOnce,
                 on_state: Callable[[str | None], None],
                 backoff_s: Sequence[float] = BACKOFF_S) -> None:
        self.kind, self.open_once, self.on_state = kind, open_once, on_state
        self.backoff_s = backoff_s
        self._stopping = threading.Event()
        self._changed = threading.Event()  # the reader ended, or stop() was called
        self._lock = threading.Lock()
        self._readers: Sequence[CodeReader] = []
        self.reading = threading.Event()  # opened and reading now
        self._thread = threading.Thread(target=self._keep, name=f"keeps {kind}",
                                        daemon=True)

    def start(self) -> KeptReader:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._changed.set()
        self._thread.join(timeout=5)
        self._close()

    def _close(self) -> None:
        with self._lock:
            readers, self._readers = self._readers, []
        for reader in readers:
            reader.stop()

    def _keep(self) -> None:
        tries, failing = 0, False
        while not self._stopping.is_set():
            self._changed.clear()
            failures: list[BaseException] = []

            def ended(_where: str, error: BaseException | None,
                      failures: list[BaseException] = failures) -> None:
                if error is not None:
                    failures.append(error)
                self._changed.set()

            opened_at = time.monotonic()
            try:
                readers = self.open_once(ended)
            except Exception as error:  # noqa: BLE001 - a reader that cannot start: said
                readers, failures = [], [error]
            with self._lock:
                self._readers = readers
            if self._stopping.is_set():
                self._close()
                return
            if readers and not failures:
                self.reading.set()
                if failing:
                    failing = False
                    self.on_state(None)
                self._changed.wait()  # reading until it ends, or until stopped
                self.reading.clear()
                self._close()
                if self._stopping.is_set() or not failures:
                    return  # stopped: not a failure
                if time.monotonic() - opened_at > self.backoff_s[-1]:
                    tries = 0  # it read for a while: a new episode starts from the start
            cause = failures[0] if failures else OSError(f"the {self.kind} cannot be opened")
            self.on_state(str(cause) or type(cause).__name__)
            failing = True
            self._stopping.wait(self.backoff_s[min(tries, len(self.backoff_s) - 1)])
            tries += 1
