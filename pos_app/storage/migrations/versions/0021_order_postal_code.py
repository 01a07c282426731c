"""order postal code: where the visitor comes from, asked with each order when the
till's setting says so (R12): five digits, "abroad" or "declined"; none when not asked

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("postal_code", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("postal_code")
