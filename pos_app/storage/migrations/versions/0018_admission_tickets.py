"""admission tickets: products that are admissions (entries, margins, days), and the
tickets issued with each sale, one per place, with their signed token, revocation and
the counts a gate keeps

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_ADMISSION = ("admission_entries", "admission_before_minutes", "admission_after_minutes",
              "admission_days")


def upgrade() -> None:
    for column in _ADMISSION:
        op.add_column("products", sa.Column(column, sa.Integer(), nullable=True))
    op.create_table(
        "tickets",
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("order_number", sa.String(length=64), nullable=False),
        sa.Column("line_position", sa.Integer(), nullable=False),
        sa.Column("unit", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.String(length=32), nullable=False),
        sa.Column("valid_until", sa.String(length=32), nullable=False),
        sa.Column("entries_allowed", sa.Integer(), nullable=True),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.String(length=32), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("voided_at", sa.String(length=32), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("revoked_at", sa.String(length=32), nullable=True),
        sa.Column("entries_used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_validated_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_tickets_order_id_orders")),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_tickets")),
    )
    op.create_index("ix_tickets_order_line", "tickets", ["order_id", "line_position", "unit"],
                    unique=True)
    # Only revoked tickets are in it: issuing tickets with a sale never writes to it.
    op.create_index("ix_tickets_revoked_at", "tickets", ["revoked_at"],
                    sqlite_where=sa.text("revoked_at IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_tickets_revoked_at", table_name="tickets")
    op.drop_index("ix_tickets_order_line", table_name="tickets")
    op.drop_table("tickets")
    with op.batch_alter_table("products") as batch:
        for column in _ADMISSION:
            batch.drop_column(column)
