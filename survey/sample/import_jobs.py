"""Sample and call files imported in the background, with progress a supervisor can watch.

The upload is stored in an ``ImportJob`` row and checked by a thread of the app server that
received it; the job's row carries its progress (rows checked of rows expected), so any app
server can show the progress bar. The import itself is all or nothing, as on the command
line: progress commits touch only the job's row, and the customers (or calls) are written in
the final commit. A job whose server stopped shows as interrupted after a while.
"""

from __future__ import annotations

import io
import logging
import threading
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..database import begin_write, get_db
from ..logs import failure
from ..models import ImportJob, JobKind, JobStatus, Survey, utcnow
from .frame_import import import_sample
from .post_call import import_calls

IMPORTERS = {JobKind.SAMPLE: import_sample, JobKind.CALLS: import_calls}
KEPT_PROBLEMS = 500
PROGRESS_EVERY = 1000
STALE_AFTER = timedelta(minutes=10)
log = logging.getLogger(__name__)


def expected_rows(raw: bytes, name: str) -> int:
    """Data rows in the file, for the progress bar (an estimate for a CSV with line breaks in cells)."""
    if name.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(raw), read_only=True).worksheets[0]
            return max((sheet.max_row or 1) - 1, 0)
        except Exception:  # an unreadable workbook is reported by the import itself
            return 0
    return max(raw.count(b"\n") - (0 if raw.endswith(b"\n") else -1) - 1, 0)


def create_job(
    session: Session,
    survey: Survey,
    kind: str,
    filename: str,
    raw: bytes,
    valid_only: bool,
    user_id,
) -> ImportJob:
    if kind not in IMPORTERS:
        raise ValueError(f"unknown import {kind!r}")
    job = ImportJob(
        survey_id=survey.id,
        kind=kind,
        filename=filename[:200],
        content=raw,
        valid_only=valid_only,
        rows_expected=expected_rows(raw, filename),
        created_by=user_id,
    )
    session.add(job)
    return job


def start(app, job_id: int) -> threading.Thread:
    """Run the job in a thread of this server."""
    thread = threading.Thread(target=run, args=(app, job_id), name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread


def run(app, job_id: int) -> None:
    """Check and import the job's file, recording progress and the outcome in its row."""
    config = app.config
    with Session(get_db(app).engine, expire_on_commit=False) as session:
        begin_write(session)
        job = session.get(ImportJob, job_id)
        survey = session.get(Survey, job.survey_id)
        raw, job.status, job.updated_at = job.content, JobStatus.RUNNING, utcnow()
        session.commit()

        def progress(rows: int) -> None:
            job.rows_done, job.updated_at = rows, utcnow()
            session.commit()  # only the job's row: the import waits for the final commit

        options = {"zone": config["BABEL_DEFAULT_TIMEZONE"]} if job.kind == JobKind.CALLS else {}
        try:
            report = IMPORTERS[job.kind](
                session,
                survey,
                raw,
                job.filename,
                accept_valid=job.valid_only,
                region=config.get("SURVEY_PHONE_REGION", "CN"),
                progress=progress,
                **options,
            )
            job.rows_done, job.imported = report.rows, report.imported
            job.problem_count = len(report.problems)
            job.problems = [str(p) for p in report.problems[:KEPT_PROBLEMS]]
            job.status = JobStatus.DONE
            session.flush()  # the rows' own constraints are checked here, inside the try
        except ValueError as error:  # the file itself cannot be read
            session.rollback()
            job.status, job.error = JobStatus.FAILED, str(error)[:300]
        except IntegrityError:  # another import of the same rows won the race
            session.rollback()
            job.status, job.error = (
                JobStatus.FAILED,
                "rows were imported at the same time by another upload",
            )
        except Exception as error:
            log.error("import job %s failed: %s", job_id, failure(error))
            session.rollback()
            job.status, job.error = JobStatus.FAILED, "the import failed; nothing was imported"
        job.content, job.finished_at, job.updated_at = None, utcnow(), utcnow()
        session.add(job)
        session.commit()


def is_interrupted(job: ImportJob, now=None) -> bool:
    """A job still marked running whose server has not reported for a while."""
    now = now or utcnow()
    return job.unfinished and now - job.updated_at > STALE_AFTER
