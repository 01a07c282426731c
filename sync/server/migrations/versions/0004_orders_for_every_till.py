"""orders for every till: records indexed by the order they are about, the outbox each
till reports on its heartbeat

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The payload's field naming the order, by kind (sync/server/records.py ORDER_FIELDS).
_ORDER_FIELDS = {"order.validated": "id", "payment.taken": "order_id",
                 "refund.given": "order_id", "order.cancelled": "order_id",
                 "order.returned": "order_id"}


def upgrade() -> None:
    # Added in place (SQLite's ALTER TABLE … ADD COLUMN too): the table is not copied.
    op.add_column("records", sa.Column("order_id", sa.String(length=64), nullable=True))
    for kind, field in _ORDER_FIELDS.items():
        if op.get_bind().dialect.name == "postgresql":
            value = f"payload::jsonb ->> '{field}'"
        else:
            value = f"json_extract(payload, '$.{field}')"
        op.execute(sa.text(f"UPDATE records SET order_id = {value} WHERE kind = :kind")
                   .bindparams(kind=kind))
    op.create_index("ix_records_order_id", "records", ["order_id"])
    for column in (sa.Column("outbox_waiting", sa.BigInteger(), nullable=True),
                   sa.Column("outbox_rejected", sa.BigInteger(), nullable=True),
                   sa.Column("outbox_oldest_at", sa.String(length=40), nullable=True),
                   sa.Column("outbox_reported_at", sa.String(length=32), nullable=True)):
        op.add_column("tills", column)


def downgrade() -> None:
    with op.batch_alter_table("tills") as tills:
        for column in ("outbox_reported_at", "outbox_oldest_at", "outbox_rejected",
                       "outbox_waiting"):
            tills.drop_column(column)
    op.drop_index("ix_records_order_id", table_name="records")
    with op.batch_alter_table("records") as records:
        records.drop_column("order_id")
