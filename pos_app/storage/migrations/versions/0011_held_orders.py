"""held orders: order documents a pull brought that the till could not hold yet (a
payment method it does not know, a number another order has here), kept to be tried
again after each pull and shown, never dropped; refunds of an excess (what an order
held beyond its worth) told apart from a return's or a cancellation's

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "held_orders",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("held_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_held_orders")),
    )
    # Every refund before was a return's or a cancellation's: none is an excess.
    op.add_column("refunds", sa.Column("excess", sa.Boolean(), server_default="0",
                                       nullable=False))


def downgrade() -> None:
    held = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM refunds WHERE excess").scalar()
    if held:  # the version before would take them for a cancellation's
        raise RuntimeError(f"{held} refund(s) of an excess: this store cannot go back to"
                           " the version before")
    op.drop_column("refunds", "excess")
    op.drop_table("held_orders")
