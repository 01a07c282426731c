"""fiscal journal: entries, chain heads, the till's public keys

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
_HEAD = "SELECT {column} FROM journal_heads WHERE till_id = NEW.till_id AND chain = NEW.chain"

TRIGGERS = {
    # Fiscal records are added to, never rewritten (NF 525: inalterability).
    **{f"{table}_no_{action.lower()}": (
        f"BEFORE {action} ON {table}"
        f" BEGIN SELECT RAISE(ABORT, '{table} are never changed or removed'); END")
       for table in ("journal_entries", "till_keys") for action in ("UPDATE", "DELETE")},
    "journal_heads_no_delete": (
        "BEFORE DELETE ON journal_heads"
        " BEGIN SELECT RAISE(ABORT, 'journal heads are never removed'); END"),
    # A head moves one entry forward, onto an entry that exists, and nowhere else.
    "journal_heads_forward_only": (
        "BEFORE UPDATE ON journal_heads WHEN NEW.number != OLD.number + 1"
        " OR NEW.till_id != OLD.till_id OR NEW.chain != OLD.chain"
        " OR NOT EXISTS (SELECT 1 FROM journal_entries WHERE till_id = NEW.till_id"
        " AND chain = NEW.chain AND number = NEW.number AND hash = NEW.hash)"
        " BEGIN SELECT RAISE(ABORT, 'a journal head only moves to the next entry'); END"),
    # An entry attaches to its chain's head: the next number, the head's hash.
    "journal_entries_follow_head": (
        "BEFORE INSERT ON journal_entries WHEN"
        f" NEW.number != COALESCE(({_HEAD.format(column='number')}), 0) + 1"
        f" OR NEW.previous_hash != COALESCE(({_HEAD.format(column='hash')}), '{GENESIS}')"
        " BEGIN SELECT RAISE(ABORT, 'a journal entry must follow its chain head'); END"),
    "journal_entries_move_head": (
        "AFTER INSERT ON journal_entries BEGIN"
        " INSERT INTO journal_heads (till_id, chain, number, hash)"
        " VALUES (NEW.till_id, NEW.chain, NEW.number, NEW.hash)"
        " ON CONFLICT (till_id, chain) DO UPDATE SET number = excluded.number,"
        " hash = excluded.hash; END"),
}


def upgrade() -> None:
    op.create_table(
        "journal_entries",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=20), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_journal_entries")),
        sa.UniqueConstraint("till_id", "chain", "number",
                            name=op.f("uq_journal_entries_till_id")),
    )
    op.create_table(
        "journal_heads",
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("till_id", "chain", name=op.f("pk_journal_heads")),
    )
    op.create_table(
        "till_keys",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_till_keys")),
    )
    for name, definition in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.drop_table("till_keys")
    op.drop_table("journal_heads")
    op.drop_table("journal_entries")
