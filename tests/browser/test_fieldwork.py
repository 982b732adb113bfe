"""The supervisor's pages in Chromium: nothing scrolls the page sideways on a phone, and the
productivity table shows every column on a desktop."""

import pytest
from sqlalchemy import select

from survey.cases.queue import CallingRules, record_outcome
from survey.models import CatiCase, Response
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

OUTCOMES = ["1.1", "2.11", "3.13", "4.31", "2.21", "1.1", "3.12", "2.36"]


@pytest.fixture
def called(db, cati_survey, make_user):
    """A hotline survey whose cases have calls of several outcomes by two interviewers."""
    survey = cati_survey("hotline-post-call", customers=8)
    callers = [
        make_user(f"caller{n}", "interviewer", display_name=name, staff_number=f"C{n}")
        for n, name in enumerate(["张晓梅", "Chen Zhiqiang-Longname"])
    ]
    for n, case in enumerate(db.scalars(select(CatiCase).order_by(CatiCase.id))):
        code = OUTCOMES[n]
        record_outcome(db, case, callers[n % 2], code, CallingRules(), "Asia/Shanghai",
                       note="客户要求晚上再打" if code == "2.36" else None)  # fmt: skip
        if code == "1.1":
            db.add(Response(survey_id=survey.id, questionnaire_version_id=survey.questionnaire_version_id,
                            mode="cati", status="complete", language="zh-Hans"))  # fmt: skip
    db.commit()
    return survey


def _sign_in(page, base):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/fieldwork/")


@pytest.mark.parametrize("width", [360, 390])
def test_no_fieldwork_page_scrolls_sideways_on_a_phone(
    browser, live_server, db, called, make_user, width
):
    make_user("supervisor", "supervisor", display_name="李督导")
    case_id = db.scalar(select(CatiCase.id).order_by(CatiCase.id))
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
    page = context.new_page()
    _sign_in(page, live_server)
    slug = called.slug
    for path in ["", f"{slug}/", f"{slug}/sample", f"{slug}/cases", f"{slug}/cases/{case_id}",
                 f"{slug}/interviewers"]:  # fmt: skip
        page.goto(f"{live_server}/fieldwork/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        screenshot(page, f"fieldwork-{width}-{path.replace('/', '-') or 'home'}")
    context.close()


def test_the_productivity_table_shows_every_column_at_1280(browser, live_server, called, make_user):
    make_user("supervisor", "supervisor", display_name="李督导")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-GB")
    page = context.new_page()
    _sign_in(page, live_server)
    page.goto(f"{live_server}/fieldwork/{called.slug}/interviewers")
    box = page.locator(".table-scroll").last.bounding_box()
    for header in page.locator(".table-scroll").last.locator("thead th").all():
        cell = header.bounding_box()
        assert cell["x"] + cell["width"] <= box["x"] + box["width"] + 1, header.inner_text()
    screenshot(page, "fieldwork-productivity-1280")
    context.close()
