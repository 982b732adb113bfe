"""Open links for lobby QR codes: resume cookie, duplicate guard, rate limit; and `survey invite`."""

import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from survey.models import Answer, Response, Survey
from survey.surveys.versions import questionnaire_of
from survey.web import routes
from tests.conftest import complete_as_customer, csrf_token_from


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


def signed(app, **place) -> str:
    from survey.surveys import links

    return links.sign(app.config["SECRET_KEY"], links.place(**place))


def answer_card(client, address):
    """Start on an open link and answer the counter card's one page; returns the start's
    reply."""
    page = client.get(address, headers={"Accept-Language": "en"})
    started = client.post(
        address,
        data={"action": "start", "language": "en", "csrf_token": csrf_token_from(page.get_data(as_text=True))},
    )  # fmt: skip
    html = client.get(address).get_data(as_text=True)
    client.post(
        address,
        data={
            "csrf_token": csrf_token_from(html), "page": "p_card", "action": "next",
            "q_competence": "3", "q_helpful": "1", "q_delay": "3", "q_rude": "3", "q_overall": "3",
        },
    )  # fmt: skip
    return started


def test_a_signed_place_goes_with_the_response_and_gives_its_stratum(app, client, fielded, db):
    fielded("branch-counter", open_link=True, settings={"stratum_attribute": "branch"})
    token = signed(app, branch="SH001", counter="3", staff="T1024")
    answer_card(client, f"/o/branch-counter-test?at={token}")
    response = db.scalars(select(Response)).one()
    assert response.attributes == {"branch": "SH001", "counter": "3", "staff_id": "T1024"}
    assert response.stratum == "SH001"


def test_an_altered_place_is_refused_and_audited(app, client, fielded, db):
    from survey.models import AuditEvent

    fielded("branch-counter", open_link=True)
    token = signed(app, branch="SH001")
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    reply = client.get(f"/o/branch-counter-test?at={forged}", headers={"Accept-Language": "en"})
    assert reply.status_code == 400
    assert "This link has been altered" in reply.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Response)) == 0
    assert db.scalars(select(AuditEvent.action)).all() == ["open_link_altered"]


@pytest.mark.parametrize(
    ("status", "code", "words"),
    [("paused", 503, "This survey is paused"), ("closed", 410, "This survey has closed"),
     ("draft", 404, "This survey is not open yet")],
)  # fmt: skip
def test_a_survey_not_open_shows_its_page_on_every_link(app, client, fielded, status, code, words):
    survey_id = fielded("branch-counter", open_link=True, status=status)
    token = fielded.invite(survey_id)
    for address in (
        "/o/branch-counter-test",
        f"/o/branch-counter-test?at={signed(app, branch='SH001')}",
        f"/k/branch-counter-test?at={signed(app, branch='SH001', kiosk=True)}",
        f"/s/{token}",
    ):
        reply = client.get(address, headers={"Accept-Language": "en"})
        assert reply.status_code == code, address
        assert words in reply.get_data(as_text=True)


def test_a_switched_off_link_says_so(client, fielded):
    fielded("branch-counter", open_link=False)
    reply = client.get("/o/branch-counter-test", headers={"Accept-Language": "en"})
    assert reply.status_code == 404
    assert "open link is switched off" in reply.get_data(as_text=True)


def test_a_closed_waves_card_leads_to_the_wave_that_took_it_over(app, client, fielded):
    fielded("branch-counter", open_link=True, status="closed", slug="counter-2026-11")
    fielded(
        "branch-counter", open_link=True, slug="counter-2026-12",
        settings={"cloned_from": "counter-2026-11"},
    )  # fmt: skip
    token = signed(app, branch="SH001")
    reply = client.get(f"/o/counter-2026-11?at={token}")
    assert reply.status_code == 302
    assert reply.headers["Location"] == f"/o/counter-2026-12?at={token}"


def test_the_kiosk_restarts_after_each_customer_and_keeps_no_lasting_cookie(app, fielded, db):
    fielded("branch-counter", open_link=True)
    address = f"/k/branch-counter-test?at={signed(app, branch='SH001', kiosk=True)}"
    tablet = app.test_client()
    assert tablet.get(address).headers["Cache-Control"] == "no-store"
    started = answer_card(tablet, address)
    cookie = next(v for v in started.headers.getlist("Set-Cookie") if v.startswith("survey_kiosk_"))
    assert "Max-Age" not in cookie and "Expires" not in cookie  # gone with the browser session
    questionnaire = questionnaire_of(db.scalars(select(Survey)).one().questionnaire_version)
    done = complete_as_customer(tablet, db, address, questionnaire, "en")
    html = done.get_data(as_text=True)
    assert "Next customer" in html and 'http-equiv="refresh"' in html
    assert any(
        "survey_kiosk_" in v and "Max-Age=0" in v for v in done.headers.getlist("Set-Cookie")
    )
    again = tablet.get(address, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'value="start"' in again  # a fresh start for the next customer
    assert db.scalars(select(Response)).one().attributes == {"branch": "SH001"}


def test_an_idle_kiosk_interview_is_set_aside_for_the_next_customer(app, fielded, db, time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    fielded("branch-counter", open_link=True)
    address = f"/k/branch-counter-test?at={signed(app, kiosk=True)}"
    tablet = app.test_client()
    page = tablet.get(address).get_data(as_text=True)
    tablet.post(
        address, data={"action": "start", "language": "en", "csrf_token": csrf_token_from(page)}
    )
    assert 'name="page" value="p_card"' in tablet.get(address).get_data(as_text=True)
    time_machine.move_to(datetime(2026, 11, 2, 9, 5, tzinfo=UTC))
    assert 'value="start"' in tablet.get(address).get_data(as_text=True)


def test_kiosk_starts_are_limited_per_device_not_per_address(app, fielded, db, monkeypatch):
    fielded("branch-counter", open_link=True)
    monkeypatch.setattr(routes, "KIOSK_STARTS_PER_HOUR", 2)
    monkeypatch.setattr(routes, "OPEN_STARTS_PER_HOUR", 1)  # the lobby's address: not the limit

    def start(address):
        tablet = app.test_client()
        page = tablet.get(address).get_data(as_text=True)
        return tablet.post(
            address, data={"action": "start", "language": "en", "csrf_token": csrf_token_from(page)}
        ).status_code

    one = f"/k/branch-counter-test?at={signed(app, kiosk=True)}"
    other = f"/k/branch-counter-test?at={signed(app, kiosk=True)}"
    assert [start(one) for _ in range(3)] == [302, 302, 429]
    assert start(other) == 302
