"""The staff registry, internal ratings and the service star's weights; call records gain
the hotline KPIs' fields (wait, abandoned, first line, recorded).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("branch", sa.String(length=120), nullable=True),
        sa.Column("team", sa.String(length=120), nullable=True),
        sa.Column("active_from", sa.Date(), nullable=False),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_number"),
        sa.UniqueConstraint("user_id"),
    )
    op.create_table(
        "staff_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("ratee_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("rater_key", sa.String(length=64), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ratee_id"], ["staff_members.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["questionnaire_version_id"], ["questionnaire_versions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rater_key"),
    )
    op.create_index("ix_staff_ratings_month_ratee", "staff_ratings", ["month", "ratee_id"])
    op.create_table(
        "star_weights",
        sa.Column("unit", sa.String(length=120), nullable=False),
        sa.Column("customer", sa.Integer(), nullable=False),
        sa.Column("peer", sa.Integer(), nullable=False),
        sa.Column("ops", sa.Integer(), nullable=False),
        sa.Column("lobby", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("unit"),
    )
    with op.batch_alter_table("hotline_calls") as batch:
        batch.add_column(sa.Column("wait_seconds", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("abandoned", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("first_line", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("recorded", sa.Boolean(), nullable=True))
    op.create_index(
        "ix_hotline_calls_survey_started", "hotline_calls", ["survey_id", "started_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_hotline_calls_survey_started", table_name="hotline_calls")
    with op.batch_alter_table("hotline_calls") as batch:
        for column in ("recorded", "first_line", "abandoned", "wait_seconds"):
            batch.drop_column(column)
    op.drop_table("star_weights")
    op.drop_index("ix_staff_ratings_month_ratee", table_name="staff_ratings")
    op.drop_table("staff_ratings")
    op.drop_table("staff_members")
