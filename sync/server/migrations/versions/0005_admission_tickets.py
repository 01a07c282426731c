"""admission tickets: every ticket of the venue as the tills' records tell it, and each
validation a gate made (offline or not)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.String(length=255), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("valid_from", sa.String(length=40), nullable=False),
        sa.Column("valid_until", sa.String(length=40), nullable=False),
        sa.Column("entries_allowed", sa.Integer(), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("learned", sa.String(length=16), nullable=False),
        sa.Column("revoked_at", sa.String(length=40), nullable=True),
        sa.Column("voided_at", sa.String(length=40), nullable=True),
        sa.Column("voided_by", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"], name="fk_tickets_till_id_tills"),
        sa.PrimaryKeyConstraint("reference", name="pk_tickets"),
    )
    op.create_index("ix_tickets_order_id", "tickets", ["order_id"])
    op.create_table(
        "ticket_entries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"],
                                name="fk_ticket_entries_till_id_tills"),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_entries"),
    )
    op.create_index("ix_ticket_entries_reference", "ticket_entries", ["reference"])


def downgrade() -> None:
    op.drop_index("ix_ticket_entries_reference", table_name="ticket_entries")
    op.drop_table("ticket_entries")
    op.drop_index("ix_tickets_order_id", table_name="tickets")
    op.drop_table("tickets")
