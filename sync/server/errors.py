"""What the server answers when it turns a request down."""

from __future__ import annotations


class Refused(Exception):
    """A request the server turns down, writing nothing of it; `status` is the HTTP
    status to answer (4xx), `reason` the sentence for the JSON `error` field."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class SchemaMismatch(Exception):
    """The database is not at this program's schema; the message says what to do."""
