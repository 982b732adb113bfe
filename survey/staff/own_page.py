"""What a staff member sees of themselves: each month's parts, composite and rank group, and
what customers wrote about them — never who rated them.

Peers' average is shown only when at least ``PEER_PRIVACY`` peers rated that month, so a
teller with one or two raters cannot work out who gave which score.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..analysis.scope import attribute, month_of
from ..models import REPORTABLE, Answer, Response, ResponseStatus, StaffMember, Survey
from ..surveys.versions import questionnaire_of
from .league import Entry, League, league

PEER_PRIVACY = 3
MONTHS = 6
COMMENTS = 30


@dataclass(frozen=True)
class Month:
    month: str
    entry: Entry | None
    league_size: int
    groups: int

    @property
    def peer_shown(self) -> bool:
        peer = self.entry.internal.get("peer") if self.entry else None
        return peer is not None and peer.count >= PEER_PRIVACY


def last_months(today_month: str, count: int = MONTHS) -> list[str]:
    year, month = map(int, today_month.split("-"))
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


@dataclass(frozen=True)
class Series:
    """One questionnaire's waves that rated the member: the survey of each month."""

    title_survey: Survey  # the newest wave, whose title heads the section
    by_month: dict  # YYYY-MM → Survey


def rated_series(session: Session, member: StaffMember) -> list[Series]:
    """The member's ratings grouped by questionnaire (a wave a month is one series)."""
    month = month_of(Response.completed_at)
    counts = session.execute(
        select(Response.survey_id, month, func.count())
        .where(
            attribute("staff_id") == member.staff_number,
            Response.status == ResponseStatus.COMPLETE,
        )
        .group_by(Response.survey_id, month)
    ).all()
    surveys = {
        s.id: s
        for s in session.scalars(
            select(Survey).where(
                Survey.id.in_({c[0] for c in counts}), Survey.status.in_(REPORTABLE)
            )
        )
        if questionnaire_of(s.questionnaire_version).staff_score
    }
    grouped: dict[int, dict] = {}
    best: dict[tuple, int] = {}
    for survey_id, when, count in counts:
        survey = surveys.get(survey_id)
        if survey is None:
            continue
        key = survey.questionnaire_version.questionnaire_id
        if count > best.get((key, when), 0):
            best[(key, when)] = count
            grouped.setdefault(key, {})[when] = survey
    return [
        Series(max(months.values(), key=lambda s: s.id), months)
        for _, months in sorted(grouped.items())
    ]


def history(
    session: Session, series: Series, member: StaffMember, months: list[str], min_responses: int
) -> list[Month]:
    """The member's league entry in each month (within their branch or team)."""
    found = []
    for month in months:
        survey = series.by_month.get(month)
        if survey is None:
            found.append(Month(month, None, 0, 0))
            continue
        result: League = league(
            session, survey, month, branch=member.unit or None, min_responses=min_responses
        )
        entry = next((e for e in result.entries if e.staff_id == member.staff_number), None)
        groups = {e.rank_group for e in result.ranked}
        found.append(Month(month, entry, len(result.ranked), len(groups)))
    return found


def comments(session: Session, series: Series, member: StaffMember) -> list[tuple[str, str]]:
    """Customers' comments naming the member, newest first, with their month only."""
    questionnaire = questionnaire_of(series.title_survey.questionnaire_version)
    ids = list(questionnaire.analysis.comments)
    if not ids:
        return []
    rows = session.execute(
        select(Response.completed_at, Answer.value_text)
        .join(Answer, Answer.response_id == Response.id)
        .where(
            Response.survey_id.in_([s.id for s in series.by_month.values()]),
            Response.status == ResponseStatus.COMPLETE,
            attribute("staff_id") == member.staff_number,
            Answer.question_id.in_(ids),
            Answer.value_text.is_not(None),
            Answer.value_text != "",
        )
        .order_by(Response.completed_at.desc())
        .limit(COMMENTS)
    )
    return [(f"{at:%Y-%m}", text) for at, text in rows]
