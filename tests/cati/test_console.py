"""The CATI console over HTTP: claims, the number shown only to the holder and audited, one
question a screen saved as keyed, break-off and resume, corrections audited, outcomes with
notes and callbacks in the customer's local time, practice that stores nothing."""

import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy import func, select

from survey.demo.synthetic import screen_form
from survey.labels import dialling_format
from survey.models import (
    Answer,
    Appointment,
    AuditEvent,
    CallAttempt,
    CatiCase,
    Contact,
    PracticeState,
    Response,
    Survey,
    User,
    utcnow,
)
from survey.questionnaire import Interview
from survey.questionnaire.interview import step_at
from survey.responses.answers import load_answers
from survey.surveys.versions import questionnaire_of
from tests.conftest import csrf_token_from

ZONE = "America/New_York"


@pytest.fixture
def field(cati_survey):
    return cati_survey


def post(client, url, data=None, page=None):
    token = csrf_token_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def take_next(client, survey) -> int:
    response = post(client, f"/cati/{survey.slug}/next", page="/cati/")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "/cati/case/" in location, location
    return int(location.rstrip("/").rsplit("/", 1)[1])


def answer_screens(client, db, survey, case_id, screens=None, latent=0.8):
    """Post synthetic answers screen by screen (all, or ``screens`` of them)."""
    questionnaire = questionnaire_of(survey.questionnaire_version)
    rng = np.random.default_rng(1)
    done = 0
    while screens is None or done < screens:
        page = client.get(f"/cati/case/{case_id}/interview")
        html = page.get_data(as_text=True)
        if page.status_code != 200 or 'name="page"' not in html:
            return  # the interview is over (the case is no longer in hand)
        position = html.split('name="page" value="', 1)[1].split('"', 1)[0]
        db.rollback()
        response = db.scalar(
            select(Response).where(Response.survey_id == survey.id).order_by(Response.id.desc())
        )
        answers, _ = load_answers(db, response, questionnaire)
        contact = {"title": "王先生"}
        step = step_at(Interview(questionnaire, answers, {}, position, contact, "zh-Hans", "cati"))
        form = {k: v for k, v in screen_form(step, latent, "zh-Hans", rng).items()}
        keep_in = {"q_caller": ["1"], "q_s_customer": ["1"], "q_s_industry": ["0"]}
        form.update({k: v for k, v in keep_in.items() if k in form})
        form["csrf_token"] = csrf_token_from(html)
        result = client.post(f"/cati/case/{case_id}/interview", data=form)
        assert result.status_code == 302, result.get_data(as_text=True)[:2000]
        done += 1


def test_other_roles_are_refused(auth, client, field):
    field()
    auth.login_as("manager")
    assert client.get("/cati/").status_code == 403


def test_next_case_shows_the_number_to_its_holder_only_and_audits_it(
    auth, client, db, field, make_user
):
    survey = field()
    auth.login_as("interviewer")
    case_id = take_next(client, survey)
    html = client.get(f"/cati/case/{case_id}").get_data(as_text=True)
    db.rollback()
    phone = dialling_format(db.get(Contact, db.get(CatiCase, case_id).contact_id).phone)
    assert phone in html  # in full, grouped for dialling: +86 138 0000 0000
    assert db.scalar(
        select(AuditEvent).where(AuditEvent.action == "phone_revealed")
    ).target_id == str(case_id)
    auth.logout()
    make_user("other", "interviewer")
    auth.login("other")
    elsewhere = client.get(f"/cati/case/{case_id}", follow_redirects=True).get_data(as_text=True)
    assert phone not in elsewhere
    assert "no longer yours" in elsewhere


def test_a_full_interview_stores_every_answer_and_records_a_complete(auth, client, db, field):
    survey = field()
    auth.login_as("interviewer")
    case_id = take_next(client, survey)
    post(client, f"/cati/case/{case_id}/start", {"language": "zh-Hans"}, f"/cati/case/{case_id}")
    answer_screens(client, db, survey, case_id)
    db.rollback()
    case = db.get(CatiCase, case_id)
    response = db.scalar(select(Response).where(Response.invitation_id == case.invitation_id))
    assert (response.status, response.mode) == ("complete", "cati")
    assert (case.status, case.final_disposition) == ("final", "1.1")
    assert [a.disposition for a in case.attempts] == ["1.1"]
    assert (
        db.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == response.id))
        > 3
    )
    done = client.get(f"/cati/case/{case_id}/done").get_data(as_text=True)
    assert f"/cati/{survey.slug}/next" in done  # straight on to the next case


def test_a_break_off_resumes_at_the_right_question_on_the_callback(auth, client, db, field):
    survey = field(customers=1)
    auth.login_as("interviewer")
    case_id = take_next(client, survey)
    post(client, f"/cati/case/{case_id}/start", {"language": "zh-Hans"}, f"/cati/case/{case_id}")
    answer_screens(client, db, survey, case_id, screens=2)
    db.rollback()
    stopped_at = db.scalar(select(Response.position))
    stop = post(
        client,
        f"/cati/case/{case_id}/interview",
        {"action": "stop", "page": stopped_at},
        f"/cati/case/{case_id}/interview",
    )
    assert "/outcome" in stop.headers["Location"]
    tomorrow = (datetime.now(ZoneInfo(ZONE)) + timedelta(days=1)).date()
    outcome = post(
        client,
        f"/cati/case/{case_id}/outcome",
        {
            "code": "2.12",
            "note": "客户要开会",
            "callback_date": tomorrow.isoformat(),
            "callback_time": "10:00",
            "only_me": "y",
            "then": "home",
        },
        f"/cati/case/{case_id}/outcome",
    )
    assert outcome.status_code == 302, outcome.get_data(as_text=True)[:3000]
    db.rollback()
    case = db.get(CatiCase, case_id)
    appointment = db.scalar(select(Appointment).where(Appointment.case_id == case_id))
    assert case.status == "pending" and case.claimed_by is None
    expected = datetime.combine(tomorrow, datetime.min.time().replace(hour=10), ZoneInfo(ZONE))
    assert appointment.due_at == expected.astimezone(UTC)
    assert appointment.interviewer_id is not None
    # The callback comes round: the same customer, the same partial response, the same question.
    db.execute(Appointment.__table__.update().values(due_at=utcnow() - timedelta(minutes=1)))
    case.next_call_at = utcnow() - timedelta(minutes=1)
    db.commit()
    assert take_next(client, survey) == case_id
    post(client, f"/cati/case/{case_id}/start", {}, f"/cati/case/{case_id}")
    html = client.get(f"/cati/case/{case_id}/interview").get_data(as_text=True)
    assert f'name="page" value="{stopped_at}"' in html
    assert db.scalar(select(func.count()).select_from(Response)) == 1


def test_changing_a_stored_answer_is_audited(auth, client, db, field):
    survey = field(customers=1)
    auth.login_as("interviewer")
    case_id = take_next(client, survey)
    post(client, f"/cati/case/{case_id}/start", {}, f"/cati/case/{case_id}")
    answer_screens(client, db, survey, case_id, screens=3, latent=0.9)
    page = f"/cati/case/{case_id}/interview"
    db.rollback()
    position = db.scalar(select(Response.position))
    post(client, page, {"action": "back", "page": position}, page)
    db.rollback()
    previous = db.scalar(select(Response.position))
    stored = db.scalar(select(Answer).where(Answer.question_id == previous))
    old_code = stored.code
    new_code = "1" if old_code != "1" else "2"
    post(client, page, {"action": "next", "page": previous, previous: new_code}, page)
    db.rollback()
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "answer_changed"))
    assert event.detail["question"] == previous
    assert str(event.detail["after"]) == new_code
    assert str(event.detail["before"]) == old_code


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "2.11"}, "needs a note"),
        (
            {"code": "3.13", "callback_date": "2020-01-01", "callback_time": "10:00"},
            "in the future",
        ),
        ({"code": "3.13", "callback_date": "2099-01-01"}, "both a date and a time"),
        (
            {"code": "4.31", "callback_date": "2099-01-01", "callback_time": "10:00"},
            "ends the case",
        ),
        ({"code": "9.99"}, "Not a valid choice"),
    ],
)
def test_bad_outcomes_are_explained_and_nothing_is_recorded(auth, client, db, field, data, message):
    survey = field(customers=1)
    auth.login_as("interviewer")
    case_id = take_next(client, survey)
    url = f"/cati/case/{case_id}/outcome"
    response = post(client, url, {**data, "then": "home"}, url)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(CallAttempt)) == 0


def test_a_callback_outside_the_calling_hours_is_refused(auth, client, db, field):
    survey = field(customers=1)
    survey.settings = {}  # the default windows: 09:00-20:30 on weekdays, 09:00-17:00 weekends
    db.commit()
    auth.login_as("interviewer")
    user_id = db.scalar(select(User.id).where(User.username == "interviewer"))
    case = db.scalar(select(CatiCase))
    case.claimed_by, case.claimed_at = user_id, utcnow()  # held, whatever the hour now
    db.commit()
    url = f"/cati/case/{case.id}/outcome"
    data = {"code": "3.13", "callback_date": "2099-01-05", "callback_time": "23:00", "then": "home"}
    response = post(client, url, data, url)
    assert response.status_code == 422
    assert "outside the calling hours" in response.get_data(as_text=True)


def test_practice_stores_nothing(auth, client, db, field):
    survey = field(customers=1)
    auth.login_as("interviewer")
    url = f"/cati/{survey.slug}/practice?restart=1"
    html = client.get(url).get_data(as_text=True)
    assert "nothing is saved" in html
    page = f"/cati/{survey.slug}/practice?lang=zh-Hans"
    position = html.split('name="page" value="', 1)[1].split('"', 1)[0]
    response = post(client, page, {"page": position, position: "1"}, page)
    assert response.status_code == 302
    assert db.scalar(select(func.count()).select_from(Response)) == 0
    assert db.scalar(select(func.count()).select_from(CallAttempt)) == 0


def test_the_supervisor_sees_who_is_on_which_case_and_productivity(auth, client, db, field):
    survey = field(customers=2)
    auth.login_as("interviewer")
    case_id = take_next(client, survey)
    post(client, f"/cati/case/{case_id}/start", {}, f"/cati/case/{case_id}")
    answer_screens(client, db, survey, case_id)
    second = take_next(client, survey)
    auth.logout()
    auth.login_as("supervisor")
    html = client.get(f"/fieldwork/{survey.slug}/interviewers").get_data(as_text=True)
    board = html[html.index("On a call now") : html.index("Productivity")]
    assert f">{second}<" in board and "interviewer" in board
    table = html[html.index("Productivity") :]
    assert "Small base" in table
    assert '<td class="num">1</td>' in table  # one call, one complete


def test_the_closing_screen_of_a_call_that_never_became_an_interview_goes_home(auth, client, field):
    survey = field(customers=1)
    auth.login_as("interviewer")
    case_id = take_next(client, survey)
    url = f"/cati/case/{case_id}/outcome"
    assert post(client, url, {"code": "3.13", "then": "home"}, url).status_code == 302
    response = client.get(f"/cati/case/{case_id}/done")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cati/")


def test_an_appointment_needs_its_date_and_time(auth, client, db, field):
    survey = field(customers=1)
    auth.login_as("interviewer")
    case_id = take_next(client, survey)
    url = f"/cati/case/{case_id}/outcome"
    response = post(client, url, {"code": "2.36", "then": "home"}, url)
    assert response.status_code == 422
    assert "An appointment needs the date and time" in response.text
    assert db.scalar(select(func.count()).select_from(CallAttempt)) == 0


def test_the_board_shows_per_survey_what_can_be_called_and_the_case_in_hand(
    auth, client, db, field, fielded, time_machine
):
    time_machine.move_to(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))  # 11:00 in Shanghai
    survey = field(customers=2)
    later_id = fielded("branch-counter", slug="later", name="Later survey")
    later = db.get(Survey, later_id)
    later.settings = {"calling_windows": [["00:00", "23:59:59"]] * 7}
    person = Contact(survey_id=later_id, customer_ref="L1", phone="+8613800009999",
                     time_zone="Asia/Shanghai")  # fmt: skip
    db.add(person)
    db.flush()
    db.add(CatiCase(survey_id=later_id, contact_id=person.id,
                    next_call_at=datetime(2026, 11, 30, 6, 0, tzinfo=UTC)))  # fmt: skip
    db.commit()
    auth.login_as("interviewer")
    board = client.get("/cati/", headers={"Accept-Language": "en"}).text
    assert "2 cases to call now" in board
    later_row = board[board.index("Later survey") :].split("</li>")[0]
    assert "Nothing to call now; the next case is due at 30/11/2026, 14:00" in later_row
    assert "/cati/later/next" not in board
    case_id = take_next(client, survey)
    board = client.get("/cati/", headers={"Accept-Language": "en"}).text
    assert f"Back to your case {case_id}" in board and f'href="/cati/case/{case_id}"' in board


def test_practice_keeps_a_long_answer_on_the_server_not_in_the_cookie(auth, client, db, field):
    survey = field("complaint-follow-up", customers=1)
    auth.login_as("interviewer")
    url = f"/cati/{survey.slug}/practice?lang=zh-Hans"
    html = client.get(f"/cati/{survey.slug}/practice?restart=1&lang=zh-Hans").text
    for _ in range(12):
        position = html.split('name="page" value="', 1)[1].split('"', 1)[0]
        if "textarea" in html:
            break
        post(client, url, {"page": position, position: "1"}, url)
        html = client.get(url).text
    name = html.split('<textarea name="', 1)[1].split('"', 1)[0]
    most = int(html.split('maxlength="', 1)[1].split('"', 1)[0])
    long_text = ("柜台排队时间太长，" * most)[:most]  # the longest comment allowed
    post(client, url, {"page": name, name: long_text}, url)
    cookie = client.get_cookie("survey_session")
    assert len(cookie.value) < 1000
    assert db.scalar(select(func.count()).select_from(Response)) == 0
    stored = db.scalar(select(PracticeState))
    assert long_text in str(stored.state["answers"])


def test_a_paused_survey_hands_out_no_cases_and_resumes_when_opened(auth, client, db, field):
    survey = field("hotline-post-call", customers=2)
    survey.status = "paused"
    db.commit()
    auth.login_as("interviewer")
    board = client.get("/cati/", headers={"Accept-Language": "en"}).text
    assert f"/cati/{survey.slug}/next" not in board
    reply = post(client, f"/cati/{survey.slug}/next", page="/cati/")
    assert reply.status_code == 302 and reply.headers["Location"] == "/cati/"
    notice = client.get("/cati/", headers={"Accept-Language": "en"}).text
    assert "is paused: no cases are handed out." in notice
    assert db.scalar(select(func.count()).select_from(CatiCase).where(
        CatiCase.claimed_by.is_not(None))) == 0  # fmt: skip
    survey.status = "open"
    db.commit()
    assert take_next(client, survey) > 0


def test_a_screen_is_shown_while_a_respondent_saves_and_writes_nothing(
    app, auth, client, db, field
):
    """Showing the question screen stores nothing (not even the claim's renewal), so it
    never waits for the web's writers; keying an answer renews a claim a minute old."""
    from sqlalchemy.orm import Session

    from survey.database import begin_write, make_engine

    survey = field()
    auth.login_as("interviewer")
    case_id = take_next(client, survey)
    post(client, f"/cati/case/{case_id}/start", {"language": "zh-Hans"}, f"/cati/case/{case_id}")
    db.rollback()
    claimed = db.get(CatiCase, case_id).claimed_at
    other_engine = make_engine(app.config["SURVEY_DATABASE_URL"])
    outcome = {}
    with Session(other_engine) as respondent:
        begin_write(respondent)
        respondent.execute(Survey.__table__.update().values(name=Survey.name))
        screen = f"/cati/case/{case_id}/interview"
        thread = threading.Thread(target=lambda: outcome.setdefault("page", client.get(screen)))
        thread.start()
        thread.join(timeout=20)
        finished = not thread.is_alive()
        respondent.rollback()
    thread.join()
    other_engine.dispose()
    assert finished, "the question screen waited for another writer"
    assert outcome["page"].status_code == 200
    assert 'name="page"' in outcome["page"].get_data(as_text=True)
    db.rollback()
    case = db.get(CatiCase, case_id)
    assert case.claimed_at == claimed
    case.claimed_at = claimed - timedelta(minutes=5)  # five minutes into the call
    db.commit()
    answer_screens(client, db, survey, case_id, screens=1)
    db.rollback()
    assert db.get(CatiCase, case_id).claimed_at > claimed


def test_a_call_attempt_runs_from_the_claim_to_the_outcome(auth, client, db, field):
    """Keying answers keeps the claim alive, but the call still began when the interviewer
    took the case: its attempt spans the whole call (interviewers' hours are summed from it)."""
    survey = field(customers=1)
    auth.login_as("interviewer")
    case_id = take_next(client, survey)
    post(client, f"/cati/case/{case_id}/start", {"language": "zh-Hans"}, f"/cati/case/{case_id}")
    time.sleep(0.6)
    answer_screens(client, db, survey, case_id, screens=1)
    time.sleep(0.6)
    url = f"/cati/case/{case_id}/outcome"
    reply = post(client, url, {"code": "2.111", "note": "不要再打来", "then": "home"}, url)
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    db.rollback()
    attempt = db.scalars(select(CallAttempt)).one()
    assert attempt.ended_at - attempt.started_at >= timedelta(seconds=1.2)
    case = db.get(CatiCase, case_id)
    assert case.claimed_by is None and case.call_started_at is None
