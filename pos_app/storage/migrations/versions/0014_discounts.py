"""discounts: a line's own discount (amount, reason, who gave it) and its share of the
basket's, on order, credit note and draft lines; the basket's discount on orders and
drafts

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_LINES = ("order_lines", "credit_note_lines", "draft_lines")
_BASKETS = ("orders", "drafts")


def upgrade() -> None:
    for table in _LINES:
        op.add_column(table, sa.Column("discount_cents", sa.Integer(), nullable=False,
                                       server_default="0"))
        op.add_column(table, sa.Column("discount_reason", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("discount_by", sa.String(length=64), nullable=True))
        if table != "draft_lines":  # a sale in progress allocates its basket's at the end
            op.add_column(table, sa.Column("basket_discount_cents", sa.Integer(),
                                           nullable=False, server_default="0"))
    for table in _BASKETS:
        op.add_column(table, sa.Column("discount_cents", sa.Integer(), nullable=False,
                                       server_default="0"))
        op.add_column(table, sa.Column("discount_percent", sa.Integer(), nullable=True))
        op.add_column(table, sa.Column("discount_reason", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("discount_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in _BASKETS:
        with op.batch_alter_table(table) as batch:
            for column in ("discount_by", "discount_reason", "discount_percent",
                           "discount_cents"):
                batch.drop_column(column)
    for table in _LINES:
        with op.batch_alter_table(table) as batch:
            if table != "draft_lines":
                batch.drop_column("basket_discount_cents")
            for column in ("discount_by", "discount_reason", "discount_cents"):
                batch.drop_column(column)
