"""The persistent print queue: documents are queued after the action that makes them
has committed, and printed by a worker; a printer that is off or out of paper holds
nothing up and loses nothing: its jobs wait, are tried again with a growing pause, and
are printed once it is back, each once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.printing import QueuedJob, next_attempt
from pos_app.services.context import Context
from pos_app.services.ports import Printer, PrinterUnavailable

BATCH = 20


def enqueue(ctx: Context, kind: str, reference: str, data: bytes) -> int:
    with ctx.uow() as uow:
        seq = uow.print_jobs.add(kind, reference, data, ctx.clock.now())
        uow.commit()
    return seq


@dataclass(frozen=True, slots=True)
class PrintRun:
    printed: int
    problem: str | None  # why the printer did not take the next job, if it did not


def print_due(ctx: Context, printer: Printer) -> PrintRun:
    """Send the jobs whose time has come, in order; stop at the first the printer does
    not take (the ones after it wait their turn)."""
    with ctx.uow(write=False) as uow:
        jobs = uow.print_jobs.due(ctx.clock.now(), BATCH)
    done = 0
    for job in jobs:
        try:
            printer.send(job.data)
        except PrinterUnavailable as error:
            with ctx.uow() as uow:
                uow.print_jobs.failed(job.seq, error.detail,
                                      next_attempt(ctx.clock.now(), job.attempts + 1))
                uow.commit()
            return PrintRun(done, error.detail)
        # Marked at once: a job is sent again only if the till stops between the printer
        # taking it and this line.
        with ctx.uow() as uow:
            uow.print_jobs.printed(job.seq, ctx.clock.now())
            uow.commit()
        done += 1
    return PrintRun(done, None)


def retry_now(ctx: Context) -> None:
    """The queue's "Réessayer": every job not printed yet is due at once."""
    with ctx.uow() as uow:
        uow.print_jobs.retry_now(ctx.clock.now())
        uow.commit()


def recent_jobs(ctx: Context, limit: int = 50) -> list[QueuedJob]:
    with ctx.uow(write=False) as uow:
        return uow.print_jobs.recent(limit)


def next_due(ctx: Context) -> datetime | None:
    with ctx.uow(write=False) as uow:
        return uow.print_jobs.next_due()


def queue_counts(ctx: Context) -> dict[str, int]:
    with ctx.uow(write=False) as uow:
        return uow.print_jobs.counts()
