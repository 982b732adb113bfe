"""What customers' comments say: each comment's topics and sentiment, the bank's topic
dictionary (every saved version kept), and, where the bank allows it, a comment's text as
typed before personal data was masked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Double, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class TopicDictionaryVersion(Base):
    """One saved topic dictionary (YAML); the newest is used, the older ones are history."""

    __tablename__ = "topic_dictionaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CommentReading(Base):
    """What the analysis read in one comment of one response (never the text itself)."""

    __tablename__ = "comment_readings"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12))  # a comments.text.Status
    language: Mapped[str] = mapped_column(String(24), default="")
    topics: Mapped[list] = mapped_column(JSON, default=list)
    sentiment: Mapped[float | None] = mapped_column(Double)
    # The dictionary it was read with (None: the shipped one); a new one reads them again.
    dictionary_id: Mapped[int | None] = mapped_column(
        ForeignKey("topic_dictionaries.id", ondelete="SET NULL")
    )
    analysed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RawComment(Base):
    """A comment as typed, before masking: kept only when SURVEY_KEEP_RAW_COMMENTS is on,
    shown only to an admin, each reading audited."""

    __tablename__ = "raw_comments"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
