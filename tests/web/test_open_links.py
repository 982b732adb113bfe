"""Open links for lobby QR codes: resume cookie, duplicate guard, rate limit; and `survey invite`."""

import json
import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from survey.models import Answer, Response, Survey
from survey.web import routes
from tests.conftest import csrf_token_from


def start_open(client, slug="branch-counter-test", language="en"):
    page = client.get(f"/o/{slug}")
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(
        f"/o/{slug}", data={"action": "start", "language": language, "csrf_token": token}
    )


def test_open_link_is_off_unless_the_survey_allows_it(client, fielded):
    fielded("branch-counter")
    assert client.get("/o/branch-counter-test").status_code == 404


def test_open_link_resumes_with_its_cookie(app, client, fielded, db):
    fielded("branch-counter", open_link=True)
    reply = start_open(client)
    assert reply.status_code == 302
    cookie = next(v for v in reply.headers.getlist("Set-Cookie") if v.startswith("survey_resume_"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert 'name="page" value="p_card"' in client.get("/o/branch-counter-test").get_data(
        as_text=True
    )
    assert db.scalar(select(func.count()).select_from(Response)) == 1
    stranger = app.test_client()
    assert "Start" in stranger.get(
        "/o/branch-counter-test", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)


def test_a_completed_open_response_is_not_answered_twice(client, fielded, db):
    survey_id = fielded("branch-counter", open_link=True)
    start_open(client)
    response = db.scalars(select(Response)).one()
    response.status = "complete"
    db.commit()
    page = client.get("/o/branch-counter-test", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "This questionnaire has been completed" in page
    assert db.get(Survey, survey_id).open_link


def test_open_link_rate_limit_per_client(app, fielded, db, monkeypatch):
    fielded("branch-counter", open_link=True)
    monkeypatch.setattr(routes, "OPEN_STARTS_PER_HOUR", 3)
    statuses = [start_open(app.test_client()).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert db.scalar(select(func.count()).select_from(Response)) == 3


def test_invite_prints_distinct_personal_links(runner, fielded):
    fielded("branch-counter")
    result = runner.invoke(args=["invite", "branch-counter-test", "--count", "3"])
    assert result.exit_code == 0, result.output
    links = result.output.split()
    assert len(set(links)) == 3
    for link in links:
        token = re.fullmatch(r"http://localhost:5000/s/([A-Za-z0-9_-]+)", link).group(1)
        assert len(token) >= 22  # at least 128 random bits


def test_invited_link_opens(runner, client, fielded):
    fielded("branch-counter")
    link = runner.invoke(args=["invite", "branch-counter-test"]).output.strip()
    assert client.get(link.replace("http://localhost:5000", "")).status_code == 200


def test_empty_starts_are_not_partials_and_are_purged_after_a_day(
    app, fielded, db, runner, time_machine
):
    """Someone pressing Start without answering is no interview: the counts leave them out,
    and the next start a day later removes them; a start with an answer stays."""
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    fielded("branch-counter", open_link=True)
    for _ in range(3):
        start_open(app.test_client())
    answering = app.test_client()
    start_open(answering)
    html = answering.get("/o/branch-counter-test").get_data(as_text=True)
    answering.post(
        "/o/branch-counter-test",
        data={
            "csrf_token": csrf_token_from(html),
            "page": "p_card",
            "action": "next",
            "q_competence": "3",
            "q_helpful": "1",
            "q_delay": "3",
            "q_rude": "3",
            "q_overall": "3",
        },
    )
    listed = json.loads(runner.invoke(args=["surveys", "--json"]).output)
    assert listed[0]["partial"] == 1
    time_machine.move_to(datetime(2026, 11, 3, 9, 30, tzinfo=UTC))
    start_open(app.test_client())
    db.rollback()
    remaining = db.scalars(select(Response).order_by(Response.id)).all()
    assert len(remaining) == 2  # the answered one and the new start
    assert db.scalar(select(func.count()).select_from(Answer)) == 5
    assert {a.response_id for a in db.scalars(select(Answer))} == {remaining[0].id}
