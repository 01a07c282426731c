"""reference data for the tills: items with the cursor of their last change, barcodes,
the counter that numbers changes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reference_items",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "id", name=op.f("pk_reference_items")),
    )
    op.create_index("ix_reference_items_cursor", "reference_items", ["cursor"], unique=True)
    op.create_table(
        "reference_barcodes",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_reference_barcodes")),
    )
    op.create_index("ix_reference_barcodes_product_id", "reference_barcodes",
                    ["product_id"])
    counter = op.create_table(
        "reference_counter",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_counter")),
    )
    op.bulk_insert(counter, [{"id": 1, "cursor": 0}])


def downgrade() -> None:
    for table in ("reference_counter", "reference_barcodes", "reference_items"):
        op.drop_table(table)
