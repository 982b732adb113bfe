"""The service star in Chromium: a teller's customers answer through the teller's QR link on
their phones, peers and the branch's managers rate the teller on their own pages, the
manager opens the league and the honour board, and the teller opens their own page — then
what was stored: the responses name the teller, the ratings name no rater."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from survey.models import Response, StaffMember, StaffRating, Survey, User
from survey.questionnaire import load_file
from survey.surveys import links
from survey.surveys.versions import store
from tests.browser.conftest import FILL, click_and_wait, screenshot, sign_in_as
from tests.browser.test_waves import _answer_to_the_end
from tests.conftest import QUESTIONNAIRES

PEOPLE = [  # username, staff number, role
    ("zhou", "T1", "teller"),
    ("wang", "T2", "teller"),
    ("li", "T3", "teller"),
    ("opsmgr", "O1", "ops_manager"),
    ("lobbymgr", "L1", "lobby_manager"),
]


def _staff(app, db, make_user):
    with open(f"{QUESTIONNAIRES}/teller-internal-rating.yaml", encoding="utf-8") as file:
        store(db, load_file(file.name), file.read())
    db.commit()
    for username, number, role in PEOPLE:
        user_id = make_user(username, "staff")
        db.add(
            StaffMember(
                staff_number=number,
                name=f"{username.title()} {number}",
                role=role,
                branch="SH001",
                active_from=date(2026, 1, 1),
                user_id=user_id,
            )
        )
    db.commit()


def _rate(browser, base, username, ratees):
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB").new_page()
    sign_in_as(page, base, username)
    assert page.url.endswith("/me/")
    for number in ratees:
        click_and_wait(page, f"#to-rate a[href$='/rate/{number}']")
        page.evaluate(FILL, {})
        click_and_wait(page, "text=Save my rating")
        assert "your rating of" in page.inner_text(".flash, [role=status], body")
        assert page.locator(f"#to-rate a[href$='/rate/{number}']").count() == 0
    page.context.close()


def test_the_service_star_from_the_counter_to_the_honour_board(
    browser, live_server, app, make_user, db, fielded, time_machine
):
    time_machine.move_to(datetime(2026, 11, 12, 2, 0, tzinfo=UTC), tick=True)
    app.config.update(SURVEY_BASE_URL=live_server, STAR_MIN_RESPONSES=3)
    survey_id = fielded("branch-counter", slug="counter-2026-11", modes=["web"], open_link=True)
    make_user("manager", "manager")
    _staff(app, db, make_user)

    # Three customers scan teller T1's card at the counter and answer on their phones.
    survey = db.get(Survey, survey_id)
    address = links.public_url(
        survey, links.place("SH001", "1", "T1"), app.config["SECRET_KEY"], live_server
    )
    for customer in range(3):
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.goto(address)
        _answer_to_the_end(phone)
        if customer == 0:
            screenshot(phone, "journey-staff-customer-done")
        phone.context.close()

    # Two peers and both managers rate T1; T1 and the managers rate T2.
    _rate(browser, live_server, "wang", ["T1"])
    _rate(browser, live_server, "li", ["T1"])
    _rate(browser, live_server, "opsmgr", ["T1"])
    _rate(browser, live_server, "lobbymgr", ["T1"])

    # The manager opens the league and the honour board.
    manager = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB"
    ).new_page()
    sign_in_as(manager, live_server, "manager")
    manager.goto(f"{live_server}/reports/counter-2026-11/league?month=2026-11")
    row = manager.locator("#league tr[data-staff=T1]").inner_text()
    assert row.split("\t")[0].strip() == "1"  # ranked, in the first group
    # The customers ticked each card's last option: "no" to "answered helpfully" costs 20.
    assert row.split("\t")[5].strip() == "80.0"
    assert row.split("\t")[6].strip() == "100.0"  # the peers gave the top rating
    screenshot(manager, "journey-staff-league")
    click_and_wait(manager, "text=Honour board")
    assert "Zhou T1" in manager.inner_text("#stars")
    screenshot(manager, "journey-staff-board")
    manager.context.close()

    # The teller opens their own page: their scores and what customers wrote, not who rated.
    teller = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB").new_page()
    sign_in_as(teller, live_server, "zhou")
    november = teller.locator("tr[data-month='2026-11']").inner_text()
    assert "fewer than 3" in november  # two peers: their average is not shown
    assert "服务很好，谢谢。" in teller.inner_text("#my-comments")
    body = teller.inner_text("main")
    for rater in ("Wang T2", "Li T3", "Opsmgr O1", "Lobbymgr L1"):
        assert rater not in body.split("Rate your colleagues")[0]
    screenshot(teller, "journey-staff-own-page")
    teller.context.close()

    # What was stored: three complete responses naming T1 at SH001, four ratings of T1
    # from the right sources, none naming who gave it.
    db.rollback()
    responses = db.scalars(select(Response).where(Response.survey_id == survey_id)).all()
    assert [(r.status, r.attributes["staff_id"], r.attributes["branch"]) for r in responses] == [
        ("complete", "T1", "SH001")
    ] * 3
    t1 = db.scalar(select(StaffMember).where(StaffMember.staff_number == "T1"))
    ratings = db.scalars(select(StaffRating).where(StaffRating.ratee_id == t1.id)).all()
    assert sorted(r.source for r in ratings) == ["lobby", "ops", "peer", "peer"]
    assert all(r.month == "2026-11" and r.score == 100.0 for r in ratings)
    user_ids = {str(u.id) for u in db.scalars(select(User))}
    for stored in ratings:
        assert not set(map(str, stored.answers.values())) & {"zhou", "wang", "li"}
        assert stored.rater_key not in user_ids and len(stored.rater_key) == 64
