"""What the use cases need from the outside world. Adapters implement these Protocols."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from pos_app.domain.errors import DomainError

if TYPE_CHECKING:  # named in signatures only: using a port loads none of them
    from pos_app.domain.admission import AdmissionRule
    from pos_app.domain.catalogue import Category, Product
    from pos_app.domain.closure import (
        CashCount,
        CashMovementKind,
        Closure,
        ClosureKind,
        Takings,
    )
    from pos_app.domain.customer import Customer, NamePattern
    from pos_app.domain.devices import DeviceSettings
    from pos_app.domain.document import Document
    from pos_app.domain.draft import Draft
    from pos_app.domain.favourites import Favourites
    from pos_app.domain.gate import TicketConflict, TicketKey, TicketState, Validation
    from pos_app.domain.held_basket import HeldBasket
    from pos_app.domain.journal import Chain, ChainHead, JournalEntry
    from pos_app.domain.lockout import SignInOutcome
    from pos_app.domain.order import Cancellation, CreditNote, Order, Refund, StatusFilter
    from pos_app.domain.payment import Payment, PaymentMethod
    from pos_app.domain.printing import PrinterStatus, PrintJob, QueuedJob
    from pos_app.domain.pulled_order import PulledOrder
    from pos_app.domain.receipt import Venue
    from pos_app.domain.scan import Scan
    from pos_app.domain.schedule import SharedStock, Slot
    from pos_app.domain.staff import Role, StaffMember
    from pos_app.domain.sync import (
        ChainAck,
        PulledPage,
        QueuedRecord,
        RecordOutcome,
        SyncCounts,
        SyncLink,
    )
    from pos_app.domain.ticket import Ticket
    from pos_app.domain.till import Till, TillSession


class StoreError(DomainError):
    """The till's own store refused the whole action: nothing of it was written."""


class StoreFull(StoreError):
    def __init__(self) -> None:
        super().__init__("the disk holding the store is full; nothing was written")


class StoreBusy(StoreError):
    def __init__(self) -> None:
        super().__init__("the store stayed locked by another program; nothing was written")


class StoreDamaged(StoreError):
    def __init__(self) -> None:
        super().__init__("the store file is damaged; nothing was written")


class StoreUnavailable(StoreError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"the store cannot be written ({detail}); nothing was written")
        self.detail = detail


class SigningKeyUnavailable(DomainError):
    """The till's signing key is known but cannot be read: nothing can be journaled, so
    nothing is sold until it is back."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class PrinterUnavailable(DomainError):
    """The printer did not take the document (off, unplugged, cover open, no paper): it
    stays in the queue."""

    def __init__(self, detail: str, *, started: bool = False) -> None:
        super().__init__(f"the printer is unavailable: {detail}")
        self.detail = detail
        # Some of the document's bytes may have reached the printer (the line died
        # mid-job, or the printer never confirmed it after): it is printed again whole,
        # marked as a reprint, since part of it, or all of it, may be on paper already.
        self.started = started


class ScannerUnavailable(DomainError):
    """A code reader (camera, serial reader) cannot be opened or has gone: codes can still
    be typed or read by another reader."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the code reader is unavailable: {detail}")
        self.detail = detail


class SettingsNotSaved(DomainError):
    """A settings file could not be written (a full disk, a read-only folder): the
    settings before the change are still the ones in use."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"the settings could not be written to {path}: {detail}")
        self.path, self.detail = path, detail


class Printer(Protocol):
    def send(self, data: bytes) -> None:
        """Hand `data` to the printer once it says it can print it, and return once the
        printer has confirmed it after the job (its status after the cut, or what the
        transport can say: docs/devices.md); raises PrinterUnavailable otherwise, with
        `started` when some of the bytes may have been printed."""
        ...

    def status(self) -> PrinterStatus:
        """What the printer says of itself (unknown where it cannot say); raises
        PrinterUnavailable when it cannot be reached."""
        ...


class DeviceSettingsStore(Protocol):
    def load(self) -> tuple[DeviceSettings, list[str]]:
        """The settings, and a sentence for each value that could not be used (its
        default is used instead)."""
        ...

    def save(self, settings: DeviceSettings) -> None:
        """Raises SettingsNotSaved when they cannot be written (the old ones stay)."""
        ...


class CodeReader(Protocol):
    def stop(self) -> None: ...


class TillDevices(Protocol):
    """The till's devices as its settings describe them (built by bootstrap)."""

    config: DeviceSettingsStore
    settings: DeviceSettings
    problems: list[str]  # values of the settings that could not be used

    @property
    def paper_mm(self) -> int: ...

    def with_settings(self, settings: DeviceSettings) -> TillDevices:
        """The devices other settings describe."""
        ...

    def with_reader_only(self, kind: str) -> TillDevices:
        """These devices with only one code reader: "scanner" (serial) or "camera"."""
        ...

    def printer(self) -> Printer | None:
        """None when the till has none; ValueError when its address cannot be read."""
        ...

    def drawer(self) -> CashDrawer | None: ...

    def status(self) -> PrinterStatus: ...

    def escpos(self, document: Document) -> bytes:
        """The document as the till's printer prints it."""
        ...

    def roll_png(self, document: Document) -> bytes:
        """A picture of the document as the till's printer would print it."""
        ...

    def discover(self) -> dict[str, list[tuple[str, str]]]:
        """Serial ports and cameras found: (address, description) each."""
        ...

    def start_readers(self, on_scan: Callable[[Scan], None],
                      on_end: Callable[[str, BaseException | None], None],
                      on_problem: Callable[[str, str], None] | None = None,
                      ) -> Sequence[CodeReader]:
        """The code readers set (serial, camera), each on its own thread; one that
        cannot be opened, or fails while it reads, is said to `on_end` (its port or
        source, and the failure; None when it was stopped); a code a reader drops or
        rejects (a partial code, noise) to `on_problem` (its port, a sentence)."""
        ...


class CashDrawer(Protocol):
    def kick(self) -> None:
        """Open the drawer now (never queued: a drawer that opens hours later is worse
        than one that does not); raises PrinterUnavailable when it cannot."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, offset-aware, in UTC."""
        ...


class SecretHasher(Protocol):
    def hash(self, secret: str) -> str: ...

    def verify(self, stored_hash: str, secret: str) -> bool: ...

    def prepare(self) -> None:
        """Load what checking a secret needs, ahead of the first check."""
        ...


class Signer(Protocol):
    """The till's signing key (Ed25519): signs journal entries, checks signatures."""

    @property
    def key_id(self) -> str: ...

    @property
    def public_key(self) -> str:
        """The raw public key, hex."""
        ...

    @property
    def location(self) -> str:
        """Where the private key is kept, in words."""
        ...

    def sign(self, digest: bytes) -> bytes: ...

    def verify(self, public_key: str, digest: bytes, signature: bytes) -> bool: ...

    def exists(self) -> bool:
        """Whether this till has a key yet (asking makes none)."""
        ...

    def prepare(self) -> None:
        """Load the key (making it if there is none) ahead of the first signature."""
        ...

    def rotate(self, record: Callable[[str, str, Callable[[bytes], bytes]], None]) -> None:
        """Make a new key; `record(key_id, public_key, sign_with_new_key)` journals its
        rotation signed by the current key (and countersigned by the new one), and
        commits; then the new key signs, the previous one is removed. Nothing changes if
        `record` raises."""
        ...


@dataclass(frozen=True, slots=True)
class OrderSummary:
    """One row of an order search: enough to pick the order in a list."""

    number: str
    created_at: datetime
    payer_name: str | None
    total_cents: int  # as sold
    left_cents: int  # to pay: its returns off, nothing once cancelled
    cancelled: bool


class CatalogueRepository(Protocol):
    def get(self, product_id: str) -> Product | None: ...

    def get_by_barcode(self, code: str) -> Product | None: ...

    def barcode_owners(self, codes: Sequence[str]) -> dict[str, str]:
        """The id of the product holding each of `codes` that is held at all."""
        ...

    def search(self, text: str, limit: int) -> list[Product]: ...

    def in_category(self, category_id: str | None, limit: int) -> list[Product]: ...

    def get_many(self, product_ids: Sequence[str]) -> list[Product]: ...

    def categories(self) -> list[Category]: ...

    def save_category(self, category: Category) -> None: ...

    def save(self, product: Product) -> None: ...

    def save_many(self, products: Sequence[Product]) -> None:
        """Create or replace each product (ids all different) with its prices, barcodes
        and search entry; as cheap per product as the store allows."""
        ...

    def release_barcodes(self, codes: Sequence[str]) -> None:
        """Take `codes` off whichever products hold them."""
        ...

    def name(self, product_id: str) -> str | None:
        """A product's name (None: not in the catalogue)."""
        ...

    def remove_unused_categories(self, category_ids: Sequence[str]) -> int:
        """Remove each of `category_ids` that no product is in; how many went."""
        ...

    def admissions(self, product_ids: Sequence[str]) -> dict[str, AdmissionRule]:
        """The admission rule of each of `product_ids` that is an admission."""
        ...


@dataclass(frozen=True, slots=True)
class TicketAtGate:
    """One of this till's tickets as a gate judges it: its terms and what happened to
    it here, with its order's state and the name of its product (read in one statement:
    the rest of the ticket is not needed at the gate)."""

    product_id: str
    valid_from: datetime
    valid_until: datetime
    entries_allowed: int | None
    token: str
    key_id: str
    voided_at: datetime | None
    revoked_at: datetime | None
    entries_used: int  # let in at this till
    last_validated_at: datetime | None
    order_cancelled: bool
    left_to_pay_cents: int  # what its order still owes (its returns off)
    product_name: str | None


@dataclass(frozen=True, slots=True)
class GateView:
    """Everything this till knows of one reference, read in indexed lookups (the verdict
    is on the checker's hot path): its own ticket (`own`, with its order's state), the
    server's view (`state`), this till's own acts on it, and the name of its product."""

    own: TicketAtGate | None
    state: TicketState | None
    used_here: int  # entries let in here, synced or not
    last_here: datetime | None
    voided_here: datetime | None
    product_name: str | None


class ScheduleRepository(Protocol):
    """Shared stocks and slots (R3, domain/schedule.py)."""

    def slots_of_product(self, product_id: str, start: datetime,
                         end: datetime) -> list[Slot]:
        """The product's slots overlapping [start, end), in order of start."""
        ...

    def slots_on_stock(self, stock_id: str, start: datetime, end: datetime) -> list[Slot]:
        """The slots overlapping [start, end) of every product drawing on the stock, in
        order of start."""
        ...

    def slots_between(self, start: datetime, end: datetime) -> list[tuple[Slot, str | None]]:
        """Every slot overlapping [start, end), with the stock its product draws on (None:
        none), in order of start."""
        ...

    def slot(self, slot_id: str) -> Slot | None: ...

    def stock(self, stock_id: str) -> SharedStock | None:
        """The stock with its exceptions."""
        ...

    def stocks_held(self, stock_ids: Sequence[str]) -> set[str]:
        """Which of `stock_ids` the store holds."""
        ...

    def dated_products(self, product_ids: Sequence[str]) -> dict[str, bool]:
        """Of `product_ids`, each stored one's `dated`."""
        ...

    def save_stocks(self, stocks: Sequence[SharedStock]) -> None:
        """Create or replace shared stocks, with their exceptions."""
        ...

    def save_slots(self, slots: Sequence[Slot]) -> None:
        """Create or replace slots."""
        ...

    def remove_unused_stocks(self, stock_ids: Sequence[str]) -> int:
        """Remove the stocks no product draws on; how many were."""
        ...

    def remove_slots(self, slot_ids: Sequence[str]) -> int:
        """Remove slots, emptying instead those order lines name; how many were."""
        ...


class TicketRepository(Protocol):
    """Admission tickets as issued with their sales (R11)."""

    def gate_view(self, reference: str) -> GateView:
        """What the gate knows of `reference`, in one statement."""
        ...

    def add_many(self, tickets: Sequence[Ticket]) -> None: ...

    def get(self, reference: str) -> Ticket | None: ...

    def mark_validated(self, reference: str, at: datetime) -> None:
        """Count one entry on the ticket (its last at `at`), if this till holds it."""
        ...

    def mark_voided(self, reference: str, at: datetime, reason: str) -> None:
        """Void the ticket, if this till holds it and it is not voided yet."""
        ...

    def of_order(self, order_id: str) -> list[Ticket]:
        """An order's tickets, by line and place."""
        ...

    def revoke_order(self, order_id: str, at: datetime) -> list[str]:
        """Revoke every ticket of the order not revoked yet; the references revoked."""
        ...

    def revoke_places(self, order_id: str, line_position: int, places: int,
                      at: datetime) -> list[str]:
        """Revoke `places` of a line's tickets not revoked yet; the references revoked."""
        ...


class TicketValidationRepository(Protocol):
    """Every validation, refusal and void made at this till's gate (R11)."""

    def add(self, validation: Validation) -> None: ...

    def used(self, reference: str) -> tuple[int, datetime | None]:
        """The entries this till let in on `reference` (synced or not), and the last
        one's time: one indexed statement."""
        ...

    def count(self, reference: str) -> int: ...

    def last(self, reference: str) -> datetime | None: ...

    def acts(self, reference: str) -> tuple[int, datetime | None, datetime | None]:
        """`used`, and when this till voided the ticket (None: it did not)."""
        ...

    def between(self, start: datetime, end: datetime) -> list[Validation]:
        """Every act from `start` (included) to `end` (excluded), in time order."""
        ...

    def entries_since(self, start: datetime) -> int:
        """The entries let in here from `start` on."""
        ...


class TicketKeyRepository(Protocol):
    """The enrolled tills' public keys, pulled: what a token is checked with."""

    def public_key(self, key_id: str) -> str | None: ...

    def all(self) -> list[TicketKey]: ...

    def save_many(self, keys: Sequence[TicketKey]) -> None:
        """Create or replace each key."""
        ...


class TicketStateRepository(Protocol):
    """The server's view of the venue's tickets, pulled."""

    def get(self, reference: str) -> TicketState | None: ...

    def save_many(self, states: Sequence[TicketState]) -> None:
        """Create or replace each ticket's state."""
        ...

    def delete(self, references: Sequence[str]) -> None: ...


class TicketConflictRepository(Protocol):
    """The conflicts the server recorded between gates, pulled."""

    def all(self) -> list[TicketConflict]:
        """Newest first."""
        ...

    def save_many(self, conflicts: Sequence[TicketConflict]) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...


class CustomerRepository(Protocol):
    def get(self, customer_id: str) -> Customer | None: ...

    def get_by_card_code(self, code: str) -> Customer | None:
        """The customer whose membership card carries `code`."""
        ...

    def search(self, pattern: NamePattern, limit: int) -> list[Customer]: ...

    def save(self, customer: Customer) -> None: ...

    def save_many(self, customers: Sequence[Customer]) -> None:
        """Create or replace each customer (ids and card codes all different); a card
        code one of them is given is taken from any other customer holding it."""
        ...

    def remove_unreferenced(self, customer_ids: Sequence[str]) -> int:
        """Remove each of `customer_ids` that no order or sale in progress names as its
        payer (those stay, as the receipts and invoices name them); how many went."""
        ...


@dataclass(frozen=True, slots=True)
class HeldOrder:
    """An order document a pull brought that this till could not hold yet, and why."""

    order_id: str
    number: str
    document: str  # JSON, as the server sent it
    reason: str
    held_at: datetime


class OrderRepository(Protocol):
    """Every record says the till session it was made in (`session_id`, None in
    training): what a Z covers."""

    def add(self, order: Order, session_id: str | None) -> None:
        """Insert a new order with its lines, VAT per rate and payments."""
        ...

    def booked_places(self, slot_ids: Sequence[str]) -> dict[str, int]:
        """The places sold in each slot (R3), by every till whose orders are held here:
        cancelled orders, places returned and training sales left out; a slot with none
        is absent."""
        ...

    def add_payment(self, order: Order, payment: Payment, till_id: str,
                    session_id: str | None) -> None:
        """Record a payment taken later, at till `till_id`."""
        ...

    def add_cancellation(self, order: Order, cancellation: Cancellation, till_id: str,
                         session_id: str | None) -> None:
        """Mark the order cancelled, at till `till_id`."""
        ...

    def add_return(self, note: CreditNote, session_id: str | None) -> None:
        """Record a credit note with its lines and VAT."""
        ...

    def add_refunds(self, order: Order, refunds: list[Refund], till_id: str,
                    session_id: str | None) -> None: ...

    def get_by_number(self, number: str) -> Order | None: ...

    def postal_code_counts(self, till_id: str, start: datetime,
                           end: datetime) -> list[tuple[str | None, int]]:
        """How many active orders `till_id` sold from `start` (included) to `end`
        (excluded) per postal code answer (None: not asked); training orders never."""
        ...

    def merge_pulled(self, pulled: PulledOrder, local: Till) -> str | None:
        """Hold what tills other than `local` made of an order the server sent
        (the order itself when another till sold it), in no session of this till;
        why it cannot be held here (nothing of it written), or None."""
        ...


    def search(self, text: str, status: StatusFilter, limit: int,
               training: bool = False) -> list[OrderSummary]:
        """Orders found by number or payer; training orders only with `training`."""
        ...


class DraftRepository(Protocol):
    """The till's sale in progress (one at a time)."""

    def current(self, till_id: str) -> Draft | None: ...

    def save(self, draft: Draft) -> None:
        """The draft as it stands: basket, payer and payments."""
        ...

    def get(self, draft_id: str) -> Draft | None:
        """A sale in progress or on hold, by its id."""
        ...

    def delete(self, draft_id: str) -> None: ...


class HeldBasketRepository(Protocol):
    """Sales in progress set aside under a name (baskets on hold), several per till."""

    def waiting(self, till_id: str, training: bool) -> list[HeldBasket]:
        """The till's baskets on hold (training ones only with `training`), the longest
        waiting first."""
        ...

    def names(self, till_id: str) -> list[str]: ...

    def hold(self, draft_id: str, name: str, at: datetime, staff_id: str) -> None:
        """Set the sale in progress aside: it is the till's sale in progress no more."""
        ...

    def is_held(self, draft_id: str, till_id: str) -> bool: ...

    def take_up(self, draft_id: str, version: int) -> None:
        """The basket on hold becomes the till's sale in progress again, its saves
        numbered from `version` on."""
        ...


class StaffRepository(Protocol):
    def get_by_login(self, login: str) -> tuple[StaffMember, str] | None:
        """The member and their stored secret hash."""
        ...

    def save(self, member: StaffMember, secret_hash: str) -> None: ...

    def failures_since_success(self, login: str) -> list[datetime]:
        """Times of the failed sign-ins of `login` since its last success (or a manager's
        unlocking), oldest first."""
        ...

    def record_attempt(self, login: str, at: datetime, outcome: SignInOutcome) -> None: ...

    def count(self) -> int: ...

    def active_members(self) -> list[StaffMember]:
        """The members who may sign in, by display name."""
        ...

    def count_active(self, roles: Sequence[Role]) -> int:
        """How many active members have one of `roles`."""
        ...


class PaymentMethodRepository(Protocol):
    def get(self, code: str) -> PaymentMethod | None: ...

    def active(self) -> list[PaymentMethod]: ...

    def save(self, method: PaymentMethod) -> None: ...


class FavouritesRepository(Protocol):
    def get(self, till_id: str) -> Favourites: ...

    def save(self, favourites: Favourites) -> None: ...


class PolicyRepository(Protocol):
    def kept(self) -> dict[str, str]:
        """The till's rules as kept, by name (domain/policy.py reads them)."""
        ...

    def keep(self, name: str, value: str) -> None: ...


class TillRepository(Protocol):
    def local(self) -> Till | None:
        """The till this store belongs to, once initialised."""
        ...

    def save(self, till: Till) -> None: ...

    def get(self, till_id: str) -> Till | None:
        """This till or another of the venue (known here by the orders it sold)."""
        ...

    def latest_session(self, till_id: str) -> TillSession | None: ...

    def open_session(self, session: TillSession) -> None: ...

    def shift_clock(self, till_id: str, seconds: int) -> None:
        """A clock jump noticed: the open session's age leaves it out."""
        ...

    def venue(self) -> Venue | None:
        """The venue that sells, named on receipts."""
        ...

    def save_venue(self, venue: Venue) -> None: ...

    def start_closing(self, session_id: str, at: datetime) -> None:
        """R6: a closure began; the till shows as closing until it ends."""
        ...

    def stop_closing(self, session_id: str) -> None:
        """A closure started was abandoned: the session is open again."""
        ...

    def close_session(self, session_id: str, at: datetime) -> None: ...


class SequenceRepository(Protocol):
    def next(self, till_id: str, kind: str) -> int:
        """The next number of a gapless series; taken inside the caller's transaction."""
        ...


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    """A record for the server: `order.validated`, `payment.taken`, `order.cancelled`…
    (the kinds of `sync.contract.Kind`); `entry` is the journal entry that recorded the
    same change, when the journal holds it."""

    kind: str
    aggregate_id: str
    payload: dict[str, Any]
    entry: JournalEntry | None = None


class Outbox(Protocol):
    def add(self, records: Sequence[OutboxRecord], at: datetime) -> None:
        """Queue records for the server, in the same transaction as the change they report."""
        ...

    def waiting(self, limit: int) -> list[QueuedRecord]:
        """The oldest records not yet answered, in the order they were written."""
        ...

    def settle(self, outcomes: Sequence[RecordOutcome], at: datetime) -> None:
        """Record the server's answers: sent, rejected (with its reason), or still
        waiting (tried once more)."""
        ...

    def counts(self) -> SyncCounts: ...

    def unsettled(self) -> SyncCounts:
        """The records waiting and rejected, and the oldest waiting one's time, without
        counting those sent (`sent` is 0): what each heartbeat tells the server, read
        from the state's index however many records went before."""
        ...

    def rejected(self, limit: int) -> list[QueuedRecord]:
        """The records the server refused, newest first: kept, and shown."""
        ...


class SyncStateRepository(Protocol):
    """Where the till stands with its server (docs/sync.md), and the orders a pull
    brought that wait to be held (services/pulled_orders.py)."""

    def hold_pulled(self, order_id: str, number: str, document: str, reason: str,
                    at: datetime) -> None:
        """Keep an order document that could not be held (replacing an older one)."""
        ...

    def release_pulled(self, order_ids: Sequence[str]) -> None: ...

    def held_pulled(self, limit: int) -> list[HeldOrder]:
        """The documents kept, the oldest first."""
        ...

    def count_held(self) -> int: ...

    def link(self) -> SyncLink | None:
        """The enrolment, or None when the till has no server."""
        ...

    def enrol(self, server_url: str, till_name: str, at: datetime,
              ca_file: str | None) -> None:
        """Bind the till to a server (again: a new enrolment starts its sync afresh)."""
        ...

    def note_contact(self, at: datetime, clock_offset_seconds: int) -> None:
        """The server answered: online, and how far its clock is from the till's."""
        ...

    def note_failure(self, at: datetime, error: str) -> None:
        """The server did not answer: offline since the first failure."""
        ...

    def advance_journal(self, seq: int) -> None: ...

    def advance_cursor(self, cursor: int) -> None: ...

    def acknowledgements(self, till_id: str) -> list[ChainAck]: ...

    def acknowledge(self, till_id: str, acks: Sequence[ChainAck], at: datetime) -> None:
        """Keep the heads the server acknowledged, and its flags: a chain's first flag
        stays (as on the server), whatever later acknowledgements say."""
        ...


# -- the central server (docs/sync.md) ------------------------------------------------------


class SyncError(DomainError):
    """A round with the server did not go through; nothing it did not answer is marked
    sent, and the records and the journal wait for the next round."""


class ServerUnreachable(SyncError):
    """No answer (no network, the server down or too slow, a TLS failure), or an answer
    saying "not now" (429, 503, 5xx): tried again later, after `retry_after_s` when the
    server named a wait."""

    def __init__(self, detail: str, retry_after_s: float | None = None) -> None:
        super().__init__(f"the server cannot be reached: {detail}")
        self.detail, self.retry_after_s = detail, retry_after_s


class ServerReplyUnreadable(SyncError):
    """The server answered something the protocol does not allow, or the answer was cut
    off: taken as no answer at all."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the server's reply is unreadable: {detail}")
        self.detail = detail


class ServerRefused(SyncError):
    """The server turned the request down (a 4xx other than 401 and 429), with its
    reason: nothing of it was stored."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"the server refused the request ({status}): {reason}")
        self.status, self.reason = status, reason


class TokenRefused(SyncError):
    """The server no longer takes this till's token (401): the till was revoked, or
    enrolled again elsewhere. Records are kept; it has to be enrolled again."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"this till is no longer enrolled (token refused or revoked):"
                         f" {reason}")
        self.reason = reason


class TokenUnavailable(SyncError):
    """The till's token cannot be read (none kept, the keyring locked or gone)."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the till's server token cannot be read: {detail}")
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ServerAccess:
    """How to reach the server as this till: its address, the till's id there, its token
    (None only to enrol) and the certificate authority to trust (None: the system's)."""

    url: str
    till_id: str
    token: str | None = None
    ca_file: str | None = None


_Value = TypeVar("_Value")


@dataclass(frozen=True, slots=True)
class ServerReply(Generic[_Value]):
    """What the server answered, and its clock when it answered (every answer says it)."""

    value: _Value
    server_time: datetime


@dataclass(frozen=True, slots=True)
class Enrolment:
    till_name: str  # the till's name on the server
    token: str


class SyncServer(Protocol):
    """The central server, reached over the network. Each call is one request; a failure
    raises a SyncError (never anything else for a network or protocol problem)."""

    def enrol(self, access: ServerAccess, code: str, public_key: str, key_id: str,
              version: str) -> ServerReply[Enrolment]:
        """Enrol this till with the one-time `code` and its journal's public key."""
        ...

    def ping(self, access: ServerAccess, outbox: SyncCounts | None = None
             ) -> ServerReply[str]:
        """Whether the server answers this till's token; the till's name there. With
        `outbox`, the heartbeat tells the server what waits in the outbox and what it
        rejected (its status page shows it)."""
        ...

    def push_records(self, access: ServerAccess, records: Sequence[QueuedRecord]
                     ) -> ServerReply[list[RecordOutcome]]:
        """Send `records` (at most 500, oldest first); the outcome of each record the
        server answered (sent, rejected with its reason, or waiting). A record left out
        of the answer was not taken: it is sent again."""
        ...

    def push_journal(self, access: ServerAccess, entries: Sequence[JournalEntry]
                     ) -> ServerReply[list[ChainAck]]:
        """Send journal entries (at most 500, in store order); the head the server
        acknowledges for each chain it holds, and its flag when it has one."""
        ...

    def changes(self, access: ServerAccess, since: int, limit: int
                ) -> ServerReply[PulledPage]:
        """The reference data changed after cursor `since`, oldest first, at most
        `limit` changes."""
        ...


class TokenStore(Protocol):
    """Where the till keeps the token the server gave it (a secret)."""

    def load(self, till_id: str) -> str | None:
        """None when no token is kept; TokenUnavailable when it cannot be read."""
        ...

    def save(self, till_id: str, token: str) -> None:
        """Keep `token` (in place of any other); TokenUnavailable when it cannot be."""
        ...

    def location(self, till_id: str) -> str:
        """Where the token is kept, in words (nothing secret)."""
        ...


class JournalRepository(Protocol):
    def head(self, till_id: str, chain: str) -> ChainHead | None: ...

    def heads(self, till_id: str) -> dict[str, ChainHead]: ...

    def add(self, entry: JournalEntry) -> None:
        """Append `entry`; the store refuses one that does not follow its chain's head."""
        ...

    def register_key(self, key_id: str, public_key: str, at: datetime) -> bool:
        """Record a signing key; False when it was known already."""
        ...

    def knows_key(self, key_id: str) -> bool:
        """Whether the key is recorded (till_keys)."""
        ...

    def keys(self) -> dict[str, str]:
        """Every registered key: id → public key (hex)."""
        ...

    def newest_key(self) -> str | None:
        """The key recorded last (a rotation's new key), if any."""
        ...

    def key_events(self, till_id: str) -> list[JournalEntry]:
        """The event journal's key announcements and rotations, in the order written."""
        ...

    def chains(self, till_id: str) -> list[str]: ...

    def after(self, till_id: str, seq: int, limit: int) -> list[tuple[int, JournalEntry]]:
        """Entries written after store position `seq`, in that order, each with its
        position; the training chain is left out (it is never sent)."""
        ...

    def count_after(self, till_id: str, seq: int) -> int:
        """How many entries `after` would give, with no limit."""
        ...

    def entry(self, till_id: str, chain: str, number: int) -> JournalEntry | None:
        """The till's entry `number` of `chain`, as its store holds it now."""
        ...

    def rows(self, till_id: str, chain: str) -> Iterator[tuple[Any, ...]]:
        """(number, at, previous hash, hash, amount, body, signature, key id) in number
        order, read lazily."""
        ...

    def store_order(self, till_id: str) -> Iterator[tuple[Any, ...]]:
        """(chain, number, key id, event name or "", body, hash, signature, at, jump) of
        every entry of the till, all chains, in the order the store wrote them, read
        lazily; body, hash and signature for event entries only (None for others), jump
        an event entry's `newest_entry` and `now` space-separated, as a clock jump
        records them ("" for others)."""
        ...

    def other_tills(self, till_id: str) -> list[str]:
        """The till ids other than `till_id` that journal entries or heads name."""
        ...

    def records_to_journal(self, till_id: str) -> dict[str, int]:
        """Chain → how many records of the store made at this till that chain journals
        (orders, payments, refunds: order or training; closures; cash movements: event).
        Chains with none are left out."""
        ...

    def last(self, till_id: str, chain: str) -> JournalEntry | None: ...

    def sale_of(self, till_id: str, order_number: str,
                chain: Chain = ...) -> JournalEntry | None:
        """The sale entry of an order made at this till (in `chain`: order by default)."""
        ...

    def order_entries(self, till_id: str, chain: Chain, order_id: str,
                      after: int) -> list[JournalEntry]:
        """The entries of `chain` numbered after `after` that name the order `order_id`
        (its payments, returns, refunds, cancellation), by number."""
        ...

    def last_device_event(self, till_id: str, device: str) -> JournalEntry | None:
        """The newest `device_error` or `device_back` entry of `device` ("printer")."""
        ...

    def last_event(self, till_id: str, *events: str, after: int = 0) -> JournalEntry | None:
        """The newest entry of the event journal recording one of `events` (whose body
        has no key sorting before "event", such as start), numbered after `after`."""
        ...

    def range_totals(self, till_id: str, chain: str, first: int,
                     last: int) -> tuple[int, int, int]:
        """Sum, sum of absolute values and count of the amounts of entries first..last."""
        ...

    def written_between(self, till_id: str, chain: str, after: int,
                        upto: int) -> list[tuple[Any, ...]]:
        """Every entry written after entry `after` of `chain` (0: from the first) up to
        entry `upto` of it, in the store's order: (till, chain, number, at, amount, body,
        previous hash, hash, signature, key id), by chain and number."""
        ...

    def newest(self, till_id: str) -> tuple[str, str] | None:
        """The time and body of the entry written last, in any chain."""
        ...


class RecordsRepository(Protocol):
    """The business rows `journal verify` reconciles with the journal, as plain tuples in
    the column orders domain/reconciliation.py lists: those made at `till_id` (in the
    training series or not), the big streams in the order their entries were written."""

    def sales(self, till_id: str, training: bool) -> Iterator[tuple[Any, ...]]: ...

    def sale_details(self, order_id: str) -> tuple[list[tuple[Any, ...]],
                                                    list[tuple[Any, ...]]]:
        """An order's lines and VAT rows."""

    def payments(self, till_id: str, training: bool) -> Iterator[tuple[Any, ...]]: ...

    def order_number(self, order_id: str) -> str | None: ...

    def refunds(self, till_id: str, training: bool) -> list[tuple[Any, ...]]: ...

    def cancellations(self, till_id: str, training: bool) -> list[tuple[Any, ...]]: ...

    def cancelled_vat(self, till_id: str, training: bool) -> list[tuple[Any, ...]]: ...

    def credit_notes(self, till_id: str, training: bool) -> list[tuple[Any, ...]]: ...

    def credit_note_lines(self, till_id: str, training: bool) -> list[tuple[Any, ...]]: ...

    def credit_note_vat(self, till_id: str, training: bool) -> list[tuple[Any, ...]]: ...

    def cash_movements(self, till_id: str) -> list[tuple[Any, ...]]: ...

    def sessions(self, till_id: str) -> list[tuple[Any, ...]]: ...

    def closures(self, till_id: str) -> list[tuple[Any, ...]]: ...

    def closure_methods(self, till_id: str) -> list[tuple[Any, ...]]: ...

    def closure_counts(self, till_id: str) -> list[tuple[Any, ...]]: ...

    def cash_methods(self) -> frozenset[str]: ...


class ClosureRepository(Protocol):
    """Sums over one till session: what a Z covers is what was recorded in it, whatever
    the clock said."""

    def add_cash_movement(self, movement_id: str, till_id: str, kind: CashMovementKind,
                          amount_cents: int, reason: str, staff_id: str, at: datetime,
                          session_id: str) -> None: ...

    def cash_movements(self, session_id: str) -> dict[CashMovementKind, int]:
        """Totals per kind."""
        ...

    def takings(self, session_id: str) -> Takings:
        """Sales, cancellations and returns recorded in the session, with VAT per rate
        net of the last two."""
        ...

    def payments(self, session_id: str) -> list[tuple[str, int, int]]:
        """(method, tendered, change) per method."""
        ...

    def refunds(self, session_id: str) -> dict[str, int]:
        """Refunded per method."""
        ...

    def last(self, till_id: str, kind: ClosureKind) -> Closure | None: ...

    def of_kind_after(self, till_id: str, kind: ClosureKind, after: int) -> list[Closure]:
        """The closures of `kind` numbered after `after`, in number order."""
        ...

    def between(self, till_id: str, start: datetime, end: datetime) -> list[Closure]: ...

    def method_figures(self, closure_id: str) -> list[tuple[str, int, int]]:
        """(method, expected, counted) recorded by a closure."""
        ...

    def add(self, closure: Closure, methods: list[tuple[str, int, int]],
            count: CashCount | None, session_id: str | None) -> None: ...


class PrintQueueRepository(Protocol):
    def add(self, kind: str, reference: str, data: bytes, at: datetime) -> int: ...

    def due(self, at: datetime, limit: int) -> list[PrintJob]:
        """Pending jobs, oldest first, once the oldest one's time has come (documents
        print in the order they were queued)."""
        ...

    def printed(self, seq: int, at: datetime) -> None: ...

    def sending(self, seq: int) -> None:
        """The job is about to be sent: until the attempt ends, a till that stops finds it
        started (printed again marked, as part of it may be on paper)."""
        ...

    def failed(self, seq: int, error: str, retry_at: datetime, started: bool) -> None:
        """Not printed; `started`: some of it may be on paper (it is reprinted marked)."""
        ...

    def delete(self, seq: int) -> QueuedJob | None:
        """Takes a job not printed yet out of the queue; the job, or None when there is
        no such job waiting."""
        ...

    def counts(self) -> dict[str, int]:
        """Jobs per status."""
        ...

    def recent(self, limit: int) -> list[QueuedJob]:
        """The jobs not printed yet, then the last printed ones, newest first."""
        ...

    def retry_now(self, at: datetime) -> None: ...

    def next_due(self) -> datetime | None:
        """When the oldest job not printed yet is to be tried."""
        ...


class UnitOfWork(Protocol):
    """One transaction: everything written through it commits together or not at all."""

    @property
    def catalogue(self) -> CatalogueRepository: ...

    @property
    def customers(self) -> CustomerRepository: ...

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def drafts(self) -> DraftRepository: ...

    @property
    def held_baskets(self) -> HeldBasketRepository: ...

    @property
    def staff(self) -> StaffRepository: ...

    @property
    def payment_methods(self) -> PaymentMethodRepository: ...

    @property
    def favourites(self) -> FavouritesRepository: ...

    @property
    def policies(self) -> PolicyRepository: ...

    @property
    def tills(self) -> TillRepository: ...

    @property
    def sequences(self) -> SequenceRepository: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def sync(self) -> SyncStateRepository: ...

    @property
    def journal(self) -> JournalRepository: ...

    @property
    def closures(self) -> ClosureRepository: ...

    @property
    def records(self) -> RecordsRepository: ...

    @property
    def print_jobs(self) -> PrintQueueRepository: ...

    @property
    def schedule(self) -> ScheduleRepository: ...

    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def ticket_validations(self) -> TicketValidationRepository: ...

    @property
    def ticket_keys(self) -> TicketKeyRepository: ...

    @property
    def ticket_states(self) -> TicketStateRepository: ...

    @property
    def ticket_conflicts(self) -> TicketConflictRepository: ...


    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        """Roll back whatever was not committed."""
        ...

    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = ..., snapshot: bool = ...) -> UnitOfWork:
        """A new unit of work; `write=True` takes the write lock at once. A read with
        `snapshot=False` opens no transaction: each statement sees the store as it is
        when it runs (for a hot path's read of one statement)."""
        ...
