"""sign-in attempts and till sessions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 18:43:07.790772
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sign_in_attempts")),
    )
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_attempts_login_at", ["login", "at"], unique=False)

    op.create_table(
        "till_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("till_id", sa.String(length=36), nullable=False),
        sa.Column("opened_at", sa.String(length=32), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("closing_started_at", sa.String(length=32), nullable=True),
        sa.Column("closed_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["till_id"], ["tills.id"], name=op.f("fk_till_sessions_till_id_tills")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_till_sessions")),
    )
    with op.batch_alter_table("till_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_till_sessions_till_opened", ["till_id", "opened_at"], unique=False
        )
    # The record of attempts is evidence: it is added to, never rewritten.
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER sign_in_attempts_no_{action.lower()} BEFORE {action}"
            " ON sign_in_attempts"
            " BEGIN SELECT RAISE(ABORT, 'sign-in attempts are never changed'); END"
        )


def downgrade() -> None:
    op.execute("DROP TRIGGER sign_in_attempts_no_update")
    op.execute("DROP TRIGGER sign_in_attempts_no_delete")
    with op.batch_alter_table("till_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_till_sessions_till_opened")

    op.drop_table("till_sessions")
    with op.batch_alter_table("sign_in_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_attempts_login_at")

    op.drop_table("sign_in_attempts")
