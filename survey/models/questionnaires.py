"""Questionnaires, their immutable versions, and surveys that field a version."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..questionnaire import Mode
from .base import Base, utcnow
from .statuses import SurveyStatus


class Questionnaire(Base):
    """A questionnaire known by the id written in its definition file."""

    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[QuestionnaireVersion]] = relationship(
        back_populates="questionnaire", order_by="QuestionnaireVersion.number"
    )


class QuestionnaireVersion(Base):
    """One content of a questionnaire, identified by its hash; never altered once answered."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "number"),
        UniqueConstraint("questionnaire_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(32))  # the version written in the file
    content_hash: Mapped[str] = mapped_column(String(64))
    # The file as loaded and its normalised definition: read only when asked for (a page
    # uses the questionnaire compiled once per worker, ``surveys.versions.questionnaire_of``).
    source: Mapped[str] = mapped_column(Text, deferred=True)
    definition: Mapped[dict] = mapped_column(JSON, deferred=True)
    title: Mapped[dict] = mapped_column(JSON)  # {language: title}
    # Question ids whose codes mean something else than in the previous version.
    changed_meaning: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="versions")


class Survey(Base):
    """A fielding of one questionnaire version: a period, modes, languages and a status."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    modes: Mapped[list[str]] = mapped_column(JSON, default=lambda: [Mode.WEB])
    status: Mapped[str] = mapped_column(String(16), default=SurveyStatus.DRAFT)
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["zh-Hans", "zh-Hant", "en"])
    default_language: Mapped[str] = mapped_column(String(16), default="zh-Hans")
    period_label: Mapped[str | None] = mapped_column(String(32))
    opens_on: Mapped[date | None]
    closes_on: Mapped[date | None]
    open_link: Mapped[bool] = mapped_column(default=False)
    link_valid_days: Mapped[int] = mapped_column(default=30)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
