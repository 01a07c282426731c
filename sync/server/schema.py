"""The server's tables, as SQLAlchemy Core metadata (migrations/ creates them).

Times are UTC text to the second (`2026-11-30T14:02:11Z`), which sorts as time does on
SQLite and PostgreSQL alike. Uniqueness that several server processes rely on is a
constraint here, never a check in memory: records by id and by till sequence, journal
entries by (till, chain, number), one head row per chain (locked while it moves).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

# Constraint names are part of the schema: migrations and the models must agree.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

ID = 36  # a UUID as text
TIME = 32
NAME = 100  # a till's name
SHORT = 64  # ids and numbers a till makes (orders, closures)

tills = Table(
    "tills", metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(NAME), nullable=False),
    Column("public_key", String(64), nullable=False),  # Ed25519, raw 32 bytes, hex
    Column("key_id", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the token
    Column("version", String(64), nullable=False),
    Column("enrolled_at", String(TIME), nullable=False),
    Column("last_contact_at", String(TIME)),
    Column("revoked_at", String(TIME)),
    # The till's outbox as its latest heartbeat said it (POST /v1/ping): null until a
    # till reports it.
    Column("outbox_waiting", BigInteger),
    Column("outbox_rejected", BigInteger),
    Column("outbox_oldest_at", String(40)),  # its oldest record waiting, as the till said
    Column("outbox_reported_at", String(TIME)),  # the server's time of the report
    # One till in use per name: a till replaced under the same name is revoked first.
    Index("ix_tills_active_name", "name", unique=True,
          sqlite_where=text("revoked_at IS NULL"),
          postgresql_where=text("revoked_at IS NULL")),
)

enrol_codes = Table(
    "enrol_codes", metadata,
    Column("code_hash", String(64), primary_key=True),  # SHA-256 of the normalised code
    Column("till_name", String(NAME), nullable=False),
    Column("created_at", String(TIME), nullable=False),
    Column("expires_at", String(TIME), nullable=False),
    Column("used_at", String(TIME)),
    Column("used_by", String(ID)),
)

records = Table(
    "records", metadata,
    Column("record_id", String(ID), primary_key=True),
    Column("till_id", String(ID), ForeignKey("tills.id"), nullable=False),
    Column("till_seq", BigInteger, nullable=False),
    Column("schema", Integer, nullable=False),
    Column("kind", String(SHORT), nullable=False),
    Column("aggregate_id", String(SHORT), nullable=False),
    Column("created_at", String(40), nullable=False),  # as the till's clock said
    Column("journal_chain", String(16)),
    Column("journal_number", BigInteger),
    Column("journal_hash", String(64)),
    Column("payload", Text, nullable=False),  # canonical JSON, as sent
    # SHA-256 of the canonical envelope: the same id with other content is told apart.
    Column("content_hash", String(64), nullable=False),
    Column("received_at", String(TIME), nullable=False),
    # The order a record is about (order.validated: its id; a payment, refund,
    # cancellation or return: its order_id); null for the other kinds.
    Column("order_id", String(SHORT)),
    UniqueConstraint("till_id", "till_seq"),
    Index("ix_records_till_kind", "till_id", "kind"),
    Index("ix_records_order_id", "order_id"),
)

# -- projections, kept in the transaction that stores their records ---------------------

orders = Table(
    "orders", metadata,
    Column("id", String(SHORT), primary_key=True),
    Column("till_id", String(ID), ForeignKey("tills.id"), nullable=False),
    Column("number", String(SHORT), nullable=False),
    # Null until order.validated arrives (a payment record may, in theory, come first).
    Column("total_cents", BigInteger),
    Column("created_at", String(40)),
    Column("paid_cents", BigInteger, nullable=False, server_default="0"),
    Column("returned_cents", BigInteger, nullable=False, server_default="0"),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("updated_at", String(TIME), nullable=False),
    Index("ix_orders_till_created", "till_id", "created_at"),
)

closures = Table(
    "closures", metadata,
    Column("id", String(SHORT), primary_key=True),
    Column("till_id", String(ID), ForeignKey("tills.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # z, month, year
    Column("number", BigInteger, nullable=False),
    Column("made_at", String(40), nullable=False),
    Column("takings_cents", BigInteger),
    Column("cash_gap_cents", BigInteger),
    Column("figures", Text, nullable=False),  # the payload, canonical JSON
    Index("ix_closures_till_kind_number", "till_id", "kind", "number"),
)

# -- admission tickets (R11), as the tills' records tell them -----------------------------

# Every ticket of the venue: from the sale's order.validated (`learned` "sale"), or from
# the token of a validation naming a ticket not held yet, once it verified with an
# enrolled till's key ("token"). Revocations and voids are the tills' records' times.
tickets = Table(
    "tickets", metadata,
    Column("reference", String(SHORT), primary_key=True),
    Column("till_id", String(ID), ForeignKey("tills.id"), nullable=False),  # its issuer
    Column("product_id", String(255), nullable=False),
    Column("order_id", String(SHORT)),  # null until its sale's record is held
    Column("valid_from", String(40), nullable=False),
    Column("valid_until", String(40), nullable=False),
    Column("entries_allowed", Integer),  # null: no limit
    Column("key_id", String(16), nullable=False),
    Column("token", Text, nullable=False),
    Column("learned", String(16), nullable=False),  # sale, token
    Column("revoked_at", String(40)),
    Column("voided_at", String(40)),
    Column("voided_by", String(ID)),  # the till whose record voided it
    Column("updated_at", String(TIME), nullable=False),
    Index("ix_tickets_order_id", "order_id"),
)

# Each validation a gate made (`ticket.validated`), by its id: never refused, counted
# per till.
ticket_entries = Table(
    "ticket_entries", metadata,
    Column("id", String(SHORT), primary_key=True),
    Column("reference", String(SHORT), nullable=False),
    Column("till_id", String(ID), ForeignKey("tills.id"), nullable=False),
    Column("at", String(40), nullable=False),  # as the gate's clock said
    Column("record_id", String(ID), nullable=False),
    Index("ix_ticket_entries_reference", "reference"),
)

# -- the journal: the external witness ---------------------------------------------------

journal_entries = Table(
    "journal_entries", metadata,
    Column("till_id", String(ID), ForeignKey("tills.id"), primary_key=True),
    Column("chain", String(16), primary_key=True),
    Column("number", BigInteger, primary_key=True),
    Column("at", String(40), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("body", Text, nullable=False),
    Column("previous_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("key_id", String(SHORT), nullable=False),
    Column("received_at", String(TIME), nullable=False),
)

journal_heads = Table(
    "journal_heads", metadata,
    Column("till_id", String(ID), ForeignKey("tills.id"), primary_key=True),
    Column("chain", String(16), primary_key=True),
    Column("number", BigInteger, nullable=False),  # 0: nothing held yet
    Column("hash", String(64), nullable=False),
    Column("flagged", Text),  # the first disagreement found, kept
    Column("updated_at", String(TIME), nullable=False),
)

journal_flags = Table(
    "journal_flags", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("till_id", String(ID), ForeignKey("tills.id"), nullable=False),
    Column("chain", String(16), nullable=False),
    Column("number", BigInteger, nullable=False),
    Column("entry_hash", String(64), nullable=False),  # the hash the till sent
    Column("reason", Text, nullable=False),
    Column("flagged_at", String(TIME), nullable=False),
    # The same entry pushed again is the same disagreement: kept once.
    UniqueConstraint("till_id", "chain", "number", "entry_hash"),
)

# -- what the server finds two tills disagree on ------------------------------------------

sync_conflicts = Table(
    "sync_conflicts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(SHORT), nullable=False),  # e.g. order.paid_twice
    # The till whose record showed the conflict, and the other one if two are involved.
    Column("till_id", String(ID), ForeignKey("tills.id"), nullable=False),
    Column("other_till_id", String(ID), ForeignKey("tills.id")),
    Column("subject_id", String(SHORT), nullable=False),  # the order, customer… it is about
    Column("detail", Text, nullable=False),  # JSON: what each side said
    Column("detected_at", String(TIME), nullable=False),
    Column("resolved_at", String(TIME)),
    Index("ix_sync_conflicts_resolved_detected", "resolved_at", "detected_at"),
)

# -- the status page's administrators ----------------------------------------------------

admin_tokens = Table(
    "admin_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the token
    Column("label", String(NAME), nullable=False),
    Column("created_at", String(TIME), nullable=False),
    Column("revoked_at", String(TIME)),
)

admin_sessions = Table(
    "admin_sessions", metadata,
    Column("session_hash", String(64), primary_key=True),  # SHA-256 of the cookie's value
    Column("token_id", Integer, ForeignKey("admin_tokens.id"), nullable=False),
    Column("created_at", String(TIME), nullable=False),
    Column("expires_at", String(TIME), nullable=False),
    Index("ix_admin_sessions_expires_at", "expires_at"),
)

# -- reference data, coming down to the tills (GET /v1/changes) -------------------------

# Each item's latest state, in the import format (canonical JSON), or NULL once deleted
# (a tombstone, kept so that a till that pulls later hears of the deletion), with the
# cursor of its last change. A pull is one range scan of the cursor's index.
reference_items = Table(
    "reference_items", metadata,
    Column("kind", String(16), primary_key=True),  # product, customer, staff…
    Column("id", String(SHORT), primary_key=True),  # its id, code or login
    Column("cursor", BigInteger, nullable=False),
    Column("data", Text),
    Index("ix_reference_items_cursor", "cursor", unique=True),
)

# Which product holds each barcode: a barcode is on one product only, on the server as
# on a till (whose store would refuse the pull otherwise).
reference_barcodes = Table(
    "reference_barcodes", metadata,
    Column("code", String(SHORT), primary_key=True),
    Column("product_id", String(SHORT), nullable=False),
    Index("ix_reference_barcodes_product_id", "product_id"),
)

# The one row (id 1) whose `cursor` is the last one given. An import updates it first,
# so its row lock is held until the import commits: imports number their changes one
# after the other, and a change never commits below a cursor a pull has already passed.
reference_counter = Table(
    "reference_counter", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("cursor", BigInteger, nullable=False),
)
