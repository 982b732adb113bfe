"""The shipped questionnaires in the admin preview: both modes, all three languages, in Chromium."""

import pytest
from sqlalchemy import select

from survey.models import QuestionnaireVersion
from tests.browser.conftest import FILL, KEEP_IN, click_and_wait, screenshot
from tests.conftest import PASSWORD

NAMES = ["branch-counter", "hotline-post-call", "annual-csi", "complaint-follow-up"]


@pytest.fixture
def versions(app, runner, make_user):
    result = runner.invoke(args=["questionnaires", "load"])
    assert result.exit_code == 0, result.output
    make_user("admin", "admin", display_name="张晓梅")
    with app.app_context():
        from survey.database import db_session

        rows = db_session().scalars(select(QuestionnaireVersion)).all()
        return {row.questionnaire.key: row.id for row in rows}


def sign_in(page, live_server):
    page.goto(f"{live_server}/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button.button--primary")


def walk(page, base, limit=120):
    """Answer every screen until the end; return the number of screens seen."""
    for count in range(1, limit):
        if page.locator(".survey__end").count():
            return count
        page.evaluate(FILL, KEEP_IN)
        click_and_wait(page, "button[value=next]")
        assert page.locator(".question__error").count() == 0, page.locator(
            ".question__error"
        ).first.inner_text()
    pytest.fail("the walk did not reach the end")


@pytest.mark.parametrize(
    ("mode", "language"),
    [("web", "zh-Hans"), ("cati", "en"), ("web", "zh-Hant"), ("cati", "zh-Hans")],
)
@pytest.mark.parametrize("name", NAMES)
def test_shipped_questionnaire_walks_to_the_end(
    browser, live_server, versions, name, mode, language
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844} if mode == "web" else {"width": 1280, "height": 900}
    )
    page = context.new_page()
    sign_in(page, live_server)
    base = f"{live_server}/admin/questionnaires/{versions[name]}/preview/{mode}/{language}"
    page.goto(f"{base}?restart=1")
    assert page.evaluate("document.querySelector('.survey').lang") == language
    screenshot(page, f"preview-{name}-{mode}-{language}-first")
    screens = walk(page, base)
    assert screens > 2
    screenshot(page, f"preview-{name}-{mode}-{language}-end")
    context.close()


def test_logic_is_live_in_the_preview(browser, live_server, versions):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server)
    base = f"{live_server}/admin/questionnaires/{versions['hotline-post-call']}/preview/web/en"
    page.goto(f"{base}?restart=1")
    page.check("input[name=q_caller][value='0']")  # not the caller: screened out
    click_and_wait(page, "button[value=next]")
    assert "Screened out with disposition 4.70" in page.inner_text("main")
    page.goto(f"{base}?restart=1")
    page.check("input[name=q_caller][value='1']")
    click_and_wait(page, "button[value=next]")
    page.check("input[name=q_resolved][value='0']")  # not resolved: asks how many contacts
    click_and_wait(page, "button[value=next]")
    assert page.locator("input[name=q_contacts]").count() == 1
    page.fill("input[name=q_contacts]", "99")
    click_and_wait(page, "button[value=next]")
    assert page.locator(".question__error").inner_text() == "The highest allowed is 20."
    page.click("button[value=back]")
    page.check("input[name=q_resolved][value='1']")  # resolved: the follow-up question goes
    click_and_wait(page, "button[value=next]")
    assert page.locator("input[name=q_contacts]").count() == 0
    context.close()


def test_cati_screen_shows_instructions_apart_and_specials(browser, live_server, versions):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(
        f"{live_server}/admin/questionnaires/{versions['annual-csi']}/preview/cati/zh-Hans?restart=1"
    )
    assert "张晓梅" in page.inner_text(".script")  # the interviewer's name piped into the greeting
    assert "王先生" in page.inner_text(".script")
    page.evaluate(FILL, KEEP_IN)
    click_and_wait(page, "button[value=next]")
    page.evaluate(FILL, KEEP_IN)
    click_and_wait(page, "button[value=next]")
    assert page.locator(".interviewer-note").first.inner_text().startswith("访问员")
    labels = page.locator(".option--special").all_inner_texts()
    assert any("拒答" in text for text in labels) and any("不知道" in text for text in labels)
    screenshot(page, "preview-cati-channels-zh-Hans")
    context.close()
