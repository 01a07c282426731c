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
# Where each record made before stands in the journal: the `seq` of the entry that
# recorded it (kind, the record's id, seq). Times are not used: the clock may have gone
# back, and a store that lived through that is the one to put right.
_RECORD_ENTRIES = (
    "SELECT 'sale', json_extract(body, '$.order_id'), seq FROM journal_entries"
    " WHERE chain = 'order' AND json_extract(body, '$.kind') = 'sale'",
    "SELECT 'cancellation', json_extract(body, '$.cancels.order_id'), seq"
    " FROM journal_entries WHERE chain = 'order'"
    " AND json_extract(body, '$.kind') = 'cancellation'",
    "SELECT 'payment', json_extract(p.value, '$.id'), e.seq FROM journal_entries AS e,"
    " json_each(e.body, '$.payments') AS p WHERE e.chain = 'order'"
    " AND json_extract(e.body, '$.kind') = 'sale'",
    "SELECT 'payment', json_extract(body, '$.id'), seq FROM journal_entries"
    " WHERE chain = 'order' AND json_extract(body, '$.kind') = 'payment'",
    # A cash movement's event has no id: its till, kind, amount and second tell it.
    "SELECT 'cash', m.id, min(e.seq) FROM cash_movements AS m JOIN journal_entries AS e"
    " ON e.till_id = m.till_id AND e.chain = 'event'"
    " AND json_extract(e.body, '$.event') = 'cash_movement'"
    " AND json_extract(e.body, '$.kind') = m.kind"
    " AND json_extract(e.body, '$.amount_cents') = m.amount_cents"
    " AND e.at = strftime('%Y-%m-%dT%H:%M:%SZ', m.at) GROUP BY m.id",
)
# (table, its till column, its session column, the kind of entry that recorded it).
RECORDS = (("orders", "till_id", "session_id", "sale"),
           ("orders", "cancelled_till_id", "cancelled_session_id", "cancellation"),
           ("payments", "till_id", "session_id", "payment"),
           ("cash_movements", "till_id", "session_id", "cash"))


def _append_only(table: str, action: str) -> str:
    return (f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, '{table} are never changed or removed'); END")


def _fill_sessions() -> None:
    """Each record made before goes to a session by where it stands in the journal: up to
    a Z's entry, the session that Z closed (the one it closed as it was recorded); after
    the last Z, the latest session left open. Sessions the clock opened by mistake (each
    sale of a till set back opened one) are closed. Training records get none."""
    op.execute("UPDATE closures SET session_id = (SELECT s.id FROM till_sessions AS s"
               " WHERE s.till_id = closures.till_id AND s.closed_at = closures.period_end"
               " ORDER BY s.number DESC LIMIT 1) WHERE kind = 'z'")
    op.execute("CREATE TEMP TABLE z_ends AS SELECT c.till_id, c.session_id, e.seq"
               " FROM closures AS c JOIN journal_entries AS e ON e.till_id = c.till_id"
               " AND e.chain = 'closure' AND e.number = c.journal_number WHERE c.kind = 'z'")
    op.execute("CREATE TEMP TABLE record_entries (kind TEXT, ref TEXT, seq INTEGER)")
    for select in _RECORD_ENTRIES:
        op.execute(f"INSERT INTO record_entries {select}")
    op.execute("CREATE INDEX temp.ix_record_entries ON record_entries (kind, ref)")
    open_session = ("(SELECT s.id FROM till_sessions AS s WHERE s.till_id = {till}"
                    " AND s.closed_at IS NULL ORDER BY s.number DESC LIMIT 1)")
    for table, till, session, kind in RECORDS:
        seq = (f"(SELECT r.seq FROM record_entries AS r WHERE r.kind = '{kind}'"
               f" AND r.ref = {table}.id)")
        training = "" if table == "cash_movements" else " AND NOT training"
        op.execute(
            f"UPDATE {table} SET {session} = coalesce((SELECT z.session_id FROM z_ends AS z"
            f" WHERE z.till_id = {table}.{till} AND z.seq > {seq} ORDER BY z.seq LIMIT 1),"
            f" {open_session.format(till=f'{table}.{till}')})"
            f" WHERE {seq} IS NOT NULL{training}")
    op.execute("UPDATE till_sessions SET closed_at = opened_at WHERE closed_at IS NULL"
               " AND number < (SELECT max(s.number) FROM till_sessions AS s"
               " WHERE s.till_id = till_sessions.till_id)")
    op.execute("DROP TABLE record_entries")
    op.execute("DROP TABLE z_ends")


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
    op.add_column("closures", sa.Column("session_id", sa.String(length=36), nullable=True))
    _fill_sessions()
    op.drop_index("ix_orders_till_created", table_name="orders")
    op.drop_index("ix_orders_cancelled_till", table_name="orders")
    op.drop_index("ix_payments_till_taken", table_name="payments")
    op.drop_index("ix_cash_movements_till_at", table_name="cash_movements")
    op.create_index("ix_orders_session_id", "orders", ["session_id"])
    op.create_index("ix_orders_cancelled_session_id", "orders", ["cancelled_session_id"])
    op.create_index("ix_payments_session_id", "payments", ["session_id"])
    op.create_index("ix_cash_movements_session_id", "cash_movements", ["session_id"])

    # A monthly (yearly) closure says which Zs (months) it sums.
    op.add_column("closures", sa.Column("first_part", sa.Integer(), nullable=False,
                                        server_default="0"))
    op.add_column("closures", sa.Column("last_part", sa.Integer(), nullable=False,
                                        server_default="0"))
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
    held = op.get_bind().exec_driver_sql(
        "SELECT (SELECT count(*) FROM credit_notes) + (SELECT count(*) FROM refunds)").scalar()
    if held:  # the journal has their entries: the till before could not account for them
        raise RuntimeError("this store holds returns and refunds, which the version before"
                           " cannot account for: it is not taken back to it")
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
