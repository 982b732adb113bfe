"""Personal links: start, page by page, resume, finish; and every kind of bad input."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey.models import Answer, CatiCase, Invitation, Response, Survey, utcnow
from survey.questionnaire import load_text
from survey.surveys.versions import store
from tests.conftest import QUESTIONNAIRES, csrf_token_from

COUNTER_PAGE_1 = {
    "q_competence": "3",
    "q_helpful": "1",
    "q_delay": "3",
    "q_rude": "3",
    "q_overall": "3",
}
COUNTER_PAGE_2 = {
    "q_wait_minutes": "8",
    "q_wait": "4",
    "q_env_clean": "5",
    "q_env_seating": "4",
    "q_env_guidance": "4",
}
COUNTER_PAGE_3 = {"q_nps": "9", "q_comment": "柜员很专业"}


@pytest.fixture
def counter(fielded):
    return fielded("branch-counter")


@pytest.fixture
def token(fielded, counter):
    contact = {
        "title": "王先生",
        "name": "王伟",
        "attributes": {"branch": "SZ-001", "staff_id": "T042"},
    }
    return fielded.invite(counter, contact)


def start(client, token, language="zh-Hans"):
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    response = client.post(
        f"/s/{token}",
        data={
            "action": "start",
            "language": language,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    return client.get(f"/s/{token}")


def post_page(client, token, fields, action="next", page_html=None):
    html = page_html or client.get(f"/s/{token}").get_data(as_text=True)
    page_id = html.split('name="page" value="', 1)[1].split('"', 1)[0]
    data = {"csrf_token": csrf_token_from(html), "page": page_id, "action": action, **fields}
    return client.post(f"/s/{token}", data=data)


def complete(client, token):
    start(client, token)
    for fields in (COUNTER_PAGE_1, COUNTER_PAGE_2, COUNTER_PAGE_3):
        assert post_page(client, token, fields).status_code == 302


def test_opening_the_link_creates_nothing_until_start(client, token, db):
    assert client.get(f"/s/{token}").status_code == 200
    assert db.scalar(select(func.count()).select_from(Response)) == 0


def test_a_full_completion_stores_every_answer_once(client, token, db):
    complete(client, token)
    response = db.scalars(select(Response)).one()
    assert response.status == "complete"
    assert response.disposition == "1.1"
    assert response.duration_seconds is not None
    assert response.attributes == {"branch": "SZ-001", "staff_id": "T042"}
    stored = dict(
        db.execute(select(Answer.question_id, Answer.code).where(Answer.item == "")).all()
    )
    assert stored["q_overall"] == "3"
    assert stored["q_nps"] == "9"
    assert (
        db.scalar(select(Answer.value_text).where(Answer.question_id == "q_comment"))
        == "柜员很专业"
    )


def test_after_completion_the_link_says_already_completed(client, token):
    complete(client, token)
    page = client.get(f"/s/{token}", headers={"Accept-Language": "en"})
    assert "这份问卷已经完成" in page.get_data(as_text=True)  # in the respondent's language


def test_resume_on_another_device_continues_where_it_stopped(app, client, token):
    start(client, token)
    post_page(client, token, COUNTER_PAGE_1)
    other_device = app.test_client()
    page = other_device.get(f"/s/{token}").get_data(as_text=True)
    assert 'name="page" value="p_visit"' in page


def test_double_submit_and_refresh_never_double_anything(client, token, db):
    html = start(client, token).get_data(as_text=True)
    assert post_page(client, token, COUNTER_PAGE_1, page_html=html).status_code == 302
    again = post_page(client, token, COUNTER_PAGE_1, page_html=html)  # the same post twice
    assert again.status_code == 302  # an edit of a reached page, not an error
    assert db.scalar(select(func.count()).select_from(Response)) == 1
    duplicates = db.execute(
        select(Answer.question_id, Answer.item, func.count())
        .group_by(Answer.response_id, Answer.question_id, Answer.item)
        .having(func.count() > 1)
    ).all()
    assert duplicates == []


def test_a_second_start_finds_the_first_response(client, token, db):
    page = client.get(f"/s/{token}").get_data(as_text=True)
    data = {"action": "start", "csrf_token": csrf_token_from(page)}
    client.post(f"/s/{token}", data=data)
    client.post(f"/s/{token}", data=data)
    assert db.scalar(select(func.count()).select_from(Response)) == 1


def test_back_keeps_what_was_typed_and_loses_nothing(client, token, db):
    start(client, token)
    post_page(client, token, COUNTER_PAGE_1)
    post_page(client, token, {"q_wait_minutes": "12"}, action="back")
    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert 'name="page" value="p_card"' in page
    assert db.scalar(select(Answer.code).where(Answer.question_id == "q_wait_minutes")) == "12"


def test_language_switch_keeps_answers(client, token):
    start(client, token)
    post_page(client, token, {"q_competence": "2"}, action="language:en")
    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert "How would you rate the professional competence" in page
    assert 'value="2" checked' in page


def test_validation_message_beside_the_field_and_answers_kept(client, token):
    start(client, token)
    reply = post_page(client, token, {"q_competence": "3"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "请回答此题。" in html
    assert 'value="3" checked' in html


@pytest.mark.parametrize(
    "token_text", ["nonsense", "x" * 300, "%ff%fe", "HsLqdpgFwHxvY6H1ucGezmO1V4JuR8Lu"]
)
def test_unknown_or_garbled_token_is_a_clear_404(client, token_text):
    reply = client.get(f"/s/{token_text}", headers={"Accept-Language": "en"})
    assert reply.status_code == 404
    assert "This link is not valid" in reply.get_data(as_text=True)


def test_a_link_with_a_nul_character_is_refused_clearly(client):
    reply = client.get("/s/%00%ff", headers={"Accept-Language": "en"})
    assert reply.status_code == 400
    assert "The request could not be understood" in reply.get_data(as_text=True)


def test_expired_link(client, fielded, counter):
    token = fielded.invite(counter, expires_at=utcnow() - timedelta(minutes=1))
    reply = client.get(f"/s/{token}", headers={"Accept-Language": "en"})
    assert reply.status_code == 410
    assert "This link has expired" in reply.get_data(as_text=True)


def test_closed_survey_shows_a_polite_page(client, token, db, counter):
    db.get(Survey, counter).status = "closed"
    db.commit()
    reply = client.get(f"/s/{token}", headers={"Accept-Language": "en"})
    assert reply.status_code == 410
    assert "This survey has closed" in reply.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({**COUNTER_PAGE_1, "q_competence": "9"}, "不在选项中"),  # a code not in the list
        ({**COUNTER_PAGE_1, "q_helpful": ["1", "3"]}, "请只选择一项"),
        ({**COUNTER_PAGE_1, "q_overall": "-9"}, "此题需要作答"),  # refused is not offered here
    ],
)
def test_bad_codes_are_refused_beside_the_field(client, token, db, fields, message):
    start(client, token)
    reply = post_page(client, token, fields)
    assert reply.status_code == 422
    assert message in reply.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Answer)) == 0


def test_out_of_range_and_over_long_answers(client, token, db):
    start(client, token)
    post_page(client, token, COUNTER_PAGE_1)
    reply = post_page(client, token, {**COUNTER_PAGE_2, "q_wait_minutes": "9999"})
    assert "不能大于 300" in reply.get_data(as_text=True)
    post_page(client, token, COUNTER_PAGE_2)
    reply = post_page(client, token, {**COUNTER_PAGE_3, "q_comment": "长" * 1001})
    assert reply.status_code == 422
    assert "最多 1000 个字" in reply.get_data(as_text=True)
    assert db.scalar(select(Answer).where(Answer.question_id == "q_comment")) is None


def test_unknown_and_unreached_fields_are_ignored(client, token, db):
    start(client, token)
    fields = {**COUNTER_PAGE_1, "evil_field": "1", "q_nps": "0", "q_comment": "<script>"}
    assert post_page(client, token, fields).status_code == 302
    stored = set(db.scalars(select(Answer.question_id)))
    assert stored == set(COUNTER_PAGE_1)


def test_a_post_for_a_page_not_yet_reached_is_stale_not_stored(client, token, db):
    html = start(client, token).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_from(html),
        "page": "p_recommend",
        "action": "next",
        **COUNTER_PAGE_3,
    }
    reply = client.post(f"/s/{token}", data=data)
    assert reply.status_code == 409
    assert 'name="page" value="p_card"' in reply.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Answer)) == 0


def test_missing_or_wrong_csrf_token(client, token):
    start(client, token)
    reply = client.post(f"/s/{token}", data={"page": "p_card", "action": "next", **COUNTER_PAGE_1})
    assert reply.status_code == 400
    reply = client.post(
        f"/s/{token}",
        data={"page": "p_card", "action": "next", "csrf_token": "forged", **COUNTER_PAGE_1},
    )
    assert reply.status_code == 400


def test_bytes_that_are_not_utf8(client, token, db):
    html = start(client, token).get_data(as_text=True)
    body = f"csrf_token={csrf_token_from(html)}&page=p_card&action=next&q_competence=%ff%fe&q_helpful=\xff".encode(
        "latin-1"
    )
    reply = client.post(f"/s/{token}", data=body, content_type="application/x-www-form-urlencoded")
    assert reply.status_code in (400, 422)
    assert db.scalar(select(func.count()).select_from(Answer)) == 0


def test_a_huge_body_is_refused(app, client, token):
    start(client, token)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    reply = client.post(f"/s/{token}", data={"q_comment": "x" * 100_000})
    assert reply.status_code == 413


def test_a_begun_response_keeps_its_version_when_the_survey_moves_on(
    client, fielded, counter, token, db
):
    """A customer half-way through goes on with the questions they began; a new link gets the
    survey's new version. The link's page reads both versions in its one lookup."""
    start(client, token, language="en")
    assert post_page(client, token, COUNTER_PAGE_1).status_code == 302
    source = (Path(QUESTIONNAIRES) / "branch-counter.yaml").read_text(encoding="utf-8")
    revised = source.replace('version: "2026.1"', 'version: "2026.2"').replace(
        "en: Branch counter service survey", "en: Counter service survey, revised"
    )
    survey = db.get(Survey, counter)
    began_on = survey.questionnaire_version_id
    survey.questionnaire_version_id = store(db, load_text(revised), revised).version.id
    db.commit()

    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert "Branch counter service survey" in page and "revised" not in page
    assert post_page(client, token, COUNTER_PAGE_2, page_html=page).status_code == 302
    assert post_page(client, token, COUNTER_PAGE_3).status_code == 302
    assert "survey--done" in client.get(f"/s/{token}").get_data(as_text=True)
    newcomer = fielded.invite(counter)
    assert "Counter service survey, revised" in start(client, newcomer, "en").get_data(as_text=True)

    db.expire_all()
    began = db.scalars(select(Response).order_by(Response.id)).first()
    assert (began.status, began.questionnaire_version_id) == ("complete", began_on)
    assert db.scalar(select(func.count()).where(Answer.response_id == began.id)) == 12


def test_invitation_is_marked_opened_and_hash_only(client, token, db):
    start(client, token)
    invitation = db.scalars(select(Invitation)).one()
    assert invitation.opened_at is not None
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


def test_answering_on_the_web_closes_the_shared_phone_case(client, token, db, counter):
    invitation = db.scalar(select(Invitation))
    db.add(
        CatiCase(survey_id=counter, contact_id=invitation.contact_id, invitation_id=invitation.id)
    )
    db.commit()
    complete(client, token)
    db.rollback()
    case = db.scalar(select(CatiCase))
    assert (case.status, case.final_disposition) == ("final", "1.1")


def test_the_introduction_is_read_once_on_the_welcome_page_not_again_on_page_one(client, token):
    welcome = client.get(f"/s/{token}").get_data(as_text=True)
    assert welcome.count('class="survey__intro"') == 1
    first_page = start(client, token).get_data(as_text=True)
    assert 'class="survey__intro"' not in first_page


def _checked(html: str) -> set[tuple[str, str]]:
    """(question, code) of every ticked radio button on a page."""
    return set(re.findall(r'name="(q_\w+)" value="(\w+)" checked', html))


def test_each_customer_sees_their_own_answers_and_language(app, fielded, counter):
    """Questions render once per state and are reused: a customer never sees another's
    ticks, and a page in English never shows a question rendered in Chinese."""
    first, second = fielded.invite(counter), fielded.invite(counter)
    one, two = app.test_client(), app.test_client()
    start(one, first)
    assert post_page(one, first, COUNTER_PAGE_1).status_code == 302
    back = post_page(one, first, {}, action="back")
    assert back.status_code == 302
    mine = one.get(f"/s/{first}").get_data(as_text=True)
    assert _checked(mine) == set(COUNTER_PAGE_1.items())
    fresh = start(two, second, language="en").get_data(as_text=True)
    assert _checked(fresh) == set()
    assert "您认为为您服务的柜员业务是否熟练" in mine
    assert "professional competence of the teller" in fresh and "柜员" not in fresh
    assert post_page(two, second, {"q_overall": "1"}).status_code == 422  # the rest missing
    again = two.get(f"/s/{second}").get_data(as_text=True)
    assert _checked(again) == set() and _checked(one.get(f"/s/{first}").get_data(as_text=True))


def test_what_a_customer_typed_is_never_kept_for_another(app, fielded, counter):
    """Typed text renders each time: the next customer's empty box is empty, not the last
    customer's comment."""
    from survey import fragments

    first, second = fielded.invite(counter), fielded.invite(counter)
    one, two = app.test_client(), app.test_client()
    for client, token in ((one, first), (two, second)):
        start(client, token)
        for fields in (COUNTER_PAGE_1, COUNTER_PAGE_2):
            assert post_page(client, token, fields).status_code == 302
    typed = {"q_nps": "9", "q_comment": "我的卡号不要告诉别人"}
    assert post_page(one, first, typed, action="back").status_code == 302
    assert post_page(one, first, COUNTER_PAGE_2).status_code == 302
    again = one.get(f"/s/{first}").get_data(as_text=True)
    assert "我的卡号不要告诉别人" in again  # the customer's own comment, shown back to them
    other = two.get(f"/s/{second}").get_data(as_text=True)
    assert "我的卡号不要告诉别人" not in other
    assert not any("我的卡号" in html for html in fragments._FRAGMENTS.values())


@pytest.fixture
def other_writer(app):
    """A second connection to the app's database, as another request would hold it."""
    from sqlalchemy.orm import Session

    from survey.database import make_engine

    engine = make_engine(app.config["SURVEY_DATABASE_URL"])
    with Session(engine) as session:
        yield session
    engine.dispose()


def _in_thread(call):
    import threading

    outcome = {}
    thread = threading.Thread(target=lambda: outcome.setdefault("reply", call()))
    thread.start()
    return thread, outcome


def test_a_page_sent_back_with_messages_never_waits_for_writers(client, token, db, other_writer):
    """A posted page is checked and routed before the request waits for the write lock: a
    customer whose page comes back with a message is answered while another request holds
    the lock, and one whose page is stored waits for it, then stores."""
    from survey.database import begin_write
    from survey.responses.answers import lock_response

    html = start(client, token).get_data(as_text=True)
    response_id = db.scalar(select(Response.id))
    begin_write(other_writer)
    lock_response(other_writer, response_id)  # SQLite: the write lock; PostgreSQL: the row
    thread, outcome = _in_thread(
        lambda: post_page(client, token, {"q_competence": "3"}, page_html=html)
    )
    thread.join(timeout=20)
    finished = not thread.is_alive()
    other_writer.rollback()
    thread.join()
    assert finished, "a page with a message waited for another writer"
    assert outcome["reply"].status_code == 422
    assert "请回答此题。" in outcome["reply"].get_data(as_text=True)

    begin_write(other_writer)
    lock_response(other_writer, response_id)
    thread, outcome = _in_thread(lambda: post_page(client, token, COUNTER_PAGE_1, page_html=html))
    thread.join(timeout=0.5)
    assert thread.is_alive(), "a page was stored while another writer held the lock"
    other_writer.rollback()
    thread.join(timeout=30)
    assert outcome["reply"].status_code == 302
    db.rollback()
    stored = dict(
        db.execute(
            select(Answer.question_id, Answer.code).where(Answer.response_id == response_id)
        ).all()
    )
    assert stored == COUNTER_PAGE_1
    assert db.get(Response, response_id).position == "p_visit"


def test_a_page_worked_out_before_another_save_is_worked_out_again(
    client, token, db, other_writer, monkeypatch
):
    """When another request stored this response's answers after the page was read (a second
    tab), the page is worked out again under the lock from what is stored now."""
    from survey.responses import fielding

    html = start(client, token).get_data(as_text=True)
    response_id = db.scalar(select(Response.id))
    plans = []
    work_out = fielding.plan_page

    def meanwhile(session, response, *arguments, **options):
        plan = work_out(session, response, *arguments, **options)
        if not plans:  # the other tab stores page one with other answers, and moves on
            stored = other_writer.get(Response, response_id)
            other_writer.add(Answer(response_id=response_id, survey_id=stored.survey_id,
                                    question_id="q_overall", code="1", value_num=1.0))  # fmt: skip
            stored.position, stored.updated_at = "p_visit", utcnow()
            other_writer.commit()
        plans.append(plan)
        return plan

    monkeypatch.setattr(fielding, "plan_page", meanwhile)
    reply = post_page(client, token, COUNTER_PAGE_1, page_html=html)
    assert reply.status_code == 302
    assert len(plans) == 2 and plans[0].revision != plans[1].revision
    db.rollback()
    stored = dict(
        db.execute(
            select(Answer.question_id, Answer.code).where(Answer.response_id == response_id)
        ).all()
    )
    assert stored == COUNTER_PAGE_1  # this page's answers replaced the other tab's
    assert db.get(Response, response_id).position == "p_visit"
