"""training sessions: live peer-learning sessions and their participants (issue 14)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("scenario_id", sa.String(200), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("revealed", sa.Integer, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.UniqueConstraint("code", name="uq_training_sessions_code"),
    )
    op.create_index("ix_training_sessions_owner", "training_sessions", ["owner"])
    op.create_table(
        "training_participants",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "session_id",
            sa.String(64),
            sa.ForeignKey("training_sessions.id", ondelete="CASCADE", name="fk_training_participants_session"),
            nullable=False,
        ),
        sa.Column("nickname", sa.String(80), nullable=False),
        sa.Column("responses", sa.Text, nullable=False),
        sa.Column("answered", sa.DateTime, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("ix_training_participants_session", "training_participants", ["session_id"])


def downgrade() -> None:
    op.drop_index("ix_training_participants_session", "training_participants")
    op.drop_table("training_participants")
    op.drop_index("ix_training_sessions_owner", "training_sessions")
    op.drop_table("training_sessions")
