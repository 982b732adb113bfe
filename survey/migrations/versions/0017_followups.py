"""Follow-up cases opened by low scores and complaints, and their history; staff accounts
get an e-mail address and a phone number for follow-up notifications, which the outbox
carries without an invitation.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("complexity", sa.String(length=8), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("branch", sa.String(length=120), nullable=True),
        sa.Column("region", sa.String(length=4), nullable=False),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("contacted_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.Column("reply", sa.JSON(), nullable=True),
        sa.Column("return_invitation_id", sa.Integer(), nullable=True),
        sa.Column("outcome_satisfaction", sa.Integer(), nullable=True),
        sa.Column("would_stay", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assigned_to"], ["users.id"]),
        sa.ForeignKeyConstraint(["return_invitation_id"], ["invitations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("response_id", "rule"),
    )
    op.create_index("ix_followup_cases_owner_status", "followup_cases", ["owner", "status"])
    op.create_index("ix_followup_cases_survey_status", "followup_cases", ["survey_id", "status"])
    op.create_table(
        "followup_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["followup_cases.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_followup_events_case_id", "followup_events", ["case_id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
    with op.batch_alter_table("outbox_messages") as batch:
        batch.alter_column("invitation_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM outbox_messages WHERE invitation_id IS NULL")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.alter_column("invitation_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("phone")
        batch.drop_column("email")
    op.drop_index("ix_followup_events_case_id", table_name="followup_events")
    op.drop_table("followup_events")
    op.drop_index("ix_followup_cases_survey_status", table_name="followup_cases")
    op.drop_index("ix_followup_cases_owner_status", table_name="followup_cases")
    op.drop_table("followup_cases")
