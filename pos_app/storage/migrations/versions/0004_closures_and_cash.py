"""closures, cash movements, and the till where each payment and cancellation was made

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = ("cash_movements", "closures", "closure_methods", "closure_counts")


def upgrade() -> None:
    # A closure reconciles what was taken *at this till*: payments and cancellations say
    # where they were made (earlier ones were made at their order's till).
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("till_id", sa.String(length=36), nullable=True))
        batch_op.create_index("ix_payments_till_taken", ["till_id", "taken_at"], unique=False)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_till_id", sa.String(length=36), nullable=True))
        batch_op.create_index("ix_orders_till_created", ["till_id", "created_at"], unique=False)
        batch_op.create_index("ix_orders_cancelled_till", ["cancelled_till_id", "cancelled_at"],
                              unique=False)
    op.execute("UPDATE payments SET till_id = (SELECT till_id FROM orders"
               " WHERE orders.id = payments.order_id)")
    op.execute("UPDATE orders SET cancelled_till_id = till_id WHERE cancelled_at IS NOT NULL")

    op.create_table(
        "cash_movements",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_movements")),
    )
    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.create_index("ix_cash_movements_till_at", ["till_id", "at"], unique=False)
    op.create_table(
        "closures",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.String(length=32), nullable=True),
        sa.Column("period_end", sa.String(length=32), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("takings_cents", sa.Integer(), nullable=False),
        sa.Column("perpetual_cents", sa.Integer(), nullable=False),
        sa.Column("perpetual_absolute_cents", sa.Integer(), nullable=False),
        sa.Column("expected_cash_cents", sa.Integer(), nullable=False),
        sa.Column("counted_cash_cents", sa.Integer(), nullable=False),
        sa.Column("journal_number", sa.Integer(), nullable=False),
        sa.Column("first_entry", sa.Integer(), nullable=False),
        sa.Column("last_entry", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    with op.batch_alter_table("closures", schema=None) as batch_op:
        batch_op.create_index("ix_closures_till_end", ["till_id", "period_end"], unique=False)
    op.create_table(
        "closure_methods",
        sa.Column("closure_id", sa.String(length=36), nullable=False),
        sa.Column("method_code", sa.String(length=32), nullable=False),
        sa.Column("expected_cents", sa.Integer(), nullable=False),
        sa.Column("counted_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["closure_id"], ["closures.id"],
                                name=op.f("fk_closure_methods_closure_id_closures")),
        sa.PrimaryKeyConstraint("closure_id", "method_code", name=op.f("pk_closure_methods")),
    )
    op.create_table(
        "closure_counts",
        sa.Column("closure_id", sa.String(length=36), nullable=False),
        sa.Column("denomination_cents", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["closure_id"], ["closures.id"],
                                name=op.f("fk_closure_counts_closure_id_closures")),
        sa.PrimaryKeyConstraint("closure_id", "denomination_cents",
                                name=op.f("pk_closure_counts")),
    )
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}"
                       f" BEGIN SELECT RAISE(ABORT, '{table} are never changed or removed');"
                       " END")


def downgrade() -> None:
    for table in APPEND_ONLY:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_no_{action}")
    op.drop_table("closure_counts")
    op.drop_table("closure_methods")
    with op.batch_alter_table("closures", schema=None) as batch_op:
        batch_op.drop_index("ix_closures_till_end")
    op.drop_table("closures")
    with op.batch_alter_table("cash_movements", schema=None) as batch_op:
        batch_op.drop_index("ix_cash_movements_till_at")
    op.drop_table("cash_movements")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_cancelled_till")
        batch_op.drop_index("ix_orders_till_created")
        batch_op.drop_column("cancelled_till_id")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_till_taken")
        batch_op.drop_column("till_id")
