"""report_rows: one narrow row per complete response for the reports (stratum, filter
attributes, headline values); report_filter_values: the values the filters offer;
responses indexed by completion time (what is new since the last view).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_rows",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("stratum", sa.String(length=120), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=False),
        sa.Column("branch", sa.String(length=120), nullable=True),
        sa.Column("channel", sa.String(length=120), nullable=True),
        sa.Column("tier", sa.String(length=120), nullable=True),
        sa.Column("overall", sa.Double(), nullable=True),
        sa.Column("overall_top", sa.Double(), nullable=True),
        sa.Column("recommend", sa.Double(), nullable=True),
        sa.Column("recommend_top", sa.Double(), nullable=True),
        sa.Column("recommend_score", sa.Double(), nullable=True),
        sa.Column("csi", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id"),
    )
    with op.batch_alter_table("report_rows") as batch_op:
        batch_op.create_index("ix_report_rows_survey_completed", ["survey_id", "completed_at"])
        batch_op.create_index("ix_report_rows_survey_branch", ["survey_id", "branch"])


    op.create_table(
        "report_filter_values",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("survey_id", "name", "value"),
    )
    with op.batch_alter_table("responses") as batch_op:
        batch_op.create_index("ix_responses_survey_completed", ["survey_id", "completed_at"])


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_index("ix_responses_survey_completed")
    op.drop_table("report_filter_values")
    op.drop_table("report_rows")
