"""Jobs: submitted in the caller's transaction, claimed by lease, finished once.

``submit`` adds the row and, once the transaction commits, hands its id to the queue: no
task for a row that was rolled back. If the process dies between the commit and the
hand-over, or the queue is down, or a worker dies holding a job, ``relay`` (every minute,
and when a worker starts) hands the job on. A job handed over twice runs once: ``claim``
takes its lease in one UPDATE, and only the worker that took it runs it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import event, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..logs import failure
from ..models import UNFINISHED_JOB, Job, JobStatus, utcnow
from .queue import app

log = logging.getLogger(__name__)
_SUBMITTED = "survey.submitted_jobs"
NEVER_PICKED = timedelta(seconds=30)  # a queued job no worker took by then is handed on again


def lease_seconds() -> int:
    return int((app().config if app() else {}).get("SURVEY_JOB_LEASE_SECONDS", 120))


def submit(
    session: Session, kind: str, *, key: str | None = None, survey_id=None, user_id=None,
    parameters: dict | None = None, **columns,
) -> Job:  # fmt: skip
    """Add a job (or return the one already submitted under ``key``); it is handed to the
    queue when the caller's transaction commits."""
    if key is not None:
        existing = session.scalar(select(Job).where(Job.key == key))
        if existing is not None:
            return existing
    job = Job(
        kind=kind, key=key, survey_id=survey_id, created_by=user_id,
        parameters=parameters or {}, **columns,
    )  # fmt: skip
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:  # the same key, submitted at the same moment elsewhere
        return session.scalar(select(Job).where(Job.key == key))
    session.info.setdefault(_SUBMITTED, []).append(job.id)
    return job


def _hand_over(session: Session) -> None:
    """after_commit: give the queue the jobs this transaction submitted."""
    for job_id in session.info.pop(_SUBMITTED, ()):
        enqueue(job_id)


def _forget(session: Session) -> None:
    session.info.pop(_SUBMITTED, None)


def enqueue(job_id: int, delay: float | None = None) -> None:
    from .work import run_job  # noqa: PLC0415 (work imports this module)

    try:
        if delay:
            run_job.schedule((job_id,), delay=delay)
        else:
            run_job(job_id)
    except Exception as error:  # the queue is down: relay hands the job on later
        log.error("job %s not handed to the queue: %s", job_id, failure(error))


def follow_submissions() -> None:
    """Hand submitted jobs to the queue after their transaction commits (idempotent)."""
    if not event.contains(Session, "after_commit", _hand_over):
        event.listen(Session, "after_commit", _hand_over)
        event.listen(Session, "after_rollback", _forget)


def claim(session: Session, job_id: int) -> Job | None:
    """Take the job's lease; None when it is finished, held by a live worker, or not due."""
    now = utcnow()
    taken = session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            Job.status.in_(UNFINISHED_JOB),
            or_(Job.leased_until.is_(None), Job.leased_until <= now),
        )
        .values(
            status=JobStatus.RUNNING,
            leased_until=now + timedelta(seconds=lease_seconds()),
            attempts=Job.attempts + 1,
            started_at=func.coalesce(Job.started_at, now),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    if taken != 1:
        return None
    job = session.get(Job, job_id)
    session.refresh(job)
    if job.attempts > job.max_attempts:
        finish(session, job, JobStatus.FAILED, f"stopped after {job.max_attempts} attempts")
        return None
    session.commit()  # end the read, so the job's own writes may take the write lock
    return job


def heartbeat(session: Session, job: Job, rows_done: int | None = None) -> None:
    """Progress, and a longer lease: the worker is alive. Commits the job's row."""
    now = utcnow()
    if rows_done is not None:
        job.rows_done = rows_done
    job.updated_at, job.leased_until = now, now + timedelta(seconds=lease_seconds())
    session.commit()


def finish(session: Session, job: Job, status: str, error: str | None = None) -> None:
    now = utcnow()
    job.status, job.error, job.leased_until = status, (error or None) and error[:300], None
    job.content, job.finished_at, job.updated_at = None, now, now
    session.add(job)
    session.commit()


def retry_later(session: Session, job: Job, error: str) -> float | None:
    """A transient failure: queue the job again after a back-off (30 s, 1, 2, 4 … minutes,
    at most 15), or fail it once its attempts are spent. Returns the delay, if any."""
    if job.attempts >= job.max_attempts:
        finish(session, job, JobStatus.FAILED, f"gave up after {job.attempts} attempts: {error}")
        return None
    delay = min(30 * 2 ** (job.attempts - 1), 900)
    now = utcnow()
    job.status, job.error = JobStatus.QUEUED, f"attempt {job.attempts} failed: {error}"[:300]
    job.leased_until, job.updated_at = now + timedelta(seconds=delay), now
    session.commit()
    return delay


def relay(session: Session) -> int:
    """Hand on every job that should be running and is not: never picked, due again after a
    back-off, or held by a worker whose lease ran out. Returns how many."""
    now = utcnow()
    waiting = session.scalars(
        select(Job.id).where(
            Job.status.in_(UNFINISHED_JOB),
            or_(
                Job.leased_until <= now,
                Job.leased_until.is_(None) & (Job.created_at <= now - NEVER_PICKED),
            ),
        )
    ).all()
    for job_id in waiting:
        enqueue(job_id)
    return len(waiting)


def waiting_summary(session: Session) -> dict:
    """For /healthz: jobs waiting for a worker, and how long the oldest has waited."""
    now = utcnow()
    ready = [
        Job.status == JobStatus.QUEUED,
        or_(Job.leased_until.is_(None), Job.leased_until <= now),
    ]
    count, oldest = session.execute(
        select(func.count(), func.min(Job.created_at)).where(*ready)
    ).one()
    stalled = session.scalar(
        select(func.count()).where(Job.status == JobStatus.RUNNING, Job.leased_until <= now)
    )
    age = 0 if oldest is None else max(0, int((now - oldest).total_seconds()))
    return {"jobs_waiting": count, "oldest_waiting_seconds": age, "jobs_stalled": stalled}
