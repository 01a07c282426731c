"""baskets on hold: a sale in progress set aside under a name (who, when), several per
till; the one sale in progress per till is the one not on hold

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("drafts", sa.Column("held_name", sa.String(length=60), nullable=True))
    op.add_column("drafts", sa.Column("held_at", sa.String(length=32), nullable=True))
    op.add_column("drafts", sa.Column("held_by", sa.String(length=64), nullable=True))
    # One sale in progress per till still, but any number of them on hold beside it.
    op.drop_index("ix_drafts_till_id", table_name="drafts")
    op.create_index("ix_drafts_till_id", "drafts", ["till_id"], unique=True,
                    sqlite_where=sa.text("held_at IS NULL"))


def downgrade() -> None:
    held = op.get_bind().exec_driver_sql(
        "SELECT count(*) FROM drafts WHERE held_at IS NOT NULL").scalar()
    if held:  # the version before keeps one sale in progress per till, and no more
        raise RuntimeError(f"{held} basket(s) on hold: take them up or delete them before"
                           " going back to the version before")
    op.drop_index("ix_drafts_till_id", table_name="drafts")
    op.create_index("ix_drafts_till_id", "drafts", ["till_id"], unique=True)
    op.drop_column("drafts", "held_by")
    op.drop_column("drafts", "held_at")
    op.drop_column("drafts", "held_name")
