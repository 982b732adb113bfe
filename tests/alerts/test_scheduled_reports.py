"""Scheduled reports: asked for with checks, made once per period on the 1st (or Monday),
archived, sent as a link, and reopened byte for byte by their recipient only."""

import hashlib
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from survey.database import get_db
from survey.models import AuditEvent, Job, OutboxMessage, SentReport, User
from survey.publishing.schedule import ReportPlanError, due_period, plan_report
from survey.tasks.work import schedule_reports

FIRST_OF_NOVEMBER = datetime(2026, 10, 31, 22, 0, tzinfo=UTC)  # 06:00 on 1 November, Shanghai


@pytest.mark.parametrize(
    ("frequency", "day", "period"),
    [
        ("monthly", date(2026, 11, 1), "2026-10"),
        ("monthly", date(2027, 1, 1), "2026-12"),
        ("monthly", date(2026, 11, 2), None),
        ("weekly", date(2026, 11, 30), "2026-W48"),  # a Monday: the week of 23 November
        ("weekly", date(2026, 12, 1), None),
    ],
)
def test_a_report_is_due_on_its_day(frequency, day, period):
    assert due_period(frequency, day) == period


def test_a_subscription_that_cannot_work_is_refused(app, reported, make_user):
    slug = reported()
    make_user("gz", "manager", branches=["GZ-001"])
    make_user("sup", "supervisor")
    with app.app_context():
        session = get_db(app).session()
        gz = session.scalar(select(User).where(User.username == "gz"))
        supervisor = session.scalar(select(User).where(User.username == "sup"))
        with pytest.raises(ReportPlanError, match="managers and administrators only"):
            plan_report(session, supervisor, slug, "GZ-001", "monthly", "en")
        for args, field in (
            (("nope", None, "monthly", "en"), "survey"),
            ((slug, "XX-404", "monthly", "en"), "branch"),
            ((slug, "SZ-001", "monthly", "en"), "branch"),  # not one of gz's branches
            ((slug, None, "monthly", "en"), "branch"),  # gz may not read the whole survey
            ((slug, "GZ-001", "daily", "en"), "frequency"),
            ((slug, "GZ-001", "monthly", "fr"), "language"),
        ):
            with pytest.raises(ReportPlanError) as caught:
                plan_report(session, gz, *args)
            assert caught.value.field == field


def test_the_monthly_report_is_made_once_archived_and_reopened_as_sent(
    app, client, auth, reported, make_user, time_machine
):
    slug = reported()
    make_user("head", "manager", branches=["SZ-001"], email="head@bank.example")
    with app.app_context():
        session = get_db(app).session()
        head = session.scalar(select(User).where(User.username == "head"))
        plan_report(session, head, slug, "SZ-001", "monthly", "zh-Hant")
        session.commit()
    time_machine.move_to(FIRST_OF_NOVEMBER, tick=False)
    schedule_reports()
    schedule_reports()  # the schedule seen twice makes one report
    with app.app_context():
        session = get_db(app).session()
        (sent,) = session.scalars(select(SentReport)).all()
        assert (sent.period, sent.branch, sent.language) == ("2026-10", "SZ-001", "zh-Hant")
        assert sent.pdf.startswith(b"%PDF") and sent.sha256 == hashlib.sha256(sent.pdf).hexdigest()
        assert {h["measure"] for h in sent.headline} >= {"csat", "nps"}
        (message,) = session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == "head@bank.example")
        ).all()
        assert f"/alerts/sent/{sent.id}.pdf" in message.body and message.status == "sent"
        assert session.scalars(select(Job).where(Job.kind == "report_pdf")).one().status == "done"
        pdf, report_id = sent.pdf, sent.id
    auth.login("head")
    opened = client.get(f"/alerts/sent/{report_id}.pdf")
    assert opened.status_code == 200 and opened.mimetype == "application/pdf" and opened.data == pdf
    assert "2026-10" in client.get("/alerts/").text
    auth.logout()
    make_user("gz", "manager", branches=["GZ-001"])
    auth.login("gz")
    assert client.get(f"/alerts/sent/{report_id}.pdf").status_code == 404
    with app.app_context():
        audited = (
            get_db(app)
            .session()
            .scalars(select(AuditEvent).where(AuditEvent.action == "sent_report_opened"))
            .all()
        )
        assert len(audited) == 1
