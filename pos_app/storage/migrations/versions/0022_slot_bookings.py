"""places booked per slot, kept by triggers in every transaction that changes them

A month's planning asks the places booked in thousands of slots; summing their order
lines each time (joined to their orders, less what credit notes took back) costs several
times a bare aggregate. `slot_bookings` holds each slot's sum instead. Triggers keep it,
whatever writes the rows (a sale, a cancellation, a return, another till's order merged
by the pull, a savepoint rolled back): each order line of a standing order (not
cancelled, not training) adds its quantity to its slot, each credit note line of one
takes its quantity off; an order that stops or starts standing takes all of its own off
or puts them back; a row deleted takes its own contribution with it.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

STANDING = "cancelled_at IS NULL AND NOT training"
ADD = ("INSERT INTO slot_bookings (slot_id, places) {rows}"
       " ON CONFLICT (slot_id) DO UPDATE SET places = places + excluded.places")
# What an order contributes now to each slot: its lines, less its credit notes' lines.
CONTRIBUTION = (
    "SELECT slot_id, {sign} * sum(quantity) FROM ("
    " SELECT slot_id, quantity FROM order_lines WHERE order_id = {order} AND slot_id IS NOT NULL"
    " UNION ALL SELECT r.slot_id, -r.quantity FROM credit_note_lines AS r"
    " JOIN credit_notes AS c ON c.id = r.credit_note_id"
    " WHERE c.order_id = {order} AND r.slot_id IS NOT NULL) WHERE true GROUP BY slot_id")
TRIGGERS = {
    "slot_bookings_line_added": (
        "AFTER INSERT ON order_lines WHEN NEW.slot_id IS NOT NULL AND EXISTS (SELECT 1 FROM"
        f" orders WHERE id = NEW.order_id AND {STANDING})",
        ADD.format(rows="VALUES (NEW.slot_id, NEW.quantity)")),
    "slot_bookings_line_removed": (
        "AFTER DELETE ON order_lines WHEN OLD.slot_id IS NOT NULL AND EXISTS (SELECT 1 FROM"
        f" orders WHERE id = OLD.order_id AND {STANDING})",
        ADD.format(rows="VALUES (OLD.slot_id, -OLD.quantity)")),
    "slot_bookings_line_changed": (
        "AFTER UPDATE OF slot_id, quantity, order_id ON order_lines",
        ADD.format(rows="SELECT OLD.slot_id, -OLD.quantity FROM orders WHERE id ="
                   f" OLD.order_id AND OLD.slot_id IS NOT NULL AND {STANDING}") + "; "
        + ADD.format(rows="SELECT NEW.slot_id, NEW.quantity FROM orders WHERE id ="
                     f" NEW.order_id AND NEW.slot_id IS NOT NULL AND {STANDING}")),
    "slot_bookings_return_added": (
        "AFTER INSERT ON credit_note_lines WHEN NEW.slot_id IS NOT NULL AND EXISTS (SELECT 1"
        " FROM credit_notes AS c JOIN orders AS o ON o.id = c.order_id WHERE c.id ="
        " NEW.credit_note_id AND o.cancelled_at IS NULL AND NOT o.training)",
        ADD.format(rows="VALUES (NEW.slot_id, -NEW.quantity)")),
    "slot_bookings_return_removed": (
        "AFTER DELETE ON credit_note_lines WHEN OLD.slot_id IS NOT NULL AND EXISTS (SELECT 1"
        " FROM credit_notes AS c JOIN orders AS o ON o.id = c.order_id WHERE c.id ="
        " OLD.credit_note_id AND o.cancelled_at IS NULL AND NOT o.training)",
        ADD.format(rows="VALUES (OLD.slot_id, OLD.quantity)")),
    "slot_bookings_note_removed": (
        "AFTER DELETE ON credit_notes WHEN EXISTS (SELECT 1 FROM orders WHERE id ="
        f" OLD.order_id AND {STANDING})",
        ADD.format(rows="SELECT slot_id, sum(quantity) FROM credit_note_lines WHERE"
                   " credit_note_id = OLD.id AND slot_id IS NOT NULL AND true GROUP BY"
                   " slot_id")),
    "slot_bookings_order_stands": (
        "AFTER UPDATE OF cancelled_at, training ON orders WHEN NOT (OLD.cancelled_at IS NULL"
        " AND NOT OLD.training) AND NEW.cancelled_at IS NULL AND NOT NEW.training",
        ADD.format(rows=CONTRIBUTION.format(sign="1", order="NEW.id"))),
    "slot_bookings_order_falls": (
        "AFTER UPDATE OF cancelled_at, training ON orders WHEN OLD.cancelled_at IS NULL"
        " AND NOT OLD.training AND NOT (NEW.cancelled_at IS NULL AND NOT NEW.training)",
        ADD.format(rows=CONTRIBUTION.format(sign="-1", order="NEW.id"))),
    "slot_bookings_order_removed": (
        "AFTER DELETE ON orders WHEN OLD.cancelled_at IS NULL AND NOT OLD.training",
        ADD.format(rows=CONTRIBUTION.format(sign="-1", order="OLD.id"))),
}


def upgrade() -> None:
    op.create_table(
        "slot_bookings",
        sa.Column("slot_id", sa.String(length=64), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("slot_id", name=op.f("pk_slot_bookings")),
    )
    op.execute(ADD.format(rows=(
        "SELECT slot_id, sum(quantity) FROM ("
        " SELECT l.slot_id, l.quantity FROM order_lines AS l JOIN orders AS o"
        " ON o.id = l.order_id WHERE l.slot_id IS NOT NULL AND o.cancelled_at IS NULL"
        " AND NOT o.training"
        " UNION ALL SELECT r.slot_id, -r.quantity FROM credit_note_lines AS r"
        " JOIN credit_notes AS c ON c.id = r.credit_note_id JOIN orders AS o"
        " ON o.id = c.order_id WHERE r.slot_id IS NOT NULL AND o.cancelled_at IS NULL"
        " AND NOT o.training) WHERE true GROUP BY slot_id")))
    for name, (when, then) in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {then}; END")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("slot_bookings")
