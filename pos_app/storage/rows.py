"""The store's tables as SQLAlchemy 2 typed rows. Alembic migrations must agree with these."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false

from pos_app.storage.sql import from_optional_utc_text, utc_text


class UtcDateTime(TypeDecorator[datetime]):
    """Offset-aware datetimes stored as ISO 8601 UTC text, which sorts by time."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else utc_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        return from_optional_utc_text(value)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class TillRow(Base):
    __tablename__ = "tills"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    point_of_sale: Mapped[str] = mapped_column(String(200))
    order_prefix: Mapped[str] = mapped_column(String(32))
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)


class SequenceRow(Base):
    """The last number given in each gapless series of a till."""

    __tablename__ = "sequences"
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class CategoryRow(Base):
    __tablename__ = "categories"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProductRow(Base):
    __tablename__ = "products"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    category_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id"), index=True)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    article_code: Mapped[str | None] = mapped_column(String(64))
    accounting_code: Mapped[str | None] = mapped_column(String(64))
    published: Mapped[bool] = mapped_column(Boolean, default=True)
    counter_only: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # An admission (R11): entries per ticket (0: no limit), the margins of its window in
    # minutes, the days a ticket with no slot is valid; days NULL: not an admission.
    admission_entries: Mapped[int | None] = mapped_column(Integer)
    admission_before_minutes: Mapped[int | None] = mapped_column(Integer)
    admission_after_minutes: Mapped[int | None] = mapped_column(Integer)
    admission_days: Mapped[int | None] = mapped_column(Integer)
    # The shared stock its places draw on (R3), and whether it is sold by slot only.
    stock_id: Mapped[str | None] = mapped_column(String(64), index=True)
    dated: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # The product's rowid in product_fts: a stable integer that VACUUM cannot renumber.
    search_key: Mapped[int] = mapped_column(Integer, unique=True)


class PriceRow(Base):
    __tablename__ = "prices"
    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    amount_cents: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class BarcodeRow(Base):
    __tablename__ = "barcodes"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), index=True)


class SharedStockRow(Base):
    """A pool of units several products draw on (R3, domain/schedule.py)."""

    __tablename__ = "shared_stocks"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    planned: Mapped[bool] = mapped_column(Boolean)


class StockExceptionRow(Base):
    """A shared stock's quantity on one venue day, instead of its usual one."""

    __tablename__ = "stock_exceptions"
    stock_id: Mapped[str] = mapped_column(
        ForeignKey("shared_stocks.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD
    quantity: Mapped[int] = mapped_column(Integer)


class SlotRow(Base):
    """A dated product's slot, with its own places; `daily`: the same hours each day
    from its first to its last. Slots are read by product or by time over a month's
    planning."""

    __tablename__ = "slots"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    places: Mapped[int] = mapped_column(Integer)
    daily: Mapped[bool] = mapped_column(Boolean)
    __table_args__ = (Index("ix_slots_product_starts", "product_id", "starts_at"),
                      Index("ix_slots_starts_at", "starts_at"))


class CustomerRow(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    first_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(64))
    postal_code: Mapped[str | None] = mapped_column(String(16))
    # A membership card's code: one customer per card (a scan finds them).
    card_code: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)
    # Folded (lower case, no accents) copies that the R1 search filters on.
    name_folded: Mapped[str] = mapped_column(String(300), index=True)
    first_name_folded: Mapped[str | None] = mapped_column(String(200), index=True)


class StaffRow(Base):
    __tablename__ = "staff"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SignInAttemptRow(Base):
    """Every sign-in attempt, kept: the lockout counts failures from here (R19), and a
    manager can see who tried what and when."""

    __tablename__ = "sign_in_attempts"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    outcome: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_sign_in_attempts_login_at", "login", "at"),)


class TillSessionRow(Base):
    """A till's span from opening to its Z closure, numbered per till; the latest by
    number gives its state (never the latest by time: the clock may go back)."""

    __tablename__ = "till_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    number: Mapped[int] = mapped_column(Integer, server_default="0")
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_by: Mapped[str] = mapped_column(String(64))
    closing_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Clock jumps noticed while open, added up: the session's age leaves them out.
    clock_shift_seconds: Mapped[int] = mapped_column(Integer, server_default="0")

    __table_args__ = (Index("ix_till_sessions_till_number", "till_id", "number",
                            unique=True),)


class PaymentMethodRow(Base):
    __tablename__ = "payment_methods"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    gives_change: Mapped[bool] = mapped_column(Boolean, default=False)
    opens_drawer: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class FavouriteRow(Base):
    __tablename__ = "favourites"
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"), primary_key=True)
    product_id: Mapped[str] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class TillPolicyRow(Base):
    __tablename__ = "till_policies"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class OrderRow(Base):
    __tablename__ = "orders"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    staff_id: Mapped[str] = mapped_column(String(64))
    payer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    total_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(64))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_till_id: Mapped[str | None] = mapped_column(String(36))  # where it was cancelled
    training: Mapped[bool] = mapped_column(Boolean, server_default=false())  # never takings
    # The till sessions it was made and cancelled in: what a Z covers (none in training).
    session_id: Mapped[str | None] = mapped_column(String(36), index=True)
    cancelled_session_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # The basket's discount: what it came to, as a percentage when asked so, why, who.
    discount_cents: Mapped[int] = mapped_column(Integer, server_default="0")
    discount_percent: Mapped[int | None] = mapped_column(Integer)
    discount_reason: Mapped[str | None] = mapped_column(Text)
    discount_by: Mapped[str | None] = mapped_column(String(64))
    # Where the visitor comes from, when the till asked (R12): "75011", "abroad",
    # "declined"; none when not asked.
    postal_code: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_orders_till_sequence", "till_id", "training", "sequence",
                            unique=True),)


class OrderLineRow(Base):
    __tablename__ = "order_lines"
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(300))
    price_id: Mapped[str] = mapped_column(String(64))
    price_label: Mapped[str] = mapped_column(String(200))
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    # The line's own discount, its reason and who gave it (0, none: no discount).
    discount_cents: Mapped[int] = mapped_column(Integer, server_default="0")
    discount_reason: Mapped[str | None] = mapped_column(Text)
    discount_by: Mapped[str | None] = mapped_column(String(64))
    basket_discount_cents: Mapped[int] = mapped_column(Integer, server_default="0")
    # The slot (R3) the line's places were sold in, and its times as they were then (a
    # receipt says them whatever becomes of the slot); none for an undated product.
    slot_id: Mapped[str | None] = mapped_column(String(64), index=True)
    slot_starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    slot_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SlotBookingRow(Base):
    """Places booked per slot, kept by triggers (migration 0022): read by the planning."""

    __tablename__ = "slot_bookings"
    slot_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    places: Mapped[int] = mapped_column(Integer)


class OrderVatRow(Base):
    """VAT per rate, computed once at validation and kept as it was then."""

    __tablename__ = "order_vat"
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    rate_bp: Mapped[int] = mapped_column(Integer, primary_key=True)
    excl_cents: Mapped[int] = mapped_column(Integer)
    vat_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)


class PaymentRow(Base):
    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    method_code: Mapped[str] = mapped_column(ForeignKey("payment_methods.code"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    change_cents: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[str] = mapped_column(String(64))
    till_id: Mapped[str | None] = mapped_column(String(36))  # where it was taken
    training: Mapped[bool] = mapped_column(Boolean, server_default=false())
    session_id: Mapped[str | None] = mapped_column(String(36), index=True)


class CreditNoteRow(Base):
    """A return (avoir): lines of an order taken back, numbered per till (AV2-000001)."""

    __tablename__ = "credit_notes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    till_id: Mapped[str] = mapped_column(String(36))
    sequence: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    total_cents: Mapped[int] = mapped_column(Integer)
    training: Mapped[bool] = mapped_column(Boolean)
    session_id: Mapped[str | None] = mapped_column(String(36), index=True)


class CreditNoteLineRow(Base):
    __tablename__ = "credit_note_lines"
    credit_note_id: Mapped[str] = mapped_column(ForeignKey("credit_notes.id"),
                                                primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_line: Mapped[int] = mapped_column(Integer)  # the order line's position
    product_id: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(300))
    price_id: Mapped[str] = mapped_column(String(64))
    price_label: Mapped[str] = mapped_column(String(200))
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    # The line's own discount, its reason and who gave it (0, none: no discount).
    discount_cents: Mapped[int] = mapped_column(Integer, server_default="0")
    discount_reason: Mapped[str | None] = mapped_column(Text)
    discount_by: Mapped[str | None] = mapped_column(String(64))
    basket_discount_cents: Mapped[int] = mapped_column(Integer, server_default="0")
    # The slot whose places went back (its order line's), and its times.
    slot_id: Mapped[str | None] = mapped_column(String(64), index=True)
    slot_starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    slot_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CreditNoteVatRow(Base):
    __tablename__ = "credit_note_vat"
    credit_note_id: Mapped[str] = mapped_column(ForeignKey("credit_notes.id"),
                                                primary_key=True)
    rate_bp: Mapped[int] = mapped_column(Integer, primary_key=True)
    excl_cents: Mapped[int] = mapped_column(Integer)
    vat_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)


class RefundRow(Base):
    """Money given back, in one method, for a return, a cancellation, or an excess."""

    __tablename__ = "refunds"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    credit_note_id: Mapped[str | None] = mapped_column(ForeignKey("credit_notes.id"))
    method_code: Mapped[str] = mapped_column(ForeignKey("payment_methods.code"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[str] = mapped_column(String(64))
    till_id: Mapped[str] = mapped_column(String(36))  # where it was given
    training: Mapped[bool] = mapped_column(Boolean)
    session_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # Given back of what the order held beyond its worth (no return, no cancellation).
    excess: Mapped[bool] = mapped_column(Boolean, server_default="0")


class DraftRow(Base):
    """A sale in progress, one per till (and any number set aside, on hold): kept as it
    changes, never in the fiscal journal until it is validated as an order (then it is
    removed, in the same transaction)."""

    __tablename__ = "drafts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    till_id: Mapped[str] = mapped_column(String(36))
    staff_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    payer_id: Mapped[str | None] = mapped_column(String(64))
    training: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)  # of the basket: a late save never wins
    # Set aside to serve the next customer (a basket on hold): its name, when, by whom.
    held_name: Mapped[str | None] = mapped_column(String(60))
    held_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    held_by: Mapped[str | None] = mapped_column(String(64))

    # The basket's discount: what it came to, as a percentage when asked so, why, who.
    discount_cents: Mapped[int] = mapped_column(Integer, server_default="0")
    discount_percent: Mapped[int | None] = mapped_column(Integer)
    discount_reason: Mapped[str | None] = mapped_column(Text)
    discount_by: Mapped[str | None] = mapped_column(String(64))

    # The till's one sale in progress is the one not on hold.
    __table_args__ = (Index("ix_drafts_till_id", "till_id", unique=True,
                            sqlite_where=text("held_at IS NULL")),)


class DraftLineRow(Base):
    __tablename__ = "draft_lines"
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(300))
    price_id: Mapped[str] = mapped_column(String(64))
    price_label: Mapped[str] = mapped_column(String(200))
    unit_price_cents: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    # The line's own discount, its reason and who gave it (0, none: no discount).
    discount_cents: Mapped[int] = mapped_column(Integer, server_default="0")
    discount_reason: Mapped[str | None] = mapped_column(Text)
    discount_by: Mapped[str | None] = mapped_column(String(64))
    # The slot the line's places are taken in, and its times.
    slot_id: Mapped[str | None] = mapped_column(String(64))
    slot_starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    slot_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DraftPaymentRow(Base):
    """Money tendered for a sale in progress: what the customer handed over, kept."""

    __tablename__ = "draft_payments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    draft_id: Mapped[str] = mapped_column(ForeignKey("drafts.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    method_code: Mapped[str] = mapped_column(ForeignKey("payment_methods.code"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    change_cents: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[str] = mapped_column(String(64))


class OutboxRow(Base):
    """Records for the server (docs/sync.md), in the order they were written. `seq` is
    the till's own sequence of records (AUTOINCREMENT: never reused, even after the newest
    rows were removed); `record_id`, a UUIDv7, is the server's idempotency key. A record
    waits until the server answers it: sent (stored, or held already) or rejected, with
    the server's reason; a rejected record is kept, never dropped."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), unique=True)
    schema: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(64))
    aggregate_id: Mapped[str] = mapped_column(String(64))
    journal_chain: Mapped[str | None] = mapped_column(String(16))  # the entry it matches
    journal_number: Mapped[int | None] = mapped_column(Integer)
    journal_hash: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(16), server_default="waiting")
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("state IN ('waiting', 'sent', 'rejected')", name="ck_outbox_state"),
        Index("ix_outbox_state_seq", "state", "seq"),
        {"sqlite_autoincrement": True},
    )


class SyncStateRow(Base):
    """Where this till stands with its server (one row, once enrolled): the server's
    address, how far the journal and the reference data went, when it last answered.
    The token is not here: it is a secret, kept in the OS keyring or a private file."""

    __tablename__ = "sync_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_url: Mapped[str] = mapped_column(String(300))
    till_name: Mapped[str] = mapped_column(String(200))
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ca_file: Mapped[str | None] = mapped_column(Text)  # a private certificate authority
    journal_sent_seq: Mapped[int] = mapped_column(Integer, server_default="0")
    pull_cursor: Mapped[int] = mapped_column(Integer, server_default="0")
    last_contact_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    offline_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    clock_offset_seconds: Mapped[int | None] = mapped_column(Integer)  # server − till

    __table_args__ = (CheckConstraint("id = 1", name="ck_sync_state_one_row"),)


class HeldOrderRow(Base):
    """An order document a pull brought that the till could not hold yet, as it came
    (JSON), and why: tried again after each pull, shown on the Synchronisation screen."""

    __tablename__ = "held_orders"
    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    held_at: Mapped[datetime] = mapped_column(UtcDateTime)


class JournalAckRow(Base):
    """The last head of each chain the server acknowledged (checked and held), and why
    it flagged the chain if its copy and the till's disagree: the external witness."""

    __tablename__ = "journal_acks"
    till_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    chain: Mapped[str] = mapped_column(String(16), primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime] = mapped_column(UtcDateTime)
    flagged: Mapped[str | None] = mapped_column(Text)


class JournalEntryRow(Base):
    """The fiscal journal (domain/journal.py, docs/fiscal.md): append-only, triggers
    refuse UPDATE and DELETE, and refuse an entry that does not follow its chain's head."""

    __tablename__ = "journal_entries"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    till_id: Mapped[str] = mapped_column(String(36))
    chain: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    key_id: Mapped[str] = mapped_column(String(16))

    __table_args__ = (UniqueConstraint("till_id", "chain", "number"),)


class JournalHeadRow(Base):
    """Each chain's last entry, moved by a trigger as entries are added and never
    otherwise: a journal cut short no longer reaches its head."""

    __tablename__ = "journal_heads"
    till_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    chain: Mapped[str] = mapped_column(String(16), primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class TillKeyRow(Base):
    """The public keys that sign the journal; the private key stays in the OS keyring
    (or a file only the till's user reads)."""

    __tablename__ = "till_keys"
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CashMovementRow(Base):
    """Cash put in or taken out of the drawer outside sales: the opening float, a
    deposit, a withdrawal for the bank; each with who, when and why."""

    __tablename__ = "cash_movements"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    till_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    session_id: Mapped[str | None] = mapped_column(String(36), index=True)


class ClosureRow(Base):
    """A Z, monthly or yearly closure as recorded (its journal entry holds all of it)."""

    __tablename__ = "closures"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    till_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(8))
    number: Mapped[int] = mapped_column(Integer)
    period_start: Mapped[datetime | None] = mapped_column(UtcDateTime)
    period_end: Mapped[datetime] = mapped_column(UtcDateTime)
    staff_id: Mapped[str] = mapped_column(String(64))
    orders: Mapped[int] = mapped_column(Integer)
    takings_cents: Mapped[int] = mapped_column(Integer)
    perpetual_cents: Mapped[int] = mapped_column(Integer)
    perpetual_absolute_cents: Mapped[int] = mapped_column(Integer)
    expected_cash_cents: Mapped[int] = mapped_column(Integer)
    counted_cash_cents: Mapped[int] = mapped_column(Integer)
    journal_number: Mapped[int] = mapped_column(Integer)
    first_entry: Mapped[int] = mapped_column(Integer)  # the order-chain entries covered
    last_entry: Mapped[int] = mapped_column(Integer)
    session_id: Mapped[str | None] = mapped_column(String(36))  # the session a Z closed
    # A monthly (yearly) closure sums the Zs (months) numbered first_part to last_part.
    first_part: Mapped[int] = mapped_column(Integer, server_default="0")
    last_part: Mapped[int] = mapped_column(Integer, server_default="0")
    # A Z: why its counted cash differs from the expected (empty: not said), as signed.
    gap_reason: Mapped[str] = mapped_column(Text, server_default="")

    __table_args__ = (Index("ix_closures_till_end", "till_id", "period_end"),)


class ClosureMethodRow(Base):
    __tablename__ = "closure_methods"
    closure_id: Mapped[str] = mapped_column(ForeignKey("closures.id"), primary_key=True)
    method_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    expected_cents: Mapped[int] = mapped_column(Integer)
    counted_cents: Mapped[int] = mapped_column(Integer)


class ClosureCountRow(Base):
    """The cash counted at a closure, by euro note and coin."""

    __tablename__ = "closure_counts"
    closure_id: Mapped[str] = mapped_column(ForeignKey("closures.id"), primary_key=True)
    denomination_cents: Mapped[int] = mapped_column(Integer, primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)


class VenueRow(Base):
    """The venue that sells (one row): the seller its receipts name."""

    __tablename__ = "venue"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(16))
    city: Mapped[str] = mapped_column(String(100))
    siret: Mapped[str | None] = mapped_column(String(14))
    vat_number: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (CheckConstraint("id = 1", name="ck_venue_one_row"),)


class PrintJobRow(Base):
    """A document waiting for the printer (or printed): the queue survives restarts, and
    a dead printer never holds a sale up."""

    __tablename__ = "print_jobs"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    reference: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # An attempt may have printed part of it (the line died mid-job, no confirmation
    # after it): the next one prints it whole, marked as a reprint.
    started: Mapped[bool] = mapped_column(Boolean, server_default=false())

    __table_args__ = (Index("ix_print_jobs_status_next", "status", "next_attempt_at"),)


class TicketRow(Base):
    """An admission ticket issued with its sale (R11): one place of one order line, its
    validity, the signed token its QR code carries; revoked when its place is cancelled
    or returned; the entries a gate counted."""

    __tablename__ = "tickets"
    reference: Mapped[str] = mapped_column(String(16), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"))
    order_number: Mapped[str] = mapped_column(String(64))
    line_position: Mapped[int] = mapped_column(Integer)
    unit: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[datetime] = mapped_column(UtcDateTime)
    entries_allowed: Mapped[int | None] = mapped_column(Integer)  # NULL: no limit
    token: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    till_id: Mapped[str] = mapped_column(String(36))
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    void_reason: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    entries_used: Mapped[int] = mapped_column(Integer, server_default="0")
    last_validated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    # The revocation list is read by `revoked_at`: indexed only where set, so that the
    # sale's commit, which issues tickets none of which is revoked, never writes to it.
    __table_args__ = (Index("ix_tickets_order_line", "order_id", "line_position", "unit",
                            unique=True),
                      Index("ix_tickets_revoked_at", "revoked_at",
                            sqlite_where=text("revoked_at IS NOT NULL")))


class TicketValidationRow(Base):
    """One act at this till's gate (R11): an entry let in, a refusal (kept and counted)
    or a void; sent to the server through the outbox."""

    __tablename__ = "ticket_validations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(16), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # validated | refused | voided
    reason: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[str] = mapped_column(String(64))
    till_id: Mapped[str] = mapped_column(String(36))
    product_id: Mapped[str | None] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(16))
    token: Mapped[str | None] = mapped_column(Text)


class TicketKeyRow(Base):
    """An enrolled till's public key, pulled: a token it signed is checked with it."""

    __tablename__ = "ticket_keys"
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    till_id: Mapped[str] = mapped_column(String(36))
    till_name: Mapped[str] = mapped_column(String(200))


class TicketStateRow(Base):
    """The server's view of one of the venue's tickets, pulled."""

    __tablename__ = "ticket_states"
    reference: Mapped[str] = mapped_column(String(16), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[str | None] = mapped_column(String(36))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[datetime] = mapped_column(UtcDateTime)
    entries_allowed: Mapped[int | None] = mapped_column(Integer)  # NULL: no limit
    key_id: Mapped[str] = mapped_column(String(16))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    entries_elsewhere: Mapped[int] = mapped_column(Integer, server_default="0")
    last_validated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TicketConflictRow(Base):
    """A conflict the server recorded between gates that worked apart, pulled."""

    __tablename__ = "ticket_conflicts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    till_ids: Mapped[str] = mapped_column(Text)  # JSON list
    details: Mapped[str] = mapped_column(Text)


# Virtual and bookkeeping tables that live outside the models (created by migrations).
UNMODELLED_TABLES = frozenset({"product_fts", "alembic_version"})
