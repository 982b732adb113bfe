"""A wave from start to finish in Chromium: an admin uploads its questionnaire (first with
an error, then fixed), a supervisor creates the wave with an open link and opens it, one
customer answers through the counter's QR link on a phone and another on the kiosk, the
supervisor closes the wave and both links show the closed page, and the manager reads the
responses by branch and by teller."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from survey.models import AuditEvent, QuestionnaireVersion, Response, Survey
from survey.surveys import links
from tests.browser.conftest import FILL, KEEP_IN, click_and_wait, screenshot, sign_in_as
from tests.conftest import QUESTIONNAIRES

COUNTER = Path(QUESTIONNAIRES) / "branch-counter.yaml"


def _answer_to_the_end(page):
    click_and_wait(page, "button[value=start]")
    for _ in range(20):
        if page.locator("form.survey__form").count() == 0:
            return
        page.evaluate(FILL, KEEP_IN)
        click_and_wait(page, "button[value=next]")
        assert page.locator(".question__error").count() == 0
    raise AssertionError("the survey did not end")


def test_a_wave_from_upload_to_the_managers_report(
    browser, live_server, app, make_user, db, tmp_path, time_machine
):
    time_machine.move_to(datetime(2026, 12, 1, 2, 0, tzinfo=UTC), tick=True)
    app.config["SURVEY_BASE_URL"] = live_server
    for role in ("admin", "supervisor", "manager"):
        make_user(role, role)

    # The admin uploads the questionnaire: first with an error, then fixed.
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    sign_in_as(admin, live_server, "admin")
    admin.goto(f"{live_server}/admin/questionnaires/")
    click_and_wait(admin, "text=Upload a questionnaire")
    text = COUNTER.read_text(encoding="utf-8")
    broken = tmp_path / "branch-counter.yaml"
    broken.write_text(text.replace("type: rating", "type: stars", 1), encoding="utf-8")
    admin.set_input_files("input[type=file]", str(broken))
    click_and_wait(admin, "text=Check and store")
    row = admin.locator("#upload-issues tbody tr").first.inner_text()
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "type: rating" in t)
    assert "branch-counter.yaml" in row and str(line) in row and "stars" in row
    screenshot(admin, "journey-waves-upload-error")
    db.rollback()
    assert db.scalars(select(QuestionnaireVersion)).all() == []
    fixed = tmp_path / "fixed" / "branch-counter.yaml"
    fixed.parent.mkdir()
    fixed.write_text(text, encoding="utf-8")
    admin.set_input_files("input[type=file]", str(fixed))
    click_and_wait(admin, "text=Check and store")
    assert "branch-counter v1 stored." in admin.inner_text("body")
    admin.context.close()

    # The supervisor creates the wave, hands its open link out and opens it.
    supervisor = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB"
    ).new_page()
    sign_in_as(supervisor, live_server, "supervisor")
    click_and_wait(supervisor, "text=New survey")
    supervisor.fill("input[name=slug]", "counter-2026-12")
    supervisor.uncheck("input[name=modes][value=cati]")
    supervisor.fill("input[name=opens_on]", "2026-12-01")
    supervisor.fill("input[name=closes_on]", "2026-12-31")
    supervisor.fill("input[name=stratum_attribute]", "branch")
    supervisor.fill("input[name=segments]", "branch, staff_id")
    click_and_wait(supervisor, "text=Create the survey")
    assert "Survey counter-2026-12 created in draft." in supervisor.inner_text("body")
    click_and_wait(supervisor, "nav.tabs >> text=Open links")
    click_and_wait(supervisor, "text=Turn the open link on")
    supervisor.fill("input[name=branch]", "SH001")
    supervisor.fill("input[name=counter]", "3")
    supervisor.fill("input[name=staff]", "T1024")
    click_and_wait(supervisor, "text=Add the link")
    supervisor.fill("input[name=branch]", "SH002")
    supervisor.check("input[name=kiosk]")
    click_and_wait(supervisor, "text=Add the link")
    addresses = supervisor.locator("a[data-place-link]").evaluate_all("els => els.map(e => e.href)")
    counter_link = next(a for a in addresses if "/o/counter-2026-12?at=" in a)
    kiosk_link = next(a for a in addresses if "/k/counter-2026-12?at=" in a)
    qr = supervisor.locator("img.qr-thumb").nth(1)
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(supervisor, "journey-waves-open-links")
    with supervisor.context.expect_page() as card_tab:
        supervisor.click("text=Counter card (A6) >> nth=1", modifiers=["Control"])
    card = card_tab.value
    card.wait_for_load_state()
    assert "请为我们的服务评分" in card.inner_text("body") and "T1024" in card.inner_text("body")
    screenshot(card, "journey-waves-counter-card")
    card.close()
    click_and_wait(supervisor, "nav.tabs >> text=Settings")
    click_and_wait(supervisor, "form[action$='/status/open'] button")
    assert "Survey counter-2026-12 is open." in supervisor.inner_text("body")

    # A customer answers through the counter's QR link on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    phone.goto(counter_link)
    _answer_to_the_end(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "journey-waves-phone-done")

    # Another answers on the kiosk; it then shows the next customer a fresh start.
    tablet = browser.new_context(viewport={"width": 800, "height": 1280}, locale="zh-CN").new_page()
    tablet.goto(kiosk_link)
    _answer_to_the_end(tablet)
    screenshot(tablet, "journey-waves-kiosk-done")
    assert tablet.locator("a[href*='/reset']").count() == 1  # "Next customer"
    tablet.wait_for_selector("button[value=start]", timeout=30_000)  # it restarts by itself
    tablet.go_back()
    assert tablet.locator("form.survey__form input[type=radio]:checked").count() == 0

    # The supervisor closes the wave: both links show the next customers the closed page.
    click_and_wait(supervisor, "form[action$='/status/close'] button")
    for page in (supervisor, phone, tablet):
        page.context.close()
    for address, size in ((counter_link, (390, 844)), (kiosk_link, (800, 1280))):
        customer = browser.new_context(
            viewport={"width": size[0], "height": size[1]}, locale="en-GB"
        ).new_page()
        customer.goto(address)
        assert customer.locator("h1").inner_text() == "This survey has closed"
        screenshot(customer, f"journey-waves-closed-{size[0]}")
        customer.context.close()

    db.rollback()
    responses = db.scalars(select(Response).order_by(Response.id)).all()
    assert [(r.status, r.attributes, r.stratum) for r in responses] == [
        ("complete", {"branch": "SH001", "counter": "3", "staff_id": "T1024"}, "SH001"),
        ("complete", {"branch": "SH002"}, "SH002"),
    ]
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"questionnaire_uploaded", "survey_created", "open_link_on", "survey_opened",
            "survey_closed"} <= actions  # fmt: skip
    assert db.scalar(select(Survey.status)) == "closed"

    # The manager reads the responses by branch and by teller.
    manager = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB"
    ).new_page()
    sign_in_as(manager, live_server, "manager")
    manager.goto(f"{live_server}/reports/counter-2026-12/segments?by=branch")
    table = manager.inner_text("main")
    assert "SH001" in table and "SH002" in table
    manager.goto(f"{live_server}/reports/counter-2026-12/segments?by=staff_id")
    assert "T1024" in manager.inner_text("main")
    screenshot(manager, "journey-waves-manager-by-teller")
    manager.context.close()
    assert links.read(app.config["SECRET_KEY"], counter_link.split("at=")[1]).staff == "T1024"
