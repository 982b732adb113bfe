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

from datetime import timedelta

from sqlalchemy import bindparam, func, literal, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import (
    ReportFilterValue,
    ReportRow,
    Response,
    ResponseStatus,
    Survey,
    follow_completions,
)
from ..surveys.versions import questionnaire_of
from .measures import score_source, value_source
from .scope import FILTERS, attribute, month_of

CLOCK_MARGIN = timedelta(minutes=10)
BULK = 10_000
CHUNK = 25_000  # rows copied per commit (a few seconds each)
COLUMNS = (
    "response_id", "survey_id", "stratum", "completed_at", *FILTERS, "month",
    "overall", "overall_top", "recommend", "recommend_top", "recommend_score", "csi",
)  # fmt: skip


def _rows(questionnaire):
    """SELECT of the report rows of a survey's completes (the survey a bound parameter),
    headline values joined on."""
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
        rows = _rows(questionnaire).where(*_missing(survey.id, since))
        count = _copy(
            session,
            _insert_of(session, rows.order_by(Response.completed_at).limit(CHUNK)),
            survey.id,
        )
        added += count
        if added >= BULK and count == CHUNK:
            # A bulk copy: let the planner see the table now (rather than when autovacuum
            # next looks, or never on SQLite), so it scans instead of walking an index.
            session.execute(text("ANALYZE report_rows"))
        if commit:
            session.commit()
        if count < CHUNK:
            return added


_NEW_VALUES = (*FILTERS, "month")  # what the copied rows add to report_filter_values


def _insert_of(session: Session, rows):
    """INSERT of the report rows ``rows`` selects, skipping any already there, returning the
    filter values of those it wrote."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = ReportRow.__table__  # Core: the bound survey id is a parameter, not rows to insert
    return (
        insert(table)
        .from_select(list(COLUMNS), rows)
        .on_conflict_do_nothing()
        .returning(*(table.c[name] for name in _NEW_VALUES))  # psycopg's rowcount is -1 here
    )


def _copy(session: Session, statement, survey_id: int, parameters: dict | None = None) -> int:
    """Run a report rows INSERT (``_insert_of``) and add the branch, channel, tier and month
    values of the rows it wrote; returns how many it wrote."""
    copied = session.execute(statement, {"report_survey_id": survey_id, **(parameters or {})}).all()
    values = {
        (name, value) for row in copied for name, value in zip(_NEW_VALUES, row, strict=True)
        if value is not None
    }  # fmt: skip
    if values:
        insert = _VALUE_INSERTS[session.get_bind().dialect.name]
        session.execute(
            insert, [{"survey_id": survey_id, "name": n, "value": v} for n, v in sorted(values)]
        )
    return len(copied)


_VALUE_INSERTS = {
    "postgresql": postgresql_insert(ReportFilterValue).on_conflict_do_nothing(),
    "sqlite": sqlite_insert(ReportFilterValue).on_conflict_do_nothing(),
}


def _copy_completed(session: Session, responses: list[Response]) -> None:
    """The report rows of the responses a transaction completes (a follower of completions)."""
    by_survey: dict[int, list[int]] = {}
    for response in responses:
        by_survey.setdefault(response.survey_id, []).append(response.id)
    for survey_id, ids in by_survey.items():
        survey = session.get(Survey, survey_id)
        questionnaire = questionnaire_of(survey.questionnaire_version)
        statement = _completed_insert(session, questionnaire)
        for start in range(0, len(ids), CHUNK):
            _copy(session, statement, survey_id, {"report_ids": ids[start : start + CHUNK]})


def _completed_insert(session: Session, questionnaire):
    """The INSERT of given completes' rows, built once per questionnaire and database:
    building it costs more than running it for the one response a completing request
    copies."""
    key = (id(questionnaire), session.get_bind().dialect.name)
    cached = _COMPLETED_INSERTS.get(key)
    if cached is not None and cached[0] is questionnaire:
        return cached[1]
    rows = _rows(questionnaire).where(
        Response.id.in_(bindparam("report_ids", expanding=True)),
        Response.completed_at.is_not(None),
    )
    statement = _insert_of(session, rows)
    _COMPLETED_INSERTS[key] = (questionnaire, statement)
    return statement


_COMPLETED_INSERTS: dict[tuple, tuple] = {}  # (id(questionnaire), dialect) → (it, statement)


def follow_completes() -> None:
    """Write each response's report row in the transaction that completes it, on every
    session (idempotent: called when the app is made)."""
    follow_completions("report rows", _copy_completed, batch=True)
