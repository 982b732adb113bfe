"""Hotline call records for post-call sampling, background import jobs, case deadlines,
and what a draw used.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hotline_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=False),
        sa.Column("customer_ref", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("talk_seconds", sa.Integer(), nullable=False),
        sa.Column("transferred", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("draw_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], name=op.f("fk_hotline_calls_survey_id_surveys"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["draw_id"], ["sample_draws.id"], name=op.f("fk_hotline_calls_draw_id_sample_draws")),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_hotline_calls_contact_id_contacts"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotline_calls")),
        sa.UniqueConstraint("survey_id", "call_id", name=op.f("uq_hotline_calls_survey_id_call_id")),
    )
    with op.batch_alter_table("hotline_calls") as batch_op:
        batch_op.create_index("ix_hotline_calls_survey_status", ["survey_id", "status"], unique=False)
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("valid_only", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rows_expected", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("problem_count", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"], name=op.f("fk_import_jobs_survey_id_surveys"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_import_jobs_created_by_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    with op.batch_alter_table("cati_cases") as batch_op:
        batch_op.add_column(sa.Column("due_by", sa.DateTime(), nullable=True))
    with op.batch_alter_table("sample_draws") as batch_op:
        batch_op.add_column(sa.Column("parameters", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_sample_draws_created_by_users"), "users", ["created_by"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("sample_draws") as batch_op:
        batch_op.drop_constraint(op.f("fk_sample_draws_created_by_users"), type_="foreignkey")
        batch_op.drop_column("created_by")
        batch_op.drop_column("parameters")
    with op.batch_alter_table("cati_cases") as batch_op:
        batch_op.drop_column("due_by")
    op.drop_table("import_jobs")
    op.drop_table("hotline_calls")
