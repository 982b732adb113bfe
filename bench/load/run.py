"""Load benchmark: customers completing the branch-counter survey through gunicorn.

The app runs under gunicorn as the README runs it in production (``--workers 2``: two sync
worker processes; ``--workers N --threads T`` for other shapes) on a fresh database: an
SQLite file, or a PostgreSQL database whose public schema is reset. Respondents
(bench/respondents.py: a keep-alive connection where the server keeps it, cookies, GET the
page, POST its answers with the CSRF token, follow the redirect) run in load-generator
processes on the same machine, over loopback, at each concurrency level in turn. Each
respondent completes survey after survey with fresh personal links. Beside each level,
the same number of clients ask the trivial endpoint (/healthz, one `SELECT 1`): the
server's bare ceiling on this machine.

    .venv/bin/python bench/load/run.py [--database postgresql://…] [--levels 1,10,50,200]
        [--seconds 20] [--workers 2] [--threads 1]

Crash run (`--crash`): at one level, the server's processes are killed with SIGKILL half-way
(and with `--pg-data DIR`, PostgreSQL is restarted in immediate mode, which is a crash for
the database: recovery replays its WAL); a new server starts; respondents retry and carry
on. Afterwards every page the server acknowledged must be stored, no response or answer
doubled or orphaned, and every respondent caught half-way must have resumed on the page
after the last one acknowledged.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.respondents import ANSWERS, Respondent, ServerGone, ceiling_request  # noqa: E402
from bench.servers import kill_hard, start_gunicorn, stop  # noqa: E402
from survey.cli import schema  # noqa: E402
from survey.database import make_engine  # noqa: E402
from survey.models import Answer, Invitation, Response, Survey  # noqa: E402
from survey.questionnaire import load_file  # noqa: E402
from survey.responses.invitations import invite_many  # noqa: E402
from survey.security import hash_token  # noqa: E402
from survey.surveys.versions import store  # noqa: E402

GENERATORS = 2  # load-generator processes (threads inside), so the client is not GIL-bound


def prepare(url: str, links: int) -> list[str]:
    """A fresh database with the branch survey open on the web and ``links`` personal links."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    schema.upgrade(engine)
    with Session(engine) as session:
        path = ROOT / "questionnaires" / "branch-counter.yaml"
        version = store(session, load_file(path), path.read_text(encoding="utf-8")).version
        survey = Survey(
            slug="load", name="load", questionnaire_version_id=version.id, status="open",
            modes=["web"],
        )  # fmt: skip
        session.add(survey)
        session.flush()
        tokens = invite_many(session, survey, links)
        session.commit()
    engine.dispose()
    return tokens


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _respond(port, tokens, until, results):
    """One respondent thread: complete surveys with fresh links until ``until``."""
    while time.monotonic() < until and tokens:
        respondent = Respondent("127.0.0.1", port, tokens.pop())
        finished = respondent.complete(until + 60)  # a survey begun is finished
        respondent.close()
        results.append(
            {
                "token": respondent.token,
                "finished": finished,
                "finished_at": time.monotonic(),
                "acknowledged": respondent.acknowledged,
                "resumed_correctly": respondent.resumed_correctly(),
                "requests": respondent.timings.page + respondent.timings.answer,
                "failures": respondent.timings.failures,
            }
        )


def _ceiling(port, until, results):
    connection, latencies = None, []
    while time.monotonic() < until:
        try:
            seconds, connection = ceiling_request("127.0.0.1", port, connection)
            latencies.append(seconds)
        except (OSError, ServerGone):
            connection = None
    results.append({"requests": latencies})


def generator(kind, port, threads, seconds, tokens, queue):
    """A load-generator process: ``threads`` clients of one kind for ``seconds``."""
    until = time.monotonic() + seconds
    results, pool = [], []
    for n in range(threads):
        if kind == "survey":
            share = tokens[n::threads]
            target, arguments = _respond, (port, share, until, results)
        else:
            target, arguments = _ceiling, (port, until, results)
        pool.append(threading.Thread(target=target, args=arguments))
    started = time.monotonic()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    queue.put({"results": results, "window": (started, until)})


def links_needed(level: int, seconds: float) -> int:
    """Enough fresh links for ``level`` respondents for ``seconds`` (at most about 150
    completions a second on this machine, and a few each however slow)."""
    return int(seconds * 150) + 5 * level


def drive(kind, port, level, seconds, tokens) -> list[dict]:
    """Run ``level`` clients across the generator processes; return their results."""
    queue = multiprocessing.Queue()
    processes = []
    per = [level // GENERATORS + (1 if i < level % GENERATORS else 0) for i in range(GENERATORS)]
    each = links_needed(level, seconds) // level if kind == "survey" else 0
    offset = 0
    for threads in filter(None, per):
        share = tokens[offset : offset + threads * each]
        offset += threads * each
        process = multiprocessing.Process(
            target=generator, args=(kind, port, threads, seconds, share, queue)
        )
        process.start()
        processes.append(process)
    outputs = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    del tokens[:offset]
    return [result for output in outputs for result in output["results"]]


def level_row(port, level, seconds, tokens) -> dict:
    ceiling = drive("ceiling", port, level, seconds / 2, tokens)
    bare = [s for r in ceiling for s in r["requests"]]
    respondents = drive("survey", port, level, seconds, tokens)
    requests = [s for r in respondents for s in r["requests"]]
    done = sum(r["finished"] for r in respondents)
    return {
        "level": level,
        "completions_per_s": done / seconds,
        "requests_per_s": len(requests) / seconds,
        "p50": percentile(requests, 0.50),
        "p95": percentile(requests, 0.95),
        "p99": percentile(requests, 0.99),
        "ceiling_per_s": len(bare) / (seconds / 2),
        "ceiling_p50": percentile(bare, 0.50),
        "ceiling_p99": percentile(bare, 0.99),
    }


def print_row(row: dict) -> None:
    ms = {k: row[k] * 1000 for k in ("p50", "p95", "p99", "ceiling_p50", "ceiling_p99")}
    print(
        f"| {row['level']} | {row['completions_per_s']:.1f} | {row['requests_per_s']:.0f} | "
        f"{ms['p50']:.1f} | {ms['p95']:.0f} | {ms['p99']:.0f} | {row['ceiling_per_s']:.0f} | "
        f"{ms['ceiling_p50']:.1f} | {ms['ceiling_p99']:.0f} | "
        f"{row['p50'] / row['ceiling_p50']:.2f}× | "
        f"{row['requests_per_s'] / row['ceiling_per_s']:.2f} |",
        flush=True,
    )


def restart_postgres(pg_data: str) -> None:
    """Stop PostgreSQL in immediate mode (no checkpoint: a crash for the database) and start
    it again with its previous options; it replays its WAL before accepting connections."""
    pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    command = [*as_postgres, str(pg_ctl), "-D", pg_data, "-m", "immediate", "-w", "restart"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def crash_run(url, server, port, level, seconds, tokens, pg_data, shape):
    """Kill the server half-way through a run at ``level``; check what was stored."""
    outcome = {}

    def crash():
        time.sleep(seconds / 2)
        outcome["killed_at"] = time.monotonic()
        kill_hard(server)
        if pg_data:
            restart_postgres(pg_data)
        outcome["server"] = start_gunicorn(url, port=port, **shape)[0]
        outcome["back_at"] = time.monotonic()

    crasher = threading.Thread(target=crash)
    crasher.start()
    respondents = drive("survey", port, level, seconds, tokens)
    crasher.join()
    outcome["respondents"] = respondents
    return outcome


def check_integrity(url: str, respondents: list[dict]) -> dict:
    """What the database holds against what the server acknowledged."""
    engine = make_engine(url)
    with Session(engine) as session:
        by_token = dict(
            session.execute(
                select(Invitation.token_hash, Response.id).join(
                    Response, Response.invitation_id == Invitation.id
                )
            ).all()
        )
        stored = {}
        for response_id, question, code in session.execute(
            select(Answer.response_id, Answer.question_id, Answer.code)
        ):
            stored.setdefault(response_id, {})[question] = code
        doubled_responses = session.scalar(
            select(func.count()).select_from(
                select(Response.invitation_id)
                .group_by(Response.invitation_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        doubled_answers = session.scalar(
            select(func.count()).select_from(
                select(Answer.response_id, Answer.question_id, Answer.item)
                .group_by(Answer.response_id, Answer.question_id, Answer.item)
                .having(func.count() > 1)
                .subquery()
            )
        )
        orphans = session.scalar(
            select(func.count())
            .select_from(Answer)
            .outerjoin(Response, Response.id == Answer.response_id)
            .where(Response.id.is_(None))
        )
    engine.dispose()
    lost, resumed_wrong = 0, 0
    for r in respondents:
        answers = stored.get(by_token.get(hash_token(r["token"])), {})
        for page in r["acknowledged"]:
            wanted = {q: c for q, c in ANSWERS.get(page, {}).items() if q != "q_comment"}
            missing = hash_token(r["token"]) not in by_token
            if missing or any(answers.get(q) != c for q, c in wanted.items()):
                lost += 1
        resumed_wrong += not r["resumed_correctly"]
    return {
        "acknowledged pages": sum(len(r["acknowledged"]) for r in respondents),
        "acknowledged pages lost": lost,
        "respondents who met the crash": sum(1 for r in respondents if r["failures"]),
        "of them resumed on a wrong page": resumed_wrong,
        "respondents who did not finish": sum(1 for r in respondents if not r["finished"]),
        "responses doubled": doubled_responses,
        "answers doubled": doubled_answers,
        "answers orphaned": orphans,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a PostgreSQL URL (default: a new SQLite file)")
    parser.add_argument("--levels", default="1,10,50,200")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (1: gunicorn's sync worker)"
    )
    parser.add_argument("--crash", action="store_true", help="the crash run instead")
    parser.add_argument("--crash-level", type=int, default=50)
    parser.add_argument("--pg-data", help="PostgreSQL's data folder, to restart it in the crash")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="survey-load-")
    url = args.database or f"sqlite:///{folder}/load.sqlite3"
    levels = [int(n) for n in args.levels.split(",")]
    levels = [args.crash_level] if args.crash else levels
    links = sum(links_needed(level, args.seconds) for level in levels) + 100
    started = time.monotonic()
    tokens = prepare(url, links)
    print(f"# {len(tokens)} links ready in {time.monotonic() - started:.0f} s", flush=True)
    os.environ.setdefault("SECRET_KEY", "load-benchmark-only")
    os.environ["SURVEY_INSTANCE_PATH"] = folder
    shape = {"workers": args.workers, "threads": args.threads}
    server, base = start_gunicorn(url, **shape)
    port = int(base.rsplit(":", 1)[1])
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {engine_name(url)}, gunicorn "
          f"--workers {args.workers}" + (f" --threads {args.threads}" if args.threads > 1 else ""))  # fmt: skip
    try:
        if args.crash:
            outcome = crash_run(
                url, server, port, args.crash_level, args.seconds, tokens, args.pg_data, shape
            )
            server = outcome["server"]
            respondents = outcome["respondents"]
            print(f"server down for {outcome['back_at'] - outcome['killed_at']:.1f} s "
                  f"(kill, {'database restart, ' if args.pg_data else ''}new server)")  # fmt: skip
            print(f"requests that met no server and were retried: "
                  f"{sum(r['failures'] for r in respondents)}")  # fmt: skip
            for name, value in check_integrity(url, respondents).items():
                print(f"{name}: {value}")
            return
        print("| concurrent | completions/s | requests/s | p50 ms | p95 ms | p99 ms | "
              "ceiling req/s | ceiling p50 ms | ceiling p99 ms | p50 ÷ ceiling | "
              "req/s ÷ ceiling |")  # fmt: skip
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for level in levels:
            print_row(level_row(port, level, args.seconds, tokens))
    finally:
        stop(server)


def engine_name(url: str) -> str:
    if url.startswith("sqlite"):
        return "SQLite (WAL, synchronous=NORMAL)"
    engine = make_engine(url)
    with engine.connect() as connection:
        version = connection.execute(text("SHOW server_version")).scalar()
        commit = connection.execute(text("SHOW synchronous_commit")).scalar()
        fsync = connection.execute(text("SHOW fsync")).scalar()
    engine.dispose()
    return f"PostgreSQL {version} (fsync={fsync}, synchronous_commit={commit})"


if __name__ == "__main__":
    main()
