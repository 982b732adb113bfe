"""Alerts and scheduled reports: who wants to hear of what, what each person was told,
and every report PDF exactly as it was sent."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Double,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class AlertKind(enum.StrEnum):
    LOW_SCORE = "low_score"  # a detractor or a low score, the hour it arrives
    CHANGE = "change"  # a branch's index moved beyond sampling error
    HOTLINE = "hotline"  # a hotline KPI below its target
    OVERDUE = "overdue"  # a follow-up case past its deadline


class Delivery(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"  # once a day, in one message
    INBOX = "inbox"  # an alert whose subscription chose no channel: nothing to send


class AlertSubscription(Base):
    """Who hears of what: one person (``user_id``) or everyone with a role (``role``), for
    one kind, a survey (None: every survey) and a branch (None: every branch they may see)."""

    __tablename__ = "alert_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # an AlertKind
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    branch: Mapped[str | None] = mapped_column(String(120))
    # A low-score rule: the question and the highest answer that alerts (None: the
    # questionnaire's overall or recommend question, and its low end).
    question_id: Mapped[str | None] = mapped_column(String(64))
    threshold: Mapped[float | None] = mapped_column(Double)
    delivery: Mapped[str] = mapped_column(String(12), default=Delivery.IMMEDIATE)
    channels: Mapped[list] = mapped_column(JSON, default=list)  # email, sms (the inbox always)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alert(Base):
    """One thing one person was told, in the in-app inbox; the message that carried it by
    e-mail or SMS (now, after quiet hours, or in the day's digest) is in the outbox."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),  # told once, however often the cause is seen
        Index("ix_alerts_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(160))
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    branch: Mapped[str | None] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")
    delivery: Mapped[str] = mapped_column(String(12), default=Delivery.IMMEDIATE)
    channels: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # When the e-mail or SMS was queued in the outbox (None: still held, or inbox only).
    sent_at: Mapped[datetime | None]


class ReportFrequency(enum.StrEnum):
    MONTHLY = "monthly"  # last month's report on the 1st
    WEEKLY = "weekly"  # last week's on Monday


class ReportSubscription(Base):
    """A survey's (or one branch's) PDF report sent to one person on a schedule."""

    __tablename__ = "report_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    branch: Mapped[str | None] = mapped_column(String(120))
    frequency: Mapped[str] = mapped_column(String(8), default=ReportFrequency.MONTHLY)
    language: Mapped[str] = mapped_column(String(16), default="zh-Hans")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SentReport(Base):
    """A report PDF as it was sent: reopened byte for byte, whatever changed since."""

    __tablename__ = "sent_reports"
    __table_args__ = (
        UniqueConstraint("subscription_id", "period"),  # one report a period, however retried
        Index("ix_sent_reports_user", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_subscriptions.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    branch: Mapped[str | None] = mapped_column(String(120))
    period: Mapped[str] = mapped_column(String(24))  # 2026-11, 2026-W47
    language: Mapped[str] = mapped_column(String(16))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    headline: Mapped[list] = mapped_column(JSON, default=list)  # the figures it printed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
