"""Results that reach people, in Chromium: the branch head subscribes to low scores on the
alerts page; a customer scores the counter low on a phone and types a complaint with a phone
number; the branch head's inbox and outbox hold exactly one alert (linked to the follow-up
case), the comment shows masked, tagged with its topics and sentiment on the comments page,
and the export holds only the masked text."""

from datetime import UTC, datetime

from sqlalchemy import select

from survey.models import Alert, Answer, CommentReading, FollowupCase, OutboxMessage, SentReport
from survey.tasks.work import schedule_reports
from tests.browser.conftest import FILL, KEEP_IN, click_and_wait, screenshot, sign_in_as

WEDNESDAY_MORNING = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: not quiet
COMPLAINT = "排隊等了一個鐘，櫃員態度很差。請回電 13812345678"


def _answer_low_with_a_comment(browser, base, token):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-HK").new_page()
    phone.goto(f"{base}/s/{token}")
    click_and_wait(phone, "button[value=start]")
    while phone.locator("form.survey__form").count():
        phone.evaluate(FILL, {**KEEP_IN, "q_overall": "1", "q_nps": "2"})
        if phone.locator("textarea[name=q_comment]").count():
            phone.fill("textarea[name=q_comment]", COMPLAINT)
        click_and_wait(phone, "button[value=next]")
    phone.context.close()


def test_a_low_score_reaches_the_branch_head_once_and_its_comment_is_masked_and_tagged(
    browser, live_server, app, fielded, make_user, db, time_machine
):
    time_machine.move_to(WEDNESDAY_MORNING, tick=True)
    survey_id = fielded("branch-counter", modes=["web"])
    token = fielded.invite(
        survey_id,
        {"customer_ref": "C1", "language": "zh-Hant", "attributes": {"branch": "SZ-001"}},
    )
    make_user("head", "manager", branches=["SZ-001"], email="head@bank.example")
    make_user("other", "manager", branches=["GZ-001"], email="other@bank.example")

    head = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    sign_in_as(head, live_server, "head")
    head.goto(f"{live_server}/alerts/")
    head.select_option("#kind", "low_score")
    head.fill("#branch", "SZ-999")
    click_and_wait(head, "#subscriptions button[type=submit] >> text=Subscribe")
    errors = head.locator(".field__error, .alert--error, .form-errors").all_inner_texts()
    assert any("branch 'SZ-999' is not known" in e for e in errors), errors  # nothing stored
    head.fill("#branch", "")
    click_and_wait(head, "#subscriptions button[type=submit] >> text=Subscribe")
    assert "Low score or detractor" in head.inner_text("#subscriptions table")

    _answer_low_with_a_comment(browser, live_server, token)

    db.rollback()
    alerts = db.scalars(select(Alert)).all()
    assert len(alerts) == 1 and alerts[0].branch == "SZ-001"
    case = db.scalars(select(FollowupCase).order_by(FollowupCase.id)).first()
    assert alerts[0].link.endswith(f"/followups/{case.id}")
    messages = db.scalars(select(OutboxMessage).where(OutboxMessage.kind == "alert")).all()
    assert [m.recipient for m in messages] == ["head@bank.example"]
    stored = db.scalar(select(Answer.value_text).where(Answer.question_id == "q_comment"))
    assert stored == "排隊等了一個鐘，櫃員態度很差。請回電 [phone]"
    reading = db.scalars(select(CommentReading)).one()
    assert {"queue", "attitude"} <= set(reading.topics) and reading.language == "zh-Hant"
    assert reading.sentiment < 0

    head.goto(f"{live_server}/alerts/")
    inbox = head.inner_text("#inbox")
    assert "1 unread" in inbox and "SZ-001" in inbox
    screenshot(head, "journey-alerts-inbox")
    click_and_wait(head, "#inbox button >> text=Mark read")
    assert "unread" not in head.inner_text("#inbox h2")

    head.goto(f"{live_server}/reports/branch-counter-test/comments")
    verbatim = head.inner_text(".verbatims")
    assert "[phone]" in verbatim and "13812345678" not in head.content()
    assert (
        "Queues and waiting" in verbatim and "Staff attitude" in verbatim and "negative" in verbatim
    )
    assert "Queues and waiting" in head.inner_text("#topic-shares")
    screenshot(head, "journey-comments-topics")
    export = head.request.get(f"{live_server}/reports/branch-counter-test/responses.csv").text()
    assert "[phone]" in export and "13812345678" not in export
    head.context.close()


def test_the_bank_edits_its_topics_and_every_comment_is_read_again(
    browser, live_server, app, reported, make_user, db
):
    slug = reported()
    make_user("boss", "admin")
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    sign_in_as(page, live_server, "boss")
    page.goto(f"{live_server}/admin/topics")
    text = page.input_value("#text")
    assert "key: queue" in text
    clashing = text.replace("keywords: [排队,", "keywords: [排隊, 排队,", 1)
    page.fill("#text", clashing)
    click_and_wait(page, "text=Save and read the comments again")
    problems = page.inner_text("#topic-problems")
    assert (
        "was not saved" in problems
        and "line 10" in problems
        and "already a keyword of this topic" in problems
    )
    assert page.input_value("#text") == clashing  # what was typed is kept to correct
    page.fill("#text", text.replace("keywords: [排队,", "keywords: [排队, 长龙,", 1))
    click_and_wait(page, "text=Save and read the comments again")
    assert "being read again" in page.inner_text("body")
    assert "version 1" in page.inner_text("section.card h2")
    screenshot(page, "journey-topic-dictionary")
    db.rollback()
    readings = db.scalars(select(CommentReading)).all()
    assert readings and all(r.dictionary_id is not None for r in readings)  # read with the new one
    page.goto(f"{live_server}/reports/{slug}/comments?topic=queue")
    assert "Queues and waiting" in page.inner_text(".verbatims")
    page.context.close()


def test_a_manager_subscribes_to_a_monthly_report_and_reopens_it_as_sent(
    browser, live_server, app, reported, make_user, db, time_machine
):
    time_machine.move_to(datetime(2026, 10, 31, 21, 50, tzinfo=UTC), tick=True)  # 1 Nov, 05:50
    slug = reported()
    make_user("head", "manager", branches=["SZ-001"], email="head@bank.example")
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    sign_in_as(page, live_server, "head")
    page.goto(f"{live_server}/alerts/")
    page.select_option("#report-survey", slug)
    page.fill("#report-branch", "SZ-001")
    page.select_option("#report-language", "zh-Hans")
    click_and_wait(page, "#reports button[type=submit]")
    schedule_reports()  # the 1st of the month: last month's report is due
    page.goto(f"{live_server}/alerts/")
    screenshot(page, "journey-report-archive")
    link = page.locator("#sent-reports a").first
    assert link.inner_text() == "2026-10"
    pdf = page.request.get(live_server + link.get_attribute("href"))
    db.rollback()
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body() == db.scalars(select(SentReport)).one().pdf
    page.context.close()
