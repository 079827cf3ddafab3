"""cases: one row per saved consultation

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_cases_updated", "cases", ["updated"])


def downgrade() -> None:
    op.drop_index("ix_cases_updated", "cases")
    op.drop_table("cases")
