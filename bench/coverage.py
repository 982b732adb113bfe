"""A seeded Monte Carlo check of interval coverage under stratified sampling without replacement.

A synthetic bank population with four strata is sampled repeatedly (400 respondents); each
interval method's share of intervals that contain the population value is its coverage.
Domains cut across the strata and hold about 25, 40 or 60 of the sampled respondents; each
is estimated with the whole design's degrees of freedom (R's ``svyby``, `survey stats`'s
default) and with the domain's own (R on ``subset()``, `--domain-df domain`, what reports
and the API use). The test suite checks the defaults; run as a script, every method and
both df (the table in docs/statistics.md):

    .venv/bin/python -m bench.coverage [REPLICATIONS]
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

from survey.stats.design import SampleDesign
from survey.stats.estimate import own_df
from survey.stats.estimators import mean, nps, proportion
from survey.stats.intervals import MEAN_METHODS, PROPORTION_METHODS

STRATUM_SIZES = (20000, 10000, 5000, 2000)
SAMPLE_SIZES = (150, 100, 100, 50)
DF_CHOICES = ("design", "domain")


@dataclass(frozen=True)
class Scenario:
    name: str
    statistic: str  # prop, mean, nps
    share: float  # the target level: a proportion near 0.5 or 0.9
    domain_size: int | None = None  # expected sampled respondents in the domain; None: all


SCENARIOS = (
    Scenario("proportion ≈ 0.5, whole sample", "prop", 0.5),
    Scenario("proportion ≈ 0.9, whole sample", "prop", 0.9),
    Scenario("mean of a 1–5 score, whole sample", "mean", 0.5),
    Scenario("NPS, whole sample", "nps", 0.5),
    *(
        Scenario(f"{label}, domain of ≈{size}", statistic, share, size)
        for size in (25, 40, 60)
        for label, statistic, share in (
            ("proportion ≈ 0.5", "prop", 0.5),
            ("proportion ≈ 0.9", "prop", 0.9),
            ("mean of a 1–5 score", "mean", 0.5),
            ("NPS", "nps", 0.5),
        )
    ),
)


def population(share: float, domain_share: float, seed: int = 1):
    """Stratum, a domain flag (``domain_share`` of each stratum's customers, so a domain
    cuts across strata), a 0/1 outcome, a skewed 1–5 score and a 0–10 NPS answer."""
    rng = np.random.default_rng(seed)
    stratum = np.repeat(np.arange(4), STRATUM_SIZES)
    n = len(stratum)
    domain = rng.uniform(size=n) < domain_share
    tilt = np.array([-0.05, 0.0, 0.03, 0.06])[stratum]
    outcome = (rng.uniform(size=n) < np.clip(share + tilt, 0.01, 0.99)).astype(float)
    score = np.clip(np.round(rng.normal(3.9 + tilt * 5, 1.0, n)), 1, 5)
    answer = np.clip(np.round(rng.normal(7.5 + tilt * 10, 2.0, n)), 0, 10)
    return stratum, domain, outcome, score, answer


def coverage(
    scenario: Scenario,
    methods: tuple[str, ...],
    replications: int,
    seed: int = 2026,
    confidence_level: float = 0.95,
    domain_df: str = "domain",
) -> dict[str, float]:
    """The share of intervals covering the population value, per method."""
    sample = sum(SAMPLE_SIZES)
    domain_share = (scenario.domain_size or sample) / sample
    stratum, domain, outcome, score, answer = population(scenario.share, domain_share)
    values = {"prop": outcome, "mean": score, "nps": answer}[scenario.statistic]
    in_domain = domain if scenario.domain_size else np.ones(len(stratum), dtype=bool)
    if scenario.statistic == "nps":
        truth = 100 * (np.mean(answer[in_domain] >= 9) - np.mean(answer[in_domain] <= 6))
    else:
        truth = float(values[in_domain].mean())
    estimator = {"prop": proportion, "mean": mean, "nps": nps}[scenario.statistic]
    rng = np.random.default_rng(seed)
    starts = np.concatenate([[0], np.cumsum(STRATUM_SIZES)[:-1]])
    hits = dict.fromkeys(methods, 0)
    done = 0
    for _ in range(replications):
        rows = np.concatenate(
            [
                start + rng.choice(size, n, replace=False)
                for start, size, n in zip(starts, STRATUM_SIZES, SAMPLE_SIZES, strict=True)
            ]
        )
        design = SampleDesign.build(
            len(rows), strata=[stratum[rows]], fpc=np.asarray(STRATUM_SIZES, float)[stratum[rows]]
        )
        sample_domain = in_domain[rows] if scenario.domain_size else None
        if sample_domain is not None and sample_domain.sum() < 2:
            continue
        estimate = estimator(design, values[rows], sample_domain)
        if domain_df == "domain":
            estimate = own_df(estimate)
        done += 1
        for method in methods:
            ci = estimate.confidence_interval(confidence_level, method)
            hits[method] += ci.low <= truth <= ci.high
    return {method: hits[method] / done for method in methods}


def main() -> None:
    replications = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    started = time.perf_counter()
    every = PROPORTION_METHODS + MEAN_METHODS
    print(f"| scenario | df | {' | '.join(every)} |")
    print("| --- | --- |" + " --- |" * len(every))
    for scenario in SCENARIOS:
        methods = every if scenario.statistic == "prop" else MEAN_METHODS
        for choice in DF_CHOICES if scenario.domain_size else ("design",):
            found = coverage(scenario, methods, replications, domain_df=choice)
            cells = [f"{found[m]:.1%}" if m in found else "" for m in every]
            print(f"| {scenario.name} | {choice} | {' | '.join(cells)} |")
    print(f"\n{replications} replications per scenario, {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
