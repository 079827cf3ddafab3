"""intake: submitted ideas, their attached consultations, additions, internal notes and events

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _child(name: str, *columns) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("idea_id", sa.String(32), sa.ForeignKey("ideas.id", ondelete="CASCADE"), nullable=False),
        *columns,
    )
    op.create_index(f"ix_{name}_idea_id", name, ["idea_id"])


def upgrade() -> None:
    op.create_table(
        "ideas",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("organisation", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("need", sa.Text, nullable=False),
        sa.Column("submitter_role", sa.String(40), nullable=False),
        sa.Column("submitter_organisation", sa.String(200), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(40), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("idea_kind", sa.String(40), nullable=True),
        sa.Column("priority", sa.String(10), nullable=True),
        sa.Column("priority_certain", sa.Boolean, nullable=False),
        sa.Column("priority_override", sa.String(10), nullable=True),
        sa.Column("override_reason", sa.Text, nullable=True),
        sa.Column("assignee", sa.String(64), nullable=True),
        sa.Column("triage", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_index("ix_ideas_organisation", "ideas", ["organisation"])
    _child("idea_attachments", sa.Column("module", sa.String(40), nullable=False), sa.Column("data", sa.Text, nullable=False))
    _child("idea_additions", sa.Column("created", sa.DateTime, nullable=False), sa.Column("text", sa.Text, nullable=False))
    _child(
        "idea_notes",
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    _child(
        "idea_events",
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_value", sa.String(64), nullable=True),
        sa.Column("to_value", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
    )


def downgrade() -> None:
    for name in ("idea_events", "idea_notes", "idea_additions", "idea_attachments"):
        op.drop_index(f"ix_{name}_idea_id", name)
        op.drop_table(name)
    op.drop_index("ix_ideas_organisation", "ideas")
    op.drop_table("ideas")
