"""The do-not-contact list.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "do_not_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_ref", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_do_not_contact")),
    )
    with op.batch_alter_table("do_not_contact") as batch_op:
        batch_op.create_index("ix_do_not_contact_customer_ref", ["customer_ref"], unique=False)
        batch_op.create_index("ix_do_not_contact_phone", ["phone"], unique=False)


def downgrade() -> None:
    op.drop_table("do_not_contact")
