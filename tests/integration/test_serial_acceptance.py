"""A serial reader fed 1,000 codes (seeded EAN-13 and Code 128-like texts) through a
pseudo-terminal, with pauses inside codes shorter than the partial-code timeout, pauses
far longer (a fragment: reported, never delivered), bursts of codes in one write, CR, LF
and CRLF, and noise bytes: every cleanly sent code is delivered exactly once, in order,
no noise is delivered as a code, and every fragment is reported.

CAISSE_SERIAL_LONG=1 sends 10,000 codes with 60 fragments (about a minute)."""

from __future__ import annotations

import contextlib
import os
import queue
import random
import time
from dataclasses import dataclass, field

from hardware.serial_scanner import SerialScanner
from hardware.simulators.serial_scanner import SimulatedSerialReader
from pos_app.domain.scan import Scan

LONG = os.environ.get("CAISSE_SERIAL_LONG") == "1"
CODES, FRAGMENTS = (10_000, 60) if LONG else (1_000, 8)
TIMEOUT_MS = 150
SPLIT_S = 5 * TIMEOUT_MS / 1000  # a pause that must drop what came before it
SHORT_S = TIMEOUT_MS / 1000 / 10  # a pause inside a code that must not split it
ENDS = (b"\r", b"\n", b"\r\n")
SENTINEL = "END-OF-RUN"


def ean13(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(12)]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits)) + str(check)


def code128(rng: random.Random) -> str:
    # Printable ASCII without the space (a reader's code never starts or ends with one).
    return "".join(chr(rng.randrange(0x21, 0x7F)) for _ in range(rng.randrange(3, 24)))


def noise(rng: random.Random) -> bytes:
    # Line ends frame codes, and a GS1 separator is part of one: neither is noise.
    controls = [b for b in [*range(0x00, 0x20), *range(0x7F, 0xA0)]
                if b not in b"\r\n\t\x1d"]
    raw = bytearray(rng.choice(controls) for _ in range(rng.randrange(1, 6)))
    for _ in range(rng.randrange(0, 4)):  # printable bytes among the noise
        raw.insert(rng.randrange(len(raw) + 1), rng.randrange(0x30, 0x5B))
    return bytes(raw)


@dataclass
class Run:
    expected: list[str] = field(default_factory=list)  # codes that must be delivered
    unsure: set[str] = field(default_factory=set)  # a short pause the machine stretched
    fragments: int = 0
    noises: int = 0


def send_all(reader: SimulatedSerialReader, rng: random.Random) -> Run:
    run = Run()
    fragment_at = set(rng.sample(range(CODES), FRAGMENTS))
    burst = bytearray()

    def flush() -> None:
        if burst:
            reader.send(bytes(burst))
            burst.clear()

    for number in range(CODES):
        code = ean13(rng) if rng.random() < 0.6 else code128(rng)
        raw = code.encode("latin-1") + rng.choice(ENDS)
        if number in fragment_at:  # the start of a code, then a long pause
            flush()
            reader.send(raw[:rng.randrange(1, len(code))])
            time.sleep(SPLIT_S)
            run.fragments += 1
        if rng.random() < 0.03:
            burst += noise(rng) + rng.choice(ENDS)
            run.noises += 1
        if rng.random() < 0.05:  # a code in two writes, a short pause between
            flush()
            cut = rng.randrange(1, len(code))
            reader.send(raw[:cut])
            started = time.monotonic()
            time.sleep(rng.uniform(0, SHORT_S))
            if time.monotonic() - started > TIMEOUT_MS / 1000 / 2:
                run.unsure.add(code)  # a loaded machine slept far longer than asked
            reader.send(raw[cut:])
        else:
            burst += raw
        if code not in run.unsure:
            run.expected.append(code)
        if rng.random() < 0.7:  # otherwise the next code joins the same burst
            flush()
            if rng.random() < 0.3:
                time.sleep(rng.uniform(0, SHORT_S))
    flush()
    reader.scan(SENTINEL)
    return run


def test_a_thousand_codes_with_pauses_bursts_and_noise() -> None:
    codes: queue.Queue[Scan] = queue.Queue()
    problems: queue.Queue[str] = queue.Queue()
    with SimulatedSerialReader() as reader:
        scanner = SerialScanner(reader.port, codes.put, partial_timeout_ms=TIMEOUT_MS,
                                on_problem=problems.put).start()
        try:
            run = send_all(reader, random.Random(20261201))
            delivered: list[str] = []
            deadline = time.monotonic() + 30
            while SENTINEL not in delivered:  # bounded: the reader is seen to catch up
                assert time.monotonic() < deadline, f"{len(delivered)} codes delivered"
                with contextlib.suppress(queue.Empty):
                    delivered.append(codes.get(timeout=1).code)
        finally:
            scanner.stop()
    said = list(problems.queue)
    assert delivered.pop() == SENTINEL
    assert [code for code in delivered if code not in run.unsure] == run.expected
    partial = [problem for problem in said if problem.startswith("partial code dropped")]
    assert run.fragments <= len(partial) <= run.fragments + len(run.unsure)
    rejected = [problem for problem in said if "rejected" in problem]
    assert len(rejected) == run.noises
    assert len(said) == len(partial) + len(rejected) + 1  # and LF/CRLF said once
    assert any("ends its codes with LF" in problem for problem in said)
    assert run.fragments == FRAGMENTS and run.noises > 10
