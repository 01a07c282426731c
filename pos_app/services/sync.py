"""The till's side of sync (docs/sync.md): enrolment with the central server, the
outbox's records and the fiscal journal pushed to it, one round of both, and where the
till stands with it.

The network is never reached inside a transaction: a batch is read, the transaction
ends, the server is asked, and its answer is written in a transaction of its own. So a
sale never waits for the server, and an answer that never comes changes nothing: only
what the server answered is settled, the rest is sent again at the next round (the
server keeps each record once, by its id).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from pos_app.domain.errors import DomainError
from pos_app.domain.journal import Chain, Event, journal_time
from pos_app.domain.sync import (
    CLOCK_TOLERANCE,
    ChainAck,
    QueuedRecord,
    RecordOutcome,
    RecordState,
    SyncCounts,
    SyncLink,
)
from pos_app.services.context import Context, local_till
from pos_app.services.journal import record_event
from pos_app.services.ports import (
    HeldOrder,
    ServerAccess,
    ServerReply,
    SyncError,
    SyncServer,
    TokenStore,
    TokenUnavailable,
)

if TYPE_CHECKING:
    from pos_app.domain.journal import JournalEntry
    from pos_app.domain.till import Till
    from pos_app.services.ports import Signer, UnitOfWork

BATCH = 500  # records or journal entries per request: sync.contract.MAX_BATCH
REJECTED_SHOWN = 100  # the newest rejected records a status lists
URL_SCHEMES = ("https://", "http://")


class NotEnrolled(DomainError):
    def __init__(self) -> None:
        super().__init__("this till is not enrolled with a server: run"
                         " `caisse enrol URL CODE` (the code from"
                         " `caisse-server enrol-code --till NAME`)")


class InvalidServerUrl(DomainError):
    def __init__(self, url: str) -> None:
        super().__init__(f"{url!r} is not a server address: give"
                         " https://host[:port] (or http:// on 127.0.0.1 or the venue's"
                         " own network)")
        self.url = url


class ServerCodeMissing(DomainError):
    def __init__(self) -> None:
        super().__init__("no enrol code: give the code `caisse-server enrol-code` printed")


@dataclass(frozen=True, slots=True)
class SyncPorts:
    """What sync needs from outside: the server, and where the till keeps its token.
    Built by bootstrap."""

    server: SyncServer
    tokens: TokenStore


@dataclass(frozen=True, slots=True)
class ClockOffset:
    """The server's clock minus the till's, as measured at one answer."""

    seconds: int
    newly_off: bool  # beyond CLOCK_TOLERANCE now and not before: journaled just now

    @property
    def off(self) -> bool:
        return abs(self.seconds) > CLOCK_TOLERANCE.total_seconds()


@dataclass(frozen=True, slots=True)
class RecordsPushed:
    sent: int = 0  # stored now, or held by the server already
    rejected: list[RecordOutcome] = field(default_factory=list)
    waiting: int = 0  # answered "retry later"
    batches: int = 0

    def __add__(self, other: RecordsPushed) -> RecordsPushed:
        return RecordsPushed(self.sent + other.sent, [*self.rejected, *other.rejected],
                             self.waiting + other.waiting, self.batches + other.batches)


@dataclass(frozen=True, slots=True)
class SendProgress:
    """How far a long push of records went: those the server answered this round (sent
    or rejected) out of those waiting when it began, and those recorded since."""

    done: int
    total: int


Progress = Callable[[SendProgress], None]


@dataclass(frozen=True, slots=True)
class JournalPushed:
    entries: int = 0  # entries the server's heads now cover
    acks: list[ChainAck] = field(default_factory=list)  # its last word on each chain
    batches: int = 0
    held_back: int = 0  # entries of flagged chains passed over, not sent


@dataclass(frozen=True, slots=True)
class Pulled:
    """What a round pulled: reference items written, deletions applied, pages, and the
    venue's orders merged (docs/sync.md, "Orders in the feed")."""

    written: int = 0
    removed: int = 0
    pages: int = 0
    cursor: int = 0  # where the next pull starts
    orders: int = 0

    def __add__(self, other: Pulled) -> Pulled:
        return Pulled(self.written + other.written, self.removed + other.removed,
                      self.pages + other.pages, max(self.cursor, other.cursor),
                      self.orders + other.orders)


class PulledItemRefused(SyncError):
    """An item the server sent does not read as the import format: the page is not
    applied, and is asked for again at the next round."""


@dataclass(frozen=True, slots=True)
class SyncRun:
    """One round: what went, what the server said, and why it stopped if it failed
    (what went before the failure stays done)."""

    records: RecordsPushed = field(default_factory=RecordsPushed)
    journal: JournalPushed = field(default_factory=JournalPushed)
    pulled: Pulled = field(default_factory=Pulled)
    clock: ClockOffset | None = None
    failure: SyncError | None = None

    @property
    def reached(self) -> bool:
        return self.failure is None


@dataclass(frozen=True, slots=True)
class ChainStatus:
    chain: str
    local_number: int  # the till's own head
    acknowledged: ChainAck | None  # the server's last acknowledgement

    @property
    def held_back(self) -> int:
        """Entries of a flagged chain kept on the till, not sent (push_journal)."""
        ack = self.acknowledged
        if ack is None or ack.flagged is None:
            return 0
        return max(0, self.local_number - ack.number)


@dataclass(frozen=True, slots=True)
class SyncStatus:
    link: SyncLink | None  # None: not enrolled
    counts: SyncCounts
    rejected: list[QueuedRecord]  # newest first
    chains: list[ChainStatus]
    journal_waiting: int  # entries not yet covered by the server's heads
    token_location: str | None = None
    # Orders pulled that this till could not hold yet, the oldest first (at most 100).
    held_orders: list[HeldOrder] = field(default_factory=list)

    @property
    def enrolled(self) -> bool:
        return self.link is not None


# -- enrolment --------------------------------------------------------------------------------


def server_url(text: str) -> str:
    """The server's base address as typed, checked and without a trailing slash."""
    url = text.strip().rstrip("/")
    scheme = next((s for s in URL_SCHEMES if url.lower().startswith(s)), None)
    if (scheme is None or len(url) <= len(scheme) or len(url) > 300
            or any(c.isspace() for c in url) or any(c in url for c in "?#")):
        raise InvalidServerUrl(text)
    return url


def enrol(ctx: Context, ports: SyncPorts, url: str, code: str, ca_file: str | None,
          version: str) -> SyncLink:
    """Enrol this till with the server at `url` using the one-time `code`: the till's
    id, its journal's public key and key id, and its version go to the server; the token
    that comes back is kept by the token store, and the link in the store (a new
    enrolment starts the journal's sync afresh: the server acknowledges again what it
    holds). Raises SyncError when the server cannot be reached or refuses."""
    address = server_url(url)
    if not code.strip():
        raise ServerCodeMissing()
    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        key_id, public_key = _first_key(uow, ctx.signer, till.id)
    access = ServerAccess(address, till.id, None, ca_file)
    started = ctx.clock.now()
    reply = ports.server.enrol(access, code.strip(), public_key, key_id, version)
    ended = ctx.clock.now()
    # The token first: a store that then fails to commit leaves a token nobody uses, and
    # enrolling again replaces it; the other way round would leave a link with no token.
    ports.tokens.save(till.id, reply.value.token)
    with ctx.uow() as uow:
        uow.sync.enrol(address, reply.value.till_name, ended, ca_file)
        _note_contact(ctx, uow, till, reply.server_time, started, ended)
        uow.commit()
    with ctx.uow(write=False) as uow:
        link = uow.sync.link()
    assert link is not None
    return link


def _first_key(uow: UnitOfWork, signer: Signer, till_id: str) -> tuple[str, str]:
    """The key the till's journal starts with (announced by the event journal's entry
    1), which the server follows through the rotations it is sent; the till's own key
    when nothing is journaled yet."""
    first = uow.journal.entry(till_id, Chain.EVENT, 1)
    body = None if first is None else first.payload
    if (body is not None and body.get("event") == Event.KEY_CREATED.value
            and isinstance(body.get("key_id"), str)
            and isinstance(body.get("public_key"), str)):
        return body["key_id"], body["public_key"]
    return signer.key_id, signer.public_key


# -- one round ----------------------------------------------------------------------------------


def sync_once(ctx: Context, ports: SyncPorts,
              keep_going: Callable[[], bool] = lambda: True,
              progress: Progress | None = None) -> SyncRun:
    """Ping the server (telling it what waits in the outbox and what it rejected), push
    the waiting records, then the journal, then pull the reference data (pull_changes),
    and tell the server the outbox again if the round sent some of it.
    A failure is noted (the till is offline since the first one) and returned with what
    went before it; an answer notes the contact and the server's clock. `keep_going` is
    asked between requests: a round stops early once it says no (the worker stopping, a
    deadline).
    `progress` hears after each batch of a push that takes more than one (the screens
    show "1 200 / 10 000"), on the caller's thread.

    Raises NotEnrolled when the till has no server; store errors are raised as always."""
    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        link = uow.sync.link()
        outbox = uow.outbox.unsettled()  # what the heartbeat tells the server
    if link is None:
        raise NotEnrolled()
    run = SyncRun()
    try:
        access = _access(ports, till, link)
        started = ctx.clock.now()
        reply = ports.server.ping(access, outbox)
        ended = ctx.clock.now()
        with ctx.uow() as uow:
            offset = _note_contact(ctx, uow, till, reply.server_time, started, ended)
            uow.commit()
        run = replace(run, clock=offset)
        if keep_going():
            run = replace(run, records=push_records(ctx, ports.server, access, keep_going,
                                                    progress))
        if keep_going():
            run = replace(run, journal=push_journal(ctx, ports.server, access, keep_going))
        # Records the server asked to send later (a busy database) get one more try once
        # the journal went: the round's last word on them is then the latest.
        if run.records.waiting and run.journal.entries and keep_going():
            again = push_records(ctx, ports.server, access, keep_going, progress)
            run = replace(run, records=replace(run.records + again, waiting=again.waiting))
        if keep_going():
            run = replace(run, pulled=_pull(ctx, ports.server, access, keep_going))
        if (run.records.sent or run.records.rejected) and keep_going():
            # The server's status page shows what the last heartbeat said: say what is
            # left now, not what waited before this round sent it.
            with ctx.uow(write=False) as uow:
                outbox = uow.outbox.unsettled()
            ports.server.ping(access, outbox)
    except _PullCut as cut:  # what was applied before the failure stays applied
        note_failure(ctx, str(cut.failure))
        return replace(run, pulled=cut.pulled, failure=cut.failure)
    except SyncError as failure:
        note_failure(ctx, str(failure))
        return replace(run, failure=failure)
    return run


def note_failure(ctx: Context, error: str) -> None:
    """The server did not answer, or not as it should: offline since the first failure
    (and the till's sync worker says why, even for an error nobody foresaw)."""
    with ctx.uow() as uow:
        uow.sync.note_failure(ctx.clock.now(), error[:500])
        uow.commit()


def _note_contact(ctx: Context, uow: UnitOfWork, till: Till, server_time: datetime,
                  started: datetime, ended: datetime) -> ClockOffset:
    """The server answered: online, and its clock's offset from the till's (measured at
    the middle of the request). An offset beyond CLOCK_TOLERANCE is journaled once per
    episode: when first seen, not again until the clocks agreed in between."""
    middle = started + (ended - started) / 2
    seconds = round((server_time - middle).total_seconds())
    before = uow.sync.link()
    was_off = before is not None and before.clock_off
    uow.sync.note_contact(ended, seconds)
    offset = ClockOffset(seconds, newly_off=False)
    if offset.off and not was_off:
        record_event(uow, ctx.signer, till.id, ended, Event.SERVER_CLOCK_OFFSET,
                     offset_seconds=seconds, server_time=journal_time(server_time),
                     till_time=journal_time(middle))
        offset = ClockOffset(seconds, newly_off=True)
    return offset


# -- reference data ---------------------------------------------------------------------------

# Changes asked for in one page, each page applied in one transaction: a sale waiting for
# the store's write lock waits for one page at most (a fraction of a second).
PULL_PAGE = 2_000


class _PullCut(Exception):
    def __init__(self, pulled: Pulled, failure: SyncError) -> None:
        super().__init__(str(failure))
        self.pulled, self.failure = pulled, failure


def pull_changes(ctx: Context, ports: SyncPorts,
                 keep_going: Callable[[], bool] = lambda: True) -> Pulled:
    """Pull the reference data changed on the server since the till's cursor, page by
    page, each page applied in one transaction with the cursor it brings to: a pull cut
    off resumes after the last page applied, never applying one twice. Raises the
    SyncError that stopped it (what was applied before stays); NotEnrolled when the
    till has no server."""
    access = _enrolled_access(ctx, ports)
    try:
        return _pull(ctx, ports.server, access, keep_going)
    except _PullCut as cut:
        note_failure(ctx, str(cut.failure))
        raise cut.failure from None


def _pull(ctx: Context, server: SyncServer, access: ServerAccess,
          keep_going: Callable[[], bool]) -> Pulled:
    # Loaded by the first pull, on the sync thread: the sale screen (whose status reads
    # this module) shows without the import's readers and the catalogue's types.
    from pos_app.domain.reference_fields import InvalidImport
    from pos_app.services import importing, pulled_orders, pulled_tickets

    pulled = Pulled()
    while keep_going():
        with ctx.uow(write=False) as uow:
            link = uow.sync.link()
        since = 0 if link is None else link.pull_cursor
        pulled = replace(pulled, cursor=max(pulled.cursor, since))
        try:
            page = server.changes(access, since, PULL_PAGE).value
            try:
                checked = importing.read_page([
                change for change in page.changes
                if change.kind != pulled_orders.ORDER_KIND
                and change.kind not in pulled_tickets.KINDS])
            except InvalidImport as error:
                raise PulledItemRefused(f"the server sent an item the till cannot read:"
                                        f" {error}") from error
            orders = pulled_orders.read_orders(page.changes)  # one that does not read waits
        except SyncError as failure:
            raise _PullCut(pulled, failure) from failure
        with ctx.uow() as uow:
            now_at = uow.sync.link()
            if now_at is None or now_at.pull_cursor != since:
                break  # another round applied this page meanwhile: it asks for the next
            applied = importing.apply_page(uow, ctx.signer, ctx.clock.now(), checked)
            merged = pulled_orders.merge_orders(uow, orders, ctx.clock.now())
            pulled_tickets.apply_tickets(uow, page.changes, local_till(uow).id)
            uow.sync.advance_cursor(page.cursor)
            uow.commit()
        pulled += Pulled(applied.written, applied.removed, 1, page.cursor, merged)
        if not page.more or not page.changes:
            break
    # Orders that waited for what this pull may have brought (a payment method…).
    return pulled + Pulled(orders=pulled_orders.retry_held(ctx))


# -- records ----------------------------------------------------------------------------------


def push_records(ctx: Context, server: SyncServer, access: ServerAccess,
                 keep_going: Callable[[], bool] = lambda: True,
                 progress: Progress | None = None) -> RecordsPushed:
    """Send the waiting records, oldest first, in batches of at most 500: stored or
    already held → sent; rejected → kept as rejected with the server's reason (the rest
    of the batch goes on); retry later → still waiting. Only what the server answered
    is settled. Stops when nothing waits, when the server asks to wait, or when a batch
    brought no answer at all (each batch that goes on settles at least one record, so a
    round always ends). `progress` hears how far it went after each batch, when the
    first batch was full (a push of one batch is over before anyone could read it)."""
    pushed = RecordsPushed()
    total: int | None = None  # counted only for a push of more than one batch
    while keep_going():
        with ctx.uow(write=False) as uow:
            batch = uow.outbox.waiting(BATCH)
            first_of_many = progress is not None and total is None and len(batch) == BATCH
            if first_of_many:
                total = uow.outbox.counts().waiting
        if not batch:
            break
        if progress is not None and first_of_many and total is not None:
            progress(SendProgress(0, total))  # said before the first batch's wait
        reply = server.push_records(access, batch)
        outcomes = _answered(batch, reply)
        if outcomes:
            with ctx.uow() as uow:
                uow.outbox.settle(outcomes, ctx.clock.now())
                uow.commit()
        final = [outcome for outcome in outcomes if outcome.state is not RecordState.WAITING]
        later = len(outcomes) - len(final)
        pushed += RecordsPushed(
            sum(outcome.state is RecordState.SENT for outcome in final),
            [outcome for outcome in final if outcome.state is RecordState.REJECTED],
            later, 1)
        if progress is not None and total is not None:
            done = pushed.sent + len(pushed.rejected)
            total = max(total, done)  # records made meanwhile go in this push too
            progress(SendProgress(done, total))
        if not final or later:
            break
        if len(batch) < BATCH and len(outcomes) == len(batch):
            break
    return pushed


def _answered(batch: Sequence[QueuedRecord],
              reply: ServerReply[list[RecordOutcome]]) -> list[RecordOutcome]:
    """The server's answers about records of this batch, once each (an answer about a
    record that was not sent is no answer)."""
    sent = {record.record_id for record in batch}
    seen: set[str] = set()
    outcomes = []
    for outcome in reply.value:
        if outcome.record_id in sent and outcome.record_id not in seen:
            seen.add(outcome.record_id)
            outcomes.append(outcome)
    return outcomes


# -- the journal -----------------------------------------------------------------------------


def push_journal(ctx: Context, server: SyncServer, access: ServerAccess,
                 keep_going: Callable[[], bool] = lambda: True) -> JournalPushed:
    """Send the journal's entries the server does not hold yet (every chain but
    training, in the order they were written), in batches of at most 500. The heads the
    server acknowledges, and its flags, are kept; the till's position moves on only over
    entries those heads cover, so an entry the server did not take goes again.

    A flagged chain (the server's copy and the till's disagree, by the server's word or
    the till's own) is sent no further: the server stores nothing past a disagreement,
    so its entries would only go again at every round, and hold back the other chains'
    behind them. They stay on the till, held back and counted (`ChainStatus.held_back`),
    and the flag stays shown."""
    covered, held, batches = 0, 0, 0
    acks: list[ChainAck] = []
    while keep_going():
        with ctx.uow(write=False) as uow:
            link = uow.sync.link()
            if link is None:
                raise NotEnrolled()
            entries = uow.journal.after(access.till_id, link.journal_sent_seq, BATCH)
            known = uow.sync.acknowledgements(access.till_id)
        if not entries:
            break
        flagged = {ack.chain for ack in known if ack.flagged is not None}
        sending = [entry for _seq, entry in entries if entry.chain.value not in flagged]
        answered: list[ChainAck] = []
        if sending:
            answered, disputed = _acknowledge(ctx, access.till_id, known,
                                              server.push_journal(access, sending).value)
            acks, batches = answered, batches + 1
            if disputed:
                # The server holds a head the till wrote, and the till's entry of that
                # number is no longer it (changed on the till's disk after it went): the
                # server is shown the entry as it is now, so that it flags the chain too
                # and both keep the disagreement.
                answered, _again = _acknowledge(ctx, access.till_id, answered,
                                                server.push_journal(access, disputed).value)
                acks, batches = answered, batches + 1
        flagged |= {ack.chain for ack in answered if ack.flagged is not None}
        numbers = {ack.chain: ack.number for ack in [*known, *answered]}
        through, count, passed = _covered(entries, numbers, flagged)
        if through is not None:
            with ctx.uow() as uow:
                uow.sync.advance_journal(through)
                uow.commit()
        covered, held = covered + count, held + passed
        if count + passed < len(entries) or len(entries) < BATCH:
            break  # all sent, or the server stopped taking them: the next round resumes
    return JournalPushed(covered, acks, batches, held)


def _acknowledge(ctx: Context, till_id: str, known: Sequence[ChainAck],
                 replied: Sequence[ChainAck]) -> tuple[list[ChainAck], list[JournalEntry]]:
    """Keep the server's acknowledgements, checked against the till's journal (and
    flagged where they disagree with it): the acknowledgements as kept, and the till's
    entries at the heads the server holds with another hash and has not flagged."""
    with ctx.uow() as uow:
        checked = _checked(uow, till_id, replied, known)
        uow.sync.acknowledge(till_id, checked, ctx.clock.now())
        disputed = []
        for ack in replied:
            mine = uow.journal.entry(till_id, ack.chain, ack.number) if ack.number else None
            if ack.flagged is None and mine is not None and mine.hash != ack.hash:
                disputed.append(mine)
        uow.commit()
    return checked, disputed


def _covered(entries: Sequence[tuple[int, JournalEntry]], numbers: dict[str, int],
             flagged: set[str]) -> tuple[int | None, int, int]:
    """The store position of the last entry, in order, that the acknowledged heads
    (`numbers`) cover or that a flagged chain holds back (None: not even the first),
    how many of them the heads cover and how many are held back."""
    through, count, passed = None, 0, 0
    for seq, entry in entries:
        chain = entry.chain.value
        if numbers.get(chain, 0) >= entry.number:
            count += 1
        elif chain in flagged:
            passed += 1
        else:
            break
        through = seq
    return through, count, passed


def _checked(uow: UnitOfWork, till_id: str, acks: Sequence[ChainAck],
             known: Sequence[ChainAck]) -> list[ChainAck]:
    """The server's acknowledgements, flagged by the till too where the till can see
    they do not match its own journal: a head with another hash than the till's entry
    of that number (an entry changed on the till's disk after the server took it), or
    a head past the till's own (its journal went back). A chain flagged before keeps
    its first reason (`known`), as the store does."""
    heads = uow.journal.heads(till_id)
    first = {ack.chain: ack.flagged for ack in known if ack.flagged is not None}
    checked = []
    for ack in acks:
        flag = first.get(ack.chain) or ack.flagged
        mine = uow.journal.entry(till_id, ack.chain, ack.number) if ack.number else None
        own = heads[ack.chain].number if ack.chain in heads else 0
        if flag is None and mine is not None and mine.hash != ack.hash:
            flag = (f"the server holds {ack.chain} entry {ack.number} with another hash"
                    " than this till's")
        elif flag is None and ack.number > own:
            flag = (f"the server holds {ack.chain} up to entry {ack.number}, this till only"
                    f" up to {own}")
        checked.append(replace(ack, flagged=flag))
    return checked


def acknowledged_now(ctx: Context, ports: SyncPorts) -> list[ChainAck]:
    """The heads the server holds of this till's journal now, as it answers a push of
    no entries (nothing changes on either side, the till's copy of them included):
    `caisse journal verify --with-server` checks the journal against them. Raises
    NotEnrolled, and a SyncError when the server does not answer."""
    return ports.server.push_journal(_enrolled_access(ctx, ports), []).value


def _enrolled_access(ctx: Context, ports: SyncPorts) -> ServerAccess:
    """How this till reaches its server; NotEnrolled when it has none."""
    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        link = uow.sync.link()
    if link is None:
        raise NotEnrolled()
    return _access(ports, till, link)


def _access(ports: SyncPorts, till: Till, link: SyncLink) -> ServerAccess:
    """The server's address with this till's token (kept apart from the store)."""
    token = ports.tokens.load(till.id)
    if token is None:
        raise TokenUnavailable("none is kept: enrol the till again")
    return ServerAccess(link.server_url, till.id, token, link.ca_file)


# -- where the till stands --------------------------------------------------------------------


def sync_status(ctx: Context, tokens: TokenStore | None = None) -> SyncStatus:
    """Enrolled or not, the server, online or offline since when, the last contact and
    the last error, the records waiting, sent and rejected (the rejected ones listed
    with the server's reasons), each chain's head and the server's acknowledgement of
    it with its flag, the journal entries still to send, the clock's offset, and the
    orders pulled that wait to be held here."""
    with ctx.uow(write=False) as uow:
        till = local_till(uow)
        link = uow.sync.link()
        counts = uow.outbox.counts()
        rejected = uow.outbox.rejected(REJECTED_SHOWN)
        acks = {ack.chain: ack for ack in uow.sync.acknowledgements(till.id)}
        heads = uow.journal.heads(till.id)
        waiting = uow.journal.count_after(till.id, 0 if link is None
                                          else link.journal_sent_seq)
        held = uow.sync.held_pulled(REJECTED_SHOWN)
    chains = [ChainStatus(chain, heads[chain].number if chain in heads else 0,
                          acks.get(chain))
              for chain in sorted(set(heads) | set(acks)) if chain != "training"]
    location = None
    if tokens is not None and link is not None:
        try:
            location = tokens.location(till.id)
        except SyncError as error:
            location = str(error)
    return SyncStatus(link, counts, rejected, chains, waiting, location, held)
