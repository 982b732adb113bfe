"""Open comments with their score, segment, topics and sentiment: searched (in either
Chinese script), filtered by topic, paged, never with an identity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..comments.text import to_simplified, to_traditional
from ..models import Answer, CommentReading, Response, ResponseStatus
from .scope import FILTERS, ReportScope, attribute

PAGE_SIZE = 50


@dataclass(frozen=True)
class Verbatim:
    text: str
    question: str
    score: float | None
    segments: dict
    completed_at: datetime | None
    topics: tuple[str, ...] = ()
    sentiment: float | None = None
    status: str | None = None  # how the analysis read it (analysed, empty, unsupported, …)
    language: str = ""


def _like(column, text: str):
    """``column`` contains ``text`` as typed, in Simplified or in Traditional characters."""
    variants = {text.lower(), to_simplified(text).lower(), to_traditional(text).lower()}
    patterns = [
        "%" + v.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
        for v in sorted(variants)
    ]
    return or_(*(func.lower(column).like(p, escape="\\") for p in patterns))


def verbatims(
    session: Session,
    questionnaire,
    survey_id: int,
    scope: ReportScope,
    search: str = "",
    page: int = 1,
    topic: str | None = None,
) -> tuple[list[Verbatim], int]:
    """One page of comments (newest first) and how many match; ``topic`` keeps those the
    analysis put under that topic."""
    ids = list(questionnaire.analysis.comments)
    if not ids:
        return [], 0
    comment = aliased(Answer)
    overall = aliased(Answer)
    query_from = Response.__table__.join(
        comment,
        and_(comment.response_id == Response.id, comment.question_id.in_(ids)),
    ).outerjoin(
        CommentReading,
        and_(
            CommentReading.response_id == Response.id,
            CommentReading.question_id == comment.question_id,
        ),
    )
    score = None
    if questionnaire.analysis.overall:
        query_from = query_from.outerjoin(
            overall,
            and_(
                overall.response_id == Response.id,
                overall.question_id == questionnaire.analysis.overall,
                overall.item == "",
            ),
        )
        score = overall.value_num
    where = [
        Response.survey_id == survey_id,
        Response.status == ResponseStatus.COMPLETE,
        comment.value_text.is_not(None),
        func.length(func.trim(comment.value_text)) > 0,
        *scope.conditions(),
    ]
    if search.strip():
        where.append(_like(comment.value_text, search.strip()))
    if topic:
        where.append(cast(CommentReading.topics, String).like(f'%"{topic}"%'))
    total = session.scalar(select(func.count()).select_from(query_from).where(*where))
    rows = session.execute(
        select(
            comment.value_text,
            comment.question_id,
            score if score is not None else func.null(),
            *[attribute(name) for name in FILTERS],
            Response.completed_at,
            CommentReading.topics,
            CommentReading.sentiment,
            CommentReading.status,
            CommentReading.language,
        )
        .select_from(query_from)
        .where(*where)
        .order_by(Response.completed_at.desc(), Response.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    ).all()
    return [
        Verbatim(
            row[0],
            row[1],
            row[2],
            {name: value for name, value in zip(FILTERS, row[3:6], strict=True) if value},
            row[6],
            tuple(row[7] or ()),
            row[8],
            row[9],
            row[10] or "",
        )
        for row in rows
    ], int(total or 0)
