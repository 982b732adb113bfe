"""Keep ``report_rows`` in step with the completes: each report view first copies in the
responses completed since the newest row it holds (one indexed lookup when nothing is new).

A complete response never changes afterwards, so a row, once written, stays true; the
margin below covers app servers whose clocks differ by a few minutes, and ON CONFLICT
keeps two simultaneous views from writing a row twice.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, literal, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import ReportFilterValue, ReportRow, Response, Survey
from ..questionnaire_versions import questionnaire_of
from .measures import score_source, value_source
from .scope import FILTERS, attribute, month_of

CLOCK_MARGIN = timedelta(minutes=10)
BULK = 10_000
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
        Response.survey_id == survey_id, Response.status == "complete"
    )  # fmt: skip


def refresh_facts(session: Session, survey: Survey) -> int:
    """Copy in the completes not yet in ``report_rows``; returns how many were added."""
    newest = session.scalar(
        select(func.max(ReportRow.completed_at)).where(ReportRow.survey_id == survey.id)
    )
    rows = _rows(questionnaire_of(survey.questionnaire_version), survey.id)
    if newest is not None:
        rows = rows.where(Response.completed_at >= newest - CLOCK_MARGIN)
        if not session.scalar(
            select(func.count())
            .select_from(Response)
            .where(
                Response.survey_id == survey.id,
                Response.status == "complete",
                Response.completed_at >= newest - CLOCK_MARGIN,
                Response.id.not_in(
                    select(ReportRow.response_id).where(
                        ReportRow.survey_id == survey.id,
                        ReportRow.completed_at >= newest - CLOCK_MARGIN,
                    )
                ),
            )
        ):
            return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    added = session.execute(
        insert(ReportRow).from_select(list(COLUMNS), rows).on_conflict_do_nothing()
    ).rowcount
    if not added:
        return 0
    if dialect == "postgresql" and added >= BULK:
        # A bulk copy (the first view of a large survey): let the planner see the table
        # now rather than when autovacuum next looks, so its scans run in parallel.
        session.execute(text("ANALYZE report_rows"))
    since = [] if newest is None else [ReportRow.completed_at >= newest - CLOCK_MARGIN]
    for name, column in [(n, getattr(ReportRow, n)) for n in FILTERS] + [
        ("month", month_of(ReportRow.completed_at, dialect))
    ]:
        values = (
            select(literal(survey.id), literal(name), column)
            .where(ReportRow.survey_id == survey.id, column.is_not(None), *since)
            .distinct()
        )
        session.execute(
            insert(ReportFilterValue)
            .from_select(["survey_id", "name", "value"], values)
            .on_conflict_do_nothing()
        )
    return added
