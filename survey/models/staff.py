"""The staff registry (tellers, hotline agents, lobby and operations managers), their
colleagues' internal ratings, and the service star's weights per branch or team."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class StaffRole(enum.StrEnum):
    """What a staff member does at the bank (not what the product lets them do)."""

    TELLER = "teller"
    AGENT = "agent"  # a hotline agent
    LOBBY_MANAGER = "lobby_manager"
    OPS_MANAGER = "ops_manager"


class RatingSource(enum.StrEnum):
    """Who gave an internal rating: a peer of the same branch, or one of its managers."""

    PEER = "peer"
    OPS = "ops"
    LOBBY = "lobby"


class StaffMember(Base):
    """One person in the registry, known by the staff number (工号) responses carry.

    A member may be linked to a sign-in account (``user_id``) to see their own page and to
    rate colleagues; the registry itself holds no password.
    """

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))  # a StaffRole
    branch: Mapped[str | None] = mapped_column(String(120))
    team: Mapped[str | None] = mapped_column(String(120))
    active_from: Mapped[date]
    active_to: Mapped[date | None]
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def unit(self) -> str:
        """The branch (tellers and their managers) or the team (hotline agents)."""
        return self.branch or self.team or ""

    def active_in(self, first: date, last: date) -> bool:
        """Whether the member worked at any time between two days (inclusive)."""
        return self.active_from <= last and (self.active_to is None or self.active_to >= first)


class StaffRating(Base):
    """One colleague's monthly rating of a teller, answered on the internal questionnaire.

    ``rater_key`` is a keyed hash of rater, rated and month: it lets each rater rate each
    colleague once a month and shows the rater which colleagues they have rated, without
    storing who gave the rating.
    """

    __tablename__ = "staff_ratings"
    __table_args__ = (
        UniqueConstraint("rater_key"),
        Index("ix_staff_ratings_month_ratee", "month", "ratee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    ratee_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(8))  # a RatingSource
    rater_key: Mapped[str] = mapped_column(String(64))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    answers: Mapped[dict] = mapped_column(JSON)
    score: Mapped[float]  # 0–100 by the questionnaire's staff_score
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StarWeights(Base):
    """The service star's weights (percent, summing to 100) for one branch or team; the
    row with an empty unit is the default for the rest."""

    __tablename__ = "star_weights"

    unit: Mapped[str] = mapped_column(String(120), primary_key=True)
    customer: Mapped[int]
    peer: Mapped[int]
    ops: Mapped[int]
    lobby: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
