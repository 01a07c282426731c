"""closure gap reason: why a Z's counted cash differs from the expected, as its signed
entry says it (empty: none was given; every closure made before)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: the table keeps its append-only triggers (a batch copy would
    # drop them), and the closures made before get the empty reason their entries imply.
    op.add_column("closures", sa.Column("gap_reason", sa.Text(), nullable=False,
                                        server_default=""))


def downgrade() -> None:
    op.drop_column("closures", "gap_reason")
