"""the server's first schema: tills and their enrol codes, records with their order and
closure projections, the journal's entries, heads and flags

Revision ID: 0001
Revises:
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tills",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("enrolled_at", sa.String(length=32), nullable=False),
        sa.Column("last_contact_at", sa.String(length=32), nullable=True),
        sa.Column("revoked_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tills")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_tills_token_hash")),
    )
    op.create_index("ix_tills_active_name", "tills", ["name"], unique=True,
                    sqlite_where=sa.text("revoked_at IS NULL"),
                    postgresql_where=sa.text("revoked_at IS NULL"))
    op.create_table(
        "enrol_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("till_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.String(length=32), nullable=False),
        sa.Column("used_at", sa.String(length=32), nullable=True),
        sa.Column("used_by", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_enrol_codes")),
    )
    op.create_table(
        "records",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("till_seq", sa.BigInteger(), nullable=False),
        sa.Column("schema", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("aggregate_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("journal_chain", sa.String(length=16), nullable=True),
        sa.Column("journal_number", sa.BigInteger(), nullable=True),
        sa.Column("journal_hash", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"],
                                name=op.f("fk_records_till_id_tills")),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_records")),
        sa.UniqueConstraint("till_id", "till_seq", name=op.f("uq_records_till_id_till_seq")),
    )
    op.create_index("ix_records_till_kind", "records", ["till_id", "kind"])
    op.create_table(
        "orders",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=True),
        sa.Column("paid_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("returned_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="active", nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"],
                                name=op.f("fk_orders_till_id_tills")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    op.create_index("ix_orders_till_created", "orders", ["till_id", "created_at"])
    op.create_table(
        "closures",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("made_at", sa.String(length=40), nullable=False),
        sa.Column("takings_cents", sa.BigInteger(), nullable=True),
        sa.Column("cash_gap_cents", sa.BigInteger(), nullable=True),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"],
                                name=op.f("fk_closures_till_id_tills")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    op.create_index("ix_closures_till_kind_number", "closures", ["till_id", "kind", "number"])
    op.create_table(
        "journal_entries",
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"],
                                name=op.f("fk_journal_entries_till_id_tills")),
        sa.PrimaryKeyConstraint("till_id", "chain", "number", name=op.f("pk_journal_entries")),
    )
    op.create_table(
        "journal_heads",
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("flagged", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"],
                                name=op.f("fk_journal_heads_till_id_tills")),
        sa.PrimaryKeyConstraint("till_id", "chain", name=op.f("pk_journal_heads")),
    )
    op.create_table(
        "journal_flags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("flagged_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"],
                                name=op.f("fk_journal_flags_till_id_tills")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_flags")),
        sa.UniqueConstraint("till_id", "chain", "number", "entry_hash",
                            name=op.f("uq_journal_flags_till_id_chain_number_entry_hash")),
    )


def downgrade() -> None:
    for table in ("journal_flags", "journal_heads", "journal_entries", "closures", "orders",
                  "records", "enrol_codes", "tills"):
        op.drop_table(table)
