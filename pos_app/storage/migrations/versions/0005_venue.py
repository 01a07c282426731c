"""the venue that sells: the seller named on receipts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 22:30:00
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
        "venue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("postal_code", sa.String(length=16), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("vat_number", sa.String(length=32), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_venue_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue")),
    )


def downgrade() -> None:
    op.drop_table("venue")
