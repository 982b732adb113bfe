"""CATI cases, their call attempts and callback appointments."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .statuses import CaseStatus

if TYPE_CHECKING:
    from .contacts import Contact, Invitation


class CatiCase(Base):
    """One contact to be interviewed by phone; claimed by one interviewer at a time."""

    __tablename__ = "cati_cases"
    __table_args__ = (
        Index("ix_cati_cases_queue", "survey_id", "status", "next_call_at"),
        # The next-case order: highest priority, then fewest attempts, then the oldest case.
        Index(
            "ix_cati_cases_order",
            "survey_id",
            "status",
            text("priority DESC"),
            "attempt_count",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.PENDING)
    priority: Mapped[int] = mapped_column(default=0)
    attempt_count: Mapped[int] = mapped_column(default=0)
    next_call_at: Mapped[datetime | None]
    # A post-call interview is worth making only while the call is fresh in mind.
    due_by: Mapped[datetime | None]
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None]  # renewed as the interviewer works the case
    call_started_at: Mapped[datetime | None]  # when they took it: the call attempt's start
    final_disposition: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempts: Mapped[list[CallAttempt]] = relationship(
        back_populates="case", order_by="CallAttempt.started_at"
    )
    contact: Mapped[Contact] = relationship()
    invitation: Mapped[Invitation | None] = relationship()  # shared with the web link

    @property
    def is_pending(self) -> bool:
        return self.status == CaseStatus.PENDING


class CallAttempt(Base):
    """One dialling of a case and its AAPOR-coded outcome."""

    __tablename__ = "call_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cati_cases.id", ondelete="CASCADE"))
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    disposition: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[CatiCase] = relationship(back_populates="attempts")


class Appointment(Base):
    """A callback agreed with the respondent, stored in UTC."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_case_id", "case_id"),
        Index("ix_appointments_due", "kept_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cati_cases.id", ondelete="CASCADE"))
    due_at: Mapped[datetime]
    definite: Mapped[bool] = mapped_column(default=True)
    interviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # "only me"
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kept_at: Mapped[datetime | None]
