"""Benchmark: next-case claims with 100,000 cases and 50 interviewers claiming at once.

Fills a fresh database (SQLite file, or a PostgreSQL database whose public schema it resets)
with a hotline survey of 100,000 released phone cases, some with due appointments, and 50
interviewers; then 50 interviewers, each in a process of its own with one connection,
claim a case, close it (as a recorded outcome would), and claim again (after a pause of
``--think`` seconds on average: 0 is a worst-case burst), until each has made its share of
claims. Each interviewer is a process of its own with one connection, as the interviewers
of several app server processes would be. Prints p50, p95 and p99 of the claim (the scheduler's query and the
atomic UPDATE, committed), the claims per second, and the number of cases claimed twice,
which must be zero. Run from the repository root:

    .venv/bin/python bench/cati_claims/run.py [--cases 100000] [--interviewers 50]
        [--claims 40] [--database postgresql://…]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from survey.accounts.staff import create_user
from survey.cases.queue import CallingRules, claim_next_case
from survey.cli import schema
from survey.database import begin_write, make_engine
from survey.models import Appointment, CatiCase, Contact, Survey, utcnow
from survey.questionnaire import load_file
from survey.surveys.versions import store

ROOT = Path(__file__).parent.parent.parent
ALWAYS_OPEN = {"calling_windows": [["00:00", "23:59:59"]] * 7}


def fill(engine, cases: int, interviewers: int) -> tuple[int, list[int]]:
    with Session(engine) as session:
        path = ROOT / "questionnaires" / "hotline-post-call.yaml"
        version = store(session, load_file(path), path.read_text(encoding="utf-8")).version
        survey = Survey(
            slug="bench", name="bench", questionnaire_version_id=version.id, status="open",
            modes=["cati"], settings=ALWAYS_OPEN,
        )  # fmt: skip
        session.add(survey)
        users = [
            create_user(session, f"i{n:02d}", "bench-password-1", "interviewer")
            for n in range(interviewers)
        ]
        session.commit()
        now = utcnow()
        session.execute(
            insert(Contact.__table__),
            [
                {"survey_id": survey.id, "customer_ref": f"C{n:07d}", "phone": f"+86138{n:08d}",
                 "time_zone": "Asia/Shanghai", "attributes": {}, "sampled": True, "do_not_contact": False,
                 "released_at": now, "created_at": now}
                for n in range(cases)
            ],
        )  # fmt: skip
        ids = session.scalars(select(Contact.id).where(Contact.survey_id == survey.id)).all()
        session.execute(
            insert(CatiCase.__table__),
            [
                {"survey_id": survey.id, "contact_id": contact_id, "status": "pending",
                 "priority": n % 3 == 0, "attempt_count": n % 4, "next_call_at": now - timedelta(minutes=n % 600),
                 "created_at": now}
                for n, contact_id in enumerate(ids)
            ],
        )  # fmt: skip
        case_ids = session.scalars(select(CatiCase.id).order_by(CatiCase.id)).all()
        session.execute(
            insert(Appointment.__table__),
            [
                {"case_id": case_id, "due_at": now - timedelta(minutes=5), "definite": True, "created_at": now}
                for case_id in case_ids[::200]
            ],
        )  # fmt: skip
        session.commit()
        return survey.id, [u.id for u in users]


def interviewer(url, survey_id, user_id, claims, think, results, barrier) -> None:
    """One interviewer in a process of its own (as app servers are), with one connection."""
    engine = make_engine(url, pool_size=1)
    rules = CallingRules.from_settings(ALWAYS_OPEN)
    latencies, claimed, error = [], [], None
    with Session(engine, expire_on_commit=False) as session:
        # Connect, and warm up as a serving app process is: one claim, taken back. A cold
        # process compiles its statements on its first claim (about 17 ms, under the write
        # lock); 50 fresh processes at once would measure that 50 times over, which a
        # server of a few worker processes pays once each after it starts.
        begin_write(session)
        claim_next_case(session, survey_id, user_id, rules)
        session.execute(update(CatiCase).where(CatiCase.id == 0).values(status="final"))
        session.rollback()
        barrier.wait()
        try:
            work(session, survey_id, user_id, claims, think, rules, latencies, claimed)
        except Exception as failure:  # reported, not lost: the run then counts as failed
            error = f"{type(failure).__name__}: {failure}"[:300]
    results.put((latencies, claimed, error))


def work(session, survey_id, user_id, claims, think, rules, latencies, claimed) -> None:
    """Claim, close, and claim again."""
    for _ in range(claims):
        if think:
            time.sleep(random.uniform(0, 2 * think))  # the call itself
        start = time.perf_counter()
        begin_write(session)
        case = claim_next_case(session, survey_id, user_id, rules)
        session.commit()
        latencies.append(time.perf_counter() - start)
        if case is None:
            continue
        claimed.append(case.id)
        begin_write(session)
        session.execute(  # the call's outcome closes the case and ends the claim
            update(CatiCase)
            .where(CatiCase.id == case.id)
            .values(status="final", final_disposition="1.1", claimed_by=None, claimed_at=None)
        )
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--interviewers", type=int, default=50)
    parser.add_argument("--claims", type=int, default=40, help="claims per interviewer")
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds between claims")
    parser.add_argument("--database", help="a PostgreSQL URL (its public schema is reset)")
    options = parser.parse_args()
    if options.database:
        url = options.database
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        backend = "PostgreSQL"
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='survey-claims-')) / 'bench.sqlite3'}"
        engine = make_engine(url)
        backend = "SQLite"
    schema.upgrade(engine)
    started = time.perf_counter()
    survey_id, users = fill(engine, options.cases, options.interviewers)
    if options.database:  # as a live database would have: the planner's statistics
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    print(f"{backend}: {options.cases:,} cases filled in {time.perf_counter() - started:.1f} s")
    engine.dispose()
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(users) + 1), context.Queue()
    processes = [
        context.Process(
            target=interviewer,
            args=(url, survey_id, user, options.claims, options.think, results, barrier),
        )
        for user in users
    ]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    latencies, claimed, errors = [], [], []
    for _ in processes:
        times, cases, error = results.get()
        latencies += times
        claimed += cases
        errors += [error] if error else []
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    doubles = sum(count - 1 for count in Counter(claimed).values() if count > 1)
    ms = sorted(1000 * x for x in latencies)
    print(
        f"| {backend} | {options.think:g} | {len(users)} | {len(claimed):,} | {statistics.median(ms):.0f} | "
        f"{ms[int(0.95 * len(ms))]:.0f} | {ms[int(0.99 * len(ms))]:.0f} | "
        f"{len(claimed) / elapsed:.0f} | {doubles} |"
    )
    with engine.connect() as connection:
        appointments_first = connection.scalar(
            select(CatiCase.id).where(CatiCase.status == "pending").order_by(CatiCase.id).limit(1)
        )
    for error in sorted(set(errors)):
        print(f"interviewer failed ({errors.count(error)}×): {error}")
    print(f"(first still pending case: {appointments_first}; claims that found nothing: "
          f"{len(latencies) - len(claimed)})")  # fmt: skip


if __name__ == "__main__":
    main()
