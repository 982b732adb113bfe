"""A crash in the middle of fieldwork loses nothing: customers answer through gunicorn, the
server's processes are killed with SIGKILL (on PostgreSQL every database connection is cut
as well, as a database restart would), a new server starts, and then every page the server
had acknowledged is stored, no response or answer is doubled or orphaned, and every
customer caught half-way resumes on the page they had reached and finishes."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, text

from bench.respondents import ANSWERS, Respondent, ServerGone
from bench.servers import kill_hard, start_gunicorn, stop
from survey.database import make_engine
from survey.models import Answer, Invitation, Response
from survey.security import hash_token
from tests.conftest import TEST_DATABASE_URL

CUSTOMERS = 16
ACKS_BEFORE_CRASH = 24  # of 64 pages in all: the crash comes well inside the run


def _cut_database_connections(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    engine.dispose()


def _stored_pages(db, token: str) -> set[str]:
    """The pages whose answers are all stored for this link ('start': the response exists)."""
    db.rollback()
    response_id = db.scalar(
        select(Response.id)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .where(Invitation.token_hash == hash_token(token))
    )
    if response_id is None:
        return set()
    stored = dict(
        db.execute(
            select(Answer.question_id, Answer.code).where(Answer.response_id == response_id)
        ).all()
    )
    return {"start"} | {
        page
        for page, answers in ANSWERS.items()
        if all(stored.get(q) == code for q, code in answers.items() if q != "q_comment")
    }


def test_a_crash_loses_no_acknowledged_answer(app, fielded, db):
    database_url = app.config["SURVEY_DATABASE_URL"]
    survey_id = fielded("branch-counter")
    tokens = [fielded.invite(survey_id) for _ in range(CUSTOMERS)]
    server, base = start_gunicorn(database_url)
    port = int(base.rsplit(":", 1)[1])
    respondents = [Respondent("127.0.0.1", port, token) for token in tokens]
    deadline = time.monotonic() + 120
    crashed = threading.Event()

    def answer(respondent: Respondent) -> bool:
        # Slow enough that the crash finds customers on every page.
        while not crashed.is_set() and time.monotonic() < deadline:
            try:
                if respondent.step():
                    return True
            except ServerGone:
                break  # the crash: resume below, as a customer reloading the page
            time.sleep(0.05)
        return respondent.complete(deadline)

    try:
        with ThreadPoolExecutor(CUSTOMERS) as pool:
            finished = [pool.submit(answer, r) for r in respondents]
            while sum(len(r.acknowledged) for r in respondents) < ACKS_BEFORE_CRASH:
                time.sleep(0.01)
            kill_hard(server)
            crashed.set()
            acknowledged_at_crash = {r.token: list(r.acknowledged) for r in respondents}
            if TEST_DATABASE_URL:
                _cut_database_connections(database_url)
            lost = {
                r.token: sorted(set(acknowledged_at_crash[r.token]) - _stored_pages(db, r.token))
                for r in respondents
            }
            time.sleep(0.5)
            server, _ = start_gunicorn(database_url, port=port)
            assert all(f.result() for f in finished), "a customer could not finish"
    finally:
        for respondent in respondents:
            respondent.close()
        stop(server)

    assert lost == {r.token: [] for r in respondents}, "acknowledged pages not stored"
    caught = [r for r in respondents if 0 < len(acknowledged_at_crash[r.token]) < 4]
    assert caught, "the crash came when no customer was half-way"
    assert all(r.resumed_at for r in caught)
    assert [r.token for r in respondents if not r.resumed_correctly()] == []

    db.rollback()
    responses = db.execute(
        select(Invitation.token_hash, func.count(Response.id), func.min(Response.status))
        .join(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.survey_id == survey_id)
        .group_by(Invitation.token_hash)
    ).all()
    assert sorted(r[1:] for r in responses) == [(1, "complete")] * CUSTOMERS
    assert {r[0] for r in responses} == {hash_token(t) for t in tokens}
    assert all(_stored_pages(db, r.token) == {"start", *ANSWERS} for r in respondents)
    doubled = db.execute(
        select(Answer.response_id, Answer.question_id, Answer.item)
        .group_by(Answer.response_id, Answer.question_id, Answer.item)
        .having(func.count() > 1)
    ).all()
    assert doubled == []
    orphans = db.scalar(
        select(func.count())
        .select_from(Answer)
        .outerjoin(Response, Response.id == Answer.response_id)
        .where((Response.id.is_(None)) | (Response.survey_id != Answer.survey_id))
    )
    assert orphans == 0
