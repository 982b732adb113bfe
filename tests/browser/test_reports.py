"""A manager reads every report page in Chromium, in Simplified Chinese and English:
screenshots kept for a person to look at, no serious accessibility violation, charts as
labelled SVG, and a clean printed PDF without the filters."""

import pytest

from tests.browser.conftest import ARTIFACTS, screenshot, serious_accessibility_violations
from tests.conftest import PASSWORD

PAGES = {
    "overview": "",
    "segments": "segments?by=branch&measure=csat",
    "trends": "trends",
    "attributes": "attributes",
    "crosstab": "crosstab?rows=q_competence&columns=branch",
    "comments": "comments",
    "exports": "exports",
}
HEADINGS = {"en": "Headline indices", "zh-Hans": "核心指标"}


def sign_in(page, live_server, language):
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/reports/")
    page.locator(f"button[name=language][value={language}]").click()


@pytest.fixture
def csp_free_page(browser):
    """A page that may inject axe-core (the app's CSP forbids inline script, rightly)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
def test_every_report_page_in_chromium(live_server, csp_free_page, make_user, reported, language):
    page = csp_free_page
    slug = reported()
    make_user("manager", "manager", display_name="王经理")
    sign_in(page, live_server, language)
    page.get_by_role("link", name="branch-counter").first.click()
    page.wait_for_url(f"{live_server}/reports/{slug}/")
    assert page.get_by_role("heading", name=HEADINGS[language]).is_visible()
    for name, path in PAGES.items():
        page.goto(f"{live_server}/reports/{slug}/{path}")
        assert page.locator("main h1").is_visible()
        if name not in ("comments", "exports", "crosstab"):
            chart = page.locator("svg.chart[role=img]").first
            assert chart.is_visible() and chart.locator("title").first.text_content()
        assert serious_accessibility_violations(page) == [], name
        screenshot(page, f"reports-{name}-{language}")


def test_filters_travel_in_the_address_and_print_cleanly(live_server, page, make_user, reported):
    slug = reported()
    make_user("manager", "manager")
    sign_in(page, live_server, "en")
    page.goto(f"{live_server}/reports/{slug}/")
    page.get_by_label("Branch").select_option("SZ-002")
    page.get_by_label("Unweighted").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/reports/**branch=SZ-002**")
    assert "weights=off" in page.url
    with page.expect_navigation():
        page.get_by_role("link", name="Segments").click()
    assert "branch=SZ-002" in page.url, "the tabs keep the filters"
    assert page.get_by_text("Unweighted: every response counts once").is_visible()
    page.goto(f"{live_server}/reports/{slug}/?branch=SZ-002")
    page.emulate_media(media="print")
    assert not page.locator("form.report-filters").is_visible()
    assert not page.locator("nav.tabs").is_visible()
    assert "SZ-002" in page.locator(".scope-line").inner_text(), (
        "the printed page says what it covers"
    )
    screenshot(page, "reports-overview-print")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "reports-overview.pdf"), format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 20_000
