"""dated products: shared stocks with their exceptions, slots, a product's stock and
whether it is dated; the slot (and its times) a line's places were sold in, went back
from (a credit note's line) or are taken in (a sale in progress)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_LINES = ("order_lines", "credit_note_lines", "draft_lines")


def upgrade() -> None:
    op.create_table(
        "shared_stocks",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_stocks")),
    )
    op.create_table(
        "stock_exceptions",
        sa.Column("stock_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["stock_id"], ["shared_stocks.id"], ondelete="CASCADE",
                                name=op.f("fk_stock_exceptions_stock_id_shared_stocks")),
        sa.PrimaryKeyConstraint("stock_id", "day", name=op.f("pk_stock_exceptions")),
    )
    op.create_table(
        "slots",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.String(length=32), nullable=False),
        sa.Column("ends_at", sa.String(length=32), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("daily", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slots")),
    )
    op.create_index("ix_slots_product_starts", "slots", ["product_id", "starts_at"])
    op.create_index("ix_slots_starts_at", "slots", ["starts_at"])
    op.add_column("products", sa.Column("stock_id", sa.String(length=64), nullable=True))
    op.add_column("products", sa.Column("dated", sa.Boolean(), server_default=sa.false(),
                                        nullable=False))
    op.create_index("ix_products_stock_id", "products", ["stock_id"])
    for table in _LINES:
        op.add_column(table, sa.Column("slot_id", sa.String(length=64), nullable=True))
        op.add_column(table, sa.Column("slot_starts_at", sa.String(length=32), nullable=True))
        op.add_column(table, sa.Column("slot_ends_at", sa.String(length=32), nullable=True))
    # Places booked are summed by slot from sales and credit notes.
    op.create_index("ix_order_lines_slot_id", "order_lines", ["slot_id"])
    op.create_index("ix_credit_note_lines_slot_id", "credit_note_lines", ["slot_id"])


def downgrade() -> None:
    op.drop_index("ix_credit_note_lines_slot_id", table_name="credit_note_lines")
    op.drop_index("ix_order_lines_slot_id", table_name="order_lines")
    for table in _LINES:
        with op.batch_alter_table(table) as batch:
            for column in ("slot_ends_at", "slot_starts_at", "slot_id"):
                batch.drop_column(column)
    op.drop_index("ix_products_stock_id", table_name="products")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("dated")
        batch.drop_column("stock_id")
    op.drop_index("ix_slots_starts_at", table_name="slots")
    op.drop_index("ix_slots_product_starts", table_name="slots")
    op.drop_table("slots")
    op.drop_table("stock_exceptions")
    op.drop_table("shared_stocks")
