"""The sync thread: it pushes what the till recorded to the central server, off the UI
thread and off every sale's path.

It runs a round (`sync.sync_once`) when woken after an action that committed, and
otherwise as a heartbeat: every 15 s while the server answers. Each round starts with a
ping, so the heartbeat is what says online or offline (not the OS's idea of the
network). After a failure it waits 1 s, 2 s, 4 s… up to 5 minutes, each ±50 %, or as
long as the server asked (Retry-After); a wake does not cut such a wait short (a busy
till would otherwise knock on a dead server at every sale), unless it is `urgent` (the
staff asked). A server that refuses the till (a revoked token, a request turned down)
needs someone, so it is asked again only every 5 minutes.

An error nobody foresaw is logged, noted as the till's last sync error, and the round
tried again later with the same backoff: the thread never dies of it.

Whoever shows the sync (the window) listens with `on_round` (each round's outcome) and
`on_progress` (how far a long push went); both are called on the sync thread, so a
listener hands the news on to its own thread (the window: as a queued Qt signal).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from pos_app.domain.sync import HEARTBEAT, LONGEST_RETRY, retry_after, retry_delay
from pos_app.services.context import Context
from pos_app.services.ports import (
    ServerRefused,
    ServerUnreachable,
    TokenRefused,
    TokenUnavailable,
)
from pos_app.services.sync import (
    NotEnrolled,
    SendProgress,
    SyncPorts,
    SyncRun,
    note_failure,
    sync_once,
)

log = logging.getLogger("caisse.sync")

# A failure that waits for someone: asking again soon would change nothing.
_NEEDS_SOMEONE = (TokenRefused, TokenUnavailable, ServerRefused)


class SyncWorker:
    """Start it once the till's store is open; `wake()` after each action that committed;
    `stop()` when the till closes (what was not sent goes at the next start)."""

    def __init__(self, ctx: Context, ports: Callable[[], SyncPorts], *,
                 heartbeat: timedelta = HEARTBEAT,
                 jitter: Callable[[], float] = random.random,
                 on_round: Callable[[SyncRun | None], None] | None = None,
                 on_progress: Callable[[SendProgress], None] | None = None) -> None:
        """`ports` makes the server's client and the token store, on the sync thread at
        its first round (the HTTP library takes a tenth of a second to load: not on the
        UI thread). `on_round` hears each round's outcome on the sync thread (None: the
        till is not enrolled, or the round failed unexpectedly); `on_progress` hears
        how far a push of more than one batch went, after each batch."""
        self.ctx = ctx
        self._make_ports = ports
        self._ports: SyncPorts | None = None
        self.heartbeat_s = heartbeat.total_seconds()
        self._jitter = jitter
        self._on_round = on_round
        self._on_progress = on_progress
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._urgent = False
        self._due = 0.0  # time.monotonic() of the next round: the first one at once
        self._waiting_for_server = False  # a backoff is running
        self._held_until = 0.0  # the server asked for no request before this (Retry-After)
        self.failures = 0  # failed rounds in a row
        self.rounds = 0  # rounds done, whatever their outcome (the next one planned)
        # Rounds begun: during `on_round`, the number of the round that just ended. A
        # screen asking for a round now waits for the outcome of the one after those
        # begun (one under way started before it asked). Written by the sync thread only.
        self.begun = 0
        self.deferred_wakes = 0  # wakes that came while the server was not answering
        self._thread = threading.Thread(target=self._run, name="sync", daemon=True)

    def start(self) -> SyncWorker:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Stop after the request under way, if any (the round goes no further); whether
        the thread ended within `timeout_s`."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def wake(self, urgent: bool = False) -> None:
        """Something was recorded: sync now (or, while the server is not answering, at
        the end of the wait; `urgent` cuts the backoff short, never a Retry-After)."""
        with self._lock:
            self._urgent = self._urgent or urgent
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(max(0.0, self._due - time.monotonic()))
            if self._stopping.is_set():
                return
            if self._wake.is_set():
                self._wake.clear()
                with self._lock:
                    urgent, self._urgent = self._urgent, False
                now = time.monotonic()
                if now < self._held_until or (self._waiting_for_server and not urgent
                                              and now < self._due):
                    self.deferred_wakes += 1
                    continue  # woken while the server is not answering: its turn comes
            self._round()

    def _round(self) -> None:
        run: SyncRun | None = None
        self.begun += 1
        try:
            if self._ports is None:
                self._ports = self._make_ports()
            run = sync_once(self.ctx, self._ports, keep_going=self._keep_going,
                            progress=self._progress)
        except NotEnrolled:
            self._next(self.heartbeat_s, failed=False)  # look again later, quietly
        except Exception as error:  # logged, noted, tried again: never silent
            log.exception("sync round failed")
            self._note(f"unexpected error: {type(error).__name__}: {error}")
            self.failures += 1
            self._next(retry_delay(self.failures, self._jitter()).total_seconds(), True)
        else:
            self._after(run)
        self.rounds += 1
        if self._on_round is not None:
            try:
                self._on_round(run)
            except Exception:  # a listener's mistake is not the round's
                log.exception("sync listener failed")

    def _progress(self, progress: SendProgress) -> None:
        if self._on_progress is not None:
            try:
                self._on_progress(progress)
            except Exception:  # a listener's mistake must not stop the push
                log.exception("sync progress listener failed")

    def _after(self, run: SyncRun) -> None:
        failure = run.failure
        if failure is None:
            self.failures = 0
            self._next(self.heartbeat_s, failed=False)
            return
        self.failures += 1
        log.info("sync: %s", failure)
        if isinstance(failure, ServerUnreachable) and failure.retry_after_s is not None:
            delay = retry_after(failure.retry_after_s)
            self._held_until = time.monotonic() + delay.total_seconds()
        elif isinstance(failure, _NEEDS_SOMEONE):
            delay = LONGEST_RETRY * (0.5 + self._jitter())
        else:
            delay = retry_delay(self.failures, self._jitter())
        self._next(delay.total_seconds(), failed=True)

    def _next(self, delay_s: float, failed: bool) -> None:
        self._due = time.monotonic() + delay_s
        self._waiting_for_server = failed

    def _note(self, error: str) -> None:
        try:
            note_failure(self.ctx, error)
        except Exception:  # the store itself failing: the log says it
            log.exception("sync failure could not be noted")

    def _keep_going(self) -> bool:
        return not self._stopping.is_set()

    @property
    def due_in_s(self) -> float:
        """Seconds until the next round (for a status line, and tests)."""
        return max(0.0, self._due - time.monotonic())

