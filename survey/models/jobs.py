"""Imports that run in the background while the supervisor watches a progress bar."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow
from .statuses import UNFINISHED_JOB, JobStatus


class ImportJob(Base):
    """An uploaded sample or call file being checked and imported.

    The file is kept in the row (not on one server's disk) so any app server can run it,
    and dropped once the import ends.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # a JobKind
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    valid_only: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    rows_expected: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    problem_count: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list | None] = mapped_column(JSON)  # the first problems, as text
    error: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def unfinished(self) -> bool:
        return self.status in UNFINISHED_JOB

    @property
    def failed(self) -> bool:
        return self.status == JobStatus.FAILED
