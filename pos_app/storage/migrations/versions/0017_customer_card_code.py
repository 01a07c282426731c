"""customer card code: a venue's membership card, scanned at the till, finds its
customer; one customer per card (none: no card)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("card_code", sa.String(length=64), nullable=True))
        batch.create_index(batch.f("ix_customers_card_code"), ["card_code"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.drop_index(batch.f("ix_customers_card_code"))
        batch.drop_column("card_code")
