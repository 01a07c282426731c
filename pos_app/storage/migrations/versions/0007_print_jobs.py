"""the print queue: documents waiting for the printer, kept across restarts

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "print_jobs",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.String(length=32), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("printed_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_print_jobs")),
    )
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_print_jobs_status_next", ["status", "next_attempt_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("print_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_print_jobs_status_next")
    op.drop_table("print_jobs")
