"""A reader kept reading: tried again with a growing wait while it cannot be opened,
said once it reads again, and stopped for good by `stop()`."""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable, Sequence

from pos_app.services.reader_keeper import KeptReader

Ended = Callable[[str, BaseException | None], None]


class Reader:
    def __init__(self, ended: Ended) -> None:
        self.ended, self.stopped = ended, threading.Event()

    def stop(self) -> None:
        self.stopped.set()
        self.ended("port", None)


def test_tries_wait_longer_each_time_then_the_return_is_said() -> None:
    tries: list[float] = []
    opened: queue.Queue[Reader] = queue.Queue()
    states: queue.Queue[str | None] = queue.Queue()

    def open_once(ended: Ended) -> Sequence[Reader]:
        tries.append(time.monotonic())
        if len(tries) <= 4:
            ended("port", OSError(f"no such port (try {len(tries)})"))
            return []
        reader = Reader(ended)
        opened.put(reader)
        return [reader]

    kept = KeptReader("scanner", open_once, states.put, backoff_s=(0.05, 0.1, 0.2)).start()
    try:
        reader = opened.get(timeout=10)
        assert kept.reading.wait(5)
        said = [states.get(timeout=5) for _ in range(5)]
        assert said == [f"no such port (try {n})" for n in range(1, 5)] + [None]
        gaps = [later - earlier for earlier, later in itertools.pairwise(tries)]
        assert [gap >= wait for gap, wait in zip(gaps, (0.05, 0.1, 0.2, 0.2),
                                                 strict=True)] == [True] * 4
        reader.ended("port", OSError("device disconnected"))  # it dies while it reads
        assert states.get(timeout=5) == "device disconnected"
        assert reader.stopped.wait(5)
        assert isinstance(opened.get(timeout=5), Reader)  # and is opened again
        assert states.get(timeout=5) is None
    finally:
        kept.stop()
    assert not kept._thread.is_alive() and not kept.reading.is_set()


def test_stopping_ends_the_tries() -> None:
    tries: list[float] = []

    def never(ended: Ended) -> Sequence[Reader]:
        tries.append(time.monotonic())
        ended("port", OSError("no such port"))
        return []

    kept = KeptReader("camera", never, lambda _state: None, backoff_s=(30.0,)).start()
    deadline = time.monotonic() + 5
    while not tries and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    kept.stop()  # not after the 30 s wait
    assert time.monotonic() - started < 5 and len(tries) == 1
