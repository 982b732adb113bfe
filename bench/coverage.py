"""Coverage of every interval method by Monte Carlo (the table in docs/statistics.md).

Run: .venv/bin/python bench/coverage.py [REPLICATIONS]
"""

import sys
import time

from survey.stats.coverage import SCENARIOS, coverage
from survey.stats.intervals import MEAN_METHODS, PROPORTION_METHODS

replications = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
started = time.perf_counter()
print(f"| scenario | {' | '.join(PROPORTION_METHODS + MEAN_METHODS)} |")
print("| --- |" + " --- |" * (len(PROPORTION_METHODS) + len(MEAN_METHODS)))
for scenario in SCENARIOS:
    methods = PROPORTION_METHODS + MEAN_METHODS if scenario.statistic == "prop" else MEAN_METHODS
    found = coverage(scenario, methods, replications)
    cells = [f"{found[m]:.1%}" if m in found else "" for m in PROPORTION_METHODS + MEAN_METHODS]
    print(f"| {scenario.name} | {' | '.join(cells)} |")
print(f"\n{replications} replications per scenario, {time.perf_counter() - started:.0f} s")
