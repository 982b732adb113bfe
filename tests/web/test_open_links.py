"""Open links for lobby QR codes: resume cookie, duplicate guard, rate limit; and `survey invite`."""

import re

from sqlalchemy import func, select

from survey.models import Response, Survey
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
