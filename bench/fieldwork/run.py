"""Benchmark: import a 100,000-row sample frame and draw a stratified sample of 5,000.

Builds a seeded frame (40 strata of unequal size, Chinese and English headers' worth of
columns: reference, name, mobile, e-mail, language, branch, tier), then, each in a fresh
process of the real command line, times `survey sample import` and
`survey sample draw --size 5000` and records the process's peak resident memory. Run from
the repository root, on the embedded SQLite (a fresh file) or on a PostgreSQL database
whose public schema it resets:

    .venv/bin/python bench/fieldwork/run.py [ROWS] [--database postgresql://…]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SURVEY = str(Path(sys.executable).parent / "survey")


def make_frame(path: Path, rows: int, seed: int = 20261122) -> None:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 20, 40)
    stratum = rng.choice(40, rows, p=sizes / sizes.sum())
    tiers = np.array(["private", "wealth", "gold", "silver", "mass"])
    with open(path, "w", encoding="utf-8") as out:
        out.write("customer_ref,name,phone,email,language,stratum,branch,tier\n")
        for i in range(rows):
            email = f"c{i}@example.com" if i % 3 == 0 else ""
            out.write(
                f"C{i:08d},客户{i},138{i:08d},{email},zh-Hans,S{stratum[i]:02d},"
                f"B{stratum[i] % 25:02d},{tiers[i % 5]}\n"
            )


def timed(args: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB and the first line of output of one fresh process."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 (our own command)
            [SURVEY, *args], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        _pid, status, usage = os.wait4(process.pid, 0)  # this child's own peak, not the largest
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{output}")
    return seconds, usage.ru_maxrss / 1024, output.strip().splitlines()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--database", help="a PostgreSQL URL (its public schema is reset)")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="survey-bench-"))
    env = {**os.environ, "SURVEY_INSTANCE_PATH": str(work)}
    if options.database:
        from sqlalchemy import text

        from survey.database import make_engine

        engine = make_engine(options.database)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        env["SURVEY_DATABASE_URL"] = options.database
    frame = work / "frame.csv"
    make_frame(frame, options.rows)
    subprocess.run([SURVEY, "demo"], env=env, capture_output=True, check=True)  # noqa: S603
    slug = "annual-csi-" + time.strftime("%Y-%m")  # a demo survey without a sample yet
    backend = "PostgreSQL" if options.database else "SQLite"
    print(f"{backend}, {options.rows:,} rows ({frame.stat().st_size / 1e6:.1f} MB of CSV)")
    for label, args in (
        ("import", ["sample", "import", slug, str(frame)]),
        (
            "draw 5,000",
            ["sample", "draw", slug, "--size", "5000", "--seed", "1", "--minimum", "20"],
        ),
    ):
        seconds, peak, first_line = timed(args, env)
        print(f"| {backend} | {label} | {seconds:.2f} | {peak:.0f} | {first_line} |")


if __name__ == "__main__":
    main()
