"""report_rows: the month of each complete as a column, and an index holding every column the
reports read in the order they group by (SQLite then reads a survey's sums in group order
from the index instead of sorting its rows).

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

SUM_ORDER = [
    "survey_id", "stratum", "branch", "channel", "tier", "month", "completed_at",
    "overall", "overall_top", "recommend", "recommend_top", "recommend_score", "csi",
]  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("report_rows") as batch_op:
        batch_op.add_column(sa.Column("month", sa.String(length=7), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE report_rows SET month = to_char(completed_at, 'YYYY-MM')")
    else:
        op.execute("UPDATE report_rows SET month = strftime('%Y-%m', completed_at)")
    op.create_index("ix_report_rows_sums", "report_rows", SUM_ORDER)


def downgrade() -> None:
    op.drop_index("ix_report_rows_sums", table_name="report_rows")
    with op.batch_alter_table("report_rows") as batch_op:
        batch_op.drop_column("month")
