"""returns (credit notes), refunds, and periods by sequence: every record says which till
session it belongs to, sessions are numbered, months close the Zs after the last one

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NEW_APPEND_ONLY = ("credit_notes", "credit_note_lines", "credit_note_vat", "refunds")
# Tables whose UPDATE trigger is lifted while their new columns are filled in.
FILLED = ("cash_movements", "closures")
# (table, time column, till column, session column): where each record was made.
RECORDS = (("orders", "created_at", "till_id", "session_id"),
           ("orders", "cancelled_at", "cancelled_till_id", "cancelled_session_id"),
           ("payments", "taken_at", "till_id", "session_id"),
           ("cash_movements", "at", "till_id", "session_id"))


def _append_only(table: str, action: str) -> str:
    return (f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{table} are never changed or removed'); END")


def upgrade() -> None:
    # Sessions are found by their number, not by their opening time (the clock may go
    # back); a clock jump noticed while a session is open shifts its age.
    op.add_column("till_sessions", sa.Column("number", sa.Integer(), nullable=False,
                                             server_default="0"))
    op.add_column("till_sessions", sa.Column("clock_shift_seconds", sa.Integer(),
                                             nullable=False, server_default="0"))
    op.execute("UPDATE till_sessions SET number = (SELECT count(*) FROM till_sessions AS s"
               " WHERE s.till_id = till_sessions.till_id AND s.rowid <= till_sessions.rowid)")
    op.execute("INSERT INTO sequences (till_id, kind, last) SELECT till_id, 'session',"
               " max(number) FROM till_sessions GROUP BY till_id")
    op.drop_index("ix_till_sessions_till_opened", table_name="till_sessions")
    op.create_index("ix_till_sessions_till_number", "till_sessions", ["till_id", "number"],
                    unique=True)

    for table in FILLED:
        op.execute(f"DROP TRIGGER {table}_no_update")
    op.add_column("orders", sa.Column("session_id", sa.String(length=36), nullable=True))
    op.add_column("orders", sa.Column("cancelled_session_id", sa.String(length=36),
                                      nullable=True))
    op.add_column("payments", sa.Column("session_id", sa.String(length=36), nullable=True))
    op.add_column("cash_movements", sa.Column("session_id", sa.String(length=36),
                                              nullable=True))
    # Records made before: in the session whose span holds their time, as closures
    # counted them until now. Training records belong to no session.
    for table, at, till, session in RECORDS:
        training = " AND NOT training" if table != "cash_movements" else ""
        op.execute(
            f"UPDATE {table} SET {session} = (SELECT s.id FROM till_sessions AS s"
            f" WHERE s.till_id = {table}.{till} AND s.opened_at <= {table}.{at}"
            f" AND (s.closed_at IS NULL OR {table}.{at} <= s.closed_at)"
            f" ORDER BY s.number DESC LIMIT 1) WHERE {at} IS NOT NULL{training}")
    op.drop_index("ix_orders_till_created", table_name="orders")
    op.drop_index("ix_orders_cancelled_till", table_name="orders")
    op.drop_index("ix_payments_till_taken", table_name="payments")
    op.drop_index("ix_cash_movements_till_at", table_name="cash_movements")
    op.create_index("ix_orders_session_id", "orders", ["session_id"])
    op.create_index("ix_orders_cancelled_session_id", "orders", ["cancelled_session_id"])
    op.create_index("ix_payments_session_id", "payments", ["session_id"])
    op.create_index("ix_cash_movements_session_id", "cash_movements", ["session_id"])

    # A Z says which session it closed; a monthly (yearly) closure which Zs (months).
    op.add_column("closures", sa.Column("session_id", sa.String(length=36), nullable=True))
    op.add_column("closures", sa.Column("first_part", sa.Integer(), nullable=False,
                                        server_default="0"))
    op.add_column("closures", sa.Column("last_part", sa.Integer(), nullable=False,
                                        server_default="0"))
    op.execute("UPDATE closures SET session_id = (SELECT s.id FROM till_sessions AS s"
               " WHERE s.till_id = closures.till_id AND s.closed_at = closures.period_end"
               " ORDER BY s.number DESC LIMIT 1) WHERE kind = 'z'")
    for column, path in (("first_part", "$.parts.first"), ("last_part", "$.parts.last")):
        op.execute(f"UPDATE closures SET {column} = (SELECT json_extract(e.body, '{path}')"
                   " FROM journal_entries AS e WHERE e.till_id = closures.till_id"
                   " AND e.chain = 'closure' AND e.number = closures.journal_number)"
                   " WHERE kind != 'z'")
    for table in FILLED:
        op.execute(_append_only(table, "UPDATE"))

    op.create_table(
        "credit_notes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("training", sa.Boolean(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_credit_notes_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_notes_number")),
    )
    op.create_index("ix_credit_notes_order_id", "credit_notes", ["order_id"])
    op.create_index("ix_credit_notes_session_id", "credit_notes", ["session_id"])
    op.create_table(
        "credit_note_lines",
        sa.Column("credit_note_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("order_line", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("price_id", sa.String(length=64), nullable=False),
        sa.Column("price_label", sa.String(length=200), nullable=False),
        sa.Column("unit_price_cents", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["credit_note_id"], ["credit_notes.id"],
                                name=op.f("fk_credit_note_lines_credit_note_id_credit_notes")),
        sa.PrimaryKeyConstraint("credit_note_id", "position",
                                name=op.f("pk_credit_note_lines")),
    )
    op.create_table(
        "credit_note_vat",
        sa.Column("credit_note_id", sa.String(length=36), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("excl_cents", sa.Integer(), nullable=False),
        sa.Column("vat_cents", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["credit_note_id"], ["credit_notes.id"],
                                name=op.f("fk_credit_note_vat_credit_note_id_credit_notes")),
        sa.PrimaryKeyConstraint("credit_note_id", "rate_bp", name=op.f("pk_credit_note_vat")),
    )
    op.create_table(
        "refunds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("credit_note_id", sa.String(length=36), nullable=True),
        sa.Column("method_code", sa.String(length=32), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("training", sa.Boolean(), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"],
                                name=op.f("fk_refunds_order_id_orders")),
        sa.ForeignKeyConstraint(["credit_note_id"], ["credit_notes.id"],
                                name=op.f("fk_refunds_credit_note_id_credit_notes")),
        sa.ForeignKeyConstraint(["method_code"], ["payment_methods.code"],
                                name=op.f("fk_refunds_method_code_payment_methods")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
    )
    op.create_index("ix_refunds_order_id", "refunds", ["order_id"])
    op.create_index("ix_refunds_session_id", "refunds", ["session_id"])
    for table in NEW_APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(_append_only(table, action))


def downgrade() -> None:
    for table in NEW_APPEND_ONLY:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_no_{action}")
    op.drop_table("refunds")
    op.drop_table("credit_note_vat")
    op.drop_table("credit_note_lines")
    op.drop_table("credit_notes")
    for table in FILLED:
        op.execute(f"DROP TRIGGER {table}_no_update")
    op.drop_index("ix_cash_movements_session_id", table_name="cash_movements")
    op.drop_index("ix_payments_session_id", table_name="payments")
    op.drop_index("ix_orders_cancelled_session_id", table_name="orders")
    op.drop_index("ix_orders_session_id", table_name="orders")
    op.create_index("ix_cash_movements_till_at", "cash_movements", ["till_id", "at"])
    op.create_index("ix_payments_till_taken", "payments", ["till_id", "taken_at"])
    op.create_index("ix_orders_cancelled_till", "orders", ["cancelled_till_id", "cancelled_at"])
    op.create_index("ix_orders_till_created", "orders", ["till_id", "created_at"])
    for table, column in (("closures", "last_part"), ("closures", "first_part"),
                          ("closures", "session_id"), ("cash_movements", "session_id"),
                          ("payments", "session_id"), ("orders", "cancelled_session_id"),
                          ("orders", "session_id")):
        op.drop_column(table, column)
    for table in FILLED:
        op.execute(_append_only(table, "UPDATE"))
    op.drop_index("ix_till_sessions_till_number", table_name="till_sessions")
    op.create_index("ix_till_sessions_till_opened", "till_sessions", ["till_id", "opened_at"])
    op.execute("DELETE FROM sequences WHERE kind = 'session'")
    op.drop_column("till_sessions", "clock_shift_seconds")
    op.drop_column("till_sessions", "number")
