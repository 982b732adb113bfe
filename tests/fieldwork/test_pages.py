"""The supervisor's pages: roles, progress and rates as computed, uploads with progress,
draws and releases, quotas closing cells, reassignment audited, phone numbers masked."""

import io
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from survey.aapor.rates import survey_rates
from survey.cases.queue import CallingRules, record_outcome
from survey.models import (
    Appointment,
    AuditEvent,
    CatiCase,
    Contact,
    Job,
    Response,
    Survey,
    utcnow,
)
from survey.responses.invitations import invite
from survey.sample.post_call import PostCallRules, draw_calls, import_calls
from tests.conftest import csrf_token_from
from tests.fieldwork.test_post_call import call_file

OUTCOMES = ["1.1", "2.11", "3.13", "4.31", "2.21", "1.1", "3.12", "2.111"]


CALLS_DRAWN_AT = datetime(2026, 11, 23, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def worked(app, db, fielded, make_user, time_machine):
    """A hotline survey with 40 calls of 10:00 drawn an hour later, and a call history of
    several outcomes (the clock set, so the calls are never too old to draw)."""
    time_machine.move_to(CALLS_DRAWN_AT)
    survey_id = fielded("hotline-post-call")
    caller = make_user("caller", "interviewer", display_name="Caller One")
    db.rollback()
    survey = db.get(Survey, survey_id)
    import_calls(db, survey, call_file(40), "calls.csv")
    draw_calls(db, survey, PostCallRules.for_survey(survey, rate=1.0), seed=1)
    db.commit()
    cases = db.scalars(select(CatiCase).order_by(CatiCase.id)).all()
    for case, code in zip(cases, OUTCOMES * 3, strict=False):
        record_outcome(db, case, caller, code, CallingRules(), "Asia/Shanghai")
        if code == "1.1":
            contact = db.get(Contact, case.contact_id)
            db.add(
                Response(
                    survey_id=survey.id,
                    questionnaire_version_id=survey.questionnaire_version_id,
                    mode="cati",
                    status="complete",
                    language="zh-Hans",
                    attributes=contact.attributes,
                    stratum=contact.stratum,
                )
            )
    db.commit()
    return survey


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["interviewer", "manager"])
def test_other_roles_are_refused(auth, client, worked, role):
    auth.login_as(role)
    for url in ("/fieldwork/", f"/fieldwork/{worked.slug}/", f"/fieldwork/{worked.slug}/cases"):
        assert client.get(url).status_code == 403


def test_signed_out_goes_to_login(client, worked):
    response = client.get(f"/fieldwork/{worked.slug}/sample")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_survey_is_404(auth, client):
    auth.login_as("supervisor")
    assert client.get("/fieldwork/no-such-survey/").status_code == 404


def test_rates_on_the_page_are_the_survey_rates(auth, client, db, worked):
    auth.login_as("supervisor")
    html = page_of(client, f"/fieldwork/{worked.slug}/?e=0.5")
    expected = survey_rates(db, worked, 0.5)
    for name, value in expected.values.items():
        shown = "—" if value is None else f"{100 * value:.1f}%"
        assert re.search(rf">{name}</abbr></th><td class=\"num\">{re.escape(shown)}</td>", html), (
            name
        )
    assert "0.500" in html
    assert f">{expected.counts['I']}<" in html


def test_a_bad_e_is_explained_not_a_500(auth, client, worked):
    auth.login_as("supervisor")
    html = page_of(client, f"/fieldwork/{worked.slug}/?e=lots")
    assert "between 0 and 1" in html


def test_cases_page_masks_phone_numbers(auth, client, db, worked):
    auth.login_as("supervisor")
    html = page_of(client, f"/fieldwork/{worked.slug}/cases")
    phones = db.scalars(select(Contact.phone)).all()
    assert phones and not any(phone in html or phone[3:] in html for phone in phones)
    assert "****" in html


def _post(client, url, data, page):
    token = csrf_token_from(page_of(client, page))
    return client.post(url, data={**data, "csrf_token": token})


def test_reassigning_a_case_gives_it_to_that_interviewer_and_is_audited(
    auth, client, db, worked, make_user
):
    other = make_user("other", "interviewer")
    auth.login_as("supervisor")
    case = db.scalar(select(CatiCase).where(CatiCase.status == "pending").order_by(CatiCase.id))
    case.claimed_by, case.claimed_at = other, utcnow()
    db.commit()
    page = f"/fieldwork/{worked.slug}/cases"
    response = _post(
        client, f"/fieldwork/{worked.slug}/cases/{case.id}/reassign", {"interviewer": other}, page
    )
    assert response.status_code == 302
    db.rollback()
    appointment = db.scalar(select(Appointment).where(Appointment.case_id == case.id))
    assert appointment.interviewer_id == other
    db.refresh(case)
    assert case.claimed_by is None
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "case_reassigned"))
    assert event.target_id == str(case.id)


def test_a_post_without_csrf_is_refused(auth, client, db, worked):
    auth.login_as("supervisor")
    case_id = db.scalar(select(CatiCase.id))
    response = client.post(f"/fieldwork/{worked.slug}/cases/{case_id}/release")
    assert response.status_code == 400


def test_a_full_quota_closes_its_waiting_cases(auth, client, db, worked):
    auth.login_as("supervisor")
    completes = db.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.attributes["queue"].as_string() == "cards")
    )
    waiting = db.scalar(
        select(func.count())
        .select_from(CatiCase)
        .join(Contact, Contact.id == CatiCase.contact_id)
        .where(CatiCase.status == "pending", Contact.stratum == "cards")
    )
    assert completes and waiting
    response = _post(
        client,
        f"/fieldwork/{worked.slug}/quotas",
        {"attribute": "queue", "value": "cards", "target": completes},
        f"/fieldwork/{worked.slug}/",
    )
    assert response.status_code == 302
    db.rollback()
    closed = db.scalars(select(CatiCase).where(CatiCase.final_disposition == "4.80")).all()
    assert len(closed) == waiting
    assert survey_rates(db, db.get(Survey, worked.id)).counts["NE"] >= waiting
    assert "Met, closed" in page_of(client, f"/fieldwork/{worked.slug}/")


def wait_for(db, job_id, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.rollback()
        job = db.get(Job, job_id)
        if job.status in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def upload(client, survey, kind, content: bytes, name: str, valid_only=False):
    token = csrf_token_from(page_of(client, f"/fieldwork/{survey.slug}/sample"))
    data = {"csrf_token": token, f"{kind}-file": (io.BytesIO(content), name)}
    if valid_only:
        data[f"{kind}-valid_only"] = "y"
    response = client.post(
        f"/fieldwork/{survey.slug}/imports/{kind}", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_uploading_a_frame_shows_progress_then_the_report(auth, client, db, fielded):
    survey = db.get(Survey, fielded("branch-counter"))
    auth.login_as("supervisor")
    rows = "\n".join(f"C{i:05d},1380000{i:04d},SZ-{i % 3}" for i in range(2500))
    job_id = upload(
        client, survey, "sample", f"customer_ref,phone,branch\n{rows}\n".encode(), "f.csv"
    )
    first = page_of(client, f"/fieldwork/{survey.slug}/imports/{job_id}")
    assert "<progress" in first or "Imported 2500 of 2500" in first
    job = wait_for(db, job_id)
    assert (job.status, job.imported, job.rows_expected, job.content) == ("done", 2500, 2500, None)
    assert db.scalar(select(func.count()).select_from(Contact)) == 2500
    assert "Imported 2500 of 2500 rows" in page_of(
        client, f"/fieldwork/{survey.slug}/imports/{job_id}"
    )


def test_a_frame_with_problems_imports_nothing_and_lists_them(auth, client, db, fielded):
    survey = db.get(Survey, fielded("branch-counter"))
    auth.login_as("supervisor")
    content = b"customer_ref,phone\nC1,13800000001\nC2,12345\nC1,13800000003\n"
    job = wait_for(db, upload(client, survey, "sample", content, "bad.csv"))
    assert (job.imported, job.problem_count) == (0, 2)
    html = page_of(client, f"/fieldwork/{survey.slug}/imports/{job.id}")
    assert "line 3, phone &#39;12345&#39;: not a valid phone number" in html
    assert "line 4, customer_ref &#39;C1&#39;: repeats line 2" in html
    assert db.scalar(select(func.count()).select_from(Contact)) == 0
    job = wait_for(db, upload(client, survey, "sample", content, "bad.csv", valid_only=True))
    assert job.imported == 1


def test_an_unreadable_upload_fails_clearly(auth, client, db, fielded):
    survey = db.get(Survey, fielded("branch-counter"))
    auth.login_as("supervisor")
    job = wait_for(db, upload(client, survey, "sample", b"PK\x03\x04 not a workbook", "x.xlsx"))
    assert job.status == "failed" and "XLSX" in job.error
    html = page_of(client, f"/fieldwork/{survey.slug}/imports/{job.id}")
    assert "Nothing was imported" in html


def test_wrong_file_type_is_refused_before_storing(auth, client, db, fielded):
    survey = db.get(Survey, fielded("branch-counter"))
    auth.login_as("supervisor")
    token = csrf_token_from(page_of(client, f"/fieldwork/{survey.slug}/sample"))
    response = client.post(
        f"/fieldwork/{survey.slug}/imports/sample",
        data={"csrf_token": token, "sample-file": (io.BytesIO(b"x"), "a.exe")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Use a .csv or .xlsx file." in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Job)) == 0


def test_draw_and_release_through_the_pages(auth, client, db, fielded):
    survey = db.get(Survey, fielded("branch-counter"))
    rows = "\n".join(f"C{i:04d},1380000{i:04d},S{i % 2}" for i in range(100))
    auth.login_as("supervisor")
    wait_for(
        db,
        upload(client, survey, "sample", f"customer_ref,phone,stratum\n{rows}\n".encode(), "f.csv"),
    )
    sample_page = f"/fieldwork/{survey.slug}/sample"
    response = _post(
        client,
        f"/fieldwork/{survey.slug}/draw",
        {"size": 20, "method": "proportional", "minimum": 0, "replicates": 2},
        sample_page,
    )
    assert response.status_code == 302
    db.rollback()
    assert (
        db.scalar(select(func.count()).select_from(Contact).where(Contact.sampled.is_(True))) == 20
    )
    html = page_of(client, f"/fieldwork/{survey.slug}/")
    assert html.count('name="replicate"') == 2
    _post(
        client, f"/fieldwork/{survey.slug}/release", {"replicate": 1}, f"/fieldwork/{survey.slug}/"
    )
    db.rollback()
    assert db.scalar(select(func.count()).select_from(CatiCase)) == 10
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "sample_release")
        )
        == 1
    )


def test_appointments_due_are_listed(auth, client, db, worked):
    case = db.scalar(select(CatiCase).where(CatiCase.status == "pending"))
    db.add(Appointment(case_id=case.id, due_at=utcnow() + timedelta(hours=2), definite=True))
    db.commit()
    auth.login_as("supervisor")
    html = page_of(client, f"/fieldwork/{worked.slug}/cases")
    section = html[html.index("Appointments due") :]
    assert "Definite" in section and "Anyone" in section


def test_a_case_page_lists_every_call_and_the_appointment(auth, client, db, worked):
    case = db.scalar(
        select(CatiCase).where(CatiCase.status == "pending", CatiCase.attempt_count > 0)
    )
    attempt = case.attempts[0]
    attempt.note = "客户说晚上再打"
    db.add(Appointment(case_id=case.id, due_at=utcnow() + timedelta(hours=3), definite=True))
    db.commit()
    auth.login_as("supervisor")
    html = page_of(client, f"/fieldwork/{worked.slug}/cases/{case.id}")
    calls = html[html.index("<h3>Calls") : html.index("<h3>Appointments")]
    assert calls.count("<tr>") == len(case.attempts) + 1  # a header row and one per call
    assert "Caller One" in calls and "客户说晚上再打" in calls and attempt.disposition in calls
    assert "Definite" in html[html.index("<h3>Appointments") :]
    phone = db.get(Contact, case.contact_id).phone
    assert phone not in html and phone[-4:] in html
    assert client.get(f"/fieldwork/{worked.slug}/cases/{case.id + 10_000}").status_code == 404
    listing = page_of(client, f"/fieldwork/{worked.slug}/cases")
    assert f'href="/fieldwork/{worked.slug}/cases/{case.id}"' in listing


def test_surveys_in_the_field_come_before_closed_ones(auth, client, db, fielded):
    fielded("branch-counter", slug="old-wave", name="Old wave", status="closed")
    fielded("branch-counter", slug="new-wave", name="New wave", status="open")
    fielded("branch-counter", slug="closed-last", name="Closed last", status="closed")
    auth.login_as("supervisor")
    html = page_of(client, "/fieldwork/")
    assert html.index("New wave") < html.index("Old wave")
    assert html.index("New wave") < html.index("Closed last")


def test_the_post_call_panel_opens_only_for_a_survey_that_samples_calls(
    auth, client, worked, fielded
):
    fielded("branch-counter", slug="branch-wave")
    auth.login_as("supervisor")
    branch = page_of(client, "/fieldwork/branch-wave/sample")
    assert '<details class="card" id="calls">' in branch and "Draw from the calls" not in branch
    hotline = page_of(client, f"/fieldwork/{worked.slug}/sample")
    assert '<section class="card" id="calls">' in hotline and "Draw from the calls" in hotline


def test_rates_rest_on_the_released_sample_only(auth, client, db, worked, fielded):
    auth.login_as("supervisor")
    html = page_of(client, f"/fieldwork/{worked.slug}/")
    released = db.scalar(
        select(func.count()).select_from(Contact).where(Contact.released_at.is_not(None))
    )
    assert f"Over the {released} customers released from the sample." in html
    loose_id = fielded("branch-counter", slug="links-only")
    db.rollback()
    loose = db.get(Survey, loose_id)
    for _ in range(4):
        invite(db, loose, None)
    db.commit()
    html = page_of(client, "/fieldwork/links-only/")
    assert "No probability sample has been released for this survey" in html
    assert survey_rates(db, loose).counts == dict.fromkeys(survey_rates(db, loose).counts, 0)
