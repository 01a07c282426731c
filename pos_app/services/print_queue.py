"""The persistent print queue: documents are queued after the action that makes them
has committed, and printed by a worker; a printer that is off or out of paper holds
nothing up and loses nothing: its jobs wait, are tried again with a growing pause, and
are printed once it is back, each once.

A job is done only once the printer has confirmed it after the job (the transport says
how: docs/devices.md); one interrupted mid-way, or never confirmed, stays in the queue
and is printed again whole, marked "RÉIMPRESSION" at its top."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.errors import DomainError
from pos_app.domain.journal import Event
from pos_app.domain.printing import QueuedJob, next_attempt
from pos_app.domain.staff import Role, StaffMember
from pos_app.services.context import Context
from pos_app.services.journal import record_event
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
        if not job.started:
            # Written before its first byte leaves: a till that stops mid-job finds it
            # started, and prints it again marked.
            with ctx.uow() as uow:
                uow.print_jobs.sending(job.seq)
                uow.commit()
        try:
            printer.send(job.to_send)
        except PrinterUnavailable as error:
            with ctx.uow() as uow:
                uow.print_jobs.failed(job.seq, error.detail,
                                      next_attempt(ctx.clock.now(), job.attempts + 1),
                                      job.started or error.started)
                uow.commit()
            return PrintRun(done, error.detail)
        # Marked at once, once the printer confirmed it: a job is sent again (marked) only
        # if the till stops between the printer's confirmation and this line.
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


class NoSuchJob(DomainError):
    """The job is not waiting in the queue (printed meanwhile, or deleted)."""

    def __init__(self, seq: int) -> None:
        super().__init__(f"print job {seq} is not waiting in the queue")
        self.seq = seq


def delete_job(ctx: Context, staff: StaffMember, seq: int) -> QueuedJob:
    """A manager takes a job not printed yet out of the queue (a receipt nobody wants any
    more, a document a broken printer would otherwise hold at the head of the queue): it
    is never printed, and the event journal says which and who, in the same
    transaction."""
    staff.require(Role.MANAGER, "delete a print job")
    with ctx.uow() as uow:
        job = uow.print_jobs.delete(seq)
        if job is None:
            raise NoSuchJob(seq)
        till = uow.tills.local()
        if till is not None:
            record_event(uow, ctx.signer, till.id, ctx.clock.now(), Event.PRINT_JOB_DELETED,
                         staff.id, seq=job.seq, kind=job.kind, reference=job.reference,
                         attempts=job.attempts, last_error=job.last_error)
        uow.commit()
    return job


def recent_jobs(ctx: Context, limit: int = 50) -> list[QueuedJob]:
    with ctx.uow(write=False) as uow:
        return uow.print_jobs.recent(limit)


def next_due(ctx: Context) -> datetime | None:
    with ctx.uow(write=False) as uow:
        return uow.print_jobs.next_due()


def queue_counts(ctx: Context) -> dict[str, int]:
    with ctx.uow(write=False) as uow:
        return uow.print_jobs.counts()
