"""Benchmark: `survey stats … --by branch` against R's svyby on a 1,000,000-row bank survey.

Builds a seeded stratified survey (40 strata labelled like "B07:gold", weights, fpc, 5 %
missing, 8 columns), then times, for a mean, a top-2-box share and an NPS, our command and
R's svyby — each reading the CSV itself, each in a fresh process — checks that the numbers
agree, and prints the times, the ratios and each process's peak memory. R's mean is timed
without design effects (the like-for-like comparison) and with them (what our command also
computes). Run from the repository root:

    .venv/bin/python bench/stats_vs_r/run.py [ROWS]
"""

from __future__ import annotations

import csv
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
SURVEY = str(Path(sys.executable).parent / "survey")
DESIGN = ["--strata", "stratum", "--weights", "weight", "--fpc", "population", "--by", "branch"]
STATS = {"mean": ("q_overall", "mean"), "prop": ("top2", "prop"), "nps": ("q_nps", "nps")}


def make_data(path: Path, rows: int, seed: int = 20261122) -> None:
    rng = np.random.default_rng(seed)
    strata = 40
    population = rng.integers(200_000, 2_000_000, strata)
    share = population / population.sum()
    stratum = rng.choice(strata, rows, p=share)
    branch = rng.integers(0, 25, rows)
    sampled = np.bincount(stratum, minlength=strata)
    weight = population[stratum] / sampled[stratum] * rng.uniform(0.8, 1.25, rows)
    base = 3.2 + 0.02 * stratum + 0.03 * (branch % 7)
    overall = np.clip(np.round(rng.normal(base, 1.0)), 1, 5)
    overall[rng.uniform(size=rows) < 0.05] = np.nan
    nps = np.clip(np.round(rng.normal(2 * base, 2.2)), 0, 10)
    nps[rng.uniform(size=rows) < 0.05] = np.nan
    top2 = np.where(np.isnan(overall), np.nan, (overall >= 4).astype(float))

    def cell(values):
        return ["" if np.isnan(v) else str(int(v)) for v in values]

    tiers = ("mass", "gold", "wealth")
    channel = rng.choice(["counter", "hotline", "app", "lobby"], rows)
    with open(path, "w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            ["stratum", "branch", "weight", "population", "q_overall", "top2", "q_nps", "channel"]
        )
        writer.writerows(
            zip(
                [f"B{s // 3:02d}:{tiers[s % 3]}" for s in stratum],
                [f"B{b:02d}" for b in branch],
                [f"{w:.6f}" for w in weight],
                population[stratum],
                cell(overall),
                cell(top2),
                cell(nps),
                channel,
                strict=True,
            )
        )


def timed(command: list[str]) -> tuple[float, float, str]:
    """Run a command in a fresh child: wall seconds, peak resident MB, standard output."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "out = subprocess.run(sys.argv[1:], check=True, capture_output=True, text=True).stdout\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
        "print(out, end='')\n"
    )
    output = subprocess.run(  # noqa: S603 (our own commands)
        [sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True
    ).stdout
    first, rest = output.split("\n", 1)
    seconds, megabytes = map(float, first.split())
    return seconds, megabytes, rest


def main(rows: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="stats-vs-r-"))
    data = work / "survey.csv"
    started = time.perf_counter()
    make_data(data, rows)
    print(
        f"data: {rows:,} rows, {data.stat().st_size / 1e6:.0f} MB, written in {time.perf_counter() - started:.0f} s"
    )
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}"
    )
    totals = {"ours": 0.0, "r": 0.0, "r_deff": 0.0}
    print(
        "| statistic | ours (s) | R svyby (s) | R ÷ ours | R svyby with deff (s) | R ÷ ours | "
        "ours peak MB | R peak MB | max rel. difference |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for stat, (var, kind) in STATS.items():
        ours_s, ours_mb, output = timed(
            [SURVEY, "stats", str(data), "--var", var, "--stat", kind, *DESIGN]
        )
        ours = {e["by"]["branch"]: e for e in json.loads(output)["estimates"]}
        r_out = work / f"r-{stat}.csv"
        r_s, r_mb, _ = timed(["Rscript", str(HERE / "svyby.R"), str(data), stat, str(r_out)])
        # Only the mean has design effects to add (R's svyciprop has none; NPS is timed
        # without, as the mean is): the NPS and share rows repeat the like-for-like time.
        r_deff = (
            timed(["Rscript", str(HERE / "svyby.R"), str(data), stat, str(r_out), "deff"])[0]
            if stat == "mean"
            else r_s
        )
        differences = []
        with open(r_out) as stream:
            for row in csv.DictReader(stream):
                mine = ours[row["branch"]]
                for key in ("estimate", "se", "ci_low", "ci_high"):
                    differences.append(abs(mine[key] - float(row[key])) / abs(float(row[key])))
        totals["ours"] += ours_s
        totals["r"] += r_s
        totals["r_deff"] += r_deff
        print(
            f"| {stat} of {var} by branch | {ours_s:.2f} | {r_s:.2f} | {r_s / ours_s:.1f}× | "
            f"{r_deff:.2f} | {r_deff / ours_s:.1f}× | {ours_mb:.0f} | {r_mb:.0f} | "
            f"{max(differences):.1e} |"
        )
    print(
        f"| all three | {totals['ours']:.2f} | {totals['r']:.2f} | "
        f"{totals['r'] / totals['ours']:.1f}× | {totals['r_deff']:.2f} | "
        f"{totals['r_deff'] / totals['ours']:.1f}× | | | |"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
