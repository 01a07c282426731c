"""A receipt printer on the network (raw TCP, port 9100 by convention). Before each
document it asks the printer, in real time, whether it is online and has paper."""

from __future__ import annotations

import socket

from pos_app.services.ports import PrinterUnavailable

DLE_EOT = b"\x10\x04"
OFFLINE_BIT = 0x08  # DLE EOT 1: the printer is offline
PAPER_OUT_BITS = 0x60  # DLE EOT 4: the roll is out


class NetworkPrinter:
    def __init__(self, host: str, port: int = 9100, timeout_s: float = 3.0) -> None:
        self.host, self.port, self.timeout_s = host, port, timeout_s

    def send(self, data: bytes) -> None:
        try:
            with socket.create_connection((self.host, self.port),
                                          timeout=self.timeout_s) as connection:
                if self._status(connection, 1) & OFFLINE_BIT:
                    raise PrinterUnavailable("offline")
                if self._status(connection, 4) & PAPER_OUT_BITS:
                    raise PrinterUnavailable("out of paper")
                connection.sendall(data)
        except OSError as error:
            raise PrinterUnavailable(str(error) or type(error).__name__) from error

    @staticmethod
    def _status(connection: socket.socket, kind: int) -> int:
        connection.sendall(DLE_EOT + bytes([kind]))
        answer = connection.recv(1)
        if not answer:
            raise PrinterUnavailable("no answer to the status query")
        return answer[0]
