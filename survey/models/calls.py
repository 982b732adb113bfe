"""The hotline's call records, from which post-call interviews are sampled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow
from .statuses import CallStatus


class HotlineCall(Base):
    """One call to the hotline, as the call-center system exported it.

    ``status`` says what the post-call draw made of it: ``new`` (not yet drawn from),
    ``drawn`` (its customer became a contact to interview), ``not_drawn``, or
    ``ineligible`` with the ``reason``. The phone number of a call that was not drawn is
    erased once the draw is made: it is personal data the survey no longer needs.
    """

    __tablename__ = "hotline_calls"
    __table_args__ = (
        UniqueConstraint("survey_id", "call_id"),
        Index("ix_hotline_calls_survey_started", "survey_id", "started_at"),
        Index("ix_hotline_calls_survey_status", "survey_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    call_id: Mapped[str] = mapped_column(String(64))
    customer_ref: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164, erased when not drawn
    queue: Mapped[str] = mapped_column(String(64))
    agent_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    talk_seconds: Mapped[int]
    transferred: Mapped[bool] = mapped_column(default=False)
    # The call centre's KPIs: seconds from offered to answered (or to hanging up), whether
    # the caller hung up before an answer, whether the first agent handled it without
    # passing it on, and whether the recording succeeded (None: not in the file).
    wait_seconds: Mapped[int | None]
    abandoned: Mapped[bool] = mapped_column(default=False)
    first_line: Mapped[bool | None]
    recorded: Mapped[bool | None]
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=CallStatus.NEW)
    reason: Mapped[str | None] = mapped_column(String(64))
    draw_id: Mapped[int | None] = mapped_column(ForeignKey("sample_draws.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
