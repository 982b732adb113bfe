"""Small things staff see on every visit: the form they start from, the field the cursor is
in, dates in their language's own format and time zone, plural wording."""

from datetime import UTC, datetime

from sqlalchemy import select

from survey.models import Response, Survey
from tests.conftest import PASSWORD, csrf_token_from


def test_a_new_account_starts_at_the_least_privilege(auth, client):
    auth.login_as("admin")
    html = client.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    role = html[html.index('name="role"') :]
    role = role[: role.index("</select>")]
    assert '<option selected value="interviewer">' in role
    assert 'selected value="admin"' not in role


def test_the_sign_in_page_puts_the_cursor_in_the_username(client):
    html = client.get("/login").get_data(as_text=True)
    username = html[html.index('name="username"') - 200 : html.index('name="username"') + 200]
    assert "autofocus" in username


def test_no_field_says_autocomplete_none(auth, client, cati_survey):
    survey = cati_survey(customers=1)
    auth.login_as("interviewer")
    page = client.get("/cati/").get_data(as_text=True)
    taken = client.post(f"/cati/{survey.slug}/next", data={"csrf_token": csrf_token_from(page)})
    outcome = client.get(taken.headers["Location"] + "/outcome").get_data(as_text=True)
    assert 'name="note"' in outcome
    assert 'autocomplete="None"' not in outcome


def test_english_staff_pages_write_day_month_year_in_the_staff_time_zone(auth, client, make_user):
    make_user("kim", "manager", last_login_at=datetime(2026, 12, 2, 1, 5, tzinfo=UTC))
    make_user("admin", "admin")
    auth.login("admin", PASSWORD)
    english = client.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "02/12/2026, 09:05" in english  # 09:05 in Shanghai, day first
    assert "12/2/26" not in english


def test_one_response_outside_the_frame_is_written_in_the_singular(auth, client, db, reported):
    slug = reported()
    response = db.scalars(select(Response).where(Response.status == "complete")).first()
    response.stratum = "XX-999"
    db.commit()
    auth.login_as("manager")
    html = client.get(f"/reports/{slug}/", headers={"Accept-Language": "en"}).text
    assert "1 complete response has no stratum in the frame and is left out" in html


def test_staff_read_labels_in_their_language_not_codes(auth, client, db, reported, cati_survey):
    slug = reported()
    survey = db.scalar(select(Survey).where(Survey.slug == slug))
    survey.settings = {"titles": {"zh-Hans": "网点柜面 2026-10", "en": "Branch counter 2026-10"}}
    for n, response in enumerate(db.scalars(select(Response).order_by(Response.id))):
        response.attributes = {**response.attributes, "tier": ["gold", "mass"][n % 2],
                               "channel": "counter"}  # fmt: skip
    db.commit()
    auth.login_as("admin")
    english = {"Accept-Language": "en"}
    overview = client.get(f"/reports/{slug}/", headers=english).text
    assert "Branch counter 2026-10" in overview and "网点柜面" not in overview
    tier_filter = overview[overview.index('name="tier"') :].split("</select>")[0]
    assert ">Gold<" in tier_filter and ">Mass<" in tier_filter and ">gold<" not in tier_filter
    segments = client.get(f"/reports/{slug}/segments?by=tier", headers=english).text
    assert "Customer tier" in segments and "Gold" in segments
    chinese = client.get(f"/reports/{slug}/segments?by=tier", headers={"Accept-Language": "zh-CN"})
    assert "金卡" in chinese.text and "网点柜面 2026-10" in chinese.text
    comments = client.get(f"/reports/{slug}/comments", headers=english).text
    assert "Channel Counter" in comments
    phone = cati_survey(customers=1, attributes={"branch": "SZ-001", "tier": "gold"})
    auth.logout()
    auth.login_as("interviewer")
    board = client.get("/cati/").text
    taken = client.post(f"/cati/{phone.slug}/next", data={"csrf_token": csrf_token_from(board)})
    case = client.get(taken.headers["Location"], headers=english).text
    assert "<dt>Customer tier</dt><dd>Gold</dd>" in case and "<dt>tier</dt>" not in case
