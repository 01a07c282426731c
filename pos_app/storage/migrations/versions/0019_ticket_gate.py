"""the ticket gate: every validation, refusal and void made here; the tills' public
keys, the server's view of the venue's tickets and the conflicts it recorded, pulled

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_validations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=True),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=True),
        sa.Column("token", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_validations")),
    )
    op.create_index("ix_ticket_validations_reference", "ticket_validations", ["reference"])
    op.create_index("ix_ticket_validations_at", "ticket_validations", ["at"])
    op.create_table(
        "ticket_keys",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("till_name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_ticket_keys")),
    )
    op.create_table(
        "ticket_states",
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=True),
        sa.Column("valid_from", sa.String(length=32), nullable=False),
        sa.Column("valid_until", sa.String(length=32), nullable=False),
        sa.Column("entries_allowed", sa.Integer(), nullable=True),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("revoked_at", sa.String(length=32), nullable=True),
        sa.Column("voided_at", sa.String(length=32), nullable=True),
        sa.Column("entries_elsewhere", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_validated_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_ticket_states")),
    )
    op.create_table(
        "ticket_conflicts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("till_ids", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_conflicts")),
    )


def downgrade() -> None:
    op.drop_table("ticket_conflicts")
    op.drop_table("ticket_states")
    op.drop_table("ticket_keys")
    op.drop_index("ix_ticket_validations_at", table_name="ticket_validations")
    op.drop_index("ix_ticket_validations_reference", table_name="ticket_validations")
    op.drop_table("ticket_validations")
