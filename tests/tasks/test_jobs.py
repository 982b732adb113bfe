"""Jobs on the queue: handed over only after their transaction commits, run once however
often they are delivered, retried with back-off on a passing fault, failed (visibly) when
the fault stays, and resumed when the worker holding them stops."""

from datetime import timedelta

from sqlalchemy import func, select

from survey.database import get_db
from survey.models import Contact, Job, JobKind, OutboxMessage, Survey, utcnow
from survey.tasks import jobs
from survey.tasks.work import run_job
from tests.fieldwork.test_invitations import released


def _released_customers(db, survey_id, count):
    for number in range(count):
        released(db, survey_id, customer_ref=f"C{number}", email=f"c{number}@example.com")


def _submit(app, kind, survey_id, **fields):
    with app.app_context():
        session = get_db(app).session()
        job = jobs.submit(session, kind, survey_id=survey_id, **fields)
        session.commit()  # handed to the queue (immediate here: it runs now)
        return job.id


def test_a_job_of_a_rolled_back_transaction_is_never_handed_over(app, db, fielded, tmp_path):
    survey_id = fielded("branch-counter")
    _released_customers(db, survey_id, 3)
    app.config["SURVEY_OUTBOX_DIR"] = str(tmp_path / "outbox")
    with app.app_context():
        session = get_db(app).session()
        jobs.submit(session, JobKind.INVITATIONS, survey_id=survey_id)
        session.rollback()
        session.commit()  # a later commit of the same session hands over nothing
    assert db.scalar(select(func.count()).select_from(Job)) == 0
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert not (tmp_path / "outbox").exists()


def test_a_job_delivered_twice_runs_once(app, db, fielded, tmp_path):
    survey_id = fielded("branch-counter")
    _released_customers(db, survey_id, 5)
    app.config["SURVEY_OUTBOX_DIR"] = str(tmp_path / "outbox")
    job_id = _submit(app, JobKind.INVITATIONS, survey_id, user_id=None)
    with app.app_context():
        run_job(job_id)  # the queue delivers it again (a retry, a relay)
        jobs.enqueue(job_id)
        assert jobs.relay(get_db(app).session()) == 0  # nothing left to hand on
    db.rollback()
    job = db.get(Job, job_id)
    assert (job.status, job.imported, job.attempts, job.rows_done) == ("done", 5, 1, 5)
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 5
    assert len(list((tmp_path / "outbox").iterdir())) == 5


def test_the_same_key_is_the_same_job(app, db, fielded):
    survey_id = fielded("branch-counter")
    with app.app_context():
        session = get_db(app).session()
        first = jobs.submit(session, JobKind.REPORTS, key="reports:x", survey_id=survey_id)
        second = jobs.submit(session, JobKind.REPORTS, key="reports:x", survey_id=survey_id)
        session.commit()
        assert first.id == second.id
    assert db.scalar(select(func.count()).select_from(Job)) == 1


def test_a_passing_fault_is_retried_with_back_off_then_fails_visibly(
    app, db, fielded, auth, client, time_machine
):
    """The mail server refuses connections: each attempt waits longer, and after the last
    the job ends failed with the reason, shown on the jobs page; the messages stay queued."""
    time_machine.move_to(utcnow(), tick=False)
    survey_id = fielded("branch-counter")
    _released_customers(db, survey_id, 2)
    app.config.update(
        SURVEY_MESSAGE_ADAPTER="smtp", SURVEY_SMTP_HOST="127.0.0.1", SURVEY_SMTP_PORT="1",
        SURVEY_MAIL_FROM="survey@bank.example",
    )  # fmt: skip
    job_id = _submit(app, JobKind.INVITATIONS, survey_id)
    waits = []
    for _ in range(10):
        db.rollback()
        job = db.get(Job, job_id)
        if job.status == "failed":
            break
        waits.append(round((job.leased_until - utcnow()).total_seconds()))
        time_machine.shift(timedelta(seconds=waits[-1] + 1))
        with app.app_context():
            jobs.relay(get_db(app).session())
    assert waits == [30, 60, 120, 240]
    assert (job.status, job.attempts) == ("failed", 5)
    assert job.error.startswith("gave up after 5 attempts") and "refused" in job.error.lower()
    queued = db.scalars(select(OutboxMessage.status)).all()
    assert queued == ["queued", "queued"]  # nothing lost: sent when the server is back
    auth.login_as("supervisor")
    page = client.get("/fieldwork/jobs").get_data(as_text=True)
    assert f"#{job_id}" in page and "Failed" in page and "gave up after 5 attempts" in page


def test_a_job_whose_worker_stopped_is_resumed_by_the_relay(app, db, fielded, time_machine):
    time_machine.move_to(utcnow(), tick=False)
    survey_id = fielded("branch-counter")
    with app.app_context():
        session = get_db(app).session()
        job = jobs.submit(session, JobKind.REPORTS, survey_id=survey_id)
        session.info.clear()  # the process dies between its commit and the hand-over
        session.commit()
        job_id = job.id
        taken = jobs.claim(get_db(app).session(), job_id)  # a worker takes it, then dies
        assert taken is not None and taken.status == "running"
        assert jobs.relay(get_db(app).session()) == 0  # its lease still runs
        time_machine.shift(timedelta(seconds=app.config["SURVEY_JOB_LEASE_SECONDS"] + 1))
        assert jobs.relay(get_db(app).session()) == 1
    db.rollback()
    job = db.get(Job, job_id)
    assert (job.status, job.attempts, job.leased_until) == ("done", 2, None)


def test_a_job_never_handed_over_is_picked_up_by_the_relay(app, db, fielded, time_machine):
    time_machine.move_to(utcnow(), tick=False)
    survey_id = fielded("branch-counter")
    with app.app_context():
        session = get_db(app).session()
        job = jobs.submit(session, JobKind.REPORTS, survey_id=survey_id)
        session.info.clear()  # committed, never handed to the queue
        session.commit()
        assert jobs.relay(get_db(app).session()) == 0  # too fresh to tell
        time_machine.shift(jobs.NEVER_PICKED + timedelta(seconds=1))
        assert jobs.relay(get_db(app).session()) == 1
    db.rollback()
    assert db.get(Job, job.id).status == "done"


def test_healthz_reports_the_queue(app, client, db, fielded, time_machine):
    time_machine.move_to(utcnow(), tick=False)
    survey_id = fielded("branch-counter")
    with app.app_context():
        session = get_db(app).session()
        jobs.submit(session, JobKind.REPORTS, survey_id=survey_id)
        session.info.clear()
        session.commit()
    time_machine.shift(timedelta(seconds=90))
    health = client.get("/healthz/queue").get_json()
    assert health["status"] == "ok" and health["queue"] == "ok"
    assert (health["jobs_waiting"], health["oldest_waiting_seconds"]) == (1, 90)
    assert health["jobs_stalled"] == 0


def test_an_upload_becomes_a_job_on_the_jobs_page(app, auth, client, db, fielded):
    from tests.fieldwork.test_pages import upload, wait_for

    survey = db.get(Survey, fielded("branch-counter"))
    auth.login_as("supervisor")
    job = wait_for(
        db, upload(client, survey, "sample", b"customer_ref,phone\nC1,13800138000\n", "f.csv")
    )
    assert (job.kind, job.status, job.imported, job.attempts) == ("sample", "done", 1, 1)
    page = client.get("/fieldwork/jobs").get_data(as_text=True)
    assert "f.csv" in page and "Sample frame import" in page and "Done" in page
    one = client.get(f"/fieldwork/jobs/{job.id}").get_data(as_text=True)
    assert "Done: 1 handled." in one
    bad = wait_for(db, upload(client, survey, "sample", b"customer_ref,phone\nC2,12345\n", "g.csv"))
    lines = client.get(f"/fieldwork/jobs/{bad.id}").get_data(as_text=True)
    assert "line 2, phone &#39;12345&#39;: not a valid phone number" in lines
    assert db.scalar(select(func.count()).select_from(Contact)) == 1
