"""Closing the loop in Chromium: a customer scores the counter low on the web; the case is
in the branch owner's inbox, due in three working days; the owner calls the customer back
through the CATI queue, the interviewer asks the follow-up questions, the owner records the
reply and closes the case; a second case passes its deadline and is escalated to the branch
head; the follow-up report shows both."""

from datetime import UTC, datetime

from sqlalchemy import select

from survey.followups.calendar import WorkingCalendar
from survey.models import AuditEvent, FollowupCase, OutboxMessage, User
from survey.tasks.work import escalate_followups
from tests.browser.conftest import FILL, KEEP_IN, click_and_wait, screenshot, sign_in_as
from tests.browser.test_cati import interview, press_the_focused_button

FRIDAY_MORNING = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _score_low(browser, base, token):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    phone.goto(f"{base}/s/{token}")
    click_and_wait(phone, "button[value=start]")
    while phone.locator("form.survey__form").count():
        phone.evaluate(FILL, {**KEEP_IN, "q_overall": "1"})
        click_and_wait(phone, "button[value=next]")
    phone.context.close()


def test_a_low_score_is_called_back_closed_and_a_late_one_escalated(
    browser, live_server, app, fielded, make_user, db, time_machine
):
    time_machine.move_to(FRIDAY_MORNING, tick=True)
    counter = fielded("branch-counter", modes=["web"])
    fielded("complaint-follow-up", modes=["web", "cati"], slug="follow-up-wave")
    customers = [
        {"customer_ref": f"C{n}", "title": "王先生", "name": "王伟", "phone": f"+8613800000{n:03d}",
         "language": "zh-Hans", "attributes": {"branch": "SZ-001"}}
        for n in (1, 2)
    ]  # fmt: skip
    tokens = [fielded.invite(counter, dict(c)) for c in customers]
    make_user("owner", "manager", display_name="支行长 Owner", branches=["SZ-001"],
              email="owner@bank.example")  # fmt: skip
    make_user("caller", "interviewer", display_name="张晓梅", staff_number="C1024")

    _score_low(browser, live_server, tokens[0])
    db.rollback()
    first = db.scalars(select(FollowupCase)).one()
    expected_due = WorkingCalendar("CN").due(first.created_at, 3)
    assert (first.rule, first.owner, first.due_at) == ("low_overall", "branch:SZ-001", expected_due)
    assert expected_due == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # Wednesday 17:00 Shanghai

    owner = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    sign_in_as(owner, live_server, "owner")
    click_and_wait(owner, "nav.site-nav >> text=Follow-ups")
    row = owner.locator(f"#later tr:has(a[href$='/followups/{first.id}'])").inner_text()
    assert "Service · attitude" in row and "3 working days left" in row
    screenshot(owner, "journey-followups-inbox")
    click_and_wait(owner, f"a[href$='/followups/{first.id}']")
    click_and_wait(owner, "text=Show contact details")
    assert "王伟" in owner.inner_text("#customer")
    click_and_wait(owner, "text=Call back through the phone queue")
    assert "first in the phone queue" in owner.inner_text("body")

    caller = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    sign_in_as(caller, live_server, "caller")
    press_the_focused_button(caller)  # next case: the return call
    press_the_focused_button(caller)  # the customer agrees: start
    interview(caller)
    caller.context.close()

    owner.reload()
    assert "Satisfaction with the outcome" in owner.inner_text("main")
    owner.fill("textarea[name=facts]", "柜员办理时未说明手续费。")
    owner.fill("textarea[name=responsible]", "柜员 T007")
    owner.fill("textarea[name=lesson]", "办理前须说明收费。")
    owner.fill("textarea[name=fix]", "退还手续费并培训。")
    owner.select_option("select[name=satisfaction]", "4")
    click_and_wait(owner, "text=Record the reply")
    click_and_wait(owner, "text=Close the case")
    assert "Closed" in owner.inner_text("h1")
    screenshot(owner, "journey-followups-closed")

    # A second customer; nobody answers it, and its deadline passes.
    _score_low(browser, live_server, tokens[1])
    time_machine.move_to(datetime(2026, 12, 3, 2, 0, tzinfo=UTC), tick=True)  # Thursday
    escalate_followups()
    sign_in_as(owner, live_server, "owner")  # a week on, the session has timed out
    owner.goto(f"{live_server}/followups/")
    overdue = owner.inner_text("#overdue")
    assert "Branch head" in overdue and "1 working day late" in overdue
    owner.goto(f"{live_server}/reports/followups")
    branch_row = owner.locator("#by-branch tbody tr").first.inner_text()
    assert branch_row.split("\t")[:3] == ["SZ-001", "2", "1"]
    assert owner.inner_text("#on-time").startswith("100%")
    screenshot(owner, "journey-followups-report")
    owner.context.close()

    db.rollback()
    first, second = db.scalars(select(FollowupCase).order_by(FollowupCase.id)).all()
    assert first.status == "closed" and first.reply["satisfaction"] == 4
    assert first.reply["handler"] == "支行长 Owner"
    assert first.outcome_satisfaction == 4 and first.return_invitation_id is not None
    kinds = [e.kind for e in first.events]
    assert kinds[:2] == ["opened", "return_call"] and "return_answered" in kinds
    assert (second.level, second.status) == (1, "new")
    assert "escalated" in [e.kind for e in second.events]
    owner_id = db.scalar(select(User.id).where(User.username == "owner"))
    notices = db.scalars(select(OutboxMessage.recipient).where(OutboxMessage.kind == "followup"))
    assert list(notices) == ["owner@bank.example"]
    viewed = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "followup_contact_viewed")
    ).one()
    assert viewed.user_id == owner_id
