"""What the workers do: run a job by its kind, and the periodic work on the bank's clock.

Every task runs in the application's context (its database and configuration) and is
idempotent: a job is claimed by lease before it runs, and each periodic task only does
what is still to be done (a survey already open is not opened again).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from flask import current_app, has_app_context
from huey import crontab
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from .. import audit
from ..database import begin_write, db_session, get_db
from ..followups import escalation
from ..logs import failure
from ..models import (
    REPORTABLE,
    AuditEvent,
    FailedLookup,
    Job,
    JobKind,
    JobStatus,
    PracticeState,
    StaffSession,
    Survey,
    SurveyStatus,
    utcnow,
)
from ..sample import messaging
from ..surveys import waves
from . import jobs
from .queue import app, huey, in_bank_time

log = logging.getLogger(__name__)
# A fault that may pass by itself: the job is tried again after a back-off.
TRANSIENT = (OperationalError, ConnectionError, TimeoutError, smtplib.SMTPException, OSError)


def _handlers() -> dict:
    from . import handlers  # noqa: PLC0415 (the handlers import the whole domain)

    return {
        JobKind.SAMPLE: handlers.run_import,
        JobKind.CALLS: handlers.run_import,
        JobKind.INVITATIONS: handlers.run_messages,
        JobKind.REMINDERS: handlers.run_messages,
        JobKind.REPORTS: handlers.run_reports,
        JobKind.COMMENTS: handlers.run_comments,
        JobKind.REPORT_PDF: handlers.run_report_pdf,
    }


@huey.task()
def run_job(job_id: int) -> None:
    """Claim the job and run it; a transient fault queues it again, any other ends it failed.

    Immediate mode runs it inside the caller's request, after its commit: it then uses
    the caller's app context, and always a session of its own."""
    if has_app_context():
        _run(job_id)
    else:
        with app().app_context():
            _run(job_id)


def _run(job_id: int) -> None:
    with Session(get_db().engine, expire_on_commit=False) as session:
        job = jobs.claim(session, job_id)
        if job is None:
            return  # finished, held by a live worker, or not due yet
        try:
            _handlers()[job.kind](session, job)
        except TRANSIENT as error:
            session.rollback()
            log.warning("job %s: %s", job_id, failure(error))
            delay = jobs.retry_later(session, session.get(Job, job_id), str(error))
            if delay:
                jobs.enqueue(job_id, delay)
        except Exception as error:
            session.rollback()
            log.error("job %s failed: %s", job_id, failure(error))
            jobs.finish(session, session.get(Job, job_id), JobStatus.FAILED, f"{error}")
        else:
            if job.status == JobStatus.RUNNING:
                jobs.finish(session, job, JobStatus.DONE)


@huey.periodic_task(crontab(minute="*"))
def relay_jobs() -> None:
    """Hand on jobs never picked up, due again, or left by a worker that died."""
    with app().app_context():
        jobs.relay(db_session())


@huey.periodic_task(in_bank_time(crontab(minute="*/5")))
def open_and_close_surveys() -> None:
    """Open a draft survey on its opening date and close an open or paused one after its
    closing date, in the bank's time zone; each change audited. A draft whose questionnaire
    no longer passes validation stays a draft, and the refusal is audited."""
    with app().app_context():
        session = db_session()
        begin_write(session)
        today = utcnow().astimezone(_zone()).date()
        for survey in session.scalars(
            select(Survey).where(Survey.status == SurveyStatus.DRAFT, Survey.opens_on <= today)
        ):
            if survey.closes_on is None or survey.closes_on >= today:
                try:
                    waves.change_status(session, survey, "open", by="schedule")
                except waves.WaveError as error:
                    _refusal_once_a_day(session, survey, str(error))
        for survey in session.scalars(
            select(Survey).where(
                Survey.status.in_((SurveyStatus.OPEN, SurveyStatus.PAUSED)),
                Survey.closes_on < today,
            )
        ):
            waves.change_status(session, survey, "close", by="schedule")
        session.commit()


def _refusal_once_a_day(session: Session, survey: Survey, reason: str) -> None:
    """Audit a scheduled opening that was refused, once a day (the task runs every 5 min)."""
    since = utcnow() - timedelta(days=1)
    already = session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "survey_open_refused",
            AuditEvent.target_id == str(survey.id),
            AuditEvent.at >= since,
        )
    )
    if already is None:
        audit.record("survey_open_refused", "survey", survey.id, reason=reason)


@huey.periodic_task(in_bank_time(crontab(minute="*/15")))
def schedule_reminders() -> None:
    """Reminders on the schedule each survey sets (settings ``reminders``: ``after_days``,
    ``most``, ``from_hour``, ``to_hour``), within its contact hours: one job an hour."""
    with app().app_context():
        session = db_session()
        now = utcnow().astimezone(_zone())
        for survey in session.scalars(select(Survey).where(Survey.status == SurveyStatus.OPEN)):
            plan = (survey.settings or {}).get("reminders")
            if not plan or not plan.get("from_hour", 9) <= now.hour < plan.get("to_hour", 20):
                continue
            jobs.submit(
                session, JobKind.REMINDERS, key=f"reminders:{survey.id}:{now:%Y-%m-%dT%H}",
                survey_id=survey.id,
                parameters={"after_days": plan.get("after_days", 3), "most": plan.get("most", 1)},
            )  # fmt: skip
        session.commit()


@huey.periodic_task(crontab(minute="*/15"))
def escalate_followups() -> None:
    """Follow-up cases reminded on their last working day and escalated when overdue; the
    messages delivered through the outbox."""
    with app().app_context():
        session = db_session()
        begin_write(session)
        counts = escalation.sweep(session)
        session.commit()
        if counts["messages"]:
            _deliver(session)


@huey.periodic_task(crontab(minute="*/15"))
def sweep_alerts() -> None:
    """Overdue follow-ups alerted; alerts held over quiet hours sent; the daily digest at its
    hour; the messages delivered through the outbox."""
    from .. import alerts  # noqa: PLC0415 (the alerts import the reports' numbers)
    from ..alerts import delivery, sources  # noqa: PLC0415

    with app().app_context():
        session, policy = db_session(), alerts.policy()
        begin_write(session)
        sources.overdue_followups(session, policy, alerts.base_url())
        delivery.release_held(session, policy)
        delivery.send_digests(session, policy, alerts.base_url())
        session.commit()
        _deliver(session)


@huey.periodic_task(in_bank_time(crontab(minute="0", hour="7")))
def daily_alerts() -> None:
    """Every morning: branches whose index moved beyond sampling error, and yesterday's
    hotline KPIs below target."""
    from .. import alerts  # noqa: PLC0415
    from ..alerts import sources  # noqa: PLC0415

    with app().app_context():
        config, session, policy = app().config, db_session(), alerts.policy()
        begin_write(session)
        sources.significant_changes(session, policy, alerts.base_url())
        sources.hotline_misses(
            session, policy, alerts.base_url(), config["HOTLINE_TARGETS"],
            config["HOTLINE_THRESHOLD_SECONDS"],
        )  # fmt: skip
        session.commit()
        _deliver(session)


@huey.periodic_task(in_bank_time(crontab(minute="0", hour="6")))
def schedule_reports() -> None:
    """Monthly reports on the 1st, weekly ones on Monday: a job each (made once)."""
    from ..publishing.schedule import due_today  # noqa: PLC0415

    with app().app_context():
        session = db_session()
        for subscription, period in due_today(session):
            jobs.submit(
                session, JobKind.REPORT_PDF, key=f"report:{subscription.id}:{period}",
                survey_id=subscription.survey_id, user_id=subscription.user_id,
                parameters={"subscription_id": subscription.id, "period": period},
            )  # fmt: skip
        session.commit()


def _deliver(session: Session) -> None:
    config = current_app.config
    messaging.deliver(session, messaging.adapter_from_config(config, current_app.instance_path))


@huey.periodic_task(crontab(minute="*/5"))
def prepare_reports() -> None:
    """Bulk-loaded completes copied into the reports' table, a job a survey."""
    from ..analysis.facts import ReportNotReady, check_ready  # noqa: PLC0415

    with app().app_context():
        session = db_session()
        for survey in session.scalars(select(Survey).where(Survey.status.in_(REPORTABLE))):
            try:
                check_ready(session, survey)
            except ReportNotReady:
                stamp = utcnow().strftime("%Y-%m-%dT%H")
                jobs.submit(
                    session, JobKind.REPORTS, key=f"reports:{survey.id}:{stamp}",
                    survey_id=survey.id,
                )  # fmt: skip
        session.commit()


@huey.periodic_task(in_bank_time(crontab(minute="30", hour="3")))
def purge_expired() -> None:
    """Every night: sign-in sessions past their limit, practice answers left a week, the
    guessing limit's old counters, open-link starts that never got an answer, and the
    finished jobs' history after 90 days."""
    from ..responses.fielding import purge_empty_starts  # noqa: PLC0415

    with app().app_context():
        config, session = app().config, db_session()
        begin_write(session)
        now = utcnow()
        session.execute(
            delete(StaffSession).where(
                StaffSession.created_at < now - timedelta(hours=config["SESSION_MAX_HOURS"])
            )
        )
        session.execute(
            delete(PracticeState).where(PracticeState.updated_at < now - timedelta(days=7))
        )
        session.execute(
            delete(FailedLookup).where(FailedLookup.window_start < now - timedelta(days=1))
        )
        session.execute(delete(Job).where(Job.finished_at < now - timedelta(days=90)))
        for survey in session.scalars(select(Survey).where(Survey.open_link.is_(True))):
            purge_empty_starts(session, survey)
        session.commit()


def _zone():
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    return ZoneInfo(app().config["BABEL_DEFAULT_TIMEZONE"])
