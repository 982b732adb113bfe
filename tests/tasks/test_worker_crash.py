"""A real worker process killed (SIGKILL) half-way through a 100,000-row import and a
10,000-invitation batch, then a new one started: each job finishes exactly once, no row is
imported twice and no invitation is sent twice. The queue is the embedded SQLite file, or
Redis when SURVEY_TEST_QUEUE_URL names one (.ci/run's PostgreSQL run)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from survey.database import get_db
from survey.models import Contact, Invitation, Job, JobKind, OutboxMessage, utcnow
from survey.tasks import jobs, queue
from survey.tasks.handlers import expected_rows

SURVEY = Path(sys.executable).parent / "survey"
LEASE = 3  # seconds: a killed worker's job is handed on this soon


@pytest.fixture
def real_queue(app, tmp_path):
    """This process and its workers on one real queue; back to immediate afterwards."""
    url = os.environ.get("SURVEY_TEST_QUEUE_URL") or f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    app.config["SURVEY_QUEUE_URL"] = url
    queue.configure(url, str(tmp_path))
    queue.huey.flush()
    yield url
    queue.huey.flush()
    queue.configure("immediate", str(tmp_path))


def start_worker(app, url: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": app.config["SURVEY_DATABASE_URL"],
        "SURVEY_QUEUE_URL": url,
        "SURVEY_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "SURVEY_OUTBOX_DIR": str(tmp_path / "outbox"),
        "SURVEY_JOB_LEASE_SECONDS": str(LEASE),
    }
    return subprocess.Popen(
        [str(SURVEY), "worker", "--workers", "1", "--no-periodic"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill(worker)


def wait_until(db, job_id, ready, seconds=240) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.rollback()
        job = db.get(Job, job_id)
        if ready(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never got there: {job.status} {job.rows_done}")


def crash_and_resume(app, db, url, tmp_path, job_id, halfway) -> Job:
    first = start_worker(app, url, tmp_path)
    try:
        wait_until(db, job_id, lambda job: job.rows_done >= halfway)
    finally:
        kill(first)
    job = wait_until(db, job_id, lambda job: True)
    assert job.status == "running" and job.attempts == 1  # died holding it
    time.sleep(LEASE + 0.5)
    second = start_worker(app, url, tmp_path)
    try:
        return wait_until(db, job_id, lambda job: not job.unfinished)
    finally:
        stop(second)


def test_a_worker_killed_mid_import_imports_every_row_once(app, db, fielded, real_queue, tmp_path):
    survey_id = fielded("branch-counter")
    rows = "\n".join(f"C{i:06d},138{i:08d},SZ-{i % 5:03d}" for i in range(100_000))
    raw = f"customer_ref,phone,branch\n{rows}\n".encode()
    with app.app_context():
        session = get_db(app).session()
        job = jobs.submit(
            session, JobKind.SAMPLE, survey_id=survey_id, filename="frame.csv", content=raw,
            rows_expected=expected_rows(raw, "frame.csv"),
        )  # fmt: skip
        session.commit()  # handed to the real queue: nothing runs until a worker starts
        job_id = job.id
    assert db.get(Job, job_id).status == "queued"
    job = crash_and_resume(app, db, real_queue, tmp_path, job_id, halfway=20_000)
    assert (job.status, job.imported, job.attempts, job.content) == ("done", 100_000, 2, None)
    assert db.scalar(select(func.count()).select_from(Contact)) == 100_000
    assert db.scalar(select(func.count(func.distinct(Contact.customer_ref)))) == 100_000


def test_a_worker_killed_mid_batch_sends_every_invitation_once(
    app, db, fielded, real_queue, tmp_path
):
    survey_id = fielded("branch-counter")
    now = utcnow()
    db.execute(
        insert(Contact),
        [
            {"survey_id": survey_id, "customer_ref": f"C{i:05d}", "email": f"c{i}@example.com",
             "sampled": True, "released_at": now, "attributes": {}}
            for i in range(10_000)
        ],
    )  # fmt: skip
    db.commit()
    with app.app_context():
        session = get_db(app).session()
        job = jobs.submit(session, JobKind.INVITATIONS, survey_id=survey_id)
        session.commit()
        job_id = job.id
    job = crash_and_resume(app, db, real_queue, tmp_path, job_id, halfway=2_000)
    assert (job.status, job.imported, job.problem_count, job.attempts) == ("done", 10_000, 0, 2)
    statuses = db.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    assert statuses == [("sent", 10_000)]
    assert db.scalar(select(func.count()).select_from(Invitation)) == 10_000
    twice = db.scalars(
        select(OutboxMessage.invitation_id)
        .group_by(OutboxMessage.invitation_id)
        .having(func.count() > 1)
    ).all()
    assert twice == []
    files = [f for f in (tmp_path / "outbox").iterdir() if f.is_file()]
    assert len(files) == 10_000  # one per message, each whole
