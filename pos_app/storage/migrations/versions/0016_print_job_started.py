"""print job started: an attempt may have printed part of the job (the line died
mid-job, or the printer did not confirm it after): it is printed again whole, marked
"RÉIMPRESSION" (0: every job queued before)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("print_jobs", sa.Column("started", sa.Boolean(), nullable=False,
                                          server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("print_jobs") as batch:
        batch.drop_column("started")
