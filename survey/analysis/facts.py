"""Keep ``report_rows`` in step with the completes, so that reading a report never writes.

A response's row is written in the transaction that completes it (``follow_completes``
listens for it on every session), so the web link, the CATI console and any other path
that completes a response keep the table current without knowing about reports. Bulk
loads that bypass the ORM (the demo, a migration) copy their completes with
``refresh_facts``, as the ``prepare-reports`` command and ``init-db`` do.

A view only checks, with one indexed lookup, that nothing is missing; if something is
(a bulk load not yet prepared), it says how far the preparation got instead of showing
partial figures. A complete response never changes afterwards, so a row, once written,
stays true; the margin covers app servers whose clocks differ by a few minutes, and
ON CONFLICT keeps two writers from writing a row twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import bindparam, event, func, literal, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..logs import failure
from ..models import (
    ReportFilterValue,
    ReportRow,
    Response,
    ResponseStatus,
    Survey,
    completed_in_flush,
)
from ..surveys.versions import questionnaire_of
from .measures import score_source, value_source
from .scope import FILTERS, attribute, month_of

log = logging.getLogger(__name__)
CLOCK_MARGIN = timedelta(minutes=10)
BULK = 10_000
CHUNK = 25_000  # rows copied per commit (a few seconds each)
COLUMNS = (
    "response_id", "survey_id", "stratum", "completed_at", *FILTERS, "month",
    "overall", "overall_top", "recommend", "recommend_top", "recommend_score", "csi",
)  # fmt: skip


def _rows(questionnaire):
    """SELECT of the report rows of a survey's completes (the survey a bound parameter),
    headline values joined on; built once per questionnaire, since building it costs more
    than running it for the one response a completing request copies."""
    cached = _ROWS.get(id(questionnaire))
    if cached is not None and cached[0] is questionnaire:
        return cached[1]
    statement = _build_rows(questionnaire)
    _ROWS[id(questionnaire)] = (questionnaire, statement)
    return statement


_ROWS: dict[
    int, tuple
] = {}  # id(questionnaire) → (questionnaire, statement); questionnaires are few


def _build_rows(questionnaire):
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
        *[attribute(name) for name in FILTERS], month_of(Response.completed_at),
        overall, overall_top, recommend, recommend_top, recommend_score, csi,
    ).select_from(joined).where(
        Response.survey_id == bindparam("report_survey_id"),
        Response.status == ResponseStatus.COMPLETE,
    )  # fmt: skip


class ReportNotReady(Exception):
    """Some of the survey's completes are not yet in ``report_rows`` (a bulk load not yet
    prepared): the page says so rather than show partial figures."""

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


def _since(session: Session, survey_id: int):
    newest = session.scalar(
        select(func.max(ReportRow.completed_at)).where(ReportRow.survey_id == survey_id)
    )
    return None if newest is None else newest - CLOCK_MARGIN


def check_ready(session: Session, survey: Survey) -> None:
    """Read only: raise ReportNotReady when completes are missing from ``report_rows``."""
    since = _since(session, survey.id)
    if since is not None and not session.scalar(
        select(func.count()).select_from(Response).where(*_missing(survey.id, since))
    ):
        return
    copied = session.scalar(select(func.count()).where(ReportRow.survey_id == survey.id))
    total = session.scalar(
        select(func.count()).where(
            Response.survey_id == survey.id, Response.status == ResponseStatus.COMPLETE
        )
    )
    if copied < total:
        raise ReportNotReady(copied, total)


def refresh_facts(session: Session, survey: Survey, commit: bool = True) -> int:
    """Copy in the completes not yet in ``report_rows``, oldest first, a chunk at a time
    (committed after each unless ``commit`` is false); returns how many were added."""
    questionnaire = questionnaire_of(survey.questionnaire_version)
    added = 0
    while True:
        since = _since(session, survey.id)
        count = _copy(session, questionnaire, survey.id, _missing(survey.id, since), since)
        added += count
        if added >= BULK and count == CHUNK:
            # A bulk copy: let the planner see the table now (rather than when autovacuum
            # next looks, or never on SQLite), so it scans instead of walking an index.
            session.execute(text("ANALYZE report_rows"))
        if commit:
            session.commit()
        if count < CHUNK:
            return added


def _copy(session: Session, questionnaire, survey_id: int, which: list, since) -> int:
    """Insert the rows of the completes ``which`` selects (at most CHUNK, oldest first)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    rows = _rows(questionnaire).where(*which).order_by(Response.completed_at).limit(CHUNK)
    table = ReportRow.__table__  # Core: the bound survey id is a parameter, not rows to insert
    copied = session.scalars(
        insert(table)
        .from_select(list(COLUMNS), rows)
        .on_conflict_do_nothing()
        .returning(table.c.response_id),  # rowcount is -1 here with psycopg
        {"report_survey_id": survey_id},
    ).all()
    if copied:
        _add_filter_values(session, survey_id, since, insert)
    return len(copied)


def _copy_completed(session: Session) -> None:
    """before_commit: write the rows of the responses this transaction completed."""
    session.flush()
    completed = session.info.pop(_COMPLETED, None)
    if not completed:
        return
    by_survey: dict[int, list[int]] = {}
    for survey_id, response_id in completed:
        by_survey.setdefault(survey_id, []).append(response_id)
    for survey_id, ids in by_survey.items():
        try:
            with session.begin_nested():  # a report row must never cost a customer's answers
                _copy_responses(session, survey_id, ids)
        except Exception as error:  # the report then says it is not ready; nothing is lost
            log.error("report rows of survey %s not written: %s", survey_id, failure(error))


def _copy_responses(session: Session, survey_id: int, ids: list[int]) -> None:
    survey = session.get(Survey, survey_id)
    if survey is None:
        return
    questionnaire = questionnaire_of(survey.questionnaire_version)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        which = [
            Response.id.in_(chunk),
            Response.status == ResponseStatus.COMPLETE,
            Response.completed_at.is_not(None),
        ]
        since = session.scalar(select(func.min(Response.completed_at)).where(*which))
        _copy(session, questionnaire, survey_id, which, since)


def _note_completed(session: Session, _context) -> None:
    """after_flush: remember the responses this flush made complete (new, or changed)."""
    for response in completed_in_flush(session):
        session.info.setdefault(_COMPLETED, set()).add((response.survey_id, response.id))


def _forget_completed(session: Session) -> None:
    """after_rollback: what was rolled back completed nothing."""
    session.info.pop(_COMPLETED, None)


_COMPLETED = "survey.completed_responses"


def follow_completes() -> None:
    """Write each response's report row in the transaction that completes it, on every
    session (idempotent: called when the app is made)."""
    if not event.contains(Session, "after_flush", _note_completed):
        event.listen(Session, "after_flush", _note_completed)
        event.listen(Session, "before_commit", _copy_completed)
        event.listen(Session, "after_rollback", _forget_completed)


def _add_filter_values(session, survey_id, since, insert) -> None:
    """The branch, channel, tier and month values of the rows just copied."""
    recent = [] if since is None else [ReportRow.completed_at >= since]
    for name in (*FILTERS, "month"):
        column = getattr(ReportRow, name)
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
