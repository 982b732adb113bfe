"""Each staff role's main task end to end in Chromium, then what was stored (and exported):
a supervisor fields a sample, an administrator sets up an account, a manager downloads the
responses."""

import csv
import io

from sqlalchemy import func, select

from survey.models import (
    AuditEvent,
    CatiCase,
    Contact,
    Job,
    OutboxMessage,
    Response,
    SampleDraw,
    Survey,
    User,
)
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD


def _sign_in(page, base, username):
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def test_a_supervisor_imports_draws_and_releases_a_sample(
    browser, live_server, fielded, make_user, db, tmp_path
):
    survey_id = fielded("branch-counter", slug="counter-wave", name="Counter wave")
    make_user("supervisor", "supervisor", display_name="李督导")
    frame = tmp_path / "frame.csv"
    rows = [f"C{n:04d},1380013{n:04d},{['SZ-001', 'GZ-001'][n % 2]},gold" for n in range(60)]
    frame.write_text("customer_ref,phone,stratum,tier\n" + "\n".join(rows) + "\n", "utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    _sign_in(page, live_server, "supervisor")
    page.goto(f"{live_server}/fieldwork/counter-wave/sample")
    page.set_input_files("input[name='sample-file']", str(frame))
    page.click("#frame button[type=submit]")
    page.wait_for_selector("text=Imported 60 of 60", timeout=30_000)
    screenshot(page, "journey-supervisor-import")
    page.goto(f"{live_server}/fieldwork/counter-wave/sample")
    page.fill("input[name=size]", "20")
    page.fill("input[name=replicates]", "2")
    page.click("#draw form button.button--primary")
    page.wait_for_url(f"{live_server}/fieldwork/counter-wave/")
    page.locator("form[action$='/release'] button").first.click()
    page.wait_for_load_state()
    screenshot(page, "journey-supervisor-released")
    context.close()
    db.rollback()
    sampled = db.scalar(select(func.count()).select_from(Contact).where(Contact.sampled.is_(True)))
    released = db.scalar(
        select(func.count()).select_from(Contact).where(Contact.released_at.is_not(None))
    )
    cases = db.scalar(select(func.count()).select_from(CatiCase))
    assert (sampled, released, cases) == (20, 10, 10)
    draw = db.scalar(select(SampleDraw).where(SampleDraw.survey_id == survey_id))
    assert draw.size == 20 and sum(draw.allocation.values()) == 20
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"import_started", "sample_draw", "sample_release"} <= actions


def test_an_administrator_adds_an_interviewer_and_limits_a_manager(
    browser, live_server, make_user, db
):
    make_user("root", "admin", display_name="管理员")
    manager = make_user("north", "manager", display_name="North")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    _sign_in(page, live_server, "root")
    page.goto(f"{live_server}/admin/")
    page.fill("input[name=username]", "zhang")
    page.fill("input[name=display_name]", "张晓梅")
    page.fill("input[name=staff_number]", "C1024")
    page.fill("input[name=password]", "a-long-enough-password")
    assert page.eval_on_selector("select[name=role]", "s => s.value") == "interviewer"
    page.click("text=Add account")
    page.wait_for_selector("text=Account zhang added.")
    page.click("a:text('north')")
    page.fill("input[name=branches]", "SZ-001, SZ-002")
    page.click("text=Save")
    page.wait_for_selector("text=Account north updated.")
    screenshot(page, "journey-admin-accounts")
    context.close()
    db.rollback()
    zhang = db.scalar(select(User).where(User.username == "zhang"))
    assert (zhang.role, zhang.display_name, zhang.staff_number) == (
        "interviewer",
        "张晓梅",
        "C1024",
    )
    assert db.get(User, manager).branches == ["SZ-001", "SZ-002"]
    events = {e.action: e for e in db.scalars(select(AuditEvent))}
    assert events["user_updated"].detail["branches"] == [None, ["SZ-001", "SZ-002"]]


def test_a_manager_downloads_the_responses_the_database_holds(
    browser, live_server, make_user, reported, db
):
    slug = reported()
    make_user("manager", "manager", display_name="王经理")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    _sign_in(page, live_server, "manager")
    page.goto(f"{live_server}/reports/{slug}/exports")
    with page.expect_download() as download:
        page.click("a[href*='responses.csv']")
    text = download.value.path().read_text(encoding="utf-8-sig")
    context.close()
    rows = list(csv.DictReader(io.StringIO(text)))
    survey = db.scalar(select(Survey).where(Survey.slug == slug))
    stored = db.scalars(
        select(Response).where(Response.survey_id == survey.id).order_by(Response.id)
    ).all()
    assert [int(r["response_id"]) for r in rows] == [r.id for r in stored]
    assert {r["status"] for r in rows} <= {"complete", "partial"}
    assert all(
        r["branch"] == (s.attributes or {}).get("branch") for r, s in zip(rows, stored, strict=True)
    )


def test_a_supervisor_sends_invitations_and_follows_the_job_on_a_phone(
    browser, live_server, app, fielded, make_user, db, tmp_path
):
    from tests.fieldwork.test_invitations import released

    survey_id = fielded("branch-counter", slug="counter-wave", name="Counter wave")
    make_user("supervisor", "supervisor", display_name="李督导")
    app.config["SURVEY_OUTBOX_DIR"] = str(tmp_path / "outbox")
    for n in range(3):
        released(db, survey_id, customer_ref=f"C{n}", email=f"c{n}@example.com", language="en")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    _sign_in(page, live_server, "supervisor")
    page.goto(f"{live_server}/fieldwork/counter-wave/sample")
    page.click("text=3. Send invitations to released customers")
    page.wait_for_selector("text=Done: 3 handled.", timeout=30_000)
    assert "/fieldwork/jobs/" in page.url
    screenshot(page, "journey-supervisor-invitations-job")
    page.goto(f"{live_server}/fieldwork/jobs")
    row = page.locator("tbody tr").first.inner_text()
    assert "Invitations" in row and "李督导" in row and "Done" in row
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "journey-supervisor-jobs")
    context.close()
    db.rollback()
    sent = db.scalars(select(OutboxMessage.recipient).where(OutboxMessage.status == "sent")).all()
    assert sorted(sent) == ["c0@example.com", "c1@example.com", "c2@example.com"]
    assert len(list((tmp_path / "outbox").iterdir())) == 3
    job = db.scalar(select(Job))
    assert (job.kind, job.status, job.imported, job.created_by is not None) == (
        "invitations", "done", 3, True,
    )  # fmt: skip
    assert "invitations_started" in set(db.scalars(select(AuditEvent.action)))
