"""The sample frame: contacts (the only place personal data lives) and their invitations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow


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
    sampled: Mapped[bool] = mapped_column(default=True)
    do_not_contact: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    invitations: Mapped[list[Invitation]] = relationship(back_populates="contact")


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
    reminded_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    opted_out_at: Mapped[datetime | None]
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)

    contact: Mapped[Contact | None] = relationship(back_populates="invitations")
    survey: Mapped[Survey] = relationship()  # noqa: F821 (resolved by name)
