"""The print queue's table."""

from __future__ import annotations

from datetime import datetime

from pos_app.domain.printing import JobStatus, PrintJob, QueuedJob
from pos_app.storage.sql import (
    SqlRepository,
    from_optional_utc_text,
    from_utc_text,
    utc_text,
)


class SqlPrintJobs(SqlRepository):
    def add(self, kind: str, reference: str, data: bytes, at: datetime) -> int:
        row = self._one("INSERT INTO print_jobs (kind, reference, data, created_at, status,"
                        " attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING seq",
                        (kind, reference, data, utc_text(at), JobStatus.PENDING.value,
                         utc_text(at)))
        return int(row[0])

    def due(self, at: datetime, limit: int) -> list[PrintJob]:
        """Documents print in the order they were queued: none while the oldest waits
        for its next attempt; all in order once it is due."""
        head = self.next_due()
        if head is None or head > at:
            return []
        return [PrintJob(seq, kind, reference, data, attempts, error, bool(started))
                for seq, kind, reference, data, attempts, error, started in self._all(
            "SELECT seq, kind, reference, data, attempts, last_error, started FROM print_jobs"
            " WHERE status = ? ORDER BY seq LIMIT ?", (JobStatus.PENDING.value, limit))]

    def printed(self, seq: int, at: datetime) -> None:
        self._run("UPDATE print_jobs SET status = ?, printed_at = ?, attempts = attempts + 1"
                  " WHERE seq = ?", (JobStatus.PRINTED.value, utc_text(at), seq))

    def sending(self, seq: int) -> None:
        self._run("UPDATE print_jobs SET started = 1 WHERE seq = ?", (seq,))

    def failed(self, seq: int, error: str, retry_at: datetime, started: bool) -> None:
        self._run("UPDATE print_jobs SET attempts = attempts + 1, last_error = ?,"
                  " next_attempt_at = ?, started = ? WHERE seq = ?",
                  (error, utc_text(retry_at), int(started), seq))

    def delete(self, seq: int) -> QueuedJob | None:
        rows = self._all(
            "DELETE FROM print_jobs WHERE seq = ? AND status = ? RETURNING seq, kind,"
            " reference, created_at, attempts, last_error, printed_at",
            (seq, JobStatus.PENDING.value))
        return next((QueuedJob(seq, kind, reference, from_utc_text(created), attempts,
                               error, from_optional_utc_text(printed))
                     for seq, kind, reference, created, attempts, error, printed in rows),
                    None)

    def counts(self) -> dict[str, int]:
        return dict(self._all("SELECT status, count(*) FROM print_jobs GROUP BY status"))

    def recent(self, limit: int) -> list[QueuedJob]:
        """The jobs not printed yet, then the last printed ones, newest first."""
        rows = self._all(
            "SELECT seq, kind, reference, created_at, attempts, last_error, printed_at"
            " FROM print_jobs ORDER BY status = ?, seq DESC LIMIT ?",
            (JobStatus.PRINTED.value, limit))
        return [QueuedJob(seq, kind, reference, from_utc_text(created), attempts, error,
                          from_optional_utc_text(printed))
                for seq, kind, reference, created, attempts, error, printed in rows]

    def retry_now(self, at: datetime) -> None:
        """Every job not printed yet is due now (the queue's "Réessayer")."""
        self._run("UPDATE print_jobs SET next_attempt_at = ? WHERE status = ?",
                  (utc_text(at), JobStatus.PENDING.value))

    def next_due(self) -> datetime | None:
        """When the oldest job not printed yet is to be tried (the ones after it follow)."""
        row = self._one("SELECT next_attempt_at FROM print_jobs WHERE status = ?"
                        " ORDER BY seq LIMIT 1", (JobStatus.PENDING.value,))
        return None if row is None else from_utc_text(row[0])
