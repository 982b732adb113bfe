"""Scheduled reports: who asked for which report, when each is due, and the job that makes,
archives and sends it.

On the 1st of a month (bank time) every monthly subscription's report of the month before is
due; on Monday every weekly one's of the week before. Each is one job (keyed by
subscription and period, so a schedule seen twice makes one), and the PDF is archived
before its message is queued: a manager reopens last March's report exactly as it was sent.
The message carries the archive's address, not the PDF: the report opens after sign-in.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..alerts.subscriptions import known_branches
from ..analysis.scope import ReportScope
from ..analysis.views import related_surveys
from ..models import (
    REPORTABLE,
    ReportFrequency,
    ReportSubscription,
    Response,
    ResponseStatus,
    Role,
    SentReport,
    Survey,
    User,
    utcnow,
)
from ..sample.messaging import queue_notice
from .render import digest, gather, render_pdf

LANGUAGES = ("zh-Hans", "zh-Hant", "en")


class ReportPlanError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def plan_report(
    session: Session,
    user: User,
    survey_slug: str,
    branch: str | None,
    frequency: str,
    language: str,
) -> ReportSubscription:
    """Check and store a report subscription (ReportPlanError names the field at fault).
    Reports go only to those who may read them on the report pages: managers and admins."""
    if user.role not in (Role.MANAGER, Role.ADMIN):
        raise ReportPlanError("survey", "reports go to managers and administrators only")
    survey = session.scalar(
        select(Survey).where(Survey.slug == survey_slug, Survey.status.in_(REPORTABLE))
    )
    if survey is None:
        raise ReportPlanError("survey", f"no survey with responses is called {survey_slug!r}")
    if branch and branch not in known_branches(session, survey.id):
        raise ReportPlanError(
            "branch", f"survey {survey_slug} has no response from branch {branch!r}"
        )
    if branch and user.branches and branch not in user.branches:
        raise ReportPlanError("branch", f"branch {branch!r} is outside the branches you may see")
    if not branch and user.branches:
        raise ReportPlanError(
            "branch", "name one of your branches: you may not read the whole survey"
        )
    if frequency not in set(ReportFrequency):
        raise ReportPlanError(
            "frequency", f"unknown frequency {frequency!r}; use monthly or weekly"
        )
    if language not in LANGUAGES:
        raise ReportPlanError("language", f"unknown language {language!r}")
    subscription = ReportSubscription(
        user_id=user.id, survey_id=survey.id, branch=branch, frequency=frequency,
        language=language, created_by=user.id,
    )  # fmt: skip
    session.add(subscription)
    session.flush()
    return subscription


def due_period(frequency: str, today: date) -> str | None:
    """The period whose report is due ``today`` (bank time): last month on the 1st, last
    week on Monday; None on other days."""
    if frequency == ReportFrequency.MONTHLY and today.day == 1:
        last = today - timedelta(days=1)
        return f"{last:%Y-%m}"
    if frequency == ReportFrequency.WEEKLY and today.weekday() == 0:
        year, week, _ = (today - timedelta(days=7)).isocalendar()
        return f"{year}-W{week:02d}"
    return None


def due_today(
    session: Session, now: datetime | None = None
) -> list[tuple[ReportSubscription, str]]:
    """(subscription, period) for each report due today in the bank's time zone."""
    now = now or utcnow()
    today = now.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    due = []
    for subscription in session.scalars(select(ReportSubscription).order_by(ReportSubscription.id)):
        period = due_period(subscription.frequency, today)
        if period is not None:
            due.append((subscription, period))
    return due


def survey_for_period(session: Session, survey: Survey, period: str) -> Survey:
    """The wave of the survey's questionnaire with the most completes in the period (monthly
    waves each cover their month), else the survey itself."""
    best, most = survey, 0
    for each in related_surveys(session, survey):
        count = session.scalar(
            select(func.count()).where(
                Response.survey_id == each.id,
                Response.status == ResponseStatus.COMPLETE,
                *ReportScope(period).conditions(),
            )
        )
        if count > most:
            best, most = each, count
    return best


def send_report(
    session: Session, subscription_id: int, period: str, now: datetime | None = None
) -> SentReport | None:
    """Make, archive and send one subscriber's report (once per subscription and period)."""
    plan = {"subscription_id": subscription_id, "period": period}
    subscription = session.get(ReportSubscription, subscription_id)
    if subscription is None:
        return None  # unsubscribed since
    existing = session.scalar(
        select(SentReport).where(
            SentReport.subscription_id == subscription.id, SentReport.period == plan["period"]
        )
    )
    if existing is not None:
        return existing
    person = session.get(User, subscription.user_id)
    survey = survey_for_period(session, session.get(Survey, subscription.survey_id), plan["period"])
    content = gather(session, survey, subscription.branch, plan["period"], subscription.language)
    pdf = render_pdf(content)
    report = SentReport(
        subscription_id=subscription.id, user_id=person.id, survey_id=survey.id,
        branch=subscription.branch, period=plan["period"], language=subscription.language,
        pdf=pdf, sha256=digest(pdf), headline=content.headline_values(),
        created_at=now or utcnow(),
    )  # fmt: skip
    session.add(report)
    session.flush()
    link = f"{current_app.config['SURVEY_BASE_URL']}/alerts/sent/{report.id}.pdf"
    where = f" · {subscription.branch}" if subscription.branch else ""
    queue_notice(
        session, survey.id, person, f"满意度报告 Satisfaction report · {survey.name}{where} · {plan['period']}",
        f"{survey.name}{where}, {plan['period']}: {link}",
    )  # fmt: skip
    return report
