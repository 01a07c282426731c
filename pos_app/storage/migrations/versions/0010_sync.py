"""sync: the outbox's records in their envelope (record id, the till's own sequence that
is never reused, schema, the journal entry each matches, the server's answer), and where
the till stands with its server (sync_state, journal_acks)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 16:00:00
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from pos_app.domain.ids import new_id

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_new",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("schema", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("aggregate_id", sa.String(length=64), nullable=False),
        sa.Column("journal_chain", sa.String(length=16), nullable=True),
        sa.Column("journal_number", sa.Integer(), nullable=True),
        sa.Column("journal_hash", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), server_default="waiting", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("answered_at", sa.String(length=32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint("state IN ('waiting', 'sent', 'rejected')", name="ck_outbox_state"),
        sa.PrimaryKeyConstraint("seq", name="pk_outbox"),
        sa.UniqueConstraint("record_id", name="uq_outbox_record_id"),
        sqlite_autoincrement=True,
    )
    bind = op.get_bind()
    # Records written before had no id of their own: each gets a UUIDv7 of its time, so
    # they keep their order. They were sent to no server (there was none): they wait.
    old = bind.exec_driver_sql(
        "SELECT seq, kind, aggregate_id, payload, created_at FROM outbox ORDER BY seq").all()
    if old:
        bind.exec_driver_sql(
            "INSERT INTO outbox_new (seq, record_id, schema, kind, aggregate_id, payload,"
            " created_at) VALUES (?, ?, 1, ?, ?, ?, ?)",
            [(seq, new_id(int(datetime.fromisoformat(created).timestamp() * 1000)), kind,
              aggregate, payload, created) for seq, kind, aggregate, payload, created in old])
    op.drop_index("ix_outbox_sent_at", table_name="outbox")
    op.drop_table("outbox")
    op.rename_table("outbox_new", "outbox")
    op.create_index("ix_outbox_state_seq", "outbox", ["state", "seq"])

    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("server_url", sa.String(length=300), nullable=False),
        sa.Column("till_name", sa.String(length=200), nullable=False),
        sa.Column("enrolled_at", sa.String(length=32), nullable=False),
        sa.Column("ca_file", sa.Text(), nullable=True),
        sa.Column("journal_sent_seq", sa.Integer(), server_default="0", nullable=False),
        sa.Column("pull_cursor", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_contact_at", sa.String(length=32), nullable=True),
        sa.Column("offline_since", sa.String(length=32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("clock_offset_seconds", sa.Integer(), nullable=True),
        sa.CheckConstraint("id = 1", name="ck_sync_state_one_row"),
        sa.PrimaryKeyConstraint("id", name="pk_sync_state"),
    )
    op.create_table(
        "journal_acks",
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("acknowledged_at", sa.String(length=32), nullable=False),
        sa.Column("flagged", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("till_id", "chain", name="pk_journal_acks"),
    )


def downgrade() -> None:
    bind = op.get_bind()
    repeated = bind.exec_driver_sql(
        "SELECT count(*) FROM (SELECT 1 FROM outbox GROUP BY kind, aggregate_id"
        " HAVING count(*) > 1)").scalar()
    if repeated:  # the version before keeps one record per kind and aggregate
        raise RuntimeError("this store's outbox holds records the version before cannot"
                           " keep (several of one kind for one aggregate): it is not taken"
                           " back to it")
    op.drop_table("journal_acks")
    op.drop_table("sync_state")
    op.create_table(
        "outbox_old",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("aggregate_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("sent_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_outbox"),
        sa.UniqueConstraint("kind", "aggregate_id", name="uq_outbox_kind"),
    )
    bind.exec_driver_sql(
        "INSERT INTO outbox_old (seq, kind, aggregate_id, payload, created_at, sent_at)"
        " SELECT seq, kind, aggregate_id, payload, created_at,"
        " CASE state WHEN 'sent' THEN answered_at END FROM outbox")
    op.drop_index("ix_outbox_state_seq", table_name="outbox")
    op.drop_table("outbox")
    op.rename_table("outbox_old", "outbox")
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])
