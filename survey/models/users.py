"""Staff accounts and the audit log."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Role(enum.StrEnum):
    """What a staff account may do (DESIGN.md, roles)."""

    ADMIN = "admin"
    MANAGER = "manager"
    SUPERVISOR = "supervisor"
    INTERVIEWER = "interviewer"
    STAFF = "staff"  # a teller or agent who sees their own page and rates colleagues


class User(Base):
    """A staff member who signs in: one role each."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    # The staff number (工号) an interviewer gives the customer; never the username.
    staff_number: Mapped[str | None] = mapped_column(String(32))
    # Where follow-up reminders and escalations reach this person (the outbox: e-mail, SMS).
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(16))
    # Managers may be limited to some branches; None means every branch.
    branches: Mapped[list[str] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Superseded by staff_sessions (ended on a password change); kept, as the column is
    # required, until a migration drops it.
    session_stamp: Mapped[str] = mapped_column(String(32))
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"


class StaffSession(Base):
    """One signed-in browser. The cookie carries only a random key whose hash is the id, so
    ending the row (sign-out, password change, deactivation, "sign out everywhere") ends the
    session wherever the cookie was copied, and no cookie outlives the absolute lifetime."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class PracticeState(Base):
    """Where a staff member is in a practice run or a preview (answers, position, seed): kept
    on the server so a long practice answer never outgrows the session cookie."""

    __tablename__ = "practice_states"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Who did what to whom: personal-data views, exports, answer changes, sign-ins."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict | None] = mapped_column(JSON)
    remote_addr: Mapped[str | None] = mapped_column(String(64))


class ApiToken(Base):
    """A revocable key for the estimates API, issued by an admin; only its SHA-256 is kept.

    It reads what a manager reads, limited to ``branches`` when set.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown, so a token can be recognised
    branches: Mapped[list[str] | None] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class FailedLookup(Base):
    """Unknown tokens presented by one client in one time window (a personal link, an API
    key): counted in the database, so every app server sees the same count."""

    __tablename__ = "failed_lookups"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    # A keyed hash of the client's address (never the address itself).
    client_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
