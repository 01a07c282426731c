"""sales in progress (drafts): the basket, its payer and the payments tendered so far,
kept as they change so that a sale survives a crash

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("payer_id", sa.String(length=64), nullable=True),
        sa.Column("training", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
    )
    op.create_index("ix_drafts_till_id", "drafts", ["till_id"], unique=True)
    op.create_table(
        "draft_lines",
        sa.Column("draft_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("price_id", sa.String(length=64), nullable=False),
        sa.Column("price_label", sa.String(length=200), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"],
                                name=op.f("fk_draft_lines_draft_id_drafts")),
        sa.PrimaryKeyConstraint("draft_id", "position", name=op.f("pk_draft_lines")),
    )
    op.create_table(
        "draft_payments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("draft_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("method_code", sa.String(length=32), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("change_cents", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.String(length=32), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"],
                                name=op.f("fk_draft_payments_draft_id_drafts")),
        sa.ForeignKeyConstraint(["method_code"], ["payment_methods.code"],
                                name=op.f("fk_draft_payments_method_code_payment_methods")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_payments")),
    )
    op.create_index("ix_draft_payments_draft_id", "draft_payments", ["draft_id"])


def downgrade() -> None:
    op.drop_index("ix_draft_payments_draft_id", table_name="draft_payments")
    op.drop_table("draft_payments")
    op.drop_table("draft_lines")
    op.drop_index("ix_drafts_till_id", table_name="drafts")
    op.drop_table("drafts")
