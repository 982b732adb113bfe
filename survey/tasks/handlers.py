"""What each kind of job does, once a worker holds it: imports, messages, reports.

An import is all or nothing, as on the command line: progress commits touch only the job's
row, and the customers (or calls) are written in the final commit, so a worker killed
half-way leaves nothing behind and the next attempt starts clean. Messages are queued in
one commit and delivered a chunk at a time (``sample.messaging``), so a retried job sends
only what is still queued.
"""

from __future__ import annotations

import io
from datetime import timedelta

from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..analysis.facts import refresh_facts
from ..comments.readings import read_unread, reread_survey
from ..database import begin_write
from ..models import Job, JobKind, JobStatus, MessageStatus, OutboxMessage, Survey
from ..publishing.schedule import send_report
from ..sample import messaging
from ..sample.frame_import import import_sample
from ..sample.post_call import import_calls
from . import jobs

IMPORTERS = {JobKind.SAMPLE: import_sample, JobKind.CALLS: import_calls}
KEPT_PROBLEMS = 500


def expected_rows(raw: bytes, name: str) -> int:
    """Data rows in the file, for the progress bar (an estimate for a CSV with line breaks in cells)."""
    if name.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(raw), read_only=True).worksheets[0]
            return max((sheet.max_row or 1) - 1, 0)
        except Exception:  # an unreadable workbook is reported by the import itself
            return 0
    return max(raw.count(b"\n") - (0 if raw.endswith(b"\n") else -1) - 1, 0)


def run_import(session: Session, job: Job) -> None:
    """Check and import the job's file, recording progress and the outcome in its row."""
    config = current_app.config
    begin_write(session)
    survey = session.get(Survey, job.survey_id)
    options = {"zone": config["BABEL_DEFAULT_TIMEZONE"]} if job.kind == JobKind.CALLS else {}
    try:
        report = IMPORTERS[job.kind](
            session,
            survey,
            job.content,
            job.filename,
            accept_valid=job.valid_only,
            region=config.get("SURVEY_PHONE_REGION", "CN"),
            progress=lambda rows: jobs.heartbeat(session, job, rows),
            **options,
        )
        job.rows_done, job.imported = report.rows, report.imported
        job.problem_count = len(report.problems)
        job.problems = [str(p) for p in report.problems[:KEPT_PROBLEMS]]
        session.flush()  # the rows' own constraints are checked here, inside the try
    except ValueError as error:  # the file itself cannot be read
        session.rollback()
        jobs.finish(session, job, JobStatus.FAILED, str(error))
    except IntegrityError:  # another import of the same rows won the race
        session.rollback()
        jobs.finish(
            session, job, JobStatus.FAILED, "rows were imported at the same time by another upload"
        )
    else:
        jobs.finish(session, job, JobStatus.DONE)  # the rows commit with the job's end


def run_messages(session: Session, job: Job) -> None:
    """Invitations to every released customer not yet invited, or the reminders due; then
    deliver what is queued, a chunk at a time, with the job's progress."""
    config = current_app.config
    adapter = messaging.adapter_from_config(config, current_app.instance_path)
    messaging.recover_interrupted(session, adapter, timedelta(seconds=jobs.lease_seconds()), job.id)
    begin_write(session)
    survey = session.get(Survey, job.survey_id)
    base_url = config["SURVEY_BASE_URL"]
    if job.kind == JobKind.INVITATIONS:
        queued = messaging.queue_invitations(session, survey, base_url)
    else:
        plan = job.parameters
        queued = messaging.queue_reminders(
            session, survey, base_url, int(plan.get("after_days", 3)), int(plan.get("most", 1))
        )
    job.rows_expected = job.rows_expected + queued if job.attempts > 1 else queued
    job.parameters = {**job.parameters, "queued": job.parameters.get("queued", 0) + queued}
    session.commit()
    done_before = job.rows_done
    messaging.deliver(
        session,
        adapter,
        progress=lambda count: jobs.heartbeat(session, job, done_before + count),
        job_id=job.id,
    )
    # What became of the messages this job handed over, over every attempt it took.
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.job_id == job.id)
            .group_by(OutboxMessage.status)
        ).all()
    )
    job.imported = counts.get(MessageStatus.SENT, 0)
    job.problem_count = counts.get(MessageStatus.FAILED, 0)
    job.rows_done = job.rows_expected = job.imported + job.problem_count
    if job.problem_count:
        job.error = f"{job.problem_count} message(s) could not be sent; see the outbox"
    session.commit()


def run_reports(session: Session, job: Job) -> None:
    """Copy a survey's bulk-loaded completes into the reports' table, and read their comments."""
    job.imported = refresh_facts(session, session.get(Survey, job.survey_id))
    read_unread(session, job.survey_id)
    session.commit()


def run_comments(session: Session, job: Job) -> None:
    """Read every comment of the survey again with the bank's newest topic dictionary."""
    begin_write(session)
    job.imported = reread_survey(
        session, job.survey_id, progress=lambda rows: jobs.heartbeat(session, job, rows)
    )
    session.commit()


def run_report_pdf(session: Session, job: Job) -> None:
    """Make, archive and send one subscriber's scheduled report, then deliver its message."""
    begin_write(session)
    report = send_report(session, job.parameters["subscription_id"], job.parameters["period"])
    job.imported = 1 if report is not None else 0
    session.commit()
    config = current_app.config
    messaging.deliver(session, messaging.adapter_from_config(config, current_app.instance_path))
