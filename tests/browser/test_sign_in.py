"""Each role signs in through the real page in Chromium and reaches its home."""

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD

HOMES = {
    "admin": ("/admin/", "Staff accounts"),
    "manager": ("/reports/", "Reports"),
    "supervisor": ("/fieldwork/", "Fieldwork"),
    "interviewer": ("/cati/", "Interviewing"),
}


@pytest.mark.parametrize("role", sorted(HOMES))
def test_role_signs_in_and_out(live_server, page, make_user, fielded, role):
    fielded("annual-csi", name="年度客户满意度指数调查 2026")
    make_user(role, role, display_name=f"Test {role}")
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill(role)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    path, heading = HOMES[role]
    page.wait_for_url(f"{live_server}{path}")
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.get_by_role("banner").get_by_text(f"Test {role}").is_visible()
    if role != "admin":
        assert page.get_by_text("年度客户满意度指数调查 2026").is_visible()
    screenshot(page, f"home-{role}-en")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{live_server}/login")
    assert page.get_by_text("You have signed out.").is_visible()


def test_wrong_password_and_language_switch(live_server, page, make_user):
    make_user("wang", "manager")
    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="简体中文").click()
    page.get_by_label("用户名").fill("wang")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录", exact=True).click()
    assert (
        page.get_by_role("alert").inner_text()
        == "用户名或密码不正确，或账户因多次登录失败已被暂时锁定。"
    )
    screenshot(page, "login-error-zh-Hans")
    page.get_by_role("button", name="繁體中文").click()
    assert page.get_by_role("heading", level=1).inner_text() == "登入"


def test_login_on_a_phone(browser, live_server, make_user):
    make_user("li", "interviewer")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "login-phone-zh-Hans")
    context.close()
