"""Background work: one row per job, the source of truth the task queue only wakes up.

A job is claimed by taking a lease (``leased_until``) in one UPDATE, so a job handed to
two workers (a retried or relayed task) runs once; a worker that dies leaves its lease to
expire and the relay hands the job on. Progress and the outcome are kept in the row, so
any app server can show them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow
from .statuses import UNFINISHED_JOB, JobStatus


class Job(Base):
    """One piece of background work: an import, a batch of invitations or reminders, the
    preparation of reports, or what a schedule started."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_leased_until", "status", "leased_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # a JobKind
    # Who asked for the same work twice gets the same job (a double click, a retried schedule).
    key: Mapped[str | None] = mapped_column(String(120), unique=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    filename: Mapped[str | None] = mapped_column(String(200))
    # An upload is kept in the row (not on one server's disk) until the import ends.
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    valid_only: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    leased_until: Mapped[datetime | None]  # running: the worker's lease; queued: not before
    rows_expected: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)  # rows imported, messages sent, …
    problem_count: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list | None] = mapped_column(JSON)  # the first problems, as text
    error: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def unfinished(self) -> bool:
        return self.status in UNFINISHED_JOB

    @property
    def failed(self) -> bool:
        return self.status == JobStatus.FAILED

    def stalled(self, now: datetime | None = None) -> bool:
        """Running, but its worker stopped reporting (the relay hands it to another)."""
        now = now or utcnow()
        return (
            self.status == JobStatus.RUNNING
            and self.leased_until is not None
            and self.leased_until < now
        )

    @property
    def progress(self) -> int | None:
        """Percent done, when the job knows how much there is."""
        if not self.rows_expected:
            return None
        return min(100, round(100 * self.rows_done / self.rows_expected))
