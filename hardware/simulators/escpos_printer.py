"""A network ESC/POS receipt printer (TCP, as on port 9100) for tests and demos: it
listens on 127.0.0.1, keeps every byte it receives, decodes them back to text, QR codes
and drawer kicks, and answers real-time status queries (`DLE EOT n`). It can be told to
go offline or to run out of paper, and to fail as networks and print servers do: reset
a connection after so many bytes, never answer a status query, or answer late."""

from __future__ import annotations

import os
import select
import socket
import struct
import threading
import tty
from collections.abc import Callable
from dataclasses import dataclass, field

CODE_PAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}
ESC, GS, DLE = 0x1B, 0x1D, 0x10


@dataclass
class Decoded:
    """What a stream of ESC/POS bytes prints."""

    lines: list[str] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)
    drawer_kicks: list[tuple[int, int, int]] = field(default_factory=list)  # m, t1, t2
    cuts: int = 0


class _CutShort(Exception):
    """The bytes end inside a command (a line that died mid-job): it prints nothing."""


def decode(data: bytes) -> Decoded:
    """Text in the code page selected by `ESC t n`; the commands a receipt uses are
    understood, others skipped by their length. Bytes that end inside a command (a
    connection reset mid-job) print what came before it."""
    out = Decoded()
    codec, index = "cp437", 0
    line, raw = "", bytearray()  # the line so far: decoded text, then bytes not yet decoded

    def decoded_line() -> str:
        text = line + raw.decode(codec)
        raw.clear()
        return text

    while index < len(data):
        byte = data[index]
        try:
            if byte == ESC and index + 1 < len(data):
                command = data[index + 1]
                if command == ord("t"):  # the bytes so far were in the previous code page
                    codec_next = CODE_PAGES.get(data[index + 2], codec)
                    line = decoded_line()
                    codec = codec_next
                    index += 3
                elif command == ord("p"):
                    out.drawer_kicks.append((data[index + 2], data[index + 3],
                                             data[index + 4]))
                    index += 5
                elif command == ord("@"):
                    index += 2
                else:  # ESC a n, ESC E n, ESC ! n, ESC d n, ESC M n…: one parameter
                    index += 3
                continue
            if byte == GS and index + 1 < len(data):
                index = _gs(data, index, out)
                continue
        except (IndexError, _CutShort):  # the bytes end inside this command
            break
        if byte == DLE and index + 1 < len(data) and data[index + 1] == 0x04:
            index += 3  # a status query, answered, not printed
        elif byte == 0x0A:
            out.lines.append(decoded_line())
            line = ""
            index += 1
        else:
            raw.append(byte)
            index += 1
    if line or raw:
        out.lines.append(decoded_line())
    return out


def _gs(data: bytes, index: int, out: Decoded) -> int:
    command = data[index + 1]
    if command == ord("("):  # GS ( k pL pH cn fn …: a QR code's parts
        size = data[index + 3] + 256 * data[index + 4]
        body = data[index + 5:index + 5 + size]
        if len(body) < size:
            raise _CutShort
        if body[:2] == b"1P":  # store the data
            out.qr_codes.append(body[3:].decode("latin-1"))
        return index + 5 + size
    if command == ord("V"):  # cut: GS V m, or GS V m n
        out.cuts += 1
        return index + (4 if data[index + 2] in (65, 66, 97, 98) else 3)
    if command == ord("k"):  # barcode, function B: GS k m n d1…dn
        kind, length = data[index + 2], data[index + 3]
        if index + 4 + length > len(data):
            raise _CutShort
        text = data[index + 4:index + 4 + length].decode("ascii")
        if kind == 73 and text[:1] == "{":  # Code 128 starts with its code set: {A, {B, {C
            text = text[2:]
        out.barcodes.append(text)
        return index + 4 + length
    return index + 3  # GS h n, GS w n, GS H n, GS f n, GS ! n…


class SimulatedPrinter:
    """Start it, point a printer transport at `address`, read what it printed. Its flags
    say what a real printer would: switched off (`online`), its cover open, its roll
    nearly used up (`paper_low`: it still prints) or out (`paper_out`)."""

    def __init__(self, port: int | None = 0) -> None:
        """Listening on 127.0.0.1:`port` (any free one for 0); no network side for None."""
        self._server = None if port is None else socket.create_server(("127.0.0.1", port))
        self.address: tuple[str, int] = (
            ("", 0) if self._server is None else self._server.getsockname())
        self.received = bytearray()
        self.online = True
        self.cover_open = False
        self.paper_low = False
        self.paper_out = False
        # Faults: the next connection is reset once it has received this many bytes
        # (then the setting is cleared); status queries unanswered; answered this late.
        self.reset_after: int | None = None
        self.answers_status = True
        self.answer_delay_s = 0.0
        self.connections: list[bytearray] = []  # what each connection printed, in order
        self.resets = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._stopping = threading.Event()

    def __enter__(self) -> SimulatedPrinter:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.close()
        self._thread.join(timeout=5)

    def decoded(self) -> Decoded:
        with self._lock:
            return decode(bytes(self.received))

    def _serve(self) -> None:
        server = self._server
        assert server is not None, "a printer on the network: the serial one serves its line"
        server.settimeout(0.2)
        while not self._stopping.is_set():
            try:
                connection, _peer = server.accept()
            except (TimeoutError, OSError):
                continue
            with connection:
                connection.settimeout(5)
                self._receive(connection)

    def _receive(self, connection: socket.socket) -> None:
        with self._lock:
            printed = bytearray()
            self.connections.append(printed)
            reset_at, self.reset_after = self.reset_after, None
        count = 0
        while True:
            try:
                chunk = connection.recv(65536)
            except (TimeoutError, OSError):
                return
            if not chunk:  # the till has sent everything: closed cleanly, in turn
                return
            if not self.online:  # a printer switched off takes nothing
                return
            cut = reset_at is not None and count + len(chunk) >= reset_at
            if cut and reset_at is not None:
                chunk = chunk[:reset_at - count]
            count += len(chunk)
            try:
                self.take(chunk, connection.sendall, printed)
            except OSError:  # the till has gone before the answer
                return
            if cut:
                # SO_LINGER 0: closing sends a reset, as a print server that dies does.
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
                with self._lock:
                    self.resets += 1
                return

    def take(self, chunk: bytes, reply: Callable[[bytes], object],
             printed: bytearray | None = None) -> None:
        """Bytes from the till, over whatever line: status queries answered through
        `reply` (unless it never answers; late if told), the rest printed unless the
        printer cannot print; `printed` also gets them (the connection's own record)."""
        answers = status_answers(chunk, self.cover_open, self.paper_low, self.paper_out)
        if not (self.paper_out or self.cover_open):  # nothing printed until put right
            with self._lock:
                self.received += chunk
                if printed is not None:
                    printed += chunk
        if answers and self.answers_status:
            if self.answer_delay_s:
                self._stopping.wait(self.answer_delay_s)
            reply(answers)


def status_answers(chunk: bytes, cover_open: bool, paper_low: bool, paper_out: bool) -> bytes:
    """The answers to the `DLE EOT n` queries in `chunk`, one byte each: 1 the printer
    (offline bit), 2 why it is offline (cover open, paper end), 4 the roll's sensors (near
    its end, at its end)."""
    answers = bytearray()
    start = chunk.find(bytes([DLE, 0x04]))
    while start != -1 and start + 2 < len(chunk):
        kind = chunk[start + 2]
        if kind == 1:
            answers.append(0x16 | (0x08 if cover_open or paper_out else 0))
        elif kind == 2:
            answers.append(0x12 | (0x04 if cover_open else 0) | (0x20 if paper_out else 0))
        elif kind == 4:
            answers.append(0x12 | (0x0C if paper_low else 0) | (0x60 if paper_out else 0))
        start = chunk.find(bytes([DLE, 0x04]), start + 3)
    return bytes(answers)


class SimulatedSerialPrinter(SimulatedPrinter):
    """The same printer on a serial line (a pseudo-terminal): `port` is what the till
    opens."""

    def __init__(self) -> None:
        super().__init__(port=None)  # the line is the pseudo-terminal
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        tty.setraw(self._master)
        self.port = os.ttyname(self._slave)

    def __exit__(self, *_exc: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        os.close(self._master)
        os.close(self._slave)

    def _serve(self) -> None:
        while not self._stopping.is_set():
            ready, _w, _x = select.select([self._master], [], [], 0.1)
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 65536)
            except OSError:
                return
            if chunk and self.online:  # switched off: it neither answers nor prints
                self.take(chunk, lambda answer: os.write(self._master, answer))
