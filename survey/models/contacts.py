"""The sample frame: contacts (the only place personal data lives) and their invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .statuses import MessageStatus


class Contact(Base):
    """A customer in a survey's sample frame, with segment attributes and personal data."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("survey_id", "customer_ref"),
        Index("ix_contacts_customer_ref", "customer_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    customer_ref: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    phone_alt: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str | None] = mapped_column(String(16))
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    # Segment attributes (branch, tier, channel, staff id, ...): copied onto responses.
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    stratum: Mapped[str | None] = mapped_column(String(120))
    # A frame row is drawn into the sample (sampled), in a replicate released as a batch.
    sampled: Mapped[bool] = mapped_column(default=True)
    replicate: Mapped[int | None]
    released_at: Mapped[datetime | None]
    do_not_contact: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    invitations: Mapped[list[Invitation]] = relationship(back_populates="contact")


class DoNotContact(Base):
    """A customer who must never be surveyed: opted out from a link, or added by a supervisor."""

    __tablename__ = "do_not_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    email: Mapped[str | None] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(String(32), default="opt_out")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StratumPopulation(Base):
    """A stratum's population count: it gives the design weights and fpc of reports and exports."""

    __tablename__ = "stratum_populations"
    __table_args__ = (UniqueConstraint("survey_id", "stratum"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    stratum: Mapped[str] = mapped_column(String(120))
    population: Mapped[int]
    source: Mapped[str] = mapped_column(String(16), default="frame")  # frame or imported


class SampleDraw(Base):
    """A recorded draw from the frame: method, seed and allocation, so it can be reproduced."""

    __tablename__ = "sample_draws"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int]
    size: Mapped[int]
    replicates: Mapped[int] = mapped_column(default=1)
    allocation: Mapped[dict] = mapped_column(JSON)
    # What else the draw used: a post-call draw's rates, minimum talk time, eligible counts.
    parameters: Mapped[dict | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invitation(Base):
    """A personal link: only the token's hash is stored, never the token."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16), default="link")  # link, sms, email
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]  # the latest reminder
    reminders_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    opened_at: Mapped[datetime | None]
    opted_out_at: Mapped[datetime | None]
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)

    contact: Mapped[Contact | None] = relationship(back_populates="invitations")
    survey: Mapped[Survey] = relationship()  # noqa: F821 (resolved by name)


class InvitationToken(Base):
    """A further live token of an invitation (a reminder carries a new link; the old one works too)."""

    __tablename__ = "invitation_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """An invitation or reminder queued for an SMS or e-mail adapter, and what became of it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    # None for a message to staff (a follow-up reminder or escalation).
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(8))  # sms, email
    kind: Mapped[str] = mapped_column(
        String(16), default="invitation"
    )  # invitation, reminder, followup
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default=MessageStatus.QUEUED)
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempted_at: Mapped[datetime | None]  # handed to the adapter (status sending) at
    # The job delivering it: a retry of that job finishes what its last attempt left sending.
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None]
