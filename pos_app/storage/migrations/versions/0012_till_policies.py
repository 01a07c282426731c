"""till policies: the rules a manager sets for this till (blind count, the gap that needs
a reason, who may discount), kept as text under their names

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "till_policies",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_till_policies")),
    )


def downgrade() -> None:
    op.drop_table("till_policies")
