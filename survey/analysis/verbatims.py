"""Open comments with their score and segment: searched, paged, never with an identity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from ..models import Answer, Response, ResponseStatus
from .scope import FILTERS, ReportScope, attribute

PAGE_SIZE = 50


@dataclass(frozen=True)
class Verbatim:
    text: str
    question: str
    score: float | None
    segments: dict
    completed_at: datetime | None


def verbatims(
    session: Session,
    questionnaire,
    survey_id: int,
    scope: ReportScope,
    search: str = "",
    page: int = 1,
) -> tuple[list[Verbatim], int]:
    """One page of comments (newest first) and how many match."""
    ids = list(questionnaire.analysis.comments)
    if not ids:
        return [], 0
    comment = aliased(Answer)
    overall = aliased(Answer)
    query_from = Response.__table__.join(
        comment,
        and_(comment.response_id == Response.id, comment.question_id.in_(ids)),
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
        pattern = "%" + search.strip().lower().replace("%", r"\%").replace("_", r"\_") + "%"
        where.append(func.lower(comment.value_text).like(pattern, escape="\\"))
    total = session.scalar(select(func.count()).select_from(query_from).where(*where))
    rows = session.execute(
        select(
            comment.value_text,
            comment.question_id,
            score if score is not None else func.null(),
            *[attribute(name) for name in FILTERS],
            Response.completed_at,
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
        )
        for row in rows
    ], int(total or 0)
