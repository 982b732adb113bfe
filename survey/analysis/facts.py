"""Keep ``report_rows`` in step with the completes: each report view first copies in the
responses completed since the newest row it holds (one indexed lookup when nothing is new),
oldest first and a chunk per commit, so what is copied is always every complete up to a
time; a large survey's first view that runs out of time asks to be reloaded.

A complete response never changes afterwards, so a row, once written, stays true; the
margin below covers app servers whose clocks differ by a few minutes, and ON CONFLICT
keeps two simultaneous views from writing a row twice.
"""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, literal, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import ReportFilterValue, ReportRow, Response, ResponseStatus, Survey
from ..surveys.versions import questionnaire_of
from .measures import score_source, value_source
from .scope import FILTERS, attribute, month_of

CLOCK_MARGIN = timedelta(minutes=10)
BULK = 10_000
CHUNK = 25_000  # rows copied per commit (a few seconds each)
BUDGET = 15.0  # seconds a view may spend copying before it asks to be reloaded
COLUMNS = (
    "response_id", "survey_id", "stratum", "completed_at", *FILTERS,
    "overall", "overall_top", "recommend", "recommend_top", "recommend_score", "csi",
)  # fmt: skip


def _rows(questionnaire, survey_id: int):
    """SELECT of the report rows of a survey's completes, headline values joined on."""
    roles = questionnaire.analysis
    joined = Response.__table__
    nothing = literal(None)
    overall = overall_top = recommend = recommend_top = recommend_score = csi = nothing
    if roles.overall:
        joined, values = value_source(questionnaire, roles.overall).join(joined)
        overall, overall_top = values["value"], values["top"]
    if roles.recommend:
        joined, values = value_source(questionnaire, roles.recommend).join(joined)
        recommend, recommend_top, recommend_score = values["value"], values["top"], values["nps"]
    if roles.csi:
        joined, values = score_source(questionnaire, "csi", dict(roles.csi)).join(joined)
        csi = values["value"]
    return select(
        Response.id, Response.survey_id, Response.stratum, Response.completed_at,
        *[attribute(name) for name in FILTERS],
        overall, overall_top, recommend, recommend_top, recommend_score, csi,
    ).select_from(joined).where(
        Response.survey_id == survey_id, Response.status == ResponseStatus.COMPLETE
    )  # fmt: skip


class ReportNotReady(Exception):
    """The survey's completes are still being copied into ``report_rows`` (a large survey's
    first view); the page asks to be reloaded rather than show partial figures."""

    def __init__(self, copied: int, total: int):
        super().__init__(f"{copied} of {total} complete responses prepared")
        self.copied, self.total = copied, total


def _missing(survey_id: int, since):
    """The completes at or after ``since`` (all if None) not yet in report_rows."""
    clauses = [Response.survey_id == survey_id, Response.status == ResponseStatus.COMPLETE]
    if since is not None:
        clauses += [
            Response.completed_at >= since,
            Response.id.not_in(
                select(ReportRow.response_id).where(
                    ReportRow.survey_id == survey_id, ReportRow.completed_at >= since
                )
            ),
        ]
    return clauses


def refresh_facts(session: Session, survey: Survey, budget_seconds: float | None = None) -> int:
    """Copy in the completes not yet in ``report_rows``, oldest first, a chunk per commit;
    returns how many were added. Raises ReportNotReady when the time budget ran out first
    (the next view goes on where this one stopped)."""
    started = time.monotonic()
    budget = BUDGET if budget_seconds is None else budget_seconds
    questionnaire = questionnaire_of(survey.questionnaire_version)
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    added = 0
    while True:
        newest = session.scalar(
            select(func.max(ReportRow.completed_at)).where(ReportRow.survey_id == survey.id)
        )
        since = None if newest is None else newest - CLOCK_MARGIN
        if since is not None and not session.scalar(
            select(func.count()).select_from(Response).where(*_missing(survey.id, since))
        ):
            break
        rows = (
            _rows(questionnaire, survey.id)
            .where(*_missing(survey.id, since))
            .order_by(Response.completed_at)
            .limit(CHUNK)
        )
        copied = session.scalars(
            insert(ReportRow)
            .from_select(list(COLUMNS), rows)
            .on_conflict_do_nothing()
            .returning(ReportRow.response_id)  # rowcount is -1 here with psycopg
        ).all()
        count = len(copied)
        if not count:
            break
        _add_filter_values(session, survey.id, since, dialect, insert)
        added += count
        if added >= BULK and count == CHUNK:
            # A bulk copy (the first view of a large survey): let the planner see the
            # table now (rather than when autovacuum next looks, or never on SQLite), so
            # it scans instead of walking an index row by row.
            session.execute(text("ANALYZE report_rows"))
        session.commit()
        if count < CHUNK:
            break
        if time.monotonic() - started > budget:
            copied = session.scalar(select(func.count()).where(ReportRow.survey_id == survey.id))
            total = session.scalar(
                select(func.count()).where(
                    Response.survey_id == survey.id, Response.status == ResponseStatus.COMPLETE
                )
            )
            raise ReportNotReady(copied, total)
    return added


def _add_filter_values(session, survey_id, since, dialect, insert) -> None:
    """The branch, channel, tier and month values of the rows just copied."""
    recent = [] if since is None else [ReportRow.completed_at >= since]
    for name, column in [(n, getattr(ReportRow, n)) for n in FILTERS] + [
        ("month", month_of(ReportRow.completed_at, dialect))
    ]:
        values = (
            select(literal(survey_id), literal(name), column)
            .where(ReportRow.survey_id == survey_id, column.is_not(None), *recent)
            .distinct()
        )
        session.execute(
            insert(ReportFilterValue)
            .from_select(["survey_id", "name", "value"], values)
            .on_conflict_do_nothing()
        )
