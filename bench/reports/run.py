"""Benchmark: the report overview and a segment page over a survey of 1,000,000 responses.

Fills a fresh database (SQLite file, or a PostgreSQL database whose public schema it resets)
with one branch-counter survey of N complete responses over five strata and six months,
each with the answers the headline indices read (six answer rows a response), then serves
the pages in a separate process — the app as deployed, one process — and reports the
preparation of a bulk load (what `survey prepare-reports` does: the completes copied into
report_rows), then for each page the median and slowest of five requests after a warm-up,
and the process's peak resident memory (VmHWM) after start, after the preparation and after
the requests. Run from the repository root:

    .venv/bin/python bench/reports/run.py [--responses 1000000] [--database postgresql://…]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from survey.accounts.staff import create_user
from survey.cli import schema
from survey.database import make_engine
from survey.models import StratumPopulation, Survey
from survey.questionnaire import load_file
from survey.surveys.versions import store

ROOT = Path(__file__).parent.parent.parent
BRANCHES = {"SZ-001": 0.74, "SZ-002": 0.55, "GZ-001": 0.66, "SH-001": 0.70, "HK-001": 0.68}
TIERS = ["private", "wealth", "gold", "silver", "mass"]
# The answers the overview reads: overall (1–3), NPS (0–10) and the CSI's indicators.
SCALES = {"q_overall": 3, "q_competence": 3, "q_wait": 5, "q_env_clean": 5, "q_env_guidance": 5}
BATCH = 50_000
PAGES = {
    "overview": "/reports/bench/",
    "segments": "/reports/bench/segments?by=branch&measure=csat",
}


def fill(engine, responses: int) -> None:
    rng = np.random.default_rng(1)
    with Session(engine) as session:
        path = ROOT / "questionnaires" / "branch-counter.yaml"
        version = store(session, load_file(path), path.read_text(encoding="utf-8")).version
        survey = Survey(
            slug="bench",
            name="bench",
            questionnaire_version_id=version.id,
            status="open",
            modes=["web"],
        )
        session.add(survey)
        create_user(session, "manager", "bench-password-1", "manager")
        session.flush()
        for branch in BRANCHES:
            session.add(
                StratumPopulation(survey_id=survey.id, stratum=branch, population=responses * 40)
            )
        session.commit()
        survey_id, version_id = survey.id, version.id
    start = datetime(2026, 5, 1)  # naive UTC, as the database keeps instants
    names = list(BRANCHES)
    response_columns = (
        "id, survey_id, questionnaire_version_id, mode, status, language, attributes, stratum, "
        "random_seed, started_at, updated_at, completed_at, duration_seconds"
    )
    answer_columns = "response_id, survey_id, question_id, item, code, value_num, updated_at"
    connection = engine.raw_connection()
    try:
        for first in range(0, responses, BATCH):
            size = min(BATCH, responses - first)
            branch = rng.integers(0, len(names), size)
            base = np.array([BRANCHES[names[b]] for b in branch])
            latent = np.clip(base + rng.normal(0, 0.18, size), 0, 1)
            seconds = rng.integers(0, 180 * 86400, size)
            ids = range(first + 1, first + size + 1)
            rows = []
            for i, response_id in enumerate(ids):
                at = start + timedelta(seconds=int(seconds[i]))
                attributes = json.dumps(
                    {"branch": names[branch[i]], "tier": TIERS[i % 5], "channel": "counter"}
                )
                rows.append(
                    (response_id, survey_id, version_id, "web", "complete", "zh-Hans",
                     attributes, names[branch[i]], 0, at, at, at, 300)
                )  # fmt: skip
            answers = []
            for question, top in [*SCALES.items(), ("q_nps", 10)]:
                low = 0 if question == "q_nps" else 1
                noise = rng.normal(0, 0.12, size)
                values = np.clip(np.rint(low + (latent + noise) * (top - low)), low, top)
                answers += [
                    (response_id, survey_id, question, "", str(int(v)), float(v), rows[i][9])
                    for i, (response_id, v) in enumerate(zip(ids, values, strict=True))
                ]
            _write(connection, engine.dialect.name, "responses", response_columns, rows)
            _write(connection, engine.dialect.name, "answers", answer_columns, answers)
            connection.commit()
    finally:
        connection.close()
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                text("SELECT setval('responses_id_seq', (SELECT max(id) FROM responses))")
            )
    # What autovacuum does on a live server: statistics and the visibility map.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )


def _write(connection, dialect: str, table: str, columns: str, rows: list[tuple]) -> None:
    """Bulk rows: COPY on PostgreSQL, one prepared INSERT on SQLite."""
    cursor = connection.cursor()
    if dialect == "postgresql":
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns.split(","))
        statement = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (constants)
        cursor.executemany(statement, rows)
    cursor.close()


SERVE = r"""
import json, statistics, sys, time
from survey import create_app

def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1])

app = create_app({"SURVEY_DATABASE_URL": sys.argv[1], "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False, "WTF_CSRF_ENABLED": False})
client = app.test_client()
assert client.post("/login", data={"username": "manager", "password": "bench-password-1"}).status_code == 302
result = {"memory_before_kb": peak_kb()}
if sys.argv[3] == "first":
    from sqlalchemy import select
    from survey.analysis.facts import refresh_facts
    from survey.database import get_db
    from survey.models import Survey
    assert client.get("/reports/bench/").status_code == 503  # a bulk load: not prepared yet
    started = time.perf_counter()
    with app.app_context():  # as `survey prepare-reports bench` does
        session = get_db(app).session()
        result["prepared"] = refresh_facts(session, session.scalar(select(Survey).where(Survey.slug == "bench")))
    result["first_view_s"] = time.perf_counter() - started
    assert client.get("/reports/bench/").status_code == 200
for name, path in json.loads(sys.argv[2]).items() if sys.argv[3] == "pages" else ():
    assert client.get(path).status_code == 200
    times = []
    for _ in range(5):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    result[name] = {"median_s": statistics.median(times), "max_s": max(times)}
result["memory_peak_kb"] = peak_kb()
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument(
        "--database", help="PostgreSQL URL (its public schema is reset); default a SQLite file"
    )
    parser.add_argument(
        "--as-filled", action="store_true", help="serve --database as an earlier run left it"
    )
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    engine = make_engine(url)
    if not args.as_filled:
        if engine.dialect.name == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        schema.upgrade(engine)
        started = time.perf_counter()
        fill(engine, args.responses)
        print(f"filled {args.responses:,} responses in {time.perf_counter() - started:.0f} s")
        print(f"  database: {url}", flush=True)
    engine.dispose()
    first = _serve(url, "first")
    # What autovacuum does on a live server after the copy (statistics, visibility map).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        vacuum = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        connection.execute(text(f"{vacuum} report_rows"))
    engine.dispose()
    pages = _serve(url, "pages")
    print(f"{engine.dialect.name}, {args.responses:,} responses")
    print(
        f"  prepare-reports (copies {first['prepared']:,} completes into report_rows)"
        f" {first['first_view_s']:.1f} s; peak memory {first['memory_peak_kb'] / 1024:.0f} MB"
    )
    for name in PAGES:
        print(
            f"  {name:<9} median {pages[name]['median_s']:.3f} s, slowest {pages[name]['max_s']:.3f} s"
        )
    print(
        f"  peak memory {pages['memory_before_kb'] / 1024:.0f} MB after start, "
        f"{pages['memory_peak_kb'] / 1024:.0f} MB after the pages"
    )


def _serve(url: str, phase: str) -> dict:
    """Run the app in a process of its own for one phase (the preparation, or the pages)."""
    output = subprocess.run(  # noqa: S603 (this interpreter, this script)
        [sys.executable, "-c", SERVE, url, json.dumps(PAGES), phase],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
