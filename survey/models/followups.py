"""Follow-up cases opened by low scores and complaints, and their history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .statuses import FollowupStatus


class FollowupCase(Base):
    """One response's follow-up under one rule: its class, owner, working-day deadline and
    the reply that closes it. A response opens at most one case per rule."""

    __tablename__ = "followup_cases"
    __table_args__ = (
        UniqueConstraint("response_id", "rule"),
        Index("ix_followup_cases_owner_status", "owner", "status"),
        Index("ix_followup_cases_survey_status", "survey_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(300))  # what fired, as the manager reads it
    category: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(8))
    complexity: Mapped[str] = mapped_column(String(8))
    owner: Mapped[str] = mapped_column(String(80))  # "branch:SZ-001" or "team:hotline"
    branch: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str] = mapped_column(String(4), default="CN")
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default=FollowupStatus.NEW)
    level: Mapped[int] = mapped_column(default=0)  # 0 owner, 1 branch head, 2 service quality
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    contacted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    reopened: Mapped[int] = mapped_column(default=0)
    # The reply: facts, responsible, lesson, fix, satisfaction, replied_on, handler.
    reply: Mapped[dict | None] = mapped_column(JSON)
    return_invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    outcome_satisfaction: Mapped[int | None]  # 1–5, from the reply or the return call
    would_stay: Mapped[bool | None]  # the return call's "will you keep banking with us?"

    events: Mapped[list[FollowupEvent]] = relationship(
        back_populates="case", order_by="FollowupEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.status != FollowupStatus.CLOSED


class FollowupEvent(Base):
    """A line of a case's history: a note, a status change, a reassignment, a reminder, an
    escalation, the reply, the return call."""

    __tablename__ = "followup_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("followup_cases.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict | None] = mapped_column(JSON)

    case: Mapped[FollowupCase] = relationship(back_populates="events")
