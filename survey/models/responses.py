"""Responses and their answers, stored long so one SQL pass can aggregate a question."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..logs import failure
from .base import Base, utcnow
from .statuses import ResponseStatus

log = logging.getLogger(__name__)


class Response(Base):
    """One respondent's interview, pinned to the questionnaire version it answered."""

    __tablename__ = "responses"
    __table_args__ = (
        Index("ix_responses_survey_status_stratum", "survey_id", "status", "stratum"),
        Index("ix_responses_survey_completed", "survey_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    # One response per invitation, whichever channel completes it.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), unique=True)
    resume_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A keyed hash of the client's address, for the open-link rate limit (never the address).
    client_key: Mapped[str | None] = mapped_column(String(64), index=True)
    disposition: Mapped[str | None] = mapped_column(String(8))  # set when screened out
    mode: Mapped[str] = mapped_column(String(8))  # a Mode
    status: Mapped[str] = mapped_column(String(16), default=ResponseStatus.PARTIAL)
    language: Mapped[str] = mapped_column(String(16))
    # Segment attributes copied from the contact, so reports need no personal data.
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    stratum: Mapped[str | None] = mapped_column(String(120))
    weight: Mapped[float | None]
    random_seed: Mapped[int] = mapped_column(default=0)
    position: Mapped[str | None] = mapped_column(String(64))  # the page or question reached
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    duration_seconds: Mapped[int | None]

    answers: Mapped[list[Answer]] = relationship(back_populates="response")
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()  # noqa: F821
    survey: Mapped[Survey] = relationship()  # noqa: F821

    @property
    def is_partial(self) -> bool:
        """Started and not finished: it may still be resumed."""
        return self.status == ResponseStatus.PARTIAL


class Answer(Base):
    """One stored value: a question's code, or one option (``item``) of a multiple choice."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", "item"),
        Index("ix_answers_survey_question", "survey_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(64), default="")
    code: Mapped[str | None] = mapped_column(String(64))
    value_num: Mapped[float | None]
    value_text: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")


SUM_ORDER = (
    "survey_id", "stratum", "branch", "channel", "tier", "month", "completed_at",
    "overall", "overall_top", "recommend", "recommend_top", "recommend_score", "csi",
)  # fmt: skip


class ReportRow(Base):
    """One complete response as the reports read it: the design stratum, the filter
    attributes and the headline values, in one narrow row.

    A copy kept by ``reporting.facts`` (filled on the next report view after a response
    completes), so a report over a million responses scans one table instead of joining
    each answer and parsing each response's attributes.
    """

    __tablename__ = "report_rows"
    __table_args__ = (
        Index("ix_report_rows_survey_completed", "survey_id", "completed_at"),
        Index("ix_report_rows_survey_branch", "survey_id", "branch"),
        # Every column the reports read, in the order they group by: SQLite (which has no
        # hash aggregation) then reads a survey's sums in group order from the index alone
        # instead of sorting a million rows (``analysis.sums.collect_facts``).
        Index("ix_report_rows_sums", *SUM_ORDER),
    )

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    stratum: Mapped[str | None] = mapped_column(String(120))
    completed_at: Mapped[datetime]
    branch: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[str | None] = mapped_column(String(120))
    tier: Mapped[str | None] = mapped_column(String(120))
    month: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM of completed_at (UTC)
    overall: Mapped[float | None]  # the overall question's value (refused: NULL)
    overall_top: Mapped[float | None]  # 1 in the top box, else 0
    recommend: Mapped[float | None]  # the 0–10 recommendation
    recommend_top: Mapped[float | None]  # 1 for 9–10
    recommend_score: Mapped[float | None]  # +1 promoter, 0 passive, −1 detractor
    csi: Mapped[float | None]  # the respondent's 0–100 CSI


class ReportFilterValue(Base):
    """A value a report can be filtered by (a branch, channel, tier or month with completes),
    kept beside ``report_rows`` so the filter lists never scan the responses."""

    __tablename__ = "report_filter_values"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(120), primary_key=True)


def holds_an_answer():
    """SQL: the response has stored at least one answer. A response is counted as started
    (a partial) only then: opening a link and pressing Start is not an interview."""
    return select(Answer.id).where(Answer.response_id == Response.id).exists()


def completed_in_flush(session) -> list[Response]:
    """The responses a flush has just made complete (new, or changed to complete): what the
    reports' rows and the follow-up rules each listen for, in the same transaction."""
    return [
        response
        for response in (*session.new, *session.dirty)
        if isinstance(response, Response)
        and response.status == ResponseStatus.COMPLETE
        and inspect(response).attrs.status.history.added
    ]


def follow_completions(name: str, handle, batch: bool = False) -> None:
    """Run ``handle(session, response)`` for each response a transaction completes, just
    before it commits, on every session (idempotent per ``name``; followers run in the order
    they were registered). With ``batch``, ``handle(session, responses)`` takes them all at
    once. A failure is logged and never costs the customer's answers, nor another
    follower's work: all run in one savepoint, and when that fails, each again in its own.
    """
    _FOLLOWERS.setdefault(name, (handle, batch))
    if not event.contains(Session, "after_flush", _note_completed):
        event.listen(Session, "after_flush", _note_completed)
        event.listen(Session, "before_commit", _run_followers)
        event.listen(Session, "after_rollback", _forget_completed)


_FOLLOWERS: dict = {}  # name → (handle, batch), in registration order
_COMPLETED = "survey.completed"


def _note_completed(session, _context) -> None:
    for response in completed_in_flush(session):
        session.info.setdefault(_COMPLETED, set()).add(response.id)


def _forget_completed(session) -> None:
    session.info.pop(_COMPLETED, None)


def _run_followers(session) -> None:
    pending = session.info.pop(_COMPLETED, None)
    if not pending:
        return
    session.flush()
    completed = [
        response
        for response in (session.get(Response, i) for i in sorted(pending))
        if response is not None and response.status == ResponseStatus.COMPLETE
    ]
    try:
        with session.begin_nested():
            for handle, batch in _FOLLOWERS.values():
                _follow(session, handle, batch, completed)
        return
    except Exception:  # noqa: S110 (one failed: find which, keep the others' work)
        pass
    for name, (handle, batch) in _FOLLOWERS.items():
        for response in completed:
            try:
                with session.begin_nested():
                    _follow(session, handle, batch, [response])
            except Exception as error:  # logged for the operators; the answers are kept
                log.error("%s after response %s failed: %s", name, response.id, failure(error))


def _follow(session, handle, batch: bool, responses: list[Response]) -> None:
    if batch:
        handle(session, responses)
    else:
        for response in responses:
            handle(session, response)
