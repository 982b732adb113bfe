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


def test_a_manager_on_a_phone_sees_which_branch_figures_are_withheld_and_why(
    live_server, browser, make_user, reported
):
    """One month by branch: each branch's CSAT is printed or withheld exactly as the
    estimates API's presentation-standard flag says, the reason on the page, the effective
    sample behind n; the downloaded tables carry the same verdict."""
    slug = reported()
    make_user("manager", "manager")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server, "en")
    page.goto(f"{live_server}/reports/{slug}/segments?by=branch&measure=csat&period=2026-10")
    screenshot(page, "reports-segments-withheld-phone")
    api = page.request.get(
        f"{live_server}/api/v1/surveys/{slug}/estimates?var=q_overall&stat=top2&by=branch&period=2026-10"
    ).json()["estimates"]
    assert {e["flag"] for e in api} >= {"suppress"}, "a month of one branch is too few answers"
    for entry in api:
        branch = entry["by"]["branch"]
        row = page.locator("table tbody tr", has=page.locator(f"th:text-is('{branch}')"))
        text = row.inner_text()
        if entry["flag"] == "suppress":
            assert f"withheld: effective sample {round(entry['n_eff'])}, under 30" in text or (
                "withheld: interval too wide to print" in text
            ), text
        else:
            assert f"{entry['estimate'] * 100:.1f}" in text, text
        n = row.locator("abbr[title^='effective sample size']")
        assert n.inner_text() == str(entry["n"])
        assert f"{entry['n_eff']:.1f}" in n.get_attribute("title")
    tables = page.request.get(f"{live_server}/reports/{slug}/tables.csv?period=2026-10").text()
    lines = [
        line for line in tables.splitlines() if line.startswith("by_csat,") and ",branch," in line
    ]
    for entry in api:
        line = next(line for line in lines if f",{entry['by']['branch']}," in line)
        assert ("withheld (NCHS standard)" in line) == (entry["flag"] == "suppress"), line
    context.close()
