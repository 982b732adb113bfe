"""Finding surveys: by slug for a page or a command, and the listings of the CLI and the role
homes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..database import db_session
from ..models import (
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseStatus,
    Survey,
    holds_an_answer,
)


def by_slug(session: Session, slug: str) -> Survey | None:
    return session.scalar(select(Survey).where(Survey.slug == slug))


def survey_or_404(slug: str, statuses=None) -> Survey:
    """A page's survey: 404 when no survey has that slug, or it is not in ``statuses``."""
    survey = by_slug(db_session(), slug)
    if survey is None or (statuses is not None and survey.status not in statuses):
        abort(404)
    return survey


@dataclass(frozen=True)
class SurveySummary:
    """One line of `survey surveys`: the fields of its JSON contract, plus the name."""

    slug: str
    name: str
    questionnaire: str
    version: int
    status: str
    modes: list[str]
    complete: int
    partial: int
    titles: dict = field(default_factory=dict)  # the title in each language, where given

    def as_json(self) -> dict:
        return asdict(self)


def list_surveys(
    session: Session, statuses: tuple[str, ...] | None = None, responses_where=()
) -> list[SurveySummary]:
    """Every survey with its questionnaire, version and response counts, newest first;
    ``responses_where`` narrows what is counted (a manager's branches)."""
    counts = (
        select(
            Response.survey_id,
            func.count().filter(Response.status == ResponseStatus.COMPLETE).label("complete"),
            func.count()
            .filter(Response.status == ResponseStatus.PARTIAL, holds_an_answer())
            .label("partial"),
        )
        .where(*responses_where)
        .group_by(Response.survey_id)
        .subquery()
    )
    query = (
        select(
            Survey,
            Questionnaire.key,
            QuestionnaireVersion.number,
            counts.c.complete,
            counts.c.partial,
        )
        .join(QuestionnaireVersion, Survey.questionnaire_version_id == QuestionnaireVersion.id)
        .join(Questionnaire, QuestionnaireVersion.questionnaire_id == Questionnaire.id)
        .outerjoin(counts, counts.c.survey_id == Survey.id)
        .order_by(Survey.created_at.desc(), Survey.id.desc())
    )
    if statuses:
        query = query.where(Survey.status.in_(statuses))
    return [
        SurveySummary(
            slug=survey.slug,
            name=survey.name,
            questionnaire=key,
            version=number,
            status=survey.status,
            modes=list(survey.modes),
            complete=complete or 0,
            partial=partial or 0,
            titles=dict((survey.settings or {}).get("titles") or {}),
        )
        for survey, key, number, complete, partial in session.execute(query)
    ]
