"""The print queue's table."""

from __future__ import annotations

from datetime import datetime

from pos_app.domain.printing import JobStatus, PrintJob
from pos_app.storage.sql import SqlRepository, utc_text


class SqlPrintJobs(SqlRepository):
    def add(self, kind: str, reference: str, data: bytes, at: datetime) -> int:
        row = self._one("INSERT INTO print_jobs (kind, reference, data, created_at, status,"
                        " attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING seq",
                        (kind, reference, data, utc_text(at), JobStatus.PENDING.value,
                         utc_text(at)))
        return int(row[0])

    def due(self, at: datetime, limit: int) -> list[PrintJob]:
        return [PrintJob(*row) for row in self._all(
            "SELECT seq, kind, reference, data, attempts, last_error FROM print_jobs"
            " WHERE status = ? AND next_attempt_at <= ? ORDER BY seq LIMIT ?",
            (JobStatus.PENDING.value, utc_text(at), limit))]

    def printed(self, seq: int, at: datetime) -> None:
        self._run("UPDATE print_jobs SET status = ?, printed_at = ?, attempts = attempts + 1"
                  " WHERE seq = ?", (JobStatus.PRINTED.value, utc_text(at), seq))

    def failed(self, seq: int, error: str, retry_at: datetime) -> None:
        self._run("UPDATE print_jobs SET attempts = attempts + 1, last_error = ?,"
                  " next_attempt_at = ? WHERE seq = ?", (error, utc_text(retry_at), seq))

    def counts(self) -> dict[str, int]:
        return dict(self._all("SELECT status, count(*) FROM print_jobs GROUP BY status"))
