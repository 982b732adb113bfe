"""Customers complete every shipped questionnaire through personal links in Chromium.

At phone and desktop sizes, in zh-Hans and in en, resuming from a second browser
context (another device) half-way; screenshots are kept as artifacts.
"""

import csv
import io

import pytest
from sqlalchemy import func, select

from survey.models import Answer, Response
from tests.browser.conftest import (
    FILL,
    KEEP_IN,
    click_and_wait,
    screenshot,
    serious_accessibility_violations,
)
from tests.conftest import PASSWORD

NAMES = ["branch-counter", "hotline-post-call", "annual-csi", "complaint-follow-up"]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
LOCALES = {"zh-Hans": "zh-CN", "en": "en-GB"}


def answer_screen(page):
    page.evaluate(FILL, KEEP_IN)
    click_and_wait(page, "button[value=next]")
    errors = page.locator(".question__error")
    assert errors.count() == 0, errors.first.inner_text()


@pytest.mark.parametrize("language", sorted(LOCALES))
@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("name", NAMES)
def test_complete_through_a_personal_link_with_a_resume(
    browser, live_server, fielded, db, name, size, language
):
    survey_id = fielded(name)
    token = fielded.invite(
        survey_id,
        {
            "title": "王先生" if language == "zh-Hans" else "Mr Wong",
            "attributes": {"branch": "SZ-001"},
        },
    )
    link = f"{live_server}/s/{token}"
    first = browser.new_context(viewport=SIZES[size], locale=LOCALES[language])
    page = first.new_page()
    page.goto(link)
    assert page.evaluate("document.documentElement.lang") == language
    screenshot(page, f"web-{name}-{size}-{language}-0-start")
    click_and_wait(page, "button[value=start]")
    screenshot(page, f"web-{name}-{size}-{language}-1-first-page")
    answer_screen(page)
    first.close()

    second = browser.new_context(viewport=SIZES[size], locale="en-US")  # another device
    page = second.new_page()
    page.goto(link)
    assert page.locator("form.survey__form input[name=page]").count() == 1  # resumed, not the start
    assert (
        page.evaluate("document.documentElement.lang") == language
    )  # the response keeps its language
    for _ in range(40):
        if page.locator(".survey--done").count():
            break
        answer_screen(page)
    screenshot(page, f"web-{name}-{size}-{language}-9-done")
    assert page.locator(".survey--done").count() == 1
    second.close()

    response = db.scalars(select(Response)).one()
    assert (response.status, response.language) == ("complete", language)
    duplicates = db.execute(
        select(func.count())
        .select_from(Answer)
        .group_by(Answer.question_id, Answer.item)
        .having(func.count() > 1)
    ).all()
    assert duplicates == []


def test_no_serious_accessibility_violations_on_any_page_type(
    browser, live_server, fielded, make_user
):
    survey_id = fielded("annual-csi")
    token = fielded.invite(survey_id, {"title": "王先生"})
    # axe is injected as a script, which the application's CSP rightly forbids.
    context = browser.new_context(viewport=SIZES["phone"], locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    found = {}

    def check(label):
        found[label] = serious_accessibility_violations(page)

    page.goto(f"{live_server}/login")
    check("login")
    page.goto(f"{live_server}/s/{token}")
    check("start")
    click_and_wait(page, "button[value=start]")
    click_and_wait(page, "button[value=next]")  # nothing answered: messages beside the fields
    check("page with errors")
    kinds = set()
    for _ in range(40):
        if page.locator(".survey--done").count():
            break
        for kind in ("matrix", "multiple", "single", "rating", "nps", "yesno", "text"):
            if kind not in kinds and page.locator(f".question--{kind}").count():
                kinds.add(kind)
                check(f"page with {kind}")
        page.evaluate(FILL, KEEP_IN)
        click_and_wait(page, "button[value=next]")
    check("done")
    page.goto(f"{live_server}/s/not-a-token")
    check("invalid link")
    page.goto(f"{live_server}/nowhere")
    check("404")
    make_user("admin", "admin")
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.button--primary")
    check("admin home")
    page.goto(f"{live_server}/admin/questionnaires/")
    check("questionnaires")
    context.close()
    assert kinds >= {"matrix", "multiple", "single", "rating", "nps", "yesno", "text"}
    assert {label: v for label, v in found.items() if v} == {}


@pytest.mark.parametrize("name", NAMES)
def test_a_customer_who_leaves_every_optional_question_untouched_stores_nothing_for_them(
    browser, live_server, fielded, db, runner, name
):
    survey_id = fielded(name)
    token = fielded.invite(survey_id, {"title": "王先生", "attributes": {"branch": "SZ-001"}})
    context = browser.new_context(viewport=SIZES["phone"], locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/s/{token}")
    click_and_wait(page, "button[value=start]")
    untouched = set()
    for _ in range(40):
        if page.locator(".survey--done").count():
            break
        boxes = page.eval_on_selector_all(
            "form.survey__form input[type=text], form.survey__form textarea, "
            "form.survey__form input[type=date]",
            "els => els.map(e => e.value)",
        )
        assert boxes == [""] * len(boxes), boxes  # a box nobody typed in is empty
        # Low scores, so that the follow-up questions they open are shown too.
        keep_in = {**KEEP_IN, "q_nps": "3", "q_overall": "1"}
        untouched.update(page.evaluate(FILL, {"keepIn": keep_in, "requiredOnly": True}))
        click_and_wait(page, "button[value=next]")
        assert page.locator(".question__error").count() == 0
    assert page.locator(".survey--done").count() == 1
    context.close()

    untouched = {field.removesuffix(":other") for field in untouched} - {"csrf_token", "page"}
    assert untouched or name == "complaint-follow-up"  # the complaint form asks everything
    stored = db.scalars(select(Answer.question_id).where(Answer.question_id.in_(untouched))).all()
    assert stored == []
    assert (
        db.scalar(select(func.count()).select_from(Answer).where(Answer.value_text == "None")) == 0
    )
    export = runner.invoke(args=["export", f"{name}-test", "--format", "csv"]).output
    header, row = list(csv.reader(io.StringIO(export)))
    for column, cell in zip(header, row, strict=True):
        if column in untouched or any(column.startswith(f"{q}_") for q in untouched):
            assert cell == "", (column, cell)
    assert "None" not in row


SCALE_FIT = """() => {
  const problems = [];
  for (const label of document.querySelectorAll('.scale__label, .scale__anchors span, .option span')) {
    if (label.clientWidth > 1 && label.scrollWidth > label.clientWidth + 1) problems.push('spills: ' + label.textContent.trim());
  }
  for (const scale of document.querySelectorAll('.scale:not(.scale--worded)')) {  // worded: a list
    const points = [...scale.querySelectorAll('.scale__point:not(.scale__point--special)')];
    const rows = {};
    for (const p of points) {
      const top = Math.round(p.getBoundingClientRect().top);
      rows[top] = (rows[top] || 0) + 1;
      if (p.getBoundingClientRect().right > window.innerWidth) problems.push('off screen: ' + p.textContent.trim());
    }
    const counts = Object.values(rows);
    if (counts.length > 1) problems.push('wraps: ' + counts.join('+'));
  }
  if (document.documentElement.scrollWidth > window.innerWidth) problems.push('page scrolls sideways');
  return problems;
}"""


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant", "en"])
@pytest.mark.parametrize("name", NAMES)
def test_every_page_fits_a_phone(browser, live_server, fielded, name, language, width):
    """Scale labels stay inside their points, long scales wrap into even rows, and nothing
    scrolls sideways, on every page at 360 and 390 px in each language (screenshots kept)."""
    survey_id = fielded(name)
    token = fielded.invite(survey_id, {"title": "王先生", "attributes": {"branch": "SZ-001"}})
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/s/{token}?lang={language}")
    click_and_wait(page, "button[value=start]")
    keep_in = {**KEEP_IN, "q_nps": "3", "q_overall": "1"}  # low: the follow-up pages show too
    for number in range(1, 40):
        if page.locator(".survey--done").count():
            break
        screenshot(page, f"phone-{name}-{language}-{width}-p{number}")
        assert page.evaluate(SCALE_FIT) == [], (number, page.url)
        page.evaluate(FILL, keep_in)
        click_and_wait(page, "button[value=next]")
    assert page.locator(".survey--done").count() == 1
    context.close()
