"""The admin keeps the staff registry in Chromium: an HR file with mistakes is refused with
each one located, the fixed file is imported, a member added by hand needs a branch, and the
service star's weights must add up to 100 — then what was stored."""

from sqlalchemy import select

from survey.models import StaffMember, StarWeights
from tests.browser.conftest import click_and_wait, screenshot, sign_in_as

HEADER = "工号,姓名,岗位,网点,团队,入职日期"


def test_the_admin_keeps_the_registry(browser, live_server, make_user, db, tmp_path):
    make_user("admin", "admin")
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    sign_in_as(page, live_server, "admin")
    click_and_wait(page, "text=Staff registry and service-star weights")

    bad = tmp_path / "hr.csv"
    bad.write_text(
        f"{HEADER}\nT1,周丽,柜员,SZ-001,,2026-01-01\nT2,王强,cashier,SZ-001,,\n", encoding="utf-8"
    )
    page.set_input_files("#import input[type=file]", str(bad))
    click_and_wait(page, "#import button[type=submit]")
    problems = page.inner_text("#import-problems")
    assert "Nothing was imported." in problems and "cashier" in problems and "3" in problems
    screenshot(page, "journey-staff-registry-import-error")
    db.rollback()
    assert db.scalars(select(StaffMember)).all() == []

    good = tmp_path / "fixed" / "hr.csv"
    good.parent.mkdir()
    good.write_text(
        f"{HEADER}\nT1,周丽,柜员,SZ-001,,2026-01-01\nT2,王强,teller,SZ-001,,\n", encoding="utf-8"
    )
    page.set_input_files("#import input[type=file]", str(good))
    click_and_wait(page, "#import button[type=submit]")
    assert "Imported 2 of 2 rows." in page.inner_text("body")
    assert "周丽" in page.inner_text("#registry")

    page.fill("#add-member input[name=staff_number]", "T3")
    page.fill("#add-member input[name=name]", "李娜")
    click_and_wait(page, "#add-member button[type=submit]")
    assert "Tellers and branch managers belong to a branch." in page.inner_text("#add-member")
    page.fill("#add-member input[name=branch]", "SZ-001")
    click_and_wait(page, "#add-member button[type=submit]")
    assert "李娜 (T3) added." in page.inner_text("body")

    for name, value in (
        ("unit", "SZ-001"),
        ("customer", "50"),
        ("peer", "30"),
        ("ops", "15"),
        ("lobby", "15"),
    ):
        page.fill(f"#weights input[name={name}]", value)
    click_and_wait(page, "#weights button[type=submit]")
    assert "add up to 100" in page.inner_text("#weights")
    page.fill("#weights input[name=customer]", "40")
    click_and_wait(page, "#weights button[type=submit]")
    assert "Weights saved for SZ-001." in page.inner_text("body")
    screenshot(page, "journey-staff-registry")

    db.rollback()
    numbers = {m.staff_number: (m.name, m.role, m.branch) for m in db.scalars(select(StaffMember))}
    assert numbers == {
        "T1": ("周丽", "teller", "SZ-001"),
        "T2": ("王强", "teller", "SZ-001"),
        "T3": ("李娜", "teller", "SZ-001"),
    }
    weights = db.get(StarWeights, "SZ-001")
    assert (weights.customer, weights.peer, weights.ops, weights.lobby) == (40, 30, 15, 15)
