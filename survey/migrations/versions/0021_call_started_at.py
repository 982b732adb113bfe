"""cati_cases.call_started_at: when the interviewer holding a case took it, kept apart from
the claim's time (renewed as they key answers), so a call attempt spans the whole call.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cati_cases") as batch_op:
        batch_op.add_column(sa.Column("call_started_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE cati_cases SET call_started_at = claimed_at")  # calls under way


def downgrade() -> None:
    with op.batch_alter_table("cati_cases") as batch_op:
        batch_op.drop_column("call_started_at")
