"""Responses keep a hashed client key (open-link rate limit) and a screen-out disposition.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("disposition", sa.String(length=8), nullable=True))
        batch_op.create_index("ix_responses_client_key", ["client_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch_op:
        batch_op.drop_index("ix_responses_client_key")
        batch_op.drop_column("disposition")
        batch_op.drop_column("client_key")
