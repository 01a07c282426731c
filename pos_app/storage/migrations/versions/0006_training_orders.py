"""training mode: orders and payments made for practice, kept apart from the takings

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("orders", "payments"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("training", sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    # Training orders have their own gapless series (SIM-000001…).
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_till_sequence")
        batch_op.create_index("ix_orders_till_sequence", ["till_id", "training", "sequence"],
                              unique=True)


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_till_sequence")
        batch_op.create_index("ix_orders_till_sequence", ["till_id", "sequence"], unique=True)
    for table in ("payments", "orders"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("training")
