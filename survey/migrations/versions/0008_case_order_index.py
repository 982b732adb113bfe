"""Indexes for the next-case claim: the queue's order, so a claim reads the head of the
queue rather than all of it, and appointments by case and by due time.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cati_cases") as batch_op:
        batch_op.create_index(
            "ix_cati_cases_order",
            ["survey_id", "status", sa.text("priority DESC"), "attempt_count", "id"],
            unique=False,
        )
    with op.batch_alter_table("appointments") as batch_op:
        batch_op.create_index("ix_appointments_case_id", ["case_id"], unique=False)
        batch_op.create_index("ix_appointments_due", ["kept_at", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("appointments") as batch_op:
        batch_op.drop_index("ix_appointments_due")
        batch_op.drop_index("ix_appointments_case_id")
    with op.batch_alter_table("cati_cases") as batch_op:
        batch_op.drop_index("ix_cati_cases_order")
