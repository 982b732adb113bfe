"""Benchmark: 100,000 invitations sent through the file adapter by one and by two workers,
and the queue's own cost for an empty task.

For each number of workers, a fresh database (SQLite file, or a PostgreSQL database whose
public schema it resets) holds two surveys of 50,000 released customers with an e-mail
address; an invitations job is submitted for each (two jobs, so two workers can share the
work) and ``survey worker`` processes (one thread each, no schedule) are started on the
queue (an SQLite file, or ``--queue redis://…``). Timed from the workers' start until both
jobs are done: every invitation created, its message written to the outbox folder and
marked sent. Peak memory is each worker's resident peak (VmHWM). The empty task is a no-op
enqueued 2,000 times to one consumer thread in this process: the queue's round trip.

    .venv/bin/python bench/queue/run.py [--messages 100000] [--database postgresql://…]
        [--queue redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from survey import create_app  # noqa: E402
from survey.cli import schema  # noqa: E402
from survey.database import make_engine  # noqa: E402
from survey.models import Contact, Job, JobKind, OutboxMessage, Survey, utcnow  # noqa: E402
from survey.questionnaire import load_file  # noqa: E402
from survey.surveys.versions import store  # noqa: E402
from survey.tasks import jobs, queue  # noqa: E402

SURVEY_CLI = Path(sys.executable).parent / "survey"


def fresh(url: str) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    schema.upgrade(engine)
    engine.dispose()


def fill(app, per_survey: int) -> list[int]:
    from survey.database import get_db  # noqa: PLC0415

    path = ROOT / "questionnaires" / "branch-counter.yaml"
    with app.app_context(), Session(get_db().engine) as session:
        version = store(session, load_file(path), path.read_text(encoding="utf-8")).version
        ids = []
        for n in range(2):
            survey = Survey(slug=f"bench-{n}", name="bench", questionnaire_version_id=version.id,
                            status="open", modes=["web"])  # fmt: skip
            session.add(survey)
            session.flush()
            now = utcnow()
            session.execute(
                insert(Contact.__table__),
                [
                    {"survey_id": survey.id, "customer_ref": f"C{n}-{i:06d}", "email": f"c{n}.{i}@example.com",
                     "language": "zh-Hans", "time_zone": "Asia/Shanghai", "attributes": {}, "sampled": True,
                     "do_not_contact": False, "released_at": now, "created_at": now}
                    for i in range(per_survey)
                ],
            )  # fmt: skip
            ids.append(survey.id)
        session.commit()
    return ids


def peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1])
    return 0


def run(database: str | None, queue_url: str | None, messages: int, workers: int) -> dict:
    folder = Path(tempfile.mkdtemp())
    url = database or f"sqlite:///{folder / 'bench.sqlite3'}"
    queue_url = queue_url or f"sqlite:///{folder / 'queue.sqlite3'}"
    fresh(url)
    environment = {
        **os.environ, "SURVEY_DATABASE_URL": url, "SURVEY_QUEUE_URL": queue_url,
        "SURVEY_INSTANCE_PATH": str(folder / "instance"), "SURVEY_OUTBOX_DIR": str(folder / "outbox"),
        "SECRET_KEY": "bench",
    }  # fmt: skip
    os.environ.update(environment)
    app = create_app({"SURVEY_DATABASE_URL": url, "SURVEY_QUEUE_URL": queue_url})
    queue.huey.flush()
    survey_ids = fill(app, messages // 2)
    from survey.database import get_db  # noqa: PLC0415

    with app.app_context():
        session = get_db().session()
        job_ids = [jobs.submit(session, JobKind.INVITATIONS, survey_id=s).id for s in survey_ids]
        session.commit()  # handed to the queue; nothing runs until the workers start
        started = time.perf_counter()
        processes = [  # the first keeps the schedule (the relay), as one worker does in production
            subprocess.Popen(
                [str(SURVEY_CLI), "worker", "--workers", "1", *(["--no-periodic"] if n else [])],
                env=environment,
                stdout=(folder / f"worker{n}.log").open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for n in range(workers)
        ]
        while True:
            session.rollback()
            left = session.scalar(
                select(func.count()).where(
                    Job.id.in_(job_ids), Job.status.in_(("queued", "running"))
                )
            )
            if not left:
                break
            time.sleep(0.1)
        elapsed = time.perf_counter() - started
        peaks = [peak_kb(p.pid) for p in processes]
        sent = session.scalar(select(func.count()).where(OutboxMessage.status == "sent"))
        failed = session.scalar(
            select(func.count()).where(Job.id.in_(job_ids), Job.status == "failed")
        )
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    files = len(list((folder / "outbox").iterdir()))
    return {"workers": workers, "seconds": elapsed, "sent": sent, "files": files,
            "failed_jobs": failed, "peak_mb": [round(k / 1024) for k in peaks]}  # fmt: skip


def empty_task_overhead(queue_url: str | None, count: int = 2000) -> float:
    folder = Path(tempfile.mkdtemp())
    queue.configure(queue_url or f"sqlite:///{folder / 'queue.sqlite3'}", str(folder))
    queue.huey.flush()

    @queue.huey.task()
    def nothing():
        return True  # a result to wait for (None is not stored)

    consumer = queue.huey.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        started = time.perf_counter()
        results = [nothing() for _ in range(count)]
        for result in results:
            result.get(blocking=True, timeout=60)
        return (time.perf_counter() - started) / count
    finally:
        consumer.stop(graceful=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--database", help="PostgreSQL URL (its public schema is reset)")
    parser.add_argument("--queue", help="redis://… (default: an SQLite queue file)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    for workers in args.workers:
        result = run(args.database, args.queue, args.messages, workers)
        rate = result["sent"] / result["seconds"]
        print(
            f"{workers} worker(s): {result['sent']:,} sent ({result['files']:,} files, "
            f"{result['failed_jobs']} failed jobs) in {result['seconds']:.1f} s = {rate:,.0f} messages/s; "
            f"peak memory {result['peak_mb']} MB",
            flush=True,
        )
    per_task = empty_task_overhead(args.queue)
    print(
        f"empty task: {per_task * 1000:.2f} ms a task ({1 / per_task:,.0f} tasks/s, one consumer thread)"
    )


if __name__ == "__main__":
    main()
