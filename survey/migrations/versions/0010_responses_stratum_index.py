"""Responses indexed by survey, status and stratum: the report's design (completes per
stratum) is then read from the index alone, not from a million rows.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_index("ix_responses_survey_status")
        batch_op.create_index(
            "ix_responses_survey_status_stratum", ["survey_id", "status", "stratum"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_index("ix_responses_survey_status_stratum")
        batch_op.create_index("ix_responses_survey_status", ["survey_id", "status"], unique=False)
